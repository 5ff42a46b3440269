"""The Atlas of a catalogue with and without the route-geometry cache, in one process.

Not a test: it prints figures and asserts nothing. Run from the repository root::

    .venv/bin/python -m benchmarks.geometry_cache CATALOGUE.yaml [--jobs 2]

(a catalogue from :mod:`benchmarks.synthetic`, e.g. ``write_catalogue(path, 10000, 1,
"heavy")``). The catalogue is validated once; then the Atlas is built without a cache, into
an empty cache (computing every line and writing it), from the warm cache (a new
:class:`GeometryCache` object, so every entry is read from the file), and both once more. A
new :class:`SeaRouter` each time, so no sea path is remembered in memory between them.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import tempfile
import time
from pathlib import Path


def main() -> int:
    from trafficking_route_mapper.geodata.geometry_cache import FILE, GeometryCache
    from trafficking_route_mapper.geodata.pipeline import atlas_of
    from trafficking_route_mapper.geodata.resolve import validate
    from trafficking_route_mapper.geodata.seaways import SeaRouter

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalogue", type=Path)
    parser.add_argument("--jobs", "-j", type=int, default=2)
    args = parser.parse_args()
    gc.disable()  # as build_maps.paused_gc does for a build
    cache = Path(tempfile.mkdtemp(prefix="geometry-cache-"))
    try:
        t0 = time.perf_counter()
        resolved = validate([args.catalogue])
        print(f"validate: {time.perf_counter() - t0:.2f} s")
        runs = [("no cache", False), ("empty cache, filled", True), ("warm cache", True),
                ("no cache", False), ("warm cache", True)]
        for label, cached in runs:
            geometry = GeometryCache(cache) if cached else None
            t0 = time.perf_counter()
            atlas = atlas_of(resolved, sea=SeaRouter(), jobs=args.jobs, geometry=geometry)
            print(f"atlas, {label}: {time.perf_counter() - t0:.2f} s "
                  f"({len(atlas.coords):,} points)", flush=True)
        print(f"cache file: {(cache / FILE).stat().st_size / 1e6:.1f} MB")
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
