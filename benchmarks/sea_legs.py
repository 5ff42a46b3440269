"""Benchmark :func:`geodata.seaways.sea_path`: cold start, then 1,000 legs with and without cache.

Not a test: it prints figures and asserts nothing. Run from the repository root::

    .venv/bin/python -m benchmarks.sea_legs            # or: .venv/bin/python benchmarks/sea_legs.py
    .venv/bin/python -m benchmarks.sea_legs --legs 200 --seed 7 --cold-runs 3

Why each figure:

* **cold start** is measured in fresh interpreters (``--cold-runs`` of them, median reported),
  because the lazy ``import searoute`` and the loading of its network happen once per process
  and would be hidden by anything this process imported before;
* **uncached** clears the routing cache before every leg, so it is the cost of one searoute
  shortest-path search plus our post-processing, i.e. a catalogue of all-distinct pairs;
* **cached** starts from an empty cache and keeps it, as a map build does; with 1,000 legs
  over 32 ports about a third of the legs repeat an earlier pair, and their cost (a cache hit
  plus the connectors and unwrapping done outside the cache) is reported separately, as is a
  second pass over the then-warm cache.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

Point = tuple[float, float]

#: Real container/bulk ports, approximate quay or anchorage positions as (lon, lat), written
#: for this benchmark: a spread of oceans, river ports, canal approaches and both sides of the
#: antimeridian, like the legs the reports describe.
PORTS: dict[str, Point] = {
    "Antwerp": (4.32, 51.28),
    "Rotterdam": (4.05, 51.95),
    "Hamburg": (9.93, 53.54),
    "Le Havre": (0.11, 49.48),
    "Algeciras": (-5.44, 36.13),
    "Valencia": (-0.32, 39.44),
    "Gioia Tauro": (15.90, 38.45),
    "Piraeus": (23.61, 37.94),
    "Istanbul Ambarli": (28.68, 40.97),
    "Santos": (-46.30, -23.96),
    "Buenos Aires": (-58.36, -34.59),
    "Guayaquil": (-79.90, -2.20),
    "Callao": (-77.15, -12.05),
    "Cartagena": (-75.53, 10.39),
    "Colon": (-79.88, 9.36),
    "Kingston": (-76.83, 17.97),
    "Houston": (-95.02, 29.61),
    "New York": (-74.14, 40.68),
    "Lagos Apapa": (3.37, 6.44),
    "Tema": (0.01, 5.63),
    "Pointe-Noire": (11.86, -4.78),
    "Durban": (31.03, -29.87),
    "Mombasa": (39.65, -4.05),
    "Jebel Ali": (55.02, 25.01),
    "Colombo": (79.85, 6.95),
    "Singapore": (103.83, 1.26),
    "Hong Kong": (114.13, 22.32),
    "Shanghai": (121.50, 31.20),
    "Busan": (129.04, 35.10),
    "Sydney": (151.20, -33.96),
    "Los Angeles": (-118.26, 33.73),
    "Vancouver": (-123.10, 49.29),
}

_COLD_START_CODE = """
import json, time
t0 = time.perf_counter()
import searoute
t1 = time.perf_counter()
from trafficking_route_mapper.geodata.seaways import SeaRouter
start, end = {start!r}, {end!r}
t2 = time.perf_counter()
SeaRouter().path(start, end)
t3 = time.perf_counter()
SeaRouter().path(start, end)
t4 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "first": t3 - t2, "again": t4 - t3}}))
"""


def cold_start(runs: int) -> dict[str, float]:
    """Median seconds, over fresh interpreters, of ``import searoute``, the first ``sea_path``
    (network load + k-d tree + one route) and the same route again with a cold routing cache."""
    code = _COLD_START_CODE.format(start=PORTS["Santos"], end=PORTS["Antwerp"])
    samples: list[dict[str, float]] = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        samples.append(json.loads(done.stdout))
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def random_pairs(count: int, seed: int) -> list[tuple[Point, Point]]:
    """``count`` ordered pairs of distinct ports, reproducible from ``seed``."""
    rng = random.Random(seed)
    names = sorted(PORTS)
    pairs = []
    for _ in range(count):
        origin, destination = rng.sample(names, 2)
        pairs.append((PORTS[origin], PORTS[destination]))
    return pairs


def time_legs(
    pairs: Sequence[tuple[Point, Point]],
    route: Callable[[Point, Point], list[Point]],
    before_each: Callable[[], None] | None,
) -> list[float]:
    """Seconds per leg; ``before_each`` runs outside the timed region."""
    seconds: list[float] = []
    for start, end in pairs:
        if before_each is not None:
            before_each()
        t0 = time.perf_counter()
        route(start, end)
        seconds.append(time.perf_counter() - t0)
    return seconds


def describe(label: str, seconds: Sequence[float]) -> str:
    """One line: median, mean and 95th percentile per leg in ms, and the total in s."""
    if len(seconds) < 2:
        return f"{label:<10} too few legs to summarise ({len(seconds)})"
    p95 = statistics.quantiles(seconds, n=20)[-1]
    return (
        f"{label:<10} median {statistics.median(seconds) * 1e3:8.3f} ms/leg   "
        f"mean {statistics.fmean(seconds) * 1e3:8.3f} ms   p95 {p95 * 1e3:8.3f} ms   "
        f"total {sum(seconds):7.3f} s"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures; returns the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--legs", type=int, default=1000, help="legs to route (default 1000)")
    parser.add_argument("--seed", type=int, default=20240611, help="random.Random seed")
    parser.add_argument("--cold-runs", type=int, default=5, help="fresh interpreters to time")
    args = parser.parse_args(argv)

    if str(REPO_ROOT) not in sys.path:  # run as a file rather than with -m
        sys.path.insert(0, str(REPO_ROOT))
    from trafficking_route_mapper.geodata.seaways import SeaRouter, SeaRoutingError

    router = [SeaRouter()]

    def sea_path(start: Point, end: Point) -> list[Point]:
        return router[0].path(start, end)

    def clear_sea_path_cache() -> None:
        router[0] = SeaRouter()

    print(
        f"python {sys.version.split()[0]}, {len(PORTS)} ports, {args.legs} legs, seed {args.seed}"
    )

    cold = cold_start(args.cold_runs)
    load = cold["first"] - cold["again"]
    print(f"cold start (median of {args.cold_runs} fresh interpreters):")
    print(f"  import searoute          {cold['import'] * 1e3:8.1f} ms")
    print(f"  first sea_path           {cold['first'] * 1e3:8.1f} ms (network load + 1 route)")
    print(f"  same leg, cache cleared  {cold['again'] * 1e3:8.1f} ms (route only)")
    print(f"  => network load          {load * 1e3:8.1f} ms")

    pairs = random_pairs(args.legs, args.seed)
    distinct = len(set(pairs))
    failed: set[tuple[Point, Point]] = set()
    for start, end in sorted(set(pairs)):  # also warms this process (import + network load)
        try:
            sea_path(start, end)
        except SeaRoutingError as exc:
            failed.add((start, end))
            print(f"  routing failed: {exc}")
    pairs = [pair for pair in pairs if pair not in failed]  # failures are not cached

    uncached = time_legs(pairs, sea_path, before_each=clear_sea_path_cache)
    clear_sea_path_cache()
    cached = time_legs(pairs, sea_path, before_each=None)
    print(f"{len(pairs)} legs ({distinct} distinct pairs, {len(failed)} failed pairs skipped):")
    print("  " + describe("uncached", uncached))
    seen: set[tuple[Point, Point]] = set()
    hits: list[float] = []
    for pair, seconds in zip(pairs, cached, strict=True):
        if pair in seen:
            hits.append(seconds)
        seen.add(pair)
    warm = time_legs(pairs, sea_path, before_each=None)
    print("  " + describe("cached", cached) + "   (empty cache at the start)")
    print("  " + describe("  hits", hits) + f"   ({len(hits)} of the legs above)")
    print("  " + describe("warm", warm) + "   (second pass, every leg a hit)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
