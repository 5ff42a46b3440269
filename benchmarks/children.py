"""The measured children of the benchmark: our pipeline, and explore() + save as the baseline.

    python -m benchmarks.children pipeline --catalogue C --dest D [--frame-out F] [--jobs N]
    python -m benchmarks.children explore --frame F --dest D.html

Each prints its result as JSON on one line (:data:`benchmarks.measure.RESULT_MARK`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.measure import emit, timed, timed_step, vm_hwm_mb


def child_pipeline(catalogue: Path, dest: Path, frame_out: Path | None,
                   jobs: int) -> dict[str, Any]:
    """Our pipeline on one catalogue, as ``build_maps.py`` runs it, each stage timed.

    Imports first, off the clock. ``validate``: load and check; ``atlas``: the sea legs
    searched (all at once, in worker processes when there are many) and the Atlas built;
    ``outputs``: pages and exports written side by side by ``jobs`` workers (``pages`` and
    ``exports`` are then each kind's own time, summed over its steps, and ``outputs`` the
    wall time of all). The largest process's peak RSS is read inside the processes before
    the frame for the baseline is made and pickled (off the clock, and not counted).
    """
    t0 = time.perf_counter()
    import folium  # noqa: F401  (what the stages import lazily, loaded before the clock)
    import geopandas  # noqa: F401
    import orjson  # noqa: F401
    import pyogrio  # noqa: F401
    import pyproj  # noqa: F401
    import shapely  # noqa: F401

    from trafficking_route_mapper.build_maps import paused_gc
    from trafficking_route_mapper.geodata import columns as C
    from trafficking_route_mapper.geodata import parallel
    from trafficking_route_mapper.geodata.assemble import build_atlas
    from trafficking_route_mapper.geodata.atlas import Point
    from trafficking_route_mapper.geodata.legs import sea_requests
    from trafficking_route_mapper.geodata.resolve import validate
    from trafficking_route_mapper.geodata.seaways import SeaRouter
    from trafficking_route_mapper.maps import export, pages
    from trafficking_route_mapper.maps.outputs import output_steps

    imports = time.perf_counter() - t0
    stages: dict[str, float] = {}
    sea = {"seconds": 0.0, "legs": 0}

    class TimedRouter(SeaRouter):
        def path(self, start: Point, end: Point) -> list[Point]:
            s0 = time.perf_counter()
            try:
                return super().path(start, end)
            finally:
                sea["seconds"] += time.perf_counter() - s0
                sea["legs"] += 1

    router = TimedRouter()
    dest.mkdir(parents=True, exist_ok=True)
    with paused_gc():  # as build_maps.py runs them
        with timed(stages, "validate"):
            resolved = validate([catalogue])
        with timed(stages, "atlas"):
            s0 = time.perf_counter()
            router.prefetch(sea_requests(resolved), jobs)
            sea["seconds"] += time.perf_counter() - s0
            atlas = build_atlas(resolved, router)
        del resolved
        with timed(stages, "outputs"):
            named = output_steps(atlas, dest, offline=False, static=False, jobs=jobs)
            steps = parallel.run([timed_step(step) for _, step in named], jobs)
    for kind in ("exports", "pages"):  # each kind's own time, summed over its steps
        stages[kind] = sum(t["seconds"] for (k, _), t in zip(named, steps, strict=True)
                           if k == kind)
    page_files = [dest / pages.INDEX, *sorted((dest / "commodity").glob("*.html"))]
    own = vm_hwm_mb() or 0.0
    workers_peak: dict[int, float] = {}
    for step in steps:
        if step["pid"] != os.getpid():
            workers_peak[step["pid"]] = max(workers_peak.get(step["pid"], 0.0), step["vm_hwm_mb"])
    legs = atlas.leg_table
    drawn_routes = int(legs[legs[C.LEG_DRAWN]][C.ROUTE_ID].nunique())
    result = {
        "imports": imports,
        "jobs": jobs,
        "stages": stages,
        "pipeline": sum(stages[k] for k in ("validate", "atlas", "outputs")),
        "rss_sum_mb": own + sum(workers_peak.values()),
        "rss_workers_max_mb": max(workers_peak.values(), default=0.0),
        "rss_parent_mb": own,
        "sea_seconds": sea["seconds"],
        "sea_legs": sea["legs"],
        "vm_hwm_mb": own,
        "largest_process_mb": max(own, *workers_peak.values()) if workers_peak else own,
        "routes": len(atlas.route_table),
        "drawn": drawn_routes,
        "commodities": int(atlas.route_table[C.COMMODITY].nunique()),
        "points": len(atlas.coords),
        "html_bytes": (dest / pages.INDEX).stat().st_size,
        "html_total_bytes": sum(p.stat().st_size for p in page_files),
        "geojson_bytes": (dest / export.ROUTES_GEOJSON).stat().st_size,
    }
    if frame_out is not None:  # after the measurement: the baseline's input
        frame = atlas.routes
        frame.to_pickle(frame_out)
    return result


def _stub_mapclassify() -> None:
    """Let ``explore()`` import ``mapclassify`` without installing it (see the module docstring)."""
    import types

    stub = types.ModuleType("mapclassify")

    def classify(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the benchmark's mapclassify stub was called: explore() classified")

    stub.classify = classify  # type: ignore[attr-defined]
    sys.modules.setdefault("mapclassify", stub)


def child_explore(frame_pickle: Path, dest: Path) -> dict[str, Any]:
    """``explore()`` + save on the pipeline's frame; imports and unpickling off the clock."""
    t0 = time.perf_counter()
    import branca  # noqa: F401
    import folium  # noqa: F401
    import geopandas  # noqa: F401
    import matplotlib.pyplot  # noqa: F401  (explore imports it)
    import pandas as pd

    from trafficking_route_mapper.geodata import columns as C

    _stub_mapclassify()
    imports = time.perf_counter() - t0
    t1 = time.perf_counter()
    frame = pd.read_pickle(frame_pickle)
    load = time.perf_counter() - t1
    dest.parent.mkdir(parents=True, exist_ok=True)
    t2 = time.perf_counter()
    fmap = frame.explore(column=C.COMMODITY, categorical=True,
                         tooltip=[C.ROUTE_ID, C.LABEL, C.PATH])
    t3 = time.perf_counter()
    fmap.save(str(dest))
    t4 = time.perf_counter()
    return {"imports": imports, "load": load, "explore": t3 - t2, "save": t4 - t3,
            "explore_save": t4 - t2, "vm_hwm_mb": vm_hwm_mb(),
            "html_bytes": dest.stat().st_size}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.children")
    parser.add_argument("which", choices=("pipeline", "explore"))
    parser.add_argument("--catalogue", type=Path)
    parser.add_argument("--dest", type=Path, required=True)
    parser.add_argument("--frame", type=Path)
    parser.add_argument("--frame-out", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    if args.which == "pipeline":
        emit(child_pipeline(args.catalogue, args.dest, args.frame_out, args.jobs))
    else:
        emit(child_explore(args.frame, args.dest))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
