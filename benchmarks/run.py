"""Atlas-scale benchmark: our pipeline against ``GeoDataFrame.explore()`` + save, side by side.

Not a test: it prints figures and writes them as JSON; nothing is asserted. Run from the
repository root (``make bench`` runs it with ``ARGS``)::

    .venv/bin/python benchmarks/run.py                              # 100, 1,000, 10,000 routes
    .venv/bin/python benchmarks/run.py --sizes 100,1000 --repeat 1 --no-browser --out /tmp/b

What one run measures, and how:

* **Synthetic catalogues** of N routes (:mod:`benchmarks.synthetic`, seeded) over real
  gazetteer places, 20 commodities, 2-5 stages, realistic evidence text, 2% sea legs.
* **Our pipeline**, in a fresh interpreter per measurement (so that peak RSS is that
  measurement's, read from ``os.wait4``), run as ``maps.build.build_all`` runs it, with
  ``--jobs`` worker processes (default: one per CPU, as ``build_maps.py``) and the cyclic
  garbage collector paused as ``build_maps.py`` pauses it: load + validate, ``routes_frame``
  (geometry; sea legs routed beforehand in workers when they are not in the table of built-in
  ports; the time spent on sea legs is reported on its own, since the sea share is a choice of
  the generator), ``places_frame``, then the outputs: the HTML pages (the overview and one
  page per commodity) and the exports (GeoJSON, per-commodity GeoJSON, GeoPackage, CSV),
  written side by side. ``outputs`` is their wall time; ``pages`` and ``exports`` are each
  kind's own time summed over its steps. Library imports happen before the clock starts and
  are reported apart. Peak RSS is the largest of the child's processes (``wait4`` reports the
  maximum over a process and its waited-for children); ``(sum)`` adds every output worker's
  peak to the pipeline's own, an upper bound of their footprint together.
* **The baseline**, in its own fresh interpreter, on the very GeoDataFrame the pipeline built
  (pickled after the pipeline's clock stopped): ``explore(column="commodity",
  categorical=True, tooltip=[route_id, label, path])`` and ``Map.save``. geopandas 1.x imports
  ``mapclassify`` unconditionally inside ``explore()`` although only ``scheme=`` classification
  calls it; the baseline child therefore registers a stub module of that name whose
  ``classify`` raises, so that no 200 MB scipy/scikit-learn stack is needed and a call would
  be noticed rather than silently slow.
* **Chromium** (headless, Debian's ``/usr/bin/chromium``) on the largest overview: time from
  navigation start to the routes painted (``data-trm-ready`` then one animation frame),
  ``JSON.parse`` of the data block and ``TRM.init`` timed by wrapping them from an init
  script (the page itself is unchanged), unticking and reticking the largest commodity
  layer (handler time, and until the next frame is painted), the first hit test (which
  builds the grid index) and whether hover and click find the intended route for a seeded
  sample of routes. CDN requests are served from ``xstatic-leaflet``, tiles with a blank PNG.
* **Whole processes**: ``python -c "import geopandas, folium"`` (the yardstick),
  ``build_maps.py --help``, the built-in build without PNGs (HTML maps and exports:
  ``--no-static``) and the default build (PNGs included), interleaved, median of ``--repeat``.

Every figure is the median of ``--repeat`` runs. Results are printed as tables, with every
target marked PASS or FAIL, and written to ``<out>/results.json``.
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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("benchmarks.run")

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 900}
RESULT_MARK = "TRM-BENCH-RESULT "
DEFAULT_SIZES = (100, 1000, 10000)
DEFAULT_SEED = 20240611

# Targets of the issue, at the largest size (10,000 routes).
PIPELINE_VS_EXPLORE = 0.3
HTML_VS_GEOJSON = 0.8
PEAK_RSS_MB = 320.0
DRAWN_S = 1.2
TOGGLE_MS = 80.0
BUILTIN_MAPS_VS_IMPORT = 1.3
BUILTIN_ALL_VS_IMPORT = 3.0
HELP_S = 0.3

BLANK_PNG_B64 = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUV"
                 "ORK5CYII=")


# --- measuring a child process ------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    """One finished child: wall seconds, its own peak RSS (MB), exit status, output."""

    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


#: Runs argv[2:] and writes its wall time and rusage to the file argv[1]. Measuring through this
#: small process matters for peak RSS: a child's ``ru_maxrss`` starts from its parent's RSS at
#: fork time (Linux keeps the pre-exec high-water mark), so a child forked straight from this
#: (large) benchmark process would report at least this process's size.
_TRAMPOLINE = """
import json, os, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
seconds = time.perf_counter() - t0
with open(sys.argv[1], "w") as f:
    json.dump({"seconds": seconds, "maxrss_kb": usage.ru_maxrss,
               "returncode": os.waitstatus_to_exitcode(status)}, f)
"""


def run_measured(cmd: Sequence[str], cwd: Path = REPO_ROOT) -> Measured:
    """Run ``cmd``; return its wall time and *its own* peak RSS (``wait4`` in a trampoline)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "rusage.json"
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            subprocess.run([sys.executable, "-S", "-c", _TRAMPOLINE, str(report), *cmd],
                           cwd=cwd, stdout=stdout, stderr=stderr, check=False)
        text_out = out.read_text(encoding="utf-8", errors="replace")
        text_err = err.read_text(encoding="utf-8", errors="replace")
        if not report.exists():
            raise RuntimeError(f"could not run {' '.join(cmd)}:\n{text_err[-3000:]}")
        usage = json.loads(report.read_text(encoding="utf-8"))
    return Measured(float(usage["seconds"]), usage["maxrss_kb"] / 1024.0,
                    int(usage["returncode"]), text_out, text_err)


def child_result(measured: Measured, what: str) -> dict[str, Any]:
    """The JSON a child printed on its result line; raises with its stderr when it failed."""
    for line in reversed(measured.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            result: dict[str, Any] = json.loads(line[len(RESULT_MARK):])
            result["process_seconds"] = measured.seconds
            result["peak_rss_mb"] = measured.peak_rss_mb
            return result
    raise RuntimeError(f"{what} failed (exit {measured.returncode}):\n{measured.stderr[-3000:]}")


def _child_cmd(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


def _vm_hwm_mb() -> float | None:
    """This process's peak RSS from /proc (Linux), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


@contextmanager
def _timed(into: dict[str, float], name: str) -> Iterator[None]:
    t0 = time.perf_counter()
    yield
    into[name] = time.perf_counter() - t0


def _emit(result: dict[str, Any]) -> None:
    sys.stdout.write(RESULT_MARK + json.dumps(result) + "\n")
    sys.stdout.flush()


# --- the children -------------------------------------------------------------------------------


def _timed_step(step: Callable[[], Any]) -> Callable[[], dict[str, Any]]:
    """``step`` wrapped to report its own duration, process and that process's peak RSS."""
    def run() -> dict[str, Any]:
        t0 = time.perf_counter()
        step()
        return {"seconds": time.perf_counter() - t0, "pid": os.getpid(),
                "vm_hwm_mb": _vm_hwm_mb() or 0.0}
    return run


def child_pipeline(catalogue: Path, dest: Path, frame_out: Path | None,
                   jobs: int) -> dict[str, Any]:
    """Our pipeline on one catalogue, as ``maps.build.build_all`` runs it, each stage timed.

    Imports first, off the clock. With ``jobs`` > 1, sea legs are routed by worker processes
    (inside the routes_frame stage) and pages and exports are written side by side: their
    stage times are then each step's own duration, and ``outputs`` is the wall time of both.
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
    from trafficking_route_mapper.geodata.assemble import build_atlas, sea_requests
    from trafficking_route_mapper.geodata.atlas import Point
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
        with _timed(stages, "validate"):
            resolved = validate([catalogue])
        with _timed(stages, "atlas"):
            s0 = time.perf_counter()
            router.prefetch(sea_requests(resolved), jobs)
            sea["seconds"] += time.perf_counter() - s0
            atlas = build_atlas(resolved, router)
        del resolved
        with _timed(stages, "outputs"):
            named = output_steps(atlas, dest, offline=False, static=False, jobs=jobs)
            steps = parallel.run([_timed_step(step) for _, step in named], jobs)
    for kind in ("exports", "pages"):  # each kind's own time, summed over its steps
        stages[kind] = sum(t["seconds"] for (k, _), t in zip(named, steps, strict=True)
                           if k == kind)
    page_files = [dest / pages.INDEX, *sorted((dest / "commodity").glob("*.html"))]
    own = _vm_hwm_mb() or 0.0
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
            "explore_save": t4 - t2, "vm_hwm_mb": _vm_hwm_mb(),
            "html_bytes": dest.stat().st_size}


# --- the browser part ---------------------------------------------------------------------------

_INIT_SCRIPT = """
(() => {
  const t = window.__trmBench = {};
  const parse = JSON.parse;
  JSON.parse = function (text, reviver) {
    const s = performance.now();
    const out = parse.call(this, text, reviver);
    if (typeof text === "string" && text.length > 100000) {
      t.jsonParseMs = (t.jsonParseMs || 0) + performance.now() - s;
      t.jsonChars = text.length;
    }
    return out;
  };
  let trm;
  Object.defineProperty(window, "TRM", {
    configurable: true,
    get() { return trm; },
    set(value) {
      const init = value.init;
      value.init = function () {
        const s = performance.now();
        t.initStart = s;
        const out = init.apply(this, arguments);
        t.initMs = performance.now() - s;
        return out;
      };
      trm = value;
    },
  });
  // Pixels on a route's drawn line: rounded (mouse events carry integer coordinates) middles
  // of segments, those near the middle of a leg first, at least 15 px from the leg's ends
  // (where many routes meet at a place), inside the map and not under a control. With
  // own=true only a pixel where the page's own hit test answers this route; else the first.
  // Returns [page x, page y, container x, container y] or null.
  window.__trmPoint = (id, own) => {
    const app = window.trmApp, hit = app.visibleDrawn().find(d => d.route.id === id);
    if (!hit) return null;
    const box = app.map.getContainer().getBoundingClientRect();
    const candidates = [];
    hit.legs.forEach(pts => {
      const n = pts.length / 2, ax = pts[0], ay = pts[1];
      const bx = pts[pts.length - 2], by = pts[pts.length - 1];
      for (let i = 0; i + 1 < n; i++) {
        const x = Math.round((pts[2 * i] + pts[2 * i + 2]) / 2);
        const y = Math.round((pts[2 * i + 1] + pts[2 * i + 3]) / 2);
        if (Math.min(Math.hypot(x - ax, y - ay), Math.hypot(x - bx, y - by)) < 15) continue;
        candidates.push([Math.abs(i - (n - 2) / 2) / n, x, y]);
      }
    });
    candidates.sort((a, b) => a[0] - b[0]);
    for (const [, x, y] of candidates) {
      if (x < 5 || y < 5 || x > box.width - 5 || y > box.height - 5) continue;
      if (own) { const r = app.routeAt({ x: x, y: y }); if (!r || r.id !== id) continue; }
      const el = document.elementFromPoint(box.left + x, box.top + y);
      if (el && !el.closest(".leaflet-control, .leaflet-interactive, .leaflet-popup")) {
        return [box.left + x, box.top + y, x, y];
      }
    }
    return null;
  };
  // The nearest drawn route to a container point by brute force over every visible segment,
  // within the page's hit radius (HIT_PX = 7 in routes.js): the reference for its grid index.
  window.__trmNearest = (x, y) => {
    let best = null, bestD = 7;
    for (const d of window.trmApp.visibleDrawn()) {
      for (const pts of d.legs) {
        for (let i = 0; i + 3 < pts.length; i += 2) {
          const ax = pts[i], ay = pts[i + 1], dx = pts[i + 2] - ax, dy = pts[i + 3] - ay;
          const len = dx * dx + dy * dy;
          const t = len ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
          const dist = Math.hypot(ax + t * dx - x, ay + t * dy - y);
          if (dist < bestD) { bestD = dist; best = d.route; }
        }
      }
    }
    return best;
  };
  // documentElement does not exist yet when an init script runs: watch the document
  new MutationObserver((records, observer) => {
    const root = document.documentElement;
    if (!root || !root.hasAttribute("data-trm-ready")) return;
    observer.disconnect();
    t.readyMs = performance.now();
    requestAnimationFrame(() => setTimeout(() => { t.paintedMs = performance.now(); }, 0));
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-trm-ready"] });
})();
"""

_TOGGLE_JS = """
async (id) => {
  const box = document.querySelector(`input[data-commodity="${id}"]`);
  const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const canvas = () => document.querySelectorAll(`canvas.trm-canvas[data-commodity="${id}"]`).length;
  const out = {};
  for (const [name, want] of [["untick", 0], ["retick", 1]]) {
    await frame();
    const t0 = performance.now();
    box.click();
    const t1 = performance.now();
    await frame();
    const t2 = performance.now();
    out[name] = { handlerMs: t1 - t0, paintedMs: t2 - t0, ok: canvas() === want };
  }
  return out;
}
"""

_ROUTE_POINT_JS = "(id) => window.__trmPoint(id, true)"
#: Back to the initial view, without animation: a popup's auto-pan must not move the next
#: route while it is being hovered. A closed popup fades out for 200 ms and takes clicks
#: meanwhile: wait until it is gone (_POPUP_GONE_JS).
_POPUP_GONE_JS = "() => !document.querySelector('.leaflet-popup')"
_TOOLTIP_SHOWS_JS = """
([id, label]) => {
  const tip = document.querySelector(".trm-leaflet-tooltip");
  return window.trmApp.hover && window.trmApp.hover.id === id && tip && tip.textContent.includes(label);
}
"""
_RESET_VIEW_JS = """
() => {
  const app = window.trmApp, map = app.map;
  map.closePopup();
  map.stop();
  if (app.model.data.bounds) map.fitBounds(app.model.data.bounds, { padding: [20, 20], animate: false });
}
"""

#: In-page hit test of many routes at a pixel on each one's line: what the page's grid index
#: answers, against the brute-force nearest route (and whether that is the intended one).
_BULK_HIT_JS = """
(ids) => ids.map(id => {
  const p = window.__trmPoint(id, false);
  if (!p) return null;
  const r = window.trmApp.routeAt({ x: p[2], y: p[3] }), n = window.__trmNearest(p[2], p[3]);
  return [id, r ? r.id : null, n ? n.id : null];
}).filter(Boolean)
"""

_GRID_JS = """
([x, y]) => {
  const app = window.trmApp;
  app._grid = null;
  const t0 = performance.now();
  const r = app.routeAt({ x: x, y: y });
  const t1 = performance.now();
  app.routeAt({ x: x, y: y });
  const t2 = performance.now();
  let cells = 0, entries = 0;
  app._grid.cells.forEach(function (list) { cells++; entries += list.length; });
  return { firstMs: t1 - t0, againMs: t2 - t1, cells: cells, entries: entries, id: r && r.id };
}
"""


def cdn_handler(leaflet_dir: Path) -> Callable[[Any], None]:
    """A Playwright route handler: the CDN's Leaflet from xstatic, blank tiles, local files as
    they are, anything else aborted (no network). The browser tests use it too."""
    import base64

    from trafficking_route_mapper.maps import layer

    blank = base64.b64decode(BLANK_PNG_B64)

    def handle(route: Any) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        elif url == layer.LEAFLET_JS_URL:
            route.fulfill(path=str(leaflet_dir / "leaflet.js"), content_type="application/javascript")
        elif url == layer.LEAFLET_CSS_URL:
            route.fulfill(path=str(leaflet_dir / "leaflet.css"), content_type="text/css")
        elif "basemaps.cartocdn.com" in url:
            route.fulfill(body=blank, content_type="image/png")
        else:
            route.abort()

    return handle


def _open(browser: Any, index: Path, leaflet_dir: Path) -> tuple[Any, list[str], float]:
    """A new page navigated to ``index``, waited for until painted; (page, errors, wall s)."""
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.add_init_script(_INIT_SCRIPT)
    page.route("**/*", cdn_handler(leaflet_dir))
    t0 = time.perf_counter()
    page.goto(index.resolve().as_uri(), timeout=120000)
    page.wait_for_function("() => window.__trmBench && window.__trmBench.paintedMs", timeout=120000)
    return page, errors, time.perf_counter() - t0


def browser_part(index: Path, commodity: str, routes: Sequence[tuple[str, str]], repeat: int,
                 seed: int, sample: int) -> dict[str, Any]:
    """Chromium figures for one overview page (see the module docstring)."""
    from playwright.sync_api import sync_playwright
    from xstatic.pkg import leaflet

    leaflet_dir = Path(leaflet.BASE_DIR)
    loads: list[dict[str, Any]] = []
    toggles: list[dict[str, Any]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for _ in range(repeat):
                page, errors, wall = _open(browser, index, leaflet_dir)
                timing = page.evaluate("() => window.__trmBench")
                nav = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
                    return { responseEnd: n.responseEnd, domInteractive: n.domInteractive,
                             domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd }; }""")
                loads.append({**timing, **nav, "wallS": wall, "errors": errors})
                toggles.append(page.evaluate(_TOGGLE_JS, commodity))
                page.close()
            page, errors, _ = _open(browser, index, leaflet_dir)
            log.info("Chromium: hover and click")
            hits = _hover_and_click(page, routes, seed, sample)
            hits["errors"] = errors
            page.close()
        finally:
            browser.close()

    def med(rows: Sequence[dict[str, Any]], *keys: str) -> float:
        values: list[float] = []
        for row in rows:
            value: Any = row
            for key in keys:
                value = value[key]
            values.append(float(value))
        return statistics.median(values)

    return {
        "index": str(index),
        "commodity": commodity,
        "painted_s": med(loads, "paintedMs") / 1000.0,
        "ready_s": med(loads, "readyMs") / 1000.0,
        "wall_s": med(loads, "wallS"),
        "response_end_ms": med(loads, "responseEnd"),
        "dom_interactive_ms": med(loads, "domInteractive"),
        "json_parse_ms": med(loads, "jsonParseMs"),
        "init_ms": med(loads, "initMs"),
        "init_start_ms": med(loads, "initStart"),
        "untick_ms": med(toggles, "untick", "paintedMs"),
        "retick_ms": med(toggles, "retick", "paintedMs"),
        "untick_handler_ms": med(toggles, "untick", "handlerMs"),
        "retick_handler_ms": med(toggles, "retick", "handlerMs"),
        "toggles_ok": all(t[k]["ok"] for t in toggles for k in ("untick", "retick")),
        "load_errors": sorted({e for row in loads for e in row["errors"]}),
        "hits": hits,
        "samples": {"loads": loads, "toggles": toggles},
    }


def _hover_and_click(page: Any, routes: Sequence[tuple[str, str]], seed: int,
                     sample: int, bulk_sample: int = 500) -> dict[str, Any]:
    """Hover and click a seeded sample of drawn routes; did each find its own route?"""
    import random

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    rng = random.Random(seed)
    bulk = rng.sample([r for r, _ in routes], min(bulk_sample, len(routes)))
    placed = page.evaluate(_BULK_HIT_JS, bulk)
    wrong = [{"route": r, "grid": got, "nearest": near} for r, got, near in placed if got != near]
    others = sum(1 for r, _, near in placed if near != r)
    # routes in a seeded order, until ``sample`` of them had a pixel of their own to hover
    chosen = rng.sample(list(routes), min(20 * sample, len(routes)))
    no_pixel = 0
    tried = hovered = clicked = 0
    hover_ms: list[float] = []
    misses: list[dict[str, Any]] = []
    grid: dict[str, Any] | None = None
    for route_id, label in chosen:
        if tried == sample:
            break
        page.evaluate(_RESET_VIEW_JS)
        page.wait_for_function(_POPUP_GONE_JS, timeout=5000)
        point = page.evaluate(_ROUTE_POINT_JS, route_id)
        if point is None:  # off screen, covered, or no pixel where it is the nearest route
            no_pixel += 1
            continue
        x, y = float(point[0]), float(point[1])
        if grid is None:  # the first hit test builds the grid index: time it once
            grid = page.evaluate(_GRID_JS, [float(point[2]), float(point[3])])
        tried += 1
        page.mouse.move(5, 5)
        t0 = time.perf_counter()
        page.mouse.move(x, y)
        tooltip = page.locator(".leaflet-tooltip.trm-leaflet-tooltip")
        try:
            tooltip.wait_for(state="visible", timeout=2000)
            page.wait_for_function(_TOOLTIP_SHOWS_JS, arg=[route_id, label], timeout=2000)
            hover_ms.append((time.perf_counter() - t0) * 1000.0)
            hovered += 1
        except PlaywrightTimeout:  # record what was shown instead
            text = page.evaluate("() => (document.querySelector('.trm-leaflet-tooltip') || {})"
                                 ".textContent || null")
            misses.append({"route": route_id, "what": "hover", "shown": text})
        page.mouse.click(x, y)
        try:
            page.locator(f".trm-popup[data-route='{route_id}']").wait_for(timeout=2000)
            clicked += 1
        except PlaywrightTimeout:
            shown = page.evaluate("() => (document.querySelector('.trm-popup') || {dataset: {}})"
                                  ".dataset.route || null")
            misses.append({"route": route_id, "what": "click", "shown": shown})
    return {"tried": tried, "hovered": hovered, "clicked": clicked,
            "hit_tested": len(placed), "hit_wrong": len(wrong), "hit_wrong_examples": wrong[:5],
            "hit_other_nearer": others, "no_own_pixel": no_pixel,
            "hover_ms_median": statistics.median(hover_ms) if hover_ms else None,
            "grid": grid, "misses": misses}


# --- whole processes ----------------------------------------------------------------------------


def process_part(out: Path, repeat: int) -> dict[str, Any]:
    """Median wall time and peak RSS of the import yardstick, --help and the built-in builds."""
    py = sys.executable
    commands = {
        "import": [py, "-c", "import geopandas, folium"],
        "help": [py, "build_maps.py", "--help"],
        "builtin_maps": [py, "build_maps.py", "-q", "--no-static", "-o", str(out / "builtin-maps")],
        "builtin_all": [py, "build_maps.py", "-q", "-o", str(out / "builtin-all")],
    }
    samples: dict[str, list[Measured]] = {name: [] for name in commands}
    run_measured([py, "-c", "import geopandas, folium"])  # warm the file cache once
    for _ in range(repeat):
        for name, cmd in commands.items():
            measured = run_measured(cmd)
            if measured.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd)} failed:\n{measured.stderr[-3000:]}")
            samples[name].append(measured)
    return {name: {"seconds": statistics.median(m.seconds for m in runs),
                   "peak_rss_mb": statistics.median(m.peak_rss_mb for m in runs),
                   "samples": [m.seconds for m in runs]}
            for name, runs in samples.items()}


# --- orchestration ------------------------------------------------------------------------------


def _median_result(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Per-key medians of numeric fields (stages included); other fields from the first run."""
    out: dict[str, Any] = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = statistics.median(float(r[key]) for r in runs)
        elif isinstance(value, dict):
            out[key] = {k: statistics.median(float(r[key][k]) for r in runs) for k in value}
    out["runs"] = list(runs)
    return out


def _default_jobs() -> int:
    from trafficking_route_mapper.geodata.parallel import default_jobs

    return default_jobs()


def measure_size(n: int, seed: int, repeat: int, out: Path, jobs: int) -> dict[str, Any]:
    """Generate the N-route catalogue, then run pipeline and baseline ``repeat`` times each."""
    from benchmarks.synthetic import write_catalogue

    folder = out / f"n{n}"
    t0 = time.perf_counter()
    catalogue = write_catalogue(folder / f"synthetic-{n}.yaml", n, seed)
    generated = time.perf_counter() - t0
    frame_pickle = folder / "frame.pkl"
    pipeline_runs: list[dict[str, Any]] = []
    explore_runs: list[dict[str, Any]] = []
    for r in range(repeat):
        dest = folder / "maps"
        shutil.rmtree(dest, ignore_errors=True)
        extra = ["--frame-out", str(frame_pickle)] if r == 0 else []
        measured = run_measured(_child_cmd("--child", "pipeline", "--catalogue", str(catalogue),
                                           "--dest", str(dest), "--jobs", str(jobs), *extra))
        pipeline_runs.append(child_result(measured, f"pipeline at N={n}"))
        log.info("N=%d run %d: pipeline %.2f s", n, r + 1, pipeline_runs[-1]["pipeline"])
        measured = run_measured(_child_cmd("--child", "explore", "--frame", str(frame_pickle),
                                           "--dest", str(folder / "explore.html")))
        explore_runs.append(child_result(measured, f"explore at N={n}"))
        log.info("N=%d run %d: explore+save %.2f s", n, r + 1, explore_runs[-1]["explore_save"])
    return {"n": n, "catalogue": str(catalogue), "catalogue_bytes": catalogue.stat().st_size,
            "generate_s": generated, "maps": str(folder / "maps"),
            "pipeline": _median_result(pipeline_runs), "explore": _median_result(explore_runs)}


def _largest_commodity_and_routes(catalogue: Path) -> tuple[str, list[tuple[str, str]]]:
    """The commodity with the most routes and every route's (id, label), from the YAML."""
    from collections import Counter

    from trafficking_route_mapper.geodata.resolve import validate

    resolved = validate([catalogue])
    counts = Counter(rr.route.commodity for rr in resolved)
    drawn = [(rr.route.id, rr.route.label) for rr in resolved
             if sum(s.place is not None for s in rr.stages) >= 2]
    return counts.most_common(1)[0][0], sorted(drawn)


@dataclass(frozen=True)
class Target:
    name: str
    value: float | None
    limit: float
    unit: str
    passed: bool


def _target(name: str, value: float | None, limit: float, unit: str) -> Target:
    return Target(name, value, limit, unit, value is not None and value <= limit)


def targets(result: dict[str, Any]) -> list[Target]:
    """Every target of the issue, checked at the largest size measured."""
    big = result["sizes"][-1]
    pipe, base = big["pipeline"], big["explore"]
    out = [
        _target(f"pipeline / explore()+save at N={big['n']}",
                pipe["pipeline"] / base["explore_save"], PIPELINE_VS_EXPLORE, "x"),
        _target(f"overview HTML / routes.geojson bytes at N={big['n']}",
                pipe["html_bytes"] / pipe["geojson_bytes"], HTML_VS_GEOJSON, "x"),
        _target(f"peak RSS of the pipeline at N={big['n']}", pipe["peak_rss_mb"], PEAK_RSS_MB, "MB"),
    ]
    browser = result.get("browser")
    if browser is not None:
        hits = browser["hits"]
        found = float(hits["tried"] - min(hits["hovered"], hits["clicked"]) + hits["hit_wrong"])
        out += [
            _target("Chromium: navigation -> routes painted", browser["painted_s"], DRAWN_S, "s"),
            _target("Chromium: untick one layer (to next frame)", browser["untick_ms"], TOGGLE_MS, "ms"),
            _target("Chromium: retick one layer (to next frame)", browser["retick_ms"], TOGGLE_MS, "ms"),
            _target(f"Chromium: misses (hover+click {hits['tried']}, hit test "
                    f"{hits['hit_tested']} routes)", found, 0.0, ""),
        ]
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


# --- printing -----------------------------------------------------------------------------------


def _mb(n: float) -> str:
    return f"{n / 1e6:8.2f} MB"


def format_report(result: dict[str, Any], checked: Sequence[Target]) -> str:
    """The tables printed at the end of a run."""
    lines = [f"trafficking-route-mapper benchmark: seed {result['seed']}, median of "
             f"{result['repeat']} run(s); python {result['python']}, {result['cpus']} CPUs, "
             f"pipeline with {result['jobs']} job(s)", ""]
    head = (f"{'N':>6} {'validate':>9} {'atlas':>9} {'(sea)':>7} {'':>9} "
            f"{'(pages)':>8} {'(exports)':>9} {'outputs':>8} {'PIPELINE':>9} {'EXPLORE':>8} "
            f"{'ratio':>6} {'imports':>8}")
    lines += ["Time in seconds (in-process, imports excluded; '(sea)' is inside routes_frame;",
              "pages and exports are written side by side when jobs > 1: 'outputs' is their "
              "wall time)", head, "-" * len(head)]
    for size in result["sizes"]:
        p, e = size["pipeline"], size["explore"]
        st = p["stages"]
        lines.append(
            f"{size['n']:>6} {st['validate']:>9.3f} {st['atlas']:>9.3f} "
            f"{p['sea_seconds']:>7.3f} {'':>9} {st['pages']:>8.3f} "
            f"{st['exports']:>9.3f} {st['outputs']:>8.3f} {p['pipeline']:>9.3f} "
            f"{e['explore_save']:>8.3f} {p['pipeline'] / e['explore_save']:>5.2f}x "
            f"{p['imports']:>8.3f}"
        )
    head = (f"{'N':>6} {'legs(sea)':>11} {'points':>9} {'RSS pipe':>9} {'(sum)':>7} "
            f"{'RSS expl':>9} {'overview.html':>14} {'all HTML':>11} {'routes.geojson':>14} "
            f"{'html/gj':>7} {'explore.html':>13} {'proc pipe':>9} {'proc expl':>9}")
    lines += ["", "Size and memory (peak RSS in MB of the largest process of the child's tree;",
              "'(sum)': the pipeline's own peak plus each output worker's, an upper bound of",
              "their footprint together as pages shared since the fork count in each; process "
              "wall s)", head, "-" * len(head)]
    for size in result["sizes"]:
        p, e = size["pipeline"], size["explore"]
        lines.append(
            f"{size['n']:>6} {int(p['sea_legs']):>11} {int(p['points']):>9} "
            f"{p['peak_rss_mb']:>9.1f} {p['rss_sum_mb']:>7.0f} {e['peak_rss_mb']:>9.1f} "
            f"{_mb(p['html_bytes']):>14} {_mb(p['html_total_bytes']):>11} "
            f"{_mb(p['geojson_bytes']):>14} {p['html_bytes'] / p['geojson_bytes']:>6.2f}x "
            f"{_mb(e['html_bytes']):>13} {p['process_seconds']:>9.2f} {e['process_seconds']:>9.2f}"
        )
    browser = result.get("browser")
    if browser is not None:
        hits = browser["hits"]
        grid = hits.get("grid") or {}
        lines += [
            "", f"Chromium, overview of N={result['sizes'][-1]['n']} ({browser['index']})",
            f"  navigation -> data-trm-ready {browser['ready_s']:.3f} s, -> painted "
            f"{browser['painted_s']:.3f} s (Playwright wall {browser['wall_s']:.3f} s)",
            f"  file read (responseEnd) {browser['response_end_ms']:.0f} ms, domInteractive "
            f"{browser['dom_interactive_ms']:.0f} ms, JSON.parse {browser['json_parse_ms']:.0f} ms, "
            f"TRM.init {browser['init_ms']:.0f} ms (from {browser['init_start_ms']:.0f} ms)",
            f"  layer '{browser['commodity']}': untick {browser['untick_ms']:.1f} ms "
            f"(handler {browser['untick_handler_ms']:.1f}), retick {browser['retick_ms']:.1f} ms "
            f"(handler {browser['retick_handler_ms']:.1f}); canvases as expected: "
            f"{browser['toggles_ok']}",
            f"  hover found {hits['hovered']}/{hits['tried']}, click found {hits['clicked']}/"
            f"{hits['tried']}, hover -> tooltip median {hits['hover_ms_median'] or 0:.0f} ms "
            f"(Playwright round trip included); {hits['no_own_pixel']} routes skipped: no "
            "visible pixel where they are the nearest",
            f"  in-page hit test at a pixel on each of {hits['hit_tested']} routes: grid index = "
            f"brute-force nearest in {hits['hit_tested'] - hits['hit_wrong']}; another route "
            f"nearer than the intended one at {hits['hit_other_nearer']} (overlap, not an error)",
            f"  first hit test (builds the grid) {grid.get('firstMs', 0):.0f} ms, then "
            f"{grid.get('againMs', 0):.2f} ms; grid {grid.get('cells', 0)} cells, "
            f"{grid.get('entries', 0)} entries",
        ]
        if browser["load_errors"] or hits["errors"] or hits["misses"]:
            lines.append(f"  errors: {browser['load_errors'] + hits['errors']}; misses: "
                         f"{hits['misses'][:5]}")
    proc = result.get("process")
    if proc is not None:
        imp = proc["import"]["seconds"]
        lines += ["", "Whole processes (wall s, median; peak RSS MB)"]
        for name, label in (("import", 'python -c "import geopandas, folium"'),
                            ("help", "build_maps.py --help"),
                            ("builtin_maps", "build_maps.py --no-static (built-in catalogue)"),
                            ("builtin_all", "build_maps.py (built-in, PNGs included)")):
            row = proc[name]
            lines.append(f"  {label:<50} {row['seconds']:7.3f} s  {row['seconds'] / imp:5.2f}x "
                         f"import  {row['peak_rss_mb']:7.1f} MB")
    lines += ["", "Targets"]
    for t in checked:
        value = "n/a" if t.value is None else f"{t.value:.3f}"
        lines.append(f"  {'PASS' if t.passed else 'FAIL'}  {t.name:<55} {value:>9} {t.unit:<2} "
                     f"(target <= {t.limit:g}{t.unit})")
    return "\n".join(lines)


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
                 "PyYAML", "pydantic", "orjson", "searoute", "playwright"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {"versions": versions, "git": _git_state(), "platform": platform.platform()}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description="Time the pipeline against GeoDataFrame.explore() on synthetic catalogues.")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated route counts (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per measurement; the median is reported (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for catalogues, maps and results.json (default: a temp dir)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium part")
    parser.add_argument("--no-process", action="store_true",
                        help="skip the whole-process timings of the built-in build")
    parser.add_argument("--hover-sample", type=int, default=20,
                        help="routes hovered and clicked in Chromium (default: %(default)s)")
    parser.add_argument("--child", choices=("pipeline", "explore"), help=argparse.SUPPRESS)
    parser.add_argument("--catalogue", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dest", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--frame", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--frame-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help="worker processes of the pipeline, as build_maps.py --jobs "
                             "(default: one per CPU, as build_maps.py)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (or, with the hidden ``--child``, one measured child); exit status."""
    args = _parser().parse_args(argv)
    if str(REPO_ROOT) not in sys.path:  # run as a file: make the repository importable
        sys.path.insert(0, str(REPO_ROOT))
    jobs = args.jobs if args.jobs is not None else _default_jobs()
    if args.child == "pipeline":
        _emit(child_pipeline(args.catalogue, args.dest, args.frame_out, jobs))
        return 0
    if args.child == "explore":
        _emit(child_explore(args.frame, args.dest))
        return 0

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    try:
        sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    except ValueError:
        print(f"error: --sizes expects comma-separated integers, got {args.sizes!r}",
              file=sys.stderr)
        return 2
    if not sizes or min(sizes) < 1 or args.repeat < 1:
        print("error: sizes and --repeat must be positive", file=sys.stderr)
        return 2
    out = args.out if args.out is not None else Path(tempfile.mkdtemp(prefix="trm-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result: dict[str, Any] = {"seed": args.seed, "repeat": args.repeat, "jobs": jobs,
                              "python": platform.python_version(), "cpus": os.cpu_count(),
                              "environment": _environment(), "sizes": []}
    for n in sizes:
        log.info("N=%d: generating and measuring", n)
        result["sizes"].append(measure_size(n, args.seed, args.repeat, out, jobs))
    if not args.no_browser:
        big = result["sizes"][-1]
        commodity, routes = _largest_commodity_and_routes(Path(big["catalogue"]))
        log.info("Chromium on the N=%d overview", big["n"])
        result["browser"] = browser_part(Path(big["maps"]) / "index.html", commodity, routes,
                                         args.repeat, args.seed, args.hover_sample)
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
