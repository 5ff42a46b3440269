"""HTML pages without a browser: determinism, files written, what the page embeds."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

from tests.builders import minimal_route, minimal_source, write_catalogue
from tests.conftest import REPO, atlas_for
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas
from trafficking_route_mapper.geodata.pipeline import atlas_of
from trafficking_route_mapper.geodata.resolve import validate
from trafficking_route_mapper.maps import page_keys, pages
from trafficking_route_mapper.maps.layer import SCRIPTS
from trafficking_route_mapper.routes.load import builtin_catalogues


def _block(html: str, block_id: str) -> Any:
    match = re.search(rf'<script type="application/json" id="{block_id}">(.*?)</script>', html,
                      re.S)
    assert match is not None, block_id
    return json.loads(match.group(1))


def _data(html: str) -> dict[str, Any]:
    """The page's data, each route with its popup details (``d``) put back in."""
    value: dict[str, Any] = _block(html, "trm-data")
    for route, details in zip(value["routes"], _block(html, "trm-details"), strict=True):
        assert "d" not in route
        route["d"] = details
    return value


def test_popup_details_come_last_after_the_drawing_script(builtin_atlas: Atlas) -> None:
    """So that the routes are drawn while the browser is still reading the details."""
    html = pages.render_page(builtin_atlas, "t")
    data, init, details = (html.index('id="trm-data"'), html.index("TRM.init("),
                           html.index('id="trm-details"'))
    assert data < init < details
    assert html.rstrip().endswith("</script>\n</html>")
    assert len(_data(html)["routes"]) == len(builtin_atlas.route_table)


def test_two_builds_are_byte_identical(builtin_atlas: Atlas, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    first = pages.write_pages(builtin_atlas, a, offline=True)
    pages.write_pages(builtin_atlas, b, offline=True)
    assert len(first) == 2 + builtin_atlas.route_table[C.COMMODITY].nunique()  # + agreement
    for path in first:
        assert path.read_bytes() == (b / path.relative_to(a)).read_bytes(), path.name


def test_pages_are_one_per_commodity_plus_the_overview(builtin_atlas: Atlas,
                                                      tmp_path: Path) -> None:
    written = pages.write_pages(builtin_atlas, tmp_path)
    names = sorted(str(p.relative_to(tmp_path)) for p in written)
    expected = ["index.html", "agreement.html", *sorted(f"commodity/{c}.html"
                                      for c in set(builtin_atlas.route_table[C.COMMODITY]))]
    assert names == sorted(expected)
    timber = _data((tmp_path / "commodity" / "timber.html").read_text(encoding="utf-8"))
    assert [r["id"] for r in timber["routes"]] == ["timber-central-africa-antwerp"]


def test_offline_page_references_no_remote_script(builtin_atlas: Atlas) -> None:
    html = pages.render_page(builtin_atlas, "t", offline=True)
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html)
    assert "L.version" in html or "Leaflet" in html


def test_shared_legs_get_distinct_lanes(builtin_atlas: Atlas) -> None:
    data = _data(pages.render_page(builtin_atlas, "t"))
    # the DR Congo -> Belgium leg is shared by the wildlife statement's three routes (ivory,
    # live animals, other wildlife products): one lane each, where copies once made nine
    lanes = [r["legs"][0]["o"] for r in data["routes"] if r["id"].startswith("wildlife-via-belgium")]
    assert sorted(lanes) == [-1.0, 0.0, 1.0]


def test_region_stages_carry_their_polygon(builtin_atlas: Atlas) -> None:
    data = _data(pages.render_page(builtin_atlas, "t"))
    timber = next(r for r in data["routes"] if r["id"] == "timber-central-africa-antwerp")
    assert timber["regions"] == ["region:central-africa"]
    assert data["regions"]["region:central-africa"]["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_the_page_names_each_report_once_and_each_foreign_source(builtin_atlas: Atlas) -> None:
    """What the popup shows, without repeating per route what the page can say once."""
    evidence = builtin_atlas.evidence.copy()
    row = int(evidence.index[evidence[C.STATEMENT_ID] == "timber-central-africa-antwerp"][0])
    evidence.loc[row, C.EVIDENCE_SOURCE] = "another-report"
    atlas = dataclasses.replace(builtin_atlas, evidence=evidence)
    data = _data(pages.render_page(atlas, "t"))
    routes = atlas.route_table
    ((title, url),) = set(zip(routes[C.SOURCE_TITLE], routes[C.SOURCE_URL], strict=True))
    assert data["reports"] == [{"id": "oci-2021-belgium", "title": title, "url": url,
                                "note": None, "edition": "2021", "country": "Belgium"}]
    for route in data["routes"]:
        assert route["s"] == 0
        assert not {"title", "url"} & set(route["d"])
        sources = [ev.get("source") for ev in route["d"]["evidence"]]
        expected = ["another-report"] if route["id"] == "timber-central-africa-antwerp" else []
        assert [s for s in sources if s] == expected
        for stage in route["d"]["stages"]:
            assert None not in stage.values()
            assert {"name", "kind", "role", "stated"} <= set(stage)


def test_a_stage_after_a_corridor_shows_its_mode(tmp_path: Path) -> None:
    """The popup lists the mode of every stage, also where a corridor's waypoints make the
    legs outnumber the stages (it used to show none)."""
    atlas = atlas_for(tmp_path, minimal_route(stages=[
        {"place": "Balkan route"}, {"place": "Belgium", "by": "road"},
        {"place": "Netherlands", "by": "rail"}]))
    (route,) = _data(pages.render_page(atlas, "t"))["routes"]
    assert [stage.get("by") for stage in route["d"]["stages"]] == [None, "road", "rail"]
    assert len(route["legs"]) == 10  # nine legs through the corridor's waypoints, then one


def test_the_page_carries_exactly_the_documented_keys(builtin_atlas: Atlas,
                                                     tmp_path: Path) -> None:
    """Every key the writer emits is documented, and every documented key is written: by the
    built-in catalogue, with a flow within an area added (test data) for the keys only such a
    flow has."""
    within = minimal_route(id="within-west-africa", within="West Africa", by="air")
    del within["stages"]
    extra = write_catalogue(tmp_path, routes=[within],
                            source=minimal_source(id="test-extra", reporting_country="Nigeria"))
    atlas = atlas_of(validate([*builtin_catalogues(), extra]))
    data = _data(pages.render_page(atlas, "t"))
    assert set(data) == set(page_keys.PAGE)
    assert {k for c in data["commodities"] for k in c} == set(page_keys.COMMODITY)
    assert {k for r in data["routes"] for k in r} == {*page_keys.ROUTE, "d"}
    assert {k for r in data["routes"] for leg in r["legs"] for k in leg} == set(page_keys.LEG)
    assert {k for r in data["routes"] for k in r["d"]} == set(page_keys.DETAILS)
    assert {k for h in data["hubs"] for k in h} == set(page_keys.HUB)
    assert {k for r in data["reports"] for k in r} == set(page_keys.REPORT)
    assert {k for label in data["labels"] for k in label} == set(page_keys.LABEL)


def test_the_link_keys_are_documented_and_written(tmp_path: Path) -> None:
    """The keys of links and reports, on the fictional multi-report atlas (corroborated
    links, conflicts, two editions) and one more test report whose Serbia -> Belgium refines
    Belgium's Balkans -> Belgium."""
    from tests.conftest import ATLAS_FIXTURES

    serbia = write_catalogue(tmp_path, routes=[minimal_route(
        id="heroin-serbia-belgium", commodity="heroin",
        stages=[{"place": "Serbia"}, {"place": "Belgium"}])],
        source=minimal_source(id="test-serbia", reporting_country="Serbia", year=2021))
    atlas = atlas_of(validate([*sorted(ATLAS_FIXTURES.glob("*.yaml")), serbia]))
    data = _data(pages.render_page(atlas, "t"))
    assert {k for link in data["links"] for k in link} == set(page_keys.LINK)
    assert {k for r in data["reports"] for k in r} == set(page_keys.REPORT)
    assert data["editions"] == ["2021", "2023"]
    assert {c["kind"] for c in data["conflicts"]} == {"direction", "one-sided", "role"}
    # every leg refers to its link, and a link's own routes' legs all refer to it
    ids = [link["id"] for link in data["links"]]
    assert ids == sorted(ids)
    for route in data["routes"]:
        for leg in route["legs"]:
            assert 0 <= leg["k"] < len(ids)


def test_the_script_reads_every_documented_key() -> None:
    script = "\n".join((REPO / "maps" / "assets" / name).read_text(encoding="utf-8")
                       for name in SCRIPTS)
    # one-letter keys are read off a named object (leg.s, r.c); longer ones anywhere (.label)
    for table, owner in ((page_keys.PAGE, ""), (page_keys.COMMODITY, ""), (page_keys.ROUTE, "r"),
                         (page_keys.LEG, "leg"), (page_keys.DETAILS, ""), (page_keys.HUB, ""),
                         (page_keys.REPORT, ""), (page_keys.LINK, "link"),
                         (page_keys.LABEL, "label")):
        unread = [key for key in table if not re.search(
            rf"\b{owner}\.{key}\b" if len(key) == 1 else rf"\.{key}\b", script)]
        assert unread == [], unread
