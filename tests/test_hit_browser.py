"""The hit test in Chromium: the route under the pointer is the one a brute-force search over
every drawn segment finds, whatever state the idle-time index (hit.js) is in.

The page's ``requestIdleCallback`` is replaced before it loads by a queue the test runs itself,
so that a query can be made before any index is built, with some layers indexed and not
others, and after a pan, a zoom and a toggle; with the browser's own idle callbacks, the index
is built without a pointer query.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.browser import cdn_handler
from tests.test_maps_browser import Page, browser, built  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

#: Idle callbacks queued, run when the test says (each told it has no time left).
_IDLE_QUEUE = """
window.__idle = [];
window.requestIdleCallback = (fn) => { window.__idle.push(fn); return window.__idle.length; };
window.__runIdle = () => {
  let runs = 0;
  while (window.__idle.length && runs < 10000) {
    window.__idle.shift()({ timeRemaining: () => 0, didTimeout: true });
    runs++;
  }
  return runs;
};
"""

#: At every `step`-th pixel of the map: the page's answer (route id and link) against the
#: nearest drawn segment within the hit radius by brute force over visibleDrawn(), a flow's
#: mark taking precedence within its radius. Returns the points compared, those near a route,
#: and the first disagreements.
_COMPARE_JS = """
(step) => {
  const app = window.trmApp, size = app.map.getSize(), drawn = app.visibleDrawn();
  const markR = TRM.markRadius(app.width) + 2, out = { points: 0, near: 0, wrong: [] };
  for (let y = 2; y < size.y; y += step) for (let x = 2; x < size.x; x += step) {
    let best = null, bestD = TRM.HIT_PX, link = null;
    for (const d of drawn) d.legs.forEach((pts, li) => {
      if (!pts) return;
      for (let i = 0; i + 3 < pts.length; i += 2) {
        const ax = pts[i], ay = pts[i + 1], dx = pts[i + 2] - ax, dy = pts[i + 3] - ay;
        const len = dx * dx + dy * dy;
        const t = len ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
        const dist = Math.hypot(ax + t * dx - x, ay + t * dy - y);
        if (dist < bestD) { bestD = dist; best = d.route; link = d.route.legs[li].k; }
      }
    });
    let near = markR;
    for (const d of drawn) {
      if (!d.mark) continue;
      const dm = Math.hypot(x - d.mark[0], y - d.mark[1]);
      if (dm <= near) { near = dm; best = d.route; link = null; }
    }
    const got = app.routeAt({ x: x, y: y });
    out.points++;
    if (best) out.near++;
    const same = (got ? got.id : null) === (best ? best.id : null) && (!got || app.hitLink === link);
    if (!same && out.wrong.length < 5) out.wrong.push([x, y, got && got.id, best && best.id]);
  }
  return out;
}
"""

_PENDING_JS = "() => window.trmApp.pendingIndex().map(l => l._c)"
#: The shown layers that have lines to index (a layer of flows within areas has marks only).
_SHOWN_JS = "() => window.trmApp.layers.filter(l => l._map && l._layout.legs.length).map(l => l._c)"


def _queued_page(browser: Any, path: Path) -> Any:  # noqa: F811
    """The offline page with idle callbacks queued, not run."""
    from xstatic.pkg import leaflet

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(_IDLE_QUEUE)
    serve = cdn_handler(Path(leaflet.BASE_DIR))
    page.route("**/*", lambda r: serve(r) if r.request.url.startswith("file:") else r.abort())
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("html[data-trm-ready]", timeout=15000)
    page.errors = errors
    return page


def _agrees(page: Any, step: int = 5) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(_COMPARE_JS, step)
    assert result["wrong"] == [], result
    assert result["near"] > 100, result  # the comparison covers many points on lines
    return result


def _move(page: Any, script: str) -> None:
    """Change the view and wait for Leaflet's moveend."""
    page.evaluate(f"() => new Promise(r => {{ const map = window.trmApp.map; "
                  f"map.once('moveend', () => r()); {script}; }})")


def test_a_query_before_and_during_the_idle_build_finds_what_brute_force_finds(
        browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    page = _queued_page(browser, built["offline"])
    shown = page.evaluate(_SHOWN_JS)
    assert len(shown) > 5
    assert page.evaluate(_PENDING_JS) == shown  # drawn, nothing indexed yet
    _agrees(page)
    # every other layer indexed, the rest not
    page.evaluate("() => window.trmApp.pendingIndex().forEach((l, i) => { if (i % 2) l._index.build(Infinity); })")
    assert page.evaluate(_PENDING_JS) == shown[::2]
    _agrees(page)
    assert page.evaluate("() => window.__runIdle()") >= 1
    assert page.evaluate(_PENDING_JS) == []
    _agrees(page)
    assert page.errors == []


def test_a_pan_keeps_the_index_and_a_far_pan_or_zoom_rebuilds_it_in_idle_time(
        browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    page = _queued_page(browser, built["offline"])
    # closer than the start view (which frames every route in the part of the map the panels
    # leave free), so that lines fill the view and a far pan still has lines under it
    _move(page, "map.setView([35, 15], 4, { animate: false })")
    page.evaluate("() => window.__runIdle()")
    page.evaluate("() => { window.__kept = window.trmApp.layers.map(l => l._index); }")
    _move(page, "map.panBy([120, 60], { animate: false })")
    # the same index objects, complete: a pan within the area covered costs nothing
    assert page.evaluate("() => window.trmApp.layers.every((l, i) => l._index === window.__kept[i])")
    assert page.evaluate(_PENDING_JS) == []
    _agrees(page)
    _move(page, "map.panBy([800, 0], { animate: false })")
    assert page.evaluate(_PENDING_JS) == page.evaluate(_SHOWN_JS)
    _agrees(page)
    page.evaluate("() => window.__runIdle()")
    _agrees(page)
    _move(page, "map.panBy([-800, 0], { animate: false })")
    page.evaluate("() => window.__runIdle()")
    _move(page, "map.setZoom(map.getZoom() + 1, { animate: false })")
    assert page.evaluate(_PENDING_JS) == page.evaluate(_SHOWN_JS)
    _agrees(page)
    page.evaluate("() => window.__runIdle()")
    assert page.evaluate(_PENDING_JS) == []
    _agrees(page)


def test_a_toggle_touches_only_that_layer_and_the_hit_test_follows_it(
        browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    page = _queued_page(browser, built["offline"])
    page.evaluate("() => window.__runIdle()")
    page.evaluate("() => { window.__kept = window.trmApp.layers.map(l => l._index); }")
    box = page.locator("input[data-commodity='ivory']")
    box.uncheck()
    assert "ivory" not in page.evaluate(
        "() => window.trmApp.layers.filter(l => l._map).map(l => l._app.model.commodities[l._c].id)")
    before = _agrees(page)
    box.check()
    # no layer's index rebuilt: the others untouched, the reticked one kept from before
    assert page.evaluate("() => window.trmApp.layers.every((l, i) => l._index === window.__kept[i])")
    assert page.evaluate(_PENDING_JS) == []
    after = _agrees(page)
    assert after["near"] > before["near"]  # ivory's lines are found again


def test_the_index_is_built_after_load_without_a_pointer_query_and_each_view_painted_once(
        browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    page = Page(browser, built["offline"], offline=True)
    page.page.wait_for_function("() => window.trmApp.pendingIndex().length === 0", timeout=10000)
    assert page.page.evaluate(
        "() => window.trmApp.layers.filter(l => l._map).every(l => l._index && l._index.done)")
    # one change of view (Leaflet fires viewreset, zoomend and moveend) paints each layer once
    painted = page.page.evaluate("""() => new Promise(r => {
        const app = window.trmApp, paint = app.paint, counts = new Map();
        app.paint = function (ctx, lay) { counts.set(lay, (counts.get(lay) || 0) + 1); return paint.apply(this, arguments); };
        app.map.once('moveend', () => { app.paint = paint; r([...counts.values()]); });
        app.map.setZoom(app.map.getZoom() + 1, { animate: false });
    })""")
    shown = page.page.evaluate("() => window.trmApp.layers.filter(l => l._map).length")
    assert sorted(painted) == [1] * shown
    assert page.errors == []
