"""The multi-report atlas in headless Chromium: links drawn once and wider with corroboration,
the width legend, the edition control, the conflicts overlay, the map opened at a link, and the
agreement page (on the fictional fixtures of tests/fixtures/atlas)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_maps_browser import Page, browser  # noqa: F401 -- the module's fixture
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas
from trafficking_route_mapper.maps.outputs import write_outputs

pytestmark = pytest.mark.browser

HEROIN = "heroin:region:balkans>country:BEL"


@pytest.fixture(scope="module")
def fixture_site(fixture_atlas: Atlas, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("atlas") / "out"
    write_outputs(fixture_atlas, out, offline=True, static=False)
    return out


def _link_index(page: Page, link_id: str) -> int:
    return int(page.page.evaluate(
        "(id) => window.trmApp.model.data.links.findIndex(l => l.id === id)", link_id))


def test_a_link_is_drawn_once_and_wider_the_more_reports_state_it(
        browser: Any, fixture_site: Path, artifacts: Path) -> None:  # noqa: F811
    page = Page(browser, fixture_site / "index.html", offline=True)
    assert page.errors == []
    assert page.requests == []
    k = _link_index(page, HEROIN)
    # Belgium 2021 and 2023 both state Balkans -> Belgium: one line, not two
    drawn = page.page.evaluate("""(k) => window.trmApp.visibleDrawn()
        .filter(d => d.route.legs.some((leg, i) => leg.k === k && d.legs[i])).length""", k)
    assert drawn == 1
    widths = page.page.evaluate("(k) => [window.trmApp.width, window.trmApp.linkWidth(k)]", k)
    assert widths[1] > widths[0]  # three reports
    # the legend says what widths mean: one sample per corroboration, growing
    bars = page.page.eval_on_selector_all(
        ".trm-width-bar", "els => els.map(e => e.getBoundingClientRect().height)")
    assert len(bars) == 4
    assert bars == sorted(bars)
    assert bars[0] < bars[-1]
    assert "carries no meaning" not in page.page.inner_text(".trm-legend")
    # the layer panel links to the agreement table, legibly (not squeezed into a 26-px button)
    table = page.page.locator(".trm-control a.trm-agreement-link")
    assert table.get_attribute("href") == "agreement.html"
    box = table.bounding_box()
    assert box is not None
    assert box["width"] > 80
    page.page.screenshot(path=str(artifacts / "atlas-agreement-overview.png"))


def test_the_edition_control_shows_one_edition_and_its_corroboration(
        browser: Any, fixture_site: Path, fixture_atlas: Atlas) -> None:  # noqa: F811
    page = Page(browser, fixture_site / "index.html", offline=True)
    routes = fixture_atlas.route_table
    of_2023 = set(routes[C.ROUTE_ID][routes[C.SOURCE_ID] == "test-belgium-2023"])
    every = page.drawn_ids()
    # all editions: Belgium 2023's heroin and ivory legs are the 2021 edition's links, drawn
    # once, by the first route on them
    assert of_2023 - every == {"heroin-balkans-belgium-2023", "ivory-cameroon-belgium-2023"}
    k = _link_index(page, HEROIN)
    before = page.page.evaluate("(k) => window.trmApp.linkWidth(k)", k)
    page.page.click("input[data-edition='2023']")
    assert page.page.get_attribute("html", "data-trm-edition") == "2023"
    assert page.drawn_ids() == of_2023
    after = page.page.evaluate("(k) => window.trmApp.linkWidth(k)", k)
    assert after < before  # only Belgium 2023 of the three reports is shown
    assert after == page.page.evaluate("() => window.trmApp.width")
    page.page.click("input[data-edition='all']")
    assert page.drawn_ids() == every
    assert page.errors == []


def test_the_conflicts_overlay_marks_each_link_and_says_why(
        browser: Any, fixture_site: Path, fixture_atlas: Atlas, artifacts: Path) -> None:  # noqa: F811
    page = Page(browser, fixture_site / "index.html", offline=True)
    links = fixture_atlas.agreement.links
    flagged = int((links[C.LINK_CONFLICTS].str.len() > 0).sum())
    marks = page.page.locator(".trm-conflict-mark")
    assert marks.count() == flagged
    box = page.page.locator("input[data-overlay='conflicts']")
    box.uncheck()
    assert marks.count() == 0
    box.check()
    assert marks.count() == flagged
    # the direction conflict's mark: its popup names both reports
    index = page.page.evaluate("""() => {
        const app = window.trmApp, links = app.model.data.links;
        return app._conflictMarks.findIndex(m => links[m.trmLink].id === 'firearms:country:ALB>country:NLD');
    }""")
    assert index >= 0
    page.page.evaluate("(i) => window.trmApp._conflictMarks[i].openPopup()", index)
    text = page.page.inner_text(".trm-conflict-popup")
    assert "test-albania-2021 states Albania → Netherlands" in text
    assert "test-netherlands-2021 the reverse" in text
    page.page.screenshot(path=str(artifacts / "atlas-conflict-popup.png"))
    # the 2023 edition states no conflict: no mark
    page.page.click("input[data-edition='2023']")
    assert marks.count() == 0
    assert page.errors == []


def test_the_map_opens_at_a_link_with_every_report_side_by_side(
        browser: Any, fixture_site: Path) -> None:  # noqa: F811
    url = fixture_site / "index.html"
    page = Page(browser, url, offline=True)
    page.page.goto(url.resolve().as_uri() + "#link=" + HEROIN.replace(">", "%3E"))
    page.page.wait_for_selector(f".trm-agreement[data-link='{HEROIN}']", timeout=5000)
    text = page.page.inner_text(".trm-agreement")
    assert "stated by 3 reports" in text
    for country in ("Albania, 2021", "Belgium, 2021", "Belgium, 2023"):
        assert country in text
    assert "role of Albania: transit" in text
    assert page.errors == []


def test_the_agreement_page_sorts_filters_and_links_to_the_map(
        browser: Any, fixture_site: Path, fixture_atlas: Atlas, artifacts: Path) -> None:  # noqa: F811
    page = Page(browser, fixture_site / "agreement.html", offline=True)
    assert page.errors == []
    assert page.requests == []
    rows = page.page.locator("#links tbody tr")
    assert rows.count() == len(fixture_atlas.agreement.links)
    # sorted by corroboration, most first; a click on the header turns it round
    first = [int(x) for x in page.page.eval_on_selector_all(
        "#links tbody tr td:nth-child(4)", "els => els.map(e => e.textContent)")]
    assert first == sorted(first, reverse=True)
    page.page.click("#links th[data-column='3']")
    again = [int(x) for x in page.page.eval_on_selector_all(
        "#links tbody tr td:nth-child(4)", "els => els.map(e => e.textContent)")]
    assert again == sorted(again)
    page.page.fill("#links .trm-filter", "firearms")
    assert rows.count() == 2
    href = page.page.get_attribute("#links tbody tr a.trm-map-link", "href")
    assert href is not None
    assert href.startswith("index.html#link=firearms%3Acountry%3A")
    kinds = page.page.eval_on_selector_all("#conflicts tbody tr td:first-child",
                                           "els => els.map(e => e.textContent)")
    assert sorted(kinds) == sorted(fixture_atlas.agreement.conflicts[C.CONFLICT_KIND])
    changes = page.page.eval_on_selector_all("#changes tbody tr td:nth-child(4)",
                                             "els => els.map(e => e.textContent)")
    assert set(changes) == {"new", "gone", "shifted", "persisting", "not-assessed"}
    page.page.screenshot(path=str(artifacts / "atlas-agreement-table.png"), full_page=True)


def test_hostile_text_stays_text_on_the_agreement_page_and_in_link_popups(
        browser: Any, tmp_path: Path) -> None:  # noqa: F811
    """Test data: two reports stating one link both ways (a direction conflict), with script,
    markup and template syntax in place names, labels and phrases."""
    from tests.builders import minimal_route, minimal_source, write_catalogue
    from tests.test_maps_browser import PAYLOADS
    from trafficking_route_mapper.geodata.pipeline import load_atlas

    town = "Town " + " ".join(PAYLOADS[i] for i in (0, 2, 3, 5, 6))
    place = {"kind": "city", "name": town, "country": "Belgium", "lon": 4.4, "lat": 50.8,
             "source": "test data"}
    text = " ".join(PAYLOADS)
    paths = []
    for sid, country, ends in (("report-a", "Belgium", [town, "Netherlands"]),
                               ("report-b", "Netherlands", ["Netherlands", town]),
                               ("report-c", "Germany", [town, "Netherlands"])):
        route = minimal_route(id=f"route-{sid}", label="Label " + text,
                              stages=[{"place": p} for p in ends])
        route["evidence"][0]["phrase"] = "Phrase " + text
        folder = tmp_path / sid
        folder.mkdir()
        paths.append(write_catalogue(folder, routes=[route], places=[place],
                                     source=minimal_source(id=sid, reporting_country=country)))
    out = tmp_path / "out"
    write_outputs(load_atlas(paths), out, offline=True, static=False)
    page = Page(browser, out / "agreement.html", offline=True)
    body = page.page.inner_text("body")
    assert town in body
    page.page.click("#links details summary")
    assert "Phrase " + text in page.page.inner_text("#links")
    assert page.dialogs == []
    assert page.errors == []
    link = page.page.get_attribute("#links tbody tr a.trm-map-link", "href")
    assert link is not None
    page.page.goto((out / link.split("#")[0]).resolve().as_uri() + "#" + link.split("#")[1])
    page.page.wait_for_selector(".trm-agreement", timeout=5000)
    popup = page.page.inner_text(".trm-agreement")
    assert "Label " + text in popup
    assert "Phrase " + text in popup
    assert page.dialogs == []
    assert page.errors == []
