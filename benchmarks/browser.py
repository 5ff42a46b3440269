"""Chromium's part of the benchmark: how fast an overview draws, toggles and answers the pointer.

Headless Chromium (Debian's ``/usr/bin/chromium``), driven by Playwright: time from navigation
start to the routes painted (``data-trm-ready`` then one animation frame), ``JSON.parse`` of the
data block and ``TRM.init`` timed by wrapping them from an init script (the page itself is
unchanged), unticking and reticking the largest commodity layer (to the next painted frame),
the first hit test after load, after a pan and after a layer toggle (what a user's first hover
costs), how long after navigation start the hit-test index is built (in idle time), and whether
hover and click find the intended route for a seeded sample of routes. One load before those
is not counted (Chromium's own start-up from disk).
CDN requests are served from ``xstatic-leaflet``, tiles with a blank PNG.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger("benchmarks.browser")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 900}
BLANK_PNG_B64 = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUV"
                 "ORK5CYII=")

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
  // The page script is several files each doing `window.TRM = window.TRM || {}`; `init` is
  // assigned later onto that object, so the wrapper goes on the object's `init` property.
  let trm;
  Object.defineProperty(window, "TRM", {
    configurable: true,
    get() { return trm; },
    set(value) {
      if (value === trm) return;
      let init;
      Object.defineProperty(value, "init", {
        configurable: true,
        enumerable: true,
        get() { return init; },
        set(fn) {
          init = function () {
            const s = performance.now();
            t.initStart = s;
            const out = fn.apply(this, arguments);
            t.initMs = performance.now() - s;
            return out;
          };
        },
      });
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
      if (!pts) return; // a link another route's leg already drew
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
  // within the page's hit radius (HIT_PX = 7 in hit.js): the reference for its grid index.
  window.__trmNearest = (x, y) => {
    let best = null, bestD = 7;
    for (const d of window.trmApp.visibleDrawn()) {
      for (const pts of d.legs) {
        if (!pts) continue; // a link another route's leg already drew
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
  app.fitRoutes(); // the start view's framing (view.js)
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

#: The first hit test as a user meets it: right after load, after a pan, after a layer toggle
#: (each may leave the index to be rebuilt by the next hover). ``action`` is done first, then
#: the next frame is awaited.
_FIRST_HIT_JS = """
async ([action, commodity, x, y]) => {
  const app = window.trmApp, map = app.map;
  const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  if (action === "pan") {
    await new Promise(r => { map.once("moveend", r); map.panBy([40, 20], { animate: false }); });
  } else if (action === "toggle") {
    const box = document.querySelector(`input[data-commodity="${commodity}"]`);
    box.click();
    await frame();
    box.click();
  }
  await frame();
  const t0 = performance.now();
  app.routeAt({ x: x, y: y });
  return performance.now() - t0;
}
"""

#: The hit-test index (hit.js): what building every shown layer's at once costs (the stall a
#: first hover used to pay before it was built in idle time), its size, and a query then.
#: Navigation start to every shown layer's hit-test index built in idle time (polled).
_INDEX_READY_JS = """
async () => {
  const app = window.trmApp;
  while (app.pendingIndex().length) await new Promise(r => setTimeout(r, 2));
  return performance.now();
}
"""

_GRID_JS = """
([x, y]) => {
  const app = window.trmApp;
  const shown = app.layers.filter(l => l._map && l._layout);
  shown.forEach(l => { l._index = null; app.layerChanged(l); });
  const t0 = performance.now();
  app.finishIndex();
  const t1 = performance.now();
  const r = app.routeAt({ x: x, y: y });
  const t2 = performance.now();
  let cells = 0, entries = 0;
  shown.forEach(l => l._index.cells.forEach(list => { cells++; entries += list.length / 2; }));
  return { buildMs: t1 - t0, queryMs: t2 - t1, cells: cells,
           entries: entries, id: r && r.id };
}
"""


def cdn_handler(leaflet_dir: Path) -> Callable[[Any], None]:
    """A Playwright route handler: blank tiles, local files as they are, anything else aborted
    (no network). Pages inline Leaflet, so ``leaflet_dir`` is no longer read; it stays for
    callers. The browser tests use it too."""
    import base64

    blank = base64.b64decode(BLANK_PNG_B64)

    def handle(route: Any) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
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
            # one load first, not counted: on a fresh machine the first load of the first
            # Chromium reads it from disk (measured at heavy 10,000: 1.96 s drawn, against
            # 0.90-0.95 s for three loads after it)
            _open(browser, index, leaflet_dir)[0].close()
            for _ in range(repeat):
                page, errors, wall = _open(browser, index, leaflet_dir)
                timing = page.evaluate("() => window.__trmBench")
                nav = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
                    return { responseEnd: n.responseEnd, domInteractive: n.domInteractive,
                             domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd }; }""")
                index_ready = page.evaluate(_INDEX_READY_JS)
                loads.append({**timing, **nav, "wallS": wall, "errors": errors,
                              "indexReadyMs": index_ready})
                toggles.append(page.evaluate(_TOGGLE_JS, commodity))
                page.close()
            first_hits: dict[str, list[float]] = {"load": [], "pan": [], "toggle": []}
            for _ in range(repeat):
                for action in first_hits:
                    page, _, _ = _open(browser, index, leaflet_dir)
                    size = page.evaluate("() => window.trmApp.map.getSize()")
                    first_hits[action].append(page.evaluate(
                        _FIRST_HIT_JS, [action, commodity, size["x"] / 2, size["y"] / 2]))
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
        "index_ready_ms": med(loads, "indexReadyMs"),
        "untick_ms": med(toggles, "untick", "paintedMs"),
        "retick_ms": med(toggles, "retick", "paintedMs"),
        "untick_handler_ms": med(toggles, "untick", "handlerMs"),
        "retick_handler_ms": med(toggles, "retick", "handlerMs"),
        "toggles_ok": all(t[k]["ok"] for t in toggles for k in ("untick", "retick")),
        "first_hit_ms": {action: statistics.median(v) for action, v in first_hits.items()},
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
        if grid is None:  # the index built all at once, timed once
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
