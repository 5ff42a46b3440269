"""The HTML maps in a real browser: headless Chromium (Debian's package) driven by Playwright.

These tests load the built pages from disk. Offline pages must make no request at all; online
pages get Leaflet from the CDN URLs served locally by request interception, and blank tiles.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.browser import cdn_handler
from tests.conftest import route
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.assemble import build_atlas
from trafficking_route_mapper.geodata.atlas import Atlas
from trafficking_route_mapper.geodata.resolve import validate
from trafficking_route_mapper.maps import pages
from trafficking_route_mapper.routes.model import MAX_NAME

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "${alert(3)}",
    "`+alert(4)+`",
    "</script><script>alert(5)</script>",
    "back\\slash\\",
    "{{ 7*7 }}",
    "{{ cycler.__init__.__globals__.os.getpid() }}",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is required for the browser tests: apt-get install chromium")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def _pixels(png: bytes) -> Any:
    """A screenshot as an array of rows of RGBA bytes."""
    import io

    from matplotlib import image

    return (image.imread(io.BytesIO(png), format="png") * 255).round().astype("uint8")


class Page:
    """A loaded page with everything it logged and requested."""

    def __init__(self, browser: Any, path: Path, offline: bool,
                 size: tuple[int, int] = (1400, 900)) -> None:
        from xstatic.pkg import leaflet

        base = Path(leaflet.BASE_DIR)
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("dialog", self._dialog)

        serve = cdn_handler(base)

        def handle(route: Any) -> None:
            url = route.request.url
            if not url.startswith("file:"):
                self.requests.append(url)
                if offline:
                    route.abort()
                    return
            serve(route)

        self.page.route("**/*", handle)
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("html[data-trm-ready]", timeout=15000)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def route_point(self, route_id: str) -> tuple[float, float]:
        """A screen point on a route's line, nearest its middle, that no control, popup or hub
        covers and where the pointer finds that route (not another one crossing it)."""
        point = self.page.evaluate(
            """(id) => {
                const hit = window.trmApp.visibleDrawn().find(d => d.route.id === id);
                if (!hit) return null;
                const map = window.trmApp.map.getContainer().getBoundingClientRect();
                const pts = [].concat(...hit.legs.filter(Boolean).map(l => Array.from(l)));
                const n = pts.length / 2, order = [...Array(n).keys()]
                    .sort((a, b) => Math.abs(a - n / 2) - Math.abs(b - n / 2));
                for (const i of order) {
                    // whole pixels: where the pointer lands
                    const x = Math.round(pts[2 * i]), y = Math.round(pts[2 * i + 1]);
                    if (x < 5 || y < 5 || x > map.width - 5 || y > map.height - 5) continue;
                    const el = document.elementFromPoint(map.left + x, map.top + y);
                    const found = window.trmApp.routeAt(L.point(x, y));
                    if (el && !el.closest('.leaflet-control, .leaflet-popup, .trm-hub-mark') && found && found.id === id)
                        return [map.left + x, map.top + y];
                }
                return null;
            }""",
            route_id,
        )
        assert point is not None, f"route {route_id} is not drawn"
        return float(point[0]), float(point[1])

    def drawn_ids(self) -> set[str]:
        return set(self.page.evaluate("() => window.trmApp.visibleDrawn().map(d => d.route.id)"))


@pytest.fixture(scope="module")
def built(builtin_atlas: Atlas, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    online = tmp_path_factory.mktemp("online")
    offline = tmp_path_factory.mktemp("offline")
    pages.write_pages(builtin_atlas, online, offline=False)
    pages.write_pages(builtin_atlas, offline, offline=True)
    return {"online": online / "index.html", "offline": offline / "index.html"}


def test_offline_page_makes_no_request_and_logs_no_error(browser: Any, built: dict[str, Path],
                                                         artifacts: Path) -> None:
    page = Page(browser, built["offline"], offline=True)
    page.page.wait_for_timeout(300)
    assert page.requests == []
    assert page.errors == []
    assert page.page.locator("canvas.trm-canvas").count() > 0
    page.page.screenshot(path=str(artifacts / "overview-offline.png"))


def test_online_page_inlines_leaflet_and_asks_only_for_tiles(browser: Any, built: dict[str, Path],
                                                             artifacts: Path) -> None:
    page = Page(browser, built["online"], offline=False)
    page.page.wait_for_timeout(300)
    assert page.errors == []
    assert any("basemaps.cartocdn.com" in u for u in page.requests)
    assert [u for u in page.requests if "basemaps.cartocdn.com" not in u] == []
    page.page.screenshot(path=str(artifacts / "overview.png"))


def test_online_page_whose_tiles_fail_still_shows_the_countries(browser: Any,
                                                                built: dict[str, Path]) -> None:
    """A laptop offline or a network blocking the tile server: the page has Leaflet inlined,
    and the embedded country layer beneath the tiles shows where they fail."""
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    tab = context.new_page()
    asked: list[str] = []
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))

    def refuse(route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            asked.append(route.request.url)
            route.abort()

    tab.route("**/*", refuse)
    tab.goto(built["online"].resolve().as_uri())
    tab.wait_for_selector("html[data-trm-ready]", timeout=15000)
    tab.wait_for_timeout(300)
    # land (the country layer's fill) and sea (the page's background) where no route runs nor
    # any region the routes name is tinted: central Australia and the South Atlantic, with the
    # controls out of the way
    tab.add_style_tag(content=".leaflet-control-container { display: none; }")
    points = tab.evaluate("""() => [[-25, 134], [-35, -20]].map(([lat, lon]) => {
        const p = window.trmApp.map.latLngToContainerPoint([lat, lon]);
        return [Math.round(p.x), Math.round(p.y)];
    })""")
    shot = _pixels(tab.screenshot())
    colours = [tuple(int(v) for v in shot[y, x, :3]) for x, y in points]
    context.close()
    assert errors == []
    assert asked
    assert all("basemaps.cartocdn.com" in u for u in asked)
    assert colours == [(0xF4, 0xF2, 0xEE), (0xDF, 0xE9, 0xF0)]  # land, sea (routes.css)


def test_layer_control_lists_every_commodity_grouped_by_category(
    browser: Any, built: dict[str, Path], builtin_atlas: Atlas
) -> None:
    routes = builtin_atlas.route_table
    page = Page(browser, built["offline"], offline=True)
    listed = page.page.eval_on_selector_all(
        "fieldset.trm-group[data-category] input[data-commodity]",
        "els => els.map(e => [e.closest('fieldset').dataset.category, e.dataset.commodity])",
    )
    expected = sorted(set(zip(routes[C.CATEGORY], routes[C.COMMODITY], strict=True)))
    assert sorted(tuple(x) for x in listed) == expected


def test_legend_keys_every_colour_and_line_style(browser: Any, built: dict[str, Path],
                                                 builtin_atlas: Atlas) -> None:
    page = Page(browser, built["offline"], offline=True)
    legend = page.page.locator(".trm-legend")
    labels = legend.locator(".trm-legend-colour").all_inner_texts()
    assert sorted(labels) == sorted(set(builtin_atlas.route_table[C.COMMODITY_LABEL]))
    text = legend.inner_text()
    for phrase in ("Stated by the report", "Inferred from another source", "Arrowheads",
                   "Line width carries no meaning"):
        assert phrase in text


def test_unticking_a_layer_removes_exactly_its_routes(browser: Any, built: dict[str, Path],
                                                      builtin_atlas: Atlas) -> None:
    page = Page(browser, built["offline"], offline=True)
    routes = builtin_atlas.routes
    drawn = routes[routes.geometry.notna()]
    everything = set(drawn[C.ROUTE_ID])
    ivory = set(drawn[drawn[C.COMMODITY] == "ivory"][C.ROUTE_ID])
    assert page.drawn_ids() == everything
    box = page.page.locator("input[data-commodity='ivory']")
    box.uncheck()
    assert page.drawn_ids() == everything - ivory
    assert page.page.locator("canvas.trm-canvas[data-commodity='ivory']").count() == 0
    assert page.page.locator("canvas.trm-canvas[data-commodity='timber']").count() == 1
    box.check()
    assert page.drawn_ids() == everything
    assert page.page.locator("canvas.trm-canvas[data-commodity='ivory']").count() == 1


def test_hover_shows_tooltip_and_click_shows_evidence(browser: Any, built: dict[str, Path],
                                                     builtin_atlas: Atlas) -> None:
    page = Page(browser, built["offline"], offline=True)
    r = route(builtin_atlas, "cannabis-resin-morocco-spain-france-belgium")
    row = r.row
    x, y = page.route_point("cannabis-resin-morocco-spain-france-belgium")
    page.page.mouse.move(x, y)
    tooltip = page.page.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=3000)
    assert row[C.LABEL] in tooltip.inner_text()
    assert "Morocco → Spain → France → Belgium" in tooltip.inner_text()
    page.page.mouse.click(x, y)
    popup = page.page.locator(".leaflet-popup-content .trm-popup")
    popup.wait_for(timeout=3000)
    text = popup.inner_text()
    assert r.evidence[0][C.EVIDENCE_PHRASE] in text
    assert "DRUGS" in text
    assert "by road" in text
    link = popup.locator(".trm-source a")
    assert link.inner_text() == row[C.SOURCE_TITLE]
    assert link.get_attribute("href") == row[C.SOURCE_URL]


def test_a_popup_opened_while_the_page_is_read_fills_in_when_it_is_read(
    browser: Any, built: dict[str, Path], builtin_atlas: Atlas,
) -> None:
    """The details block comes last; a route clicked before it is read says so, then fills in."""
    page = Page(browser, built["offline"], offline=True)
    route_id = "cannabis-resin-morocco-spain-france-belgium"
    r = route(builtin_atlas, route_id)
    row = r.row
    pending = page.page.evaluate(
        """(id) => {
          const app = window.trmApp, r = app.model.routes.find(x => x.id === id);
          app.selected = r;
          app.popup = L.popup().setLatLng([50, 4]).setContent(app.pendingContent(r)).openOn(app.map);
          const before = document.querySelector('.leaflet-popup-content').innerText;
          document.dispatchEvent(new Event('DOMContentLoaded'));
          return [before, document.querySelector('.leaflet-popup-content').innerText];
        }""", route_id)
    assert row[C.LABEL] in pending[0]
    assert "Loading the evidence" in pending[0]
    assert r.evidence[0][C.EVIDENCE_PHRASE] in pending[1]
    assert "Loading the evidence" not in pending[1]


def test_search_finds_a_route_and_opens_it(browser: Any, built: dict[str, Path]) -> None:
    page = Page(browser, built["online"], offline=False)
    page.page.fill(".trm-search input", "timber")
    result = page.page.locator(".trm-result[data-route='timber-central-africa-antwerp']")
    result.click()
    popup = page.page.locator(".leaflet-popup-content .trm-popup")
    popup.wait_for(timeout=3000)
    assert popup.get_attribute("data-route") == "timber-central-africa-antwerp"
    assert "by sea from Central Africa via Douala, its main port" in popup.inner_text()


def test_timber_page_shows_the_sea_route_and_its_region(browser: Any, built: dict[str, Path],
                                                        artifacts: Path) -> None:
    page = Page(browser, built["offline"].parent / "commodity" / "timber.html", offline=True)
    assert page.drawn_ids() == {"timber-central-africa-antwerp"}
    x, y = page.route_point("timber-central-africa-antwerp")
    page.page.mouse.move(x, y)
    page.page.locator(".leaflet-tooltip").wait_for(timeout=3000)
    # hovering shades the region stage (Central Africa) as an area
    shaded = page.page.locator(".leaflet-trmHighlight-pane path.leaflet-interactive, .leaflet-trmHighlight-pane path")
    assert shaded.count() >= 1
    page.page.screenshot(path=str(artifacts / "timber-route.png"))


def test_hub_lists_routes_without_a_line(browser: Any, built: dict[str, Path]) -> None:
    page = Page(browser, built["offline"], offline=True)
    page.page.evaluate(
        """() => window.trmApp.hubLayer.eachLayer(m => { if (m.options.trmHub === 'Antwerp') m.openPopup(); })"""
    )
    hub = page.page.locator(".trm-hub")
    hub.wait_for(timeout=3000)
    assert "Diamonds smuggled into Belgium" in hub.inner_text()


def test_declared_hubs_are_marked_with_their_evidence(browser: Any, built: dict[str, Path]) -> None:
    page = Page(browser, built["offline"], offline=True)
    hubs = page.page.evaluate("() => { const n = []; window.trmApp.hubLayer.eachLayer(m => n.push(m.options.trmHub)); return n.sort(); }")
    assert hubs == ["Antwerp", "Belgium", "Brussels", "Liège", "Port of Antwerp"]
    page.page.evaluate(
        """() => window.trmApp.hubLayer.eachLayer(m => { if (m.options.trmHub === 'Liège') m.openPopup(); })"""
    )
    hub = page.page.locator(".trm-hub")
    hub.wait_for(timeout=3000)
    text = hub.inner_text()
    assert "the majority of offences in Liège are linked to labour exploitation." in text
    assert "No coded route passes through this place." in text


# --- statements: fans, several commodities, flows within an area ------------------------------


@pytest.fixture(scope="module")
def statements_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page of test data: the built-in wildlife sentence's shape (three commodities, a fan
    from three origins through Belgium to three destinations) and a flow within West Africa."""
    from tests.builders import minimal_route, write_catalogue

    folder = tmp_path_factory.mktemp("statements")
    wildlife = minimal_route(
        id="wildlife", flow="wildlife", commodities=["ivory", "live-animals"], label="Wildlife",
        reporting_role="transit",
        stages=[{"any_of": ["Democratic Republic of the Congo", "Guinea", "Liberia"]},
                {"place": "Belgium"}, {"any_of": ["Asia", "North America"]}])
    del wildlife["commodity"]
    within = minimal_route(id="cocaine-within-west-africa", flow="cocaine-west-africa",
                           commodity="cocaine", label="Cocaine within West Africa by air",
                           within="West Africa", by="air")
    del within["stages"]
    atlas = build_atlas(validate([write_catalogue(folder, routes=[wildlife, within])]))
    pages.write_pages(atlas, folder / "out", offline=True)
    return folder / "out" / "index.html"


def test_a_fan_is_drawn_once_per_commodity_and_opens_one_statement(
        browser: Any, statements_page: Path, artifacts: Path) -> None:
    page = Page(browser, statements_page, offline=True)
    legs = page.page.evaluate(
        "() => window.trmApp.visibleDrawn().filter(d => d.route.id.startsWith('wildlife'))"
        ".map(d => [d.route.id, d.legs.length])")
    assert sorted(legs) == [["wildlife--ivory", 5], ["wildlife--live-animals", 5]]
    x, y = page.route_point("wildlife--ivory")
    page.page.mouse.click(x, y)
    popup = page.page.locator(".leaflet-popup-content .trm-popup")
    popup.wait_for(timeout=3000)
    text = popup.inner_text()
    assert "Democratic Republic of the Congo, Guinea or Liberia (country, origin, any of 3)" in text
    assert "The same statement also names:" in text
    assert page.errors == []
    page.page.screenshot(path=str(artifacts / "statement-fan.png"))


def test_a_flow_within_an_area_is_a_mark_that_opens_its_popup(
        browser: Any, statements_page: Path, artifacts: Path) -> None:
    page = Page(browser, statements_page, offline=True)
    mark = page.page.evaluate(
        """() => {
          const d = window.trmApp.visibleDrawn().find(x => x.route.id === 'cocaine-within-west-africa');
          const box = window.trmApp.map.getContainer().getBoundingClientRect();
          return d && d.mark ? [box.left + d.mark[0], box.top + d.mark[1]] : null;
        }""")
    assert mark is not None
    page.page.mouse.move(mark[0], mark[1])
    tooltip = page.page.locator(".leaflet-tooltip.trm-leaflet-tooltip")
    tooltip.wait_for(timeout=3000)
    assert "within West Africa" in tooltip.inner_text()
    # the area is shaded while the mark is hovered
    assert page.page.locator(".leaflet-trmHighlight-pane path").count() >= 1
    page.page.mouse.click(mark[0], mark[1])
    popup = page.page.locator(".leaflet-popup-content .trm-popup")
    popup.wait_for(timeout=3000)
    assert popup.get_attribute("data-route") == "cocaine-within-west-africa"
    assert "West Africa (region, within) — by air" in popup.inner_text()
    legend = page.page.locator(".trm-legend").inner_text()
    assert "a flow within one country or region" in legend
    # the mark is painted: a pixel of the cocaine colour at its centre's ring
    assert page.errors == []
    page.page.screenshot(path=str(artifacts / "within-mark.png"))


# --- hostile text ------------------------------------------------------------------------------


def _payload_catalogue(folder: Path) -> Path:
    joined = " ".join(PAYLOADS)
    quoted = joined.replace("\\", "\\\\").replace('"', '\\"')
    # a name holds at most MAX_NAME characters: the payloads that fit
    town = "Town " + " ".join(PAYLOADS[i] for i in (0, 2, 3, 5, 6))
    assert len(town) <= MAX_NAME
    town = town.replace("\\", "\\\\").replace('"', '\\"')
    text = textwrap.dedent(f"""\
        source:
          id: payload-test
          title: "Title {quoted}"
          publisher: "Publisher {quoted}"
          url: https://example.org/report
          sha256: "{"a" * 64}"
          reporting_country: Belgium
        places:
        - kind: city
          name: "{town}"
          country: Belgium
          lon: 4.7
          lat: 50.9
          source: "made up {quoted}"
        routes:
        - id: payload-route
          flow: payload-flow
          commodity: cocaine
          label: "Label {quoted}"
          reporting_role: destination
          note: "Note {quoted}"
          stages:
          - place: Morocco
            note: "Stage note {quoted}"
          - place: "{town}"
            by: air
          evidence:
          - section: "Section {quoted}"
            phrase: "Phrase {quoted}"
            summary: "Summary {quoted}"
          actors: ["Actor {quoted}"]
        """)
    path = folder / "payload.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def payload_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("payload")
    resolved = validate([_payload_catalogue(folder)])
    out = folder / "out"
    out.mkdir()
    pages.write_pages(build_atlas(resolved), out, offline=True)
    return out / "index.html"


def test_hostile_text_is_never_evaluated_at_build_time(payload_page: Path) -> None:
    html = payload_page.read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in html
    assert "{{ cycler.__init__.__globals__.os.getpid() }}" in html
    assert "<script>alert(2)</script>" not in html
    assert "<img src=x" not in html


def test_hostile_text_runs_nothing_in_the_browser_and_shows_literally(
    browser: Any, payload_page: Path, artifacts: Path
) -> None:
    page = Page(browser, payload_page, offline=True)
    x, y = page.route_point("payload-route")
    page.page.mouse.move(x, y)
    tooltip = page.page.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=3000)
    assert "Label " + " ".join(PAYLOADS) in tooltip.inner_text()
    page.page.mouse.click(x, y)
    popup = page.page.locator(".leaflet-popup-content .trm-popup")
    popup.wait_for(timeout=3000)
    text = popup.inner_text()
    for payload in PAYLOADS:
        assert payload in text
    for prefix in ("Phrase ", "Summary ", "Actor ", "Stage note ", "Town "):
        assert prefix + PAYLOADS[0] in text
    page.page.fill(".trm-search input", "Town")
    assert "Town " + PAYLOADS[0] in page.page.locator(".trm-results").inner_text()
    page.page.wait_for_timeout(200)
    assert page.dialogs == []
    assert page.errors == []
    assert page.page.locator("img[src='x']").count() == 0
    page.page.screenshot(path=str(artifacts / "payload.png"))


def _legend_keys(page: Page) -> list[str]:
    keys: list[str] = page.page.eval_on_selector_all(
        ".trm-legend-row > .trm-key",
        "els => els.map(e => [...e.classList].find(c => c.startsWith('trm-key-')).slice(8))")
    return keys


def test_the_legend_has_a_row_only_for_what_the_page_draws(
        browser: Any, built: dict[str, Path], tmp_path: Path) -> None:
    # the built-in catalogue draws every kind: inferred legs, unstated ends, sea legs, regions
    page = Page(browser, built["offline"], offline=True)
    assert {"solid", "dashed", "arrow", "ring", "hub", "area", "sea"} <= set(_legend_keys(page))
    # test data: one stated road leg from one country to the reporting country
    from tests.builders import minimal_route, write_catalogue
    from trafficking_route_mapper.geodata.pipeline import load_atlas

    path = write_catalogue(tmp_path, routes=[minimal_route(
        stages=[{"place": "Albania"}, {"place": "Belgium", "by": "road"}])])
    out = tmp_path / "pages"
    pages.write_pages(load_atlas([path]), out, offline=True)
    small = Page(browser, out / "index.html", offline=True)
    assert _legend_keys(small) == ["solid", "arrow", "hub"]
    assert small.errors == []


def test_a_search_pick_closes_the_list_and_marks_the_place(browser: Any,
                                                          built: dict[str, Path]) -> None:
    page = Page(browser, built["offline"], offline=True)
    page.page.fill(".trm-search input", "Antwerp")
    results = page.page.locator(".trm-results li")
    assert results.count() > 0
    page.page.locator(".trm-results li", has_text="Antwerp (").first.click()
    closed = "() => !document.querySelector('.trm-results li')"
    page.page.wait_for_function(closed, timeout=2000)  # no longer covering a popup
    assert results.count() == 0
    assert page.page.input_value(".trm-search input") == "Antwerp"
    assert page.page.locator("path.trm-found").count() == 1
    # a route pick closes the list too and opens the route
    page.page.fill(".trm-search input", "Moroccan")
    page.page.locator(".trm-results li[data-route]").first.click()
    page.page.wait_for_function(closed, timeout=2000)
    page.page.wait_for_selector(".trm-popup[data-route]", timeout=5000)
    assert page.errors == []


def test_layer_order_is_stable_when_a_layer_is_ticked_again(browser: Any,
                                                           built: dict[str, Path]) -> None:
    page = Page(browser, built["offline"], offline=True)
    order = "() => [...document.querySelectorAll('canvas.trm-canvas[data-commodity]')]" \
            ".map(c => c.getAttribute('data-commodity'))"
    before = page.page.evaluate(order)
    assert len(before) > 2
    first = page.page.locator(f"input[data-commodity='{before[0]}']")
    first.uncheck()
    assert page.page.evaluate(order) == before[1:]
    first.check()
    assert page.page.evaluate(order) == before  # back under the others, not on top
    assert page.errors == []


def _pixel_at(page: Page, lon: float, lat: float) -> tuple[int, int, int]:
    """The page's colour at a place, at one fixed view (world at zoom 2), no pointer on it."""
    page.page.mouse.move(1, 1)
    xy = page.page.evaluate(
        """([lon, lat]) => {
            const map = window.trmApp.map;
            map.setView([30, 40], 2, { animate: false });
            const p = map.latLngToContainerPoint([lat, lon]);
            const box = map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""", [lon, lat])
    import io

    from PIL import Image

    shot = page.page.screenshot(clip={"x": xy[0] - 2, "y": xy[1] - 2, "width": 5, "height": 5})
    r, g, b = Image.open(io.BytesIO(shot)).convert("RGB").tobytes()[3 * (5 * 2 + 2):][:3]
    return r, g, b


def test_a_region_end_is_a_tinted_area_from_the_start(browser: Any, built: dict[str, Path]) -> None:
    """Ivory goes on to "Asia": its area is tinted before any hover (Mongolia, far from every
    line, is coloured unlike the same pixel on the cocaine page, which names no Asian region),
    and its name is among the place labels, in the region style."""
    folder = built["offline"].parent / "commodity"
    ivory = Page(browser, folder / "ivory.html", offline=True)
    cocaine = Page(browser, folder / "cocaine.html", offline=True)
    mongolia = (103.0, 47.0)
    tinted, plain = _pixel_at(ivory, *mongolia), _pixel_at(cocaine, *mongolia)
    assert plain == (244, 242, 238)  # the offline base map's land colour
    assert sum(abs(a - b) for a, b in zip(tinted, plain, strict=True)) >= 15, (tinted, plain)
    assert tinted[0] > tinted[2]  # towards the region tint, a brown
    label = ivory.page.locator(".trm-label-region", has_text="Asia")
    assert label.count() == 1
    style = label.evaluate("e => [getComputedStyle(e).fontStyle, getComputedStyle(e).textTransform]")
    assert style == ["italic", "uppercase"]
    # the Atlantic, in no region of the page, is left as it is
    assert _pixel_at(ivory, -40.0, 30.0) == _pixel_at(cocaine, -40.0, 30.0)


def test_unticking_the_only_layer_naming_a_region_removes_its_area(
    browser: Any, built: dict[str, Path],
) -> None:
    page = Page(browser, built["offline"].parent / "commodity" / "timber.html", offline=True)
    before = _pixel_at(page, 22.0, -5.0)  # inside Central Africa, away from the sea leg
    page.page.locator(".trm-control input[type=checkbox]").first.uncheck()
    after = _pixel_at(page, 22.0, -5.0)
    assert after == (244, 242, 238)
    assert before != after


def test_the_popup_shows_a_corridors_waypoints(browser: Any, built: dict[str, Path]) -> None:
    page = Page(browser, built["offline"].parent / "commodity" / "heroin.html", offline=True)
    page.page.evaluate("""() => {
        const app = window.trmApp;
        app.openRoute(app.model.routes.find(r => r.id === 'heroin-into-belgium'));
    }""")
    popup = page.page.locator(".leaflet-popup-content .trm-popup")
    popup.wait_for(timeout=3000)
    assert ("Balkan route (Afghanistan, Iran, Türkiye, Bulgaria, Serbia, Croatia, Slovenia, "
            "Austria, Germany)") in popup.inner_text()
