"""Atlas-scale benchmark: our pipeline against ``GeoDataFrame.explore()`` + save, side by side.

Not a test: it prints figures and writes them as JSON; nothing is asserted. Run from the
repository root (``make bench`` runs it with ``ARGS``)::

    .venv/bin/python benchmarks/run.py        # both shapes, 1,000 / 10,000 / 30,000 routes
    .venv/bin/python benchmarks/run.py --shapes heavy --sizes 10000 --repeat 1 --no-browser

What one run measures, and how:

* **Synthetic catalogues** of N routes (:mod:`benchmarks.synthetic`, seeded) in two shapes:
  ``light`` (2-5 stages, 2% sea legs, mostly between ports of the built-in table) and
  ``heavy`` (2-6 stages, a quarter of stages regions, 10% sea legs between 250 declared ports
  outside the table, a third of stages from a pool of 40 places, so many shared legs).
* **Our pipeline** (:mod:`benchmarks.children`), in a fresh interpreter per measurement, run
  as ``build_maps.py`` runs it, with ``--jobs`` worker processes (default: one per CPU) and
  the garbage collector paused as ``build_maps.py`` pauses it. Library imports happen before
  the clock and are reported apart. Memory: the peak RSS of the largest process of the build
  (the parent or a worker, read in each before the baseline's frame is made).
* **The baseline**, in its own fresh interpreter, on the very rows the pipeline built (the
  Atlas's routes as a GeoDataFrame, pickled after the pipeline's clock stopped):
  ``explore(column="commodity", categorical=True, tooltip=[route_id, label, path])`` and
  ``Map.save``, with ``mapclassify`` stubbed (``explore()`` imports it but only classification
  calls it). The two alternate run by run.
* **Sea legs in one process**: the largest heavy catalogue again with ``--jobs 1``, for the
  share of the build that sea-lane searches take.
* **Chromium** (:mod:`benchmarks.browser`) on the overview of every shape at 10,000 and 30,000
  routes (or the largest size measured).
* **Whole processes**: ``python -c "import geopandas, folium"`` (the yardstick),
  ``build_maps.py --help``, the built-in build without PNGs and the default build (PNGs
  included), interleaved.

Every figure is the median of ``--repeat`` runs. Results are printed as tables, with every
target marked PASS or FAIL (:mod:`benchmarks.report`), and written to ``<out>/results.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a file: make benchmarks/ importable as a package
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.measure import (  # noqa: E402
    Measured,
    child_cmd,
    child_result,
    median_result,
    run_measured,
)
from benchmarks.report import format_report, targets  # noqa: E402

log = logging.getLogger("benchmarks.run")

DEFAULT_SIZES = (1000, 10000, 30000)
DEFAULT_SHAPES = ("light", "heavy")
DEFAULT_SEED = 20240611
#: Sizes whose overview is opened in Chromium (or the largest measured, if none of these).
BROWSER_SIZES = (10_000, 30_000)


def measure_size(shape: str, n: int, seed: int, repeat: int, out: Path,
                 jobs: int) -> dict[str, Any]:
    """Generate the catalogue, then run pipeline and baseline ``repeat`` times each."""
    from benchmarks.synthetic import write_catalogue

    folder = out / shape / f"n{n}"
    t0 = time.perf_counter()
    catalogue = write_catalogue(folder / f"synthetic-{shape}-{n}.yaml", n, seed, shape)
    generated = time.perf_counter() - t0
    frame_pickle = folder / "frame.pkl"
    pipeline_runs: list[dict[str, Any]] = []
    explore_runs: list[dict[str, Any]] = []
    for r in range(repeat):
        pipeline_runs.append(pipeline(catalogue, folder / "maps", jobs,
                                      frame_pickle if r == 0 else None))
        log.info("%s N=%d run %d: pipeline %.2f s", shape, n, r + 1,
                 pipeline_runs[-1]["pipeline"])
        measured = run_measured(child_cmd("explore", "--frame", str(frame_pickle),
                                          "--dest", str(folder / "explore.html")))
        explore_runs.append(child_result(measured, f"explore at N={n}"))
        log.info("%s N=%d run %d: explore+save %.2f s", shape, n, r + 1,
                 explore_runs[-1]["explore_save"])
    return {"n": n, "catalogue": str(catalogue), "catalogue_bytes": catalogue.stat().st_size,
            "generate_s": generated, "maps": str(folder / "maps"),
            "pipeline": median_result(pipeline_runs), "explore": median_result(explore_runs)}


def pipeline(catalogue: Path, dest: Path, jobs: int, frame_out: Path | None) -> dict[str, Any]:
    shutil.rmtree(dest, ignore_errors=True)
    extra = ["--frame-out", str(frame_out)] if frame_out is not None else []
    measured = run_measured(child_cmd("pipeline", "--catalogue", str(catalogue), "--dest",
                                      str(dest), "--jobs", str(jobs), *extra))
    return child_result(measured, f"pipeline on {catalogue.name}")


def process_part(out: Path, repeat: int) -> dict[str, Any]:
    """Median wall time and peak RSS of the import yardstick, --help and the built-in builds:
    cold (no geometry cache, no previous output: every PNG drawn) and again (the cache warm,
    the previous output's PNGs unchanged)."""
    py = sys.executable
    cache = ["--cache", str(out / "geometry-cache")]
    commands = {
        "import": [py, "-c", "import geopandas, folium"],
        "help": [py, "build_maps.py", "--help"],
        "builtin_maps": [py, "build_maps.py", "-q", "--no-static", "--no-cache",
                         "-o", str(out / "builtin-maps")],
        "builtin_all": [py, "build_maps.py", "-q", "--no-cache", "-o", str(out / "builtin-all")],
        "builtin_maps_again": [py, "build_maps.py", "-q", "--no-static", *cache,
                               "-o", str(out / "builtin-maps-again")],
        "builtin_all_again": [py, "build_maps.py", "-q", *cache,
                              "-o", str(out / "builtin-all-again")],
    }
    cold = {"builtin_maps", "builtin_all"}
    samples: dict[str, list[Measured]] = {name: [] for name in commands}
    run_measured([py, "-c", "import geopandas, folium"])  # warm the file cache once
    for name in ("builtin_maps_again", "builtin_all_again"):  # the previous output and cache
        run_measured(commands[name])
    for _ in range(repeat):
        for name, cmd in commands.items():
            if name in cold:
                shutil.rmtree(cmd[-1], ignore_errors=True)
            measured = run_measured(cmd)
            if measured.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd)} failed:\n{measured.stderr[-3000:]}")
            samples[name].append(measured)
    return {name: {"seconds": statistics.median(m.seconds for m in runs),
                   "peak_rss_mb": statistics.median(m.peak_rss_mb for m in runs),
                   "samples": [m.seconds for m in runs]}
            for name, runs in samples.items()}


def _largest_commodity_and_routes(catalogue: Path) -> tuple[str, list[tuple[str, str]]]:
    """The commodity with the most routes and every drawn route's (id, label)."""
    from trafficking_route_mapper.geodata.resolve import validate

    resolved = validate([catalogue])
    counts = Counter(c for rr in resolved for c in rr.route.commodity_ids)
    drawn = [(rr.route.id, rr.route.label) for rr in resolved
             if sum(bool(s.places) for s in rr.stages) >= 2]
    return counts.most_common(1)[0][0], sorted(drawn)


def _git_state() -> dict[str, Any]:
    """Read-only: the commit and the files that differ from it (recorded at start and end, so
    that a tree edited during the run shows)."""
    git: dict[str, Any] = {}
    try:
        git["head"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, text=True,
                                     capture_output=True, check=False).stdout.strip()
        git["dirty"] = subprocess.run(["git", "status", "--porcelain"], cwd=REPO_ROOT, text=True,
                                      capture_output=True, check=False).stdout.splitlines()
    except OSError:
        pass
    return git


def _environment() -> dict[str, Any]:
    from importlib import metadata

    versions: dict[str, str | None] = {}
    for dist in ("geopandas", "folium", "branca", "shapely", "pyproj", "pandas", "numpy",
                 "pydantic", "orjson", "searoute", "scipy", "playwright"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {"versions": versions, "git": _git_state(), "platform": platform.platform(),
            "cpu": _cpu_model(), "load_average": _load_average()}


def _cpu_model() -> str | None:
    """The CPU's model name (Linux), so that runs on different machines are told apart: the
    absolute targets (seconds) depend on it, the ratios to explore() much less."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages as the run starts (a busy machine slows it)."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description="Time the pipeline against GeoDataFrame.explore() on synthetic catalogues.")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated route counts (default: %(default)s)")
    parser.add_argument("--shapes", default=",".join(DEFAULT_SHAPES),
                        help="comma-separated catalogue shapes (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per measurement; the median is reported (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for catalogues, maps and results.json (default: a temp dir)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium part")
    parser.add_argument("--no-process", action="store_true",
                        help="skip the whole-process timings of the built-in build")
    parser.add_argument("--no-sea-profile", action="store_true",
                        help="skip the one-process run of the largest heavy catalogue")
    parser.add_argument("--hover-sample", type=int, default=20,
                        help="routes hovered and clicked in Chromium (default: %(default)s)")
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help="worker processes of the pipeline, as build_maps.py --jobs "
                             "(default: one per CPU, as build_maps.py)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; the exit status."""
    from benchmarks.browser import browser_part
    from benchmarks.synthetic import SHAPES
    from trafficking_route_mapper.geodata.parallel import default_jobs

    args = _parser().parse_args(argv)
    jobs = args.jobs if args.jobs is not None else default_jobs()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    try:
        sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    except ValueError:
        print(f"error: --sizes expects comma-separated integers, got {args.sizes!r}",
              file=sys.stderr)
        return 2
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    unknown = [s for s in shapes if s not in SHAPES]
    if not sizes or min(sizes) < 1 or args.repeat < 1 or unknown or not shapes:
        print(f"error: sizes and --repeat must be positive, shapes among {sorted(SHAPES)}",
              file=sys.stderr)
        return 2
    out = args.out if args.out is not None else Path(tempfile.mkdtemp(prefix="trm-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result: dict[str, Any] = {"seed": args.seed, "repeat": args.repeat, "jobs": jobs,
                              "python": platform.python_version(), "cpus": os.cpu_count(),
                              "environment": _environment(), "shapes": {}, "browser": {}}
    for shape in shapes:
        result["shapes"][shape] = {"sizes": []}
        for n in sizes:
            log.info("%s, N=%d: generating and measuring", shape, n)
            result["shapes"][shape]["sizes"].append(
                measure_size(shape, n, args.seed, args.repeat, out, jobs))
    if "heavy" in shapes and not args.no_sea_profile:
        biggest = result["shapes"]["heavy"]["sizes"][-1]
        log.info("heavy, N=%d: one process", biggest["n"])
        run = pipeline(Path(biggest["catalogue"]), out / "heavy" / "j1", 1, None)
        result["sea_profile"] = {"shape": "heavy", "n": biggest["n"], **run}
    if not args.no_browser:
        for shape in shapes:
            measured = result["shapes"][shape]["sizes"]
            chosen = [s for s in measured if s["n"] in BROWSER_SIZES] or measured[-1:]
            for size in chosen:
                commodity, routes = _largest_commodity_and_routes(Path(size["catalogue"]))
                log.info("Chromium on the %s N=%d overview", shape, size["n"])
                result["browser"][f"{shape}:{size['n']}"] = browser_part(
                    Path(size["maps"]) / "index.html", commodity, routes, args.repeat,
                    args.seed, args.hover_sample)
    if not args.no_process:
        log.info("whole-process timings of the built-in build")
        result["process"] = process_part(out, args.repeat)
    checked = targets(result)
    result["targets"] = [asdict(t) for t in checked]
    result["total_s"] = time.perf_counter() - started
    result["git_at_end"] = _git_state()
    if result["git_at_end"] != result["environment"]["git"]:
        log.warning("the work tree changed during the run (%s -> %s): figures may mix versions",
                    result["environment"]["git"].get("head"), result["git_at_end"].get("head"))
    (out / "results.json").write_text(json.dumps(result, indent=1, sort_keys=True) + "\n",
                                      encoding="utf-8")
    print(format_report(result, checked))
    print(f"\nfiles and results.json in {out} ({result['total_s']:.0f} s in all)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
