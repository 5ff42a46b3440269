"""The benchmark's targets and its printed report (tables per catalogue shape).

Targets come from the issues that set them: the pipeline against ``explore()`` + save and the
memory of the largest process (the Atlas redesign), and sea legs, Chromium, hovers and the
built-in build (performance on realistic catalogues).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: pipeline / (explore() + save) at 10,000 routes, on the same rows
PIPELINE_VS_EXPLORE = 0.35
PIPELINE_VS_EXPLORE_STRICT = 0.3
#: peak RSS of the largest process at 10,000 routes, and its growth per route up to 30,000
PEAK_RSS_MB = 350.0
GROWTH_KB_PER_ROUTE = 15.0
HTML_VS_GEOJSON = 0.8
#: share of a one-process build spent on sea legs, at the largest heavy catalogue
SEA_SHARE_OF_BUILD = 0.05
DRAWN_S = {10_000: 1.0, 30_000: 2.0}
FIRST_HIT_MS = 50.0
RETICK_MS = 80.0
BUILTIN_MAPS_VS_IMPORT = 1.3
BUILTIN_ALL_VS_IMPORT = 3.0
HELP_S = 0.3


@dataclass(frozen=True)
class Target:
    name: str
    value: float | None
    limit: float
    unit: str
    passed: bool


def _target(name: str, value: float | None, limit: float, unit: str) -> Target:
    return Target(name, value, limit, unit, value is not None and value <= limit)


def _size(result: dict[str, Any], shape: str, n: int) -> dict[str, Any] | None:
    for size in result["shapes"].get(shape, {}).get("sizes", []):
        if size["n"] == n:
            return dict(size)
    return None


def targets(result: dict[str, Any]) -> list[Target]:
    """Every target that the sizes, shapes and parts of this run allow to check."""
    out: list[Target] = []
    for shape in sorted(result["shapes"]):
        ten = _size(result, shape, 10_000)
        if ten is not None:
            pipe, base = ten["pipeline"], ten["explore"]
            ratio = pipe["pipeline"] / base["explore_save"]
            out += [
                _target(f"{shape}: pipeline / explore()+save, 10,000 routes", ratio,
                        PIPELINE_VS_EXPLORE, "x"),
                _target(f"{shape}: the same, strict target", ratio, PIPELINE_VS_EXPLORE_STRICT, "x"),
                _target(f"{shape}: largest process's peak RSS, 10,000 routes",
                        pipe["largest_process_mb"], PEAK_RSS_MB, "MB"),
                _target(f"{shape}: overview HTML / routes.geojson, 10,000 routes",
                        pipe["html_bytes"] / pipe["geojson_bytes"], HTML_VS_GEOJSON, "x"),
            ]
            thirty = _size(result, shape, 30_000)
            if thirty is not None:
                growth = ((thirty["pipeline"]["largest_process_mb"] - pipe["largest_process_mb"])
                          * 1024.0 / 20_000)
                out.append(_target(f"{shape}: peak RSS growth per route, 10,000 -> 30,000",
                                   growth, GROWTH_KB_PER_ROUTE, "KB"))
    sea = result.get("sea_profile")
    if sea is not None:
        out.append(_target(f"{sea['shape']}: sea legs' share of a -j 1 build, {sea['n']:,} routes",
                           sea["sea_seconds"] / sea["pipeline"], SEA_SHARE_OF_BUILD, ""))
    for key, browser in sorted(result.get("browser", {}).items()):
        shape, n = key.split(":")
        routes = int(n)
        if routes in DRAWN_S:
            out.append(_target(f"{shape}: Chromium, navigation -> routes drawn, {routes:,}",
                               browser["painted_s"], DRAWN_S[routes], "s"))
        if routes == 30_000:
            for action, ms in sorted(browser["first_hit_ms"].items()):
                out.append(_target(f"{shape}: first hit test after {action}, 30,000", ms,
                                   FIRST_HIT_MS, "ms"))
            out.append(_target(f"{shape}: retick the largest layer, 30,000",
                               browser["retick_ms"], RETICK_MS, "ms"))
        hits = browser["hits"]
        misses = float(hits["tried"] - min(hits["hovered"], hits["clicked"]) + hits["hit_wrong"])
        out.append(_target(f"{shape}: hover/click misses and wrong hit tests, {routes:,}",
                           misses, 0.0, ""))
    proc = result.get("process")
    if proc is not None:
        imp = proc["import"]["seconds"]
        out += [
            _target("built-in build --no-static / import time",
                    proc["builtin_maps"]["seconds"] / imp, BUILTIN_MAPS_VS_IMPORT, "x"),
            _target("built-in default build (PNGs too) / import time",
                    proc["builtin_all"]["seconds"] / imp, BUILTIN_ALL_VS_IMPORT, "x"),
            _target("build_maps.py --help", proc["help"]["seconds"], HELP_S, "s"),
        ]
    return out


def _mb(n: float) -> str:
    return f"{n / 1e6:8.2f} MB"


def _shape_tables(shape: str, sizes: Sequence[dict[str, Any]]) -> list[str]:
    head = (f"{'N':>6} {'validate':>9} {'atlas':>7} {'(sea)':>7} {'(pages)':>8} "
            f"{'(exports)':>9} {'outputs':>8} {'PIPELINE':>9} {'EXPLORE':>8} {'ratio':>6} "
            f"{'imports':>8}")
    lines = [f"Shape '{shape}': time in seconds (in-process, imports excluded; '(sea)' is inside "
             "'atlas'; pages and exports are written side by side: 'outputs' is their wall "
             "time)", head, "-" * len(head)]
    for size in sizes:
        p, e = size["pipeline"], size["explore"]
        st = p["stages"]
        lines.append(
            f"{size['n']:>6} {st['validate']:>9.3f} {st['atlas']:>7.3f} {p['sea_seconds']:>7.3f} "
            f"{st['pages']:>8.3f} {st['exports']:>9.3f} {st['outputs']:>8.3f} "
            f"{p['pipeline']:>9.3f} {e['explore_save']:>8.3f} "
            f"{p['pipeline'] / e['explore_save']:>5.2f}x {p['imports']:>8.3f}")
    head = (f"{'N':>6} {'sea legs':>8} {'points':>9} {'largest':>8} {'parent':>7} {'(sum)':>7} "
            f"{'RSS expl':>9} {'overview.html':>14} {'routes.geojson':>14} {'html/gj':>7} "
            f"{'explore.html':>13}")
    lines += ["", f"Shape '{shape}': memory (peak RSS, MB: the largest process of the build, the "
              "parent, and the sum over the parent and each worker, an upper bound) and sizes",
              head, "-" * len(head)]
    for size in sizes:
        p, e = size["pipeline"], size["explore"]
        lines.append(
            f"{size['n']:>6} {int(p['sea_legs']):>8} {int(p['points']):>9} "
            f"{p['largest_process_mb']:>8.1f} {p['rss_parent_mb']:>7.1f} {p['rss_sum_mb']:>7.0f} "
            f"{e['peak_rss_mb']:>9.1f} {_mb(p['html_bytes']):>14} {_mb(p['geojson_bytes']):>14} "
            f"{p['html_bytes'] / p['geojson_bytes']:>6.2f}x {_mb(e['html_bytes']):>13}")
    return lines


def _browser_lines(key: str, browser: dict[str, Any]) -> list[str]:
    hits = browser["hits"]
    grid = hits.get("grid") or {}
    first = browser["first_hit_ms"]
    lines = [
        "", f"Chromium, overview of {key} ({browser['index']})",
        f"  navigation -> data-trm-ready {browser['ready_s']:.3f} s, -> painted "
        f"{browser['painted_s']:.3f} s (Playwright wall {browser['wall_s']:.3f} s)",
        f"  file read (responseEnd) {browser['response_end_ms']:.0f} ms, domInteractive "
        f"{browser['dom_interactive_ms']:.0f} ms, JSON.parse {browser['json_parse_ms']:.0f} ms, "
        f"TRM.init {browser['init_ms']:.0f} ms (from {browser['init_start_ms']:.0f} ms)",
        f"  layer '{browser['commodity']}': untick {browser['untick_ms']:.1f} ms "
        f"(handler {browser['untick_handler_ms']:.1f}), retick {browser['retick_ms']:.1f} ms "
        f"(handler {browser['retick_handler_ms']:.1f}); canvases as expected: "
        f"{browser['toggles_ok']}",
        f"  first hit test after load {first['load']:.1f} ms, after a pan {first['pan']:.1f} ms, "
        f"after a toggle {first['toggle']:.1f} ms",
        f"  hover found {hits['hovered']}/{hits['tried']}, click found {hits['clicked']}/"
        f"{hits['tried']}, hover -> tooltip median {hits['hover_ms_median'] or 0:.0f} ms "
        f"(Playwright round trip included); {hits['no_own_pixel']} routes skipped: no visible "
        "pixel where they are the nearest",
        f"  in-page hit test at a pixel on each of {hits['hit_tested']} routes: grid index = "
        f"brute-force nearest in {hits['hit_tested'] - hits['hit_wrong']}",
        f"  hit-test index built in idle time {browser['index_ready_ms']:.0f} ms after navigation "
        f"start; built at once {grid.get('buildMs', 0):.0f} ms: {grid.get('cells', 0)} cells, "
        f"{grid.get('entries', 0)} entries; a query then {grid.get('queryMs', 0):.2f} ms",
    ]
    if browser["load_errors"] or hits["errors"] or hits["misses"]:
        lines.append(f"  errors: {browser['load_errors'] + hits['errors']}; misses: "
                     f"{hits['misses'][:5]}")
    return lines


def format_report(result: dict[str, Any], checked: Sequence[Target]) -> str:
    """The tables printed at the end of a run."""
    lines = [f"trafficking-route-mapper benchmark: seed {result['seed']}, median of "
             f"{result['repeat']} run(s); python {result['python']}, {result['cpus']} CPUs, "
             f"pipeline with {result['jobs']} job(s)"]
    env = result.get("environment", {})
    if env.get("cpu") or env.get("load_average"):
        load = env.get("load_average")
        lines.append(f"CPU {env.get('cpu') or 'unknown'}; load average at the start "
                     f"{'/'.join(str(v) for v in load) if load else 'unknown'}")
    lines.append("")
    for shape, data in sorted(result["shapes"].items()):
        lines += [*_shape_tables(shape, data["sizes"]), ""]
    sea = result.get("sea_profile")
    if sea is not None:
        lines += [f"One process (-j 1), shape '{sea['shape']}', {sea['n']:,} routes: pipeline "
                  f"{sea['pipeline']:.2f} s, of which {sea['sea_seconds']:.2f} s sea legs "
                  f"({int(sea['sea_legs'])} legs)"]
    for key, browser in sorted(result.get("browser", {}).items()):
        lines += _browser_lines(key, browser)
    proc = result.get("process")
    if proc is not None:
        imp = proc["import"]["seconds"]
        lines += ["", "Whole processes (wall s, median; peak RSS MB)"]
        for name, label in (("import", 'python -c "import geopandas, folium"'),
                            ("help", "build_maps.py --help"),
                            ("builtin_maps", "build_maps.py --no-static (built-in catalogue)"),
                            ("builtin_all", "build_maps.py (built-in, PNGs included)"),
                            ("builtin_maps_again", "  again: geometry cache warm"),
                            ("builtin_all_again", "  again: cache warm, PNGs unchanged")):
            if name not in proc:  # a result from before the warm builds were measured
                continue
            row = proc[name]
            lines.append(f"  {label:<50} {row['seconds']:7.3f} s  {row['seconds'] / imp:5.2f}x "
                         f"import  {row['peak_rss_mb']:7.1f} MB")
    lines += ["", "Targets"]
    for t in checked:
        value = "n/a" if t.value is None else f"{t.value:.3f}"
        lines.append(f"  {'PASS' if t.passed else 'FAIL'}  {t.name:<62} {value:>9} {t.unit:<2} "
                     f"(target <= {t.limit:g}{t.unit})")
    return "\n".join(lines)
