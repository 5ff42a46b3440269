"""The map pages for a reader with a keyboard or a screen reader, and on screens where the
panels take much of the map: the route table, keyboard operation, axe-core's findings, the
start view framed around the panels, and the permalink of the view and layers.

Headless Chromium as in tests/test_maps_browser.py (same fixtures); axe-core is the npm
package the Makefile's system-deps target installs (node_modules/axe-core/axe.min.js).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.browser import cdn_handler
from tests.conftest import REPO
from tests.test_maps_browser import browser, built  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SIZES = [(1280, 800), (800, 600)]


def open_page(browser: Any, path: Path, size: tuple[int, int] = (1400, 900),  # noqa: F811
              fragment: str = "") -> Any:
    """A page of ``path`` (Leaflet served locally, every other request refused) at ``size``."""
    from xstatic.pkg import leaflet

    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    serve = cdn_handler(Path(leaflet.BASE_DIR))
    page.route("**/*", lambda route: serve(route) if route.request.url.startswith(
        ("file:", "https://cdn.jsdelivr.net")) else route.abort())
    page.goto(path.resolve().as_uri() + fragment)
    page.wait_for_selector("html[data-trm-ready]", timeout=15000)
    page.trm_errors = errors
    return page


def _pages(built: dict[str, Path]) -> dict[str, Path]:  # noqa: F811
    return {"overview online": built["online"], "overview offline": built["offline"],
            "heroin online": built["online"].parent / "commodity" / "heroin.html",
            "heroin offline": built["offline"].parent / "commodity" / "heroin.html"}


# --- framing ----------------------------------------------------------------------------

#: Every drawn route's end points (the app's screen geometry) and the visible controls'
#: rectangles, in map-container pixels.
_GEOMETRY = """() => {
  const app = window.trmApp, map = app.map.getContainer(), box = map.getBoundingClientRect();
  const controls = [...map.querySelectorAll('.leaflet-control')].map(n => {
    const r = n.getBoundingClientRect();
    return {name: n.className, left: r.left - box.left, top: r.top - box.top,
            right: r.right - box.left, bottom: r.bottom - box.top};
  }).filter(r => r.right > r.left && r.bottom > r.top);
  const ends = [];
  app.visibleDrawn().forEach(d => {
    if (d.mark) ends.push([d.route.id, d.mark[0], d.mark[1]]);
    d.legs.forEach(l => { if (l) { ends.push([d.route.id, l[0], l[1]]);
                                   ends.push([d.route.id, l[l.length - 2], l[l.length - 1]]); } });
  });
  return {width: box.width, height: box.height, controls, ends};
}"""


def _covered(geometry: dict[str, Any]) -> list[str]:
    """End points outside the map or under a control."""
    out = []
    for route_id, x, y in geometry["ends"]:
        if not (0 <= x <= geometry["width"] and 0 <= y <= geometry["height"]):
            out.append(f"{route_id} end ({x:.0f}, {y:.0f}) outside the map")
        for c in geometry["controls"]:
            if c["left"] <= x <= c["right"] and c["top"] <= y <= c["bottom"]:
                out.append(f"{route_id} end ({x:.0f}, {y:.0f}) under {c['name']}")
    return out


def _overlaps(controls: list[dict[str, Any]]) -> list[str]:
    out = []
    for i, a in enumerate(controls):
        for b in controls[i + 1:]:
            w = min(a["right"], b["right"]) - max(a["left"], b["left"])
            h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if w > 0 and h > 0:
                out.append(f"{a['name']} overlaps {b['name']} by {w:.0f}x{h:.0f} px")
    return out


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_route_end_is_in_the_free_map_and_no_control_covers_another(
        browser: Any, built: dict[str, Path], size: tuple[int, int]) -> None:  # noqa: F811
    for name, path in _pages(built).items():
        page = open_page(browser, path, size)
        geometry = page.evaluate(_GEOMETRY)
        page.close()
        assert len(geometry["ends"]) >= 2, name
        assert _covered(geometry) == [], name
        assert _overlaps(geometry["controls"]) == [], name


def test_the_panels_start_folded_on_a_small_screen_and_open_on_a_large_one(
        browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    for size, expanded in (((800, 600), "false"), ((1280, 800), "true")):
        page = open_page(browser, built["offline"], size)
        toggles = page.locator(".trm-toggle")
        assert [toggles.nth(i).get_attribute("aria-expanded") for i in range(toggles.count())] \
            == [expanded, expanded], size
        page.close()


def test_unticking_a_layer_frames_the_rest_until_the_reader_moves_the_map(
        browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    page = open_page(browser, built["offline"], (1280, 800))
    zoom = page.evaluate("() => window.trmApp.map.getZoom()")
    # leave only the firearms routes (the Balkans to Belgium): the map closes in on them
    for box in page.locator(".trm-control input[data-commodity]").all():
        if box.get_attribute("data-commodity") != "firearms":
            box.uncheck()
    assert page.evaluate("() => window.trmApp.map.getZoom()") >= zoom + 2
    assert _covered(page.evaluate(_GEOMETRY)) == []
    # once moved by the reader, ticking a layer leaves the view alone
    page.mouse.move(640, 400)
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(600)
    moved = page.evaluate("() => [window.trmApp.map.getZoom(), window.trmApp.map.getCenter()]")
    page.locator(".trm-control input[data-commodity='heroin']").check()
    assert page.evaluate("() => [window.trmApp.map.getZoom(), window.trmApp.map.getCenter()]") \
        == moved
    page.close()


#: A layer whose routes lie inside the others' (unticking it leaves the bounds as they are),
#: or null; and the view as [zoom, x, y] in projected px.
_INNER_LAYER = """() => {
  const app = window.trmApp, shown = app.layers.filter(l => app.map.hasLayer(l));
  const inside = (a, b) => a[0] >= b[0] && a[1] >= b[1] && a[2] <= b[2] && a[3] <= b[3];
  for (const layer of shown) {
    const rest = shown.filter(l => l !== layer).map(l => app.layerBounds(l)).reduce(
      (u, b) => [Math.min(u[0], b[0]), Math.min(u[1], b[1]), Math.max(u[2], b[2]), Math.max(u[3], b[3])],
      [Infinity, Infinity, -Infinity, -Infinity]);
    if (layer._routes.length && inside(app.layerBounds(layer), rest)) return layer._canvas.getAttribute('data-commodity');
  }
  return null;
}"""
_VIEW = "() => { const m = window.trmApp.map, c = m.project(m.getCenter(), m.getZoom()); return [m.getZoom(), c.x, c.y]; }"


def test_ticking_a_layer_among_others_keeps_the_view_and_its_picture(
        browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    """A layer within the others' bounds, unticked and ticked again before the reader moves the
    map: the view stays, and the layer takes back its canvas without being painted again (no
    layer is); after a pan while it was unticked, it is painted at the new view."""
    page = open_page(browser, built["offline"], (1280, 800))
    inner = page.evaluate(_INNER_LAYER)
    assert inner is not None
    view, paints = page.evaluate(_VIEW), page.evaluate("() => window.trmApp._paints")
    canvas = f"canvas.trm-canvas[data-commodity='{inner}']"
    page.evaluate(f"() => {{ window.__canvas = document.querySelector(\"{canvas}\"); }}")
    box = page.locator(f".trm-control input[data-commodity='{inner}']")
    box.uncheck()
    assert page.locator(canvas).count() == 0
    assert page.evaluate(_VIEW) == view
    box.check()
    assert page.evaluate(_VIEW) == view
    assert page.evaluate(f"() => document.querySelector(\"{canvas}\") === window.__canvas")
    assert page.evaluate("() => window.trmApp._paints") == paints
    # moved while unticked: painted again when ticked, at the view it comes back to
    box.uncheck()
    page.evaluate("() => window.trmApp.map.panBy([60, 30], { animate: false })")
    before = page.evaluate("() => window.trmApp._paints")
    box.check()
    assert page.evaluate("() => window.trmApp._paints") == before + 1
    assert page.evaluate(f"() => window.trmApp.layers.find(l => l._canvas && "
                         f"l._canvas.getAttribute('data-commodity') === '{inner}')._view") \
        is not None
    assert page.trm_errors == []
    page.close()


# --- permalink --------------------------------------------------------------------------

_STATE = """() => {
  const m = window.trmApp.map, c = m.project(m.getCenter(), m.getZoom());
  return {zoom: m.getZoom(), x: c.x, y: c.y,
          shown: window.trmApp.layers.filter(l => m.hasLayer(l)).map(l => l._canvas.getAttribute('data-commodity')).sort(),
          hubs: !!window.trmApp.hubLayer && m.hasLayer(window.trmApp.hubLayer)};
}"""


def test_the_url_keeps_the_view_and_layers_and_restores_them(
        browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    page = open_page(browser, built["offline"], (1280, 800))
    page.locator(".trm-control input[data-commodity='heroin']").uncheck()
    page.locator(".trm-control input[data-overlay='hubs']").uncheck()
    page.mouse.move(600, 400)
    page.mouse.wheel(0, -300)  # zoom in
    page.wait_for_timeout(600)
    page.mouse.move(600, 400)
    page.mouse.down()
    page.mouse.move(520, 350, steps=5)
    page.mouse.up()
    page.wait_for_timeout(400)
    before = page.evaluate(_STATE)
    url = page.url
    page.close()
    assert "#view=" in url
    assert "heroin" in url
    again = open_page(browser, Path(url.split("#")[0].removeprefix("file://")), (1280, 800),
                      "#" + url.split("#", 1)[1])
    after = again.evaluate(_STATE)
    again.close()
    assert "heroin" not in after["shown"]
    assert after["hubs"] is False
    assert after["shown"] == before["shown"]
    assert after["zoom"] == before["zoom"]
    # the same centre to within a pixel at that zoom
    assert abs(after["x"] - before["x"]) < 1
    assert abs(after["y"] - before["y"]) < 1


def test_a_route_permalink_opens_its_route_and_keeps_its_url(
        browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    page = open_page(browser, built["offline"], (1280, 800), "#route=timber-central-africa-antwerp")
    popup = page.locator(".leaflet-popup-content .trm-popup")
    popup.wait_for(timeout=3000)
    assert popup.get_attribute("data-route") == "timber-central-africa-antwerp"
    assert page.url.endswith("#route=timber-central-africa-antwerp")
    page.close()


# --- the route table ----------------------------------------------------------------------

def test_the_route_table_is_reachable_first_sortable_and_follows_the_layers(
        browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    page = open_page(browser, built["offline"], (1280, 800))
    # built on open, not at load
    assert page.locator(".trm-table tbody tr").count() == 0
    # the map, then the table button: the second stop in tab order
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Routes as a table"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "trm-table-title"
    rows = page.locator(".trm-table tbody tr")
    routes = page.evaluate("() => window.trmApp.model.routes.length")
    assert rows.count() == routes == 21
    heroin = page.locator(".trm-table tr[data-route='heroin-into-belgium']")
    cells = [heroin.locator("th, td").nth(i).inner_text() for i in range(8)]
    assert cells[1] == "Heroin"
    assert cells[2].endswith("Belgium (reporting country)")
    assert "(corridor)" in cells[2]
    assert "“Heroin destined for Belgium enters the country via the Balkan route,”" in cells[5]
    assert "section DRUGS" in cells[5]
    assert cells[6].startswith("Global Organized Crime Index")
    # sort by path: a button in the header, aria-sort follows, rows in order
    header = page.locator(".trm-table th[data-key='path']")
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    paths = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())]
    assert paths == sorted(paths, key=str.casefold)
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert page.locator(".trm-table th[data-key='label']").get_attribute("aria-sort") == "none"
    # the table follows the ticked layers
    page.keyboard.press("Escape")
    assert page.locator(".trm-table").is_hidden()
    assert page.evaluate("() => document.activeElement.textContent") == "Routes as a table"
    page.locator(".trm-control input[data-commodity='heroin']").uncheck()
    page.locator(".trm-table-open button").press("Enter")
    assert rows.count() == 20
    assert heroin.count() == 0
    page.select_option("#trm-table-filter", "all")
    assert rows.count() == 21
    page.close()


def test_show_on_map_opens_the_routes_popup_and_escape_gives_focus_back(
        browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    page = open_page(browser, built["offline"], (1280, 800))
    page.locator(".trm-table-open button").click()
    page.locator(".trm-table tr[data-route='timber-central-africa-antwerp'] .trm-table-show").press("Enter")
    popup = page.locator(".leaflet-popup-content .trm-popup")
    popup.wait_for(timeout=3000)
    assert popup.get_attribute("data-route") == "timber-central-africa-antwerp"
    assert page.locator(".trm-table").is_hidden()
    # the focus is in the popup, a dialog named by its heading
    assert page.evaluate("() => !!document.activeElement.closest('.leaflet-popup')")
    assert page.locator(".leaflet-popup").get_attribute("role") == "dialog"
    page.keyboard.press("Escape")
    page.locator(".leaflet-popup").wait_for(state="detached", timeout=2000)  # after its fade
    assert page.evaluate("() => document.activeElement.textContent") == "Routes as a table"
    page.close()


def test_the_table_pages_its_rows_at_ten_thousand_routes(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    from benchmarks.synthetic import write_catalogue
    from trafficking_route_mapper.geodata.pipeline import atlas_of
    from trafficking_route_mapper.geodata.resolve import validate
    from trafficking_route_mapper.maps import pages

    atlas = atlas_of(validate([write_catalogue(tmp_path / "synthetic.yaml", 10_000, 1)]))
    pages.page_steps(atlas, tmp_path, offline=True, parts=2)[0]()  # the overview only
    page = open_page(browser, tmp_path / "index.html", (1280, 800))
    assert page.locator(".trm-table tbody tr").count() == 0
    took = page.evaluate("""() => { const t = performance.now();
        document.querySelector('.trm-table-open button').click(); return performance.now() - t; }""")
    assert page.locator(".trm-table tbody tr").count() == 100
    assert page.locator(".trm-table-status").inner_text() == "Routes 1\u2013100 of 10000"
    page.locator(".trm-table button", has_text="Next rows").click()
    assert page.locator(".trm-table-status").inner_text() == "Routes 101\u2013200 of 10000"
    assert took < 3000, took
    page.close()


# --- keyboard ---------------------------------------------------------------------------

def test_search_layer_panel_and_legend_work_from_the_keyboard_with_visible_focus(
        browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    page = open_page(browser, built["offline"], (1280, 800))
    search = page.locator(".trm-search input")
    search.focus()
    page.keyboard.type("timber")
    assert search.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    active = search.get_attribute("aria-activedescendant")
    assert active
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    while page.locator(f"#{search.get_attribute('aria-activedescendant')}").get_attribute(
            "data-route") != "timber-central-africa-antwerp":
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content .trm-popup")
    popup.wait_for(timeout=3000)
    assert popup.get_attribute("data-route") == "timber-central-africa-antwerp"
    page.keyboard.press("Escape")
    page.locator(".leaflet-popup").wait_for(state="detached", timeout=2000)  # after its fade
    assert page.evaluate("() => document.activeElement.type") == "search"
    # the layer panel folds with Enter, its state announced
    toggle = page.locator(".trm-control .trm-toggle")
    toggle.focus()
    outline = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
    assert outline[0] != "none"
    assert outline[1] >= 2
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.locator("#" + toggle.get_attribute("aria-controls")).is_hidden()
    page.keyboard.press("Enter")
    # a layer unticked with the space bar
    box = page.locator(".trm-control input[data-commodity='timber']")
    box.focus()
    page.keyboard.press("Space")
    assert "timber" not in page.evaluate("() => window.trmApp.layers.filter(l => l._map).map(l => l._canvas.getAttribute('data-commodity'))")
    legend = page.locator(".trm-legend .trm-toggle")
    legend.focus()
    page.keyboard.press("Enter")
    assert legend.get_attribute("aria-expanded") == "false"
    page.close()


# --- axe-core ---------------------------------------------------------------------------

def _axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page (its default rules)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make system-deps` (or `npm install --no-save "
                    "axe-core@4.14.1` in the repository)")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations.map(v => ({id: v.id, "
                          "impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_or_critical_violation(browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    kinds = {**_pages(built), "agreement": built["offline"].parent / "agreement.html"}
    problems = {}
    for name, path in kinds.items():
        page = open_page(browser, path) if name != "agreement" else _plain(browser, path)
        found = _axe(page)
        if name != "agreement":
            # and with the table and a popup open
            page.locator(".trm-table-open button").click()
            page.locator(".trm-table .trm-table-show").first.click()
            page.locator(".leaflet-popup-content .trm-popup").wait_for(timeout=3000)
            page.locator(".trm-table-open button").click()
            # faded in (Leaflet's 0.2 s opacity transition): axe measures contrast as shown
            page.wait_for_function("() => getComputedStyle(document.querySelector("
                                   "'.leaflet-popup')).opacity === '1'", timeout=3000)
            found += _axe(page)
        page.close()
        if found:
            problems[name] = found
    assert problems == {}, json.dumps(problems, indent=1)


def _plain(browser: Any, path: Path) -> Any:  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
               else route.abort())
    page.goto(path.resolve().as_uri())
    return page


def test_axe_finds_no_serious_or_critical_violation_on_the_draft_review_page(
        browser: Any, tmp_path: Path) -> None:  # noqa: F811
    from tests.test_drafting import TEST_TEXT, _draft

    _draft(tmp_path, TEST_TEXT, "Netherlands")
    page = _plain(browser, tmp_path / "draft.html")
    found = _axe(page)
    page.close()
    assert found == [], json.dumps(found, indent=1)
