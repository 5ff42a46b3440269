#!/usr/bin/env python3
"""Benchmark: an atlas of many reports against the same routes as one catalogue (issue #13).

    python benchmarks/many_reports.py                 # 10,000 routes, 200 reports, 3 runs
    python benchmarks/many_reports.py --routes 2000 --reports 40 --repeat 1
    python benchmarks/many_reports.py --deal by-country   # each route to a country it names

The synthetic catalogue of :mod:`benchmarks.synthetic` (``--shape``, light by default) is
written once as one catalogue and once dealt round-robin into ``--reports`` catalogues: 100
reporting countries (real gazetteer countries, in a seeded order) with an edition 2021 and an
edition 2023 each, so that legs several routes share become links that several reports state,
editions are compared and conflicts found. Each build is ``build_maps.py --no-static`` in a
fresh process (imports included; medians of ``--repeat`` runs, interleaved). Printed:

* the many-report build, the one-catalogue build, and the one-catalogue build *without the
  agreement* (its build less the agreement's own time in that process, measured there: the
  links, conflicts and changes, the CSVs and agreement.html); the target is many / without
  <= 1.3;
* agreement.html of the many-report build in headless Chromium: navigation to the tables
  drawn (the page script's ``trm-agreement-ready`` mark), and one sort of the links by
  another column (target < 1 s each).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a file: make benchmarks/ importable as a package
    sys.path.insert(0, str(REPO))

#: Run in each build's process: the build, and the agreement's share of it.
_CHILD = r"""
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
import gc
gc.disable()  # as build_maps.paused_gc does for a build
from trafficking_route_mapper.geodata.pipeline import load_atlas
from trafficking_route_mapper.maps.outputs import write_outputs
from trafficking_route_mapper.maps import agreement as page
paths = [Path(p) for p in json.loads(sys.argv[1])]
atlas = load_atlas(paths, jobs=2)
t1 = time.perf_counter()
a = atlas.agreement  # computed here, once; the build below reuses it
t2 = time.perf_counter()
with __import__("tempfile").TemporaryDirectory() as tmp:
    t3 = time.perf_counter()
    page.write_agreement_csvs(atlas, Path(tmp)); page.write_agreement_page(atlas, Path(tmp))
    t4 = time.perf_counter()
write_outputs(atlas, Path(sys.argv[2]), static=False, jobs=2, force=True)
t5 = time.perf_counter()
print(json.dumps({"total": t5 - t0 - (t4 - t3), "agreement": (t2 - t1) + (t4 - t3),
                  "links": len(a.links), "conflicts": len(a.conflicts), "changes": len(a.changes)}))
"""


def split(catalogue: Path, folder: Path, reports: int, seed: int,
          deal: str = "random") -> list[Path]:
    """Deal the catalogue's routes into ``reports`` catalogues, two editions per country.

    ``random``: round-robin, whatever the routes name (a report's routes need not touch its
    country: the most one-sided claims). ``by-country``: the countries are the ones the routes
    name most, and each route goes to a report of a country it names (at random among them,
    either edition), else at random: closer to real profiles, which code flows through their
    own country."""
    from trafficking_route_mapper.geodata.places import builtin

    doc = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    names = {p.name for p in builtin().places("country")}
    routes = doc["routes"]

    def named(route: dict[str, Any]) -> list[str]:
        places = [n for st in route.get("stages") or [] for n in
                  ([st["place"]] if st.get("place") else st.get("any_of") or [])]
        return [n for n in dict.fromkeys(places) if n in names]

    if deal == "by-country":
        counts: dict[str, int] = {}
        for route in routes:
            for n in named(route):
                counts[n] = counts.get(n, 0) + 1
        countries = sorted(counts, key=lambda n: (-counts[n], n))[: (reports + 1) // 2]
    else:
        countries = sorted(names)
        rng.shuffle(countries)
    report_of = {c: i for i, c in enumerate(countries)}
    dealt: list[list[dict[str, Any]]] = [[] for _ in range(reports)]
    for i, route in enumerate(routes):
        if deal == "by-country":
            mine = [c for c in named(route) if c in report_of]
            k = (2 * report_of[rng.choice(mine)] + rng.randrange(2)) if mine else rng.randrange(reports)
            dealt[min(k, reports - 1)].append(route)
        else:
            dealt[i % reports].append(route)
    paths = []
    for i in range(reports):
        country, year = countries[i // 2], (2021, 2023)[i % 2]
        source = {**doc["source"], "id": f"synthetic-{i:03d}", "reporting_country": country,
                  "edition": str(year), "year": year,
                  "title": f"Synthetic test report {i:03d} ({country}, {year})"}
        part = {"source": source, "places": doc.get("places", []), "routes": dealt[i]}
        path = folder / f"report-{i:03d}.yaml"
        path.write_text(json.dumps(part), encoding="utf-8")  # JSON is YAML
        paths.append(path)
    return paths


def build(paths: list[Path], out: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", _CHILD, json.dumps([str(p) for p in paths]),
                           str(out)], check=True, capture_output=True, text=True,
                          cwd=REPO)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def browser(page: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                               args=["--headless", "--no-sandbox"])
        p = b.new_page(viewport={"width": 1400, "height": 900})
        p.goto(page.resolve().as_uri())
        p.wait_for_selector("html[data-trm-ready]", state="attached", timeout=60000)
        # the page script marks when its tables are drawn (navigation start = 0)
        ready = p.evaluate(
            "() => performance.getEntriesByName('trm-agreement-ready')[0].startTime")
        sort = p.evaluate("""() => { const t = performance.now();
            document.querySelector("#links th[data-column='1']").click();
            return performance.now() - t; }""")
        b.close()
    return {"open_s": ready / 1000, "sort_s": sort / 1000}


def main() -> int:
    from benchmarks import synthetic

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routes", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--shape", default="light", choices=sorted(synthetic.SHAPES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--deal", default="random", choices=("random", "by-country"),
                        help="how routes are dealt into reports (see split())")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        one = synthetic.write_catalogue(folder / "one.yaml", args.routes, args.seed, args.shape)
        (folder / "many").mkdir()
        many = split(one, folder / "many", args.reports, args.seed, args.deal)
        runs: dict[str, list[dict[str, Any]]] = {"one": [], "many": []}
        for _ in range(args.repeat):
            runs["one"].append(build([one], folder / "out-one"))
            runs["many"].append(build(many, folder / "out-many"))
        med = {k: {m: statistics.median(r[m] for r in v) for m in ("total", "agreement")}
               for k, v in runs.items()}
        without = med["one"]["total"] - med["one"]["agreement"]
        t = browser(folder / "out-many" / "agreement.html")
        last = runs["many"][-1]
        print(f"{args.routes} routes ({args.shape}), {args.reports} reports dealt {args.deal}; "
              f"medians of {args.repeat} builds (build_maps --no-static, 2 jobs, imports included)")
        print(f"  links {last['links']}, conflicts {last['conflicts']}, changes {last['changes']}")
        print(f"  many reports:           {med['many']['total']:.2f} s "
              f"(agreement {med['many']['agreement']:.2f} s)")
        print(f"  one catalogue:          {med['one']['total']:.2f} s "
              f"(agreement {med['one']['agreement']:.2f} s)")
        print(f"  one, without agreement: {without:.2f} s")
        print(f"  many / one without:     {med['many']['total'] / without:.2f}x (target <= 1.3x)")
        print(f"  agreement.html in Chromium: open {t['open_s']:.2f} s, sort {t['sort_s'] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"  (benchmark wall {time.perf_counter() - started:.0f} s)")
    raise SystemExit(code)
