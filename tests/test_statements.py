"""The catalogue language of statements: several commodities, alternatives for a stage, several
modes on a leg, ``land``, flows within one area, the roles beyond origin/transit/destination,
the 2023 markets and source notes. Each is checked from the YAML to the Atlas and the exports.

The catalogues here are test data, written for these tests (places and flows are illustrative,
not claims of any report).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from tests.builders import minimal_route, minimal_source, write_catalogue
from tests.conftest import atlas_for, route
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.resolve import validate
from trafficking_route_mapper.maps.export import write_exports
from trafficking_route_mapper.routes import commodities
from trafficking_route_mapper.routes.errors import CatalogueError, Problem

#: One sentence naming three commodities, three origins and three destinations (test data
#: shaped like the Belgium profile's wildlife sentence).
WILDLIFE: dict[str, Any] = minimal_route(
    id="wildlife-via-belgium", flow="wildlife-via-belgium", commodity=None,
    commodities=["ivory", "live-animals", "wildlife-products"],
    label="Wildlife through Belgium", reporting_role="transit",
    stages=[{"any_of": ["Democratic Republic of the Congo", "Guinea", "Liberia"]},
            {"place": "Belgium"},
            {"any_of": ["Asia", "North America", "Middle East"]}])
del WILDLIFE["commodity"]


def problems(tmp_path: Path, *routes: dict[str, Any], **kwargs: Any) -> list[Problem]:
    with pytest.raises(CatalogueError) as info:
        validate([write_catalogue(tmp_path, routes=list(routes), **kwargs)])
    return list(info.value.problems)


def messages(tmp_path: Path, *routes: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(p.field, p.message) for p in problems(tmp_path, *routes)]


# --- one statement, several commodities and alternatives ----------------------------------------


def test_a_statement_of_three_commodities_is_three_routes_with_one_evidence(
        tmp_path: Path) -> None:
    atlas = atlas_for(tmp_path, WILDLIFE)
    assert atlas.route_table[C.ROUTE_ID].tolist() == [
        "wildlife-via-belgium--ivory", "wildlife-via-belgium--live-animals",
        "wildlife-via-belgium--wildlife-products"]
    assert set(atlas.route_table[C.STATEMENT_ID]) == {"wildlife-via-belgium"}
    (statement,) = atlas.statements.to_dict(orient="records")
    assert statement[C.COMMODITIES] == ["ivory", "live-animals", "wildlife-products"]
    assert statement[C.ROUTE_IDS] == atlas.route_table[C.ROUTE_ID].tolist()
    assert len(atlas.evidence) == 1  # kept once, for the statement
    assert [list(atlas.evidence_rows(i)) for i in range(3)] == [[0], [0], [0]]


def test_alternatives_fan_out_from_the_shared_stage_instead_of_a_cross_product(
        tmp_path: Path) -> None:
    atlas = atlas_for(tmp_path, WILDLIFE)
    ivory = route(atlas, "wildlife-via-belgium--ivory")
    pairs = [(leg[C.LEG_FROM], leg[C.LEG_TO]) for leg in ivory.legs]
    assert pairs == [("Democratic Republic of the Congo", "Belgium"), ("Guinea", "Belgium"),
                     ("Liberia", "Belgium"), ("Belgium", "Asia"), ("Belgium", "North America"),
                     ("Belgium", "Middle East")]  # 6 legs, where 9 routes had 18
    assert ivory.row[C.PATH] == ("Democratic Republic of the Congo, Guinea or Liberia → Belgium"
                                 " → Asia, North America or Middle East")
    assert [(s[C.STAGE_INDEX], s[C.STAGE_OPTION]) for s in ivory.stages] == [
        (0, 0), (0, 1), (0, 2), (1, 0), (2, 0), (2, 1), (2, 2)]
    # every leg out of Belgium starts where the legs into it end
    ends = {line[-1] for line in ivory.lines[:3]}
    starts = {line[0] for line in ivory.lines[3:]}
    assert len(ends) == 1
    assert ends == starts


def test_the_three_routes_of_a_statement_share_their_lines(tmp_path: Path) -> None:
    atlas = atlas_for(tmp_path, WILDLIFE)
    legs = atlas.leg_table
    ranges = {(a, b) for a, b in zip(legs[C.LEG_COORD_START], legs[C.LEG_COORD_STOP],
                                     strict=True)}
    assert len(ranges) == 6  # 18 leg rows, 6 lines
    assert len(atlas.coords) == sum(b - a for a, b in ranges)


def test_exports_count_the_statement_once(tmp_path: Path) -> None:
    atlas = atlas_for(tmp_path, WILDLIFE)
    out = tmp_path / "out"
    write_exports(atlas, out)
    with (out / "flowmap" / "flows.csv").open(encoding="utf-8") as f:
        flows = {(r["origin"], r["dest"]): int(r["count"]) for r in csv.DictReader(f)}
    assert flows[("country:BEL", "region:asia")] == 1
    assert set(flows.values()) == {1}
    with (out / "flows.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r[C.STATEMENT_ID] for r in rows} == {"wildlife-via-belgium"}
    assert len(rows) == 18  # a row per drawn leg of each commodity's route, for kepler.gl
    features = json.loads((out / "routes.geojson").read_text(encoding="utf-8"))["features"]
    props = features[0]["properties"]
    assert props[C.STATEMENT_ID] == "wildlife-via-belgium"
    stages = props["stages"]
    assert [(s["stage"], s["name"], s["any_of"]) for s in stages[:4]] == [
        (0, "Democratic Republic of the Congo", True), (0, "Guinea", True), (0, "Liberia", True),
        (1, "Belgium", False)]


def test_the_page_shows_one_entry_per_commodity_naming_the_others(tmp_path: Path) -> None:
    from tests.test_pages import _data
    from trafficking_route_mapper.maps import pages

    data = _data(pages.render_page(atlas_for(tmp_path, WILDLIFE), "t"))
    ivory = next(r for r in data["routes"] if r["id"].endswith("--ivory"))
    assert len(ivory["legs"]) == 6
    assert ivory["d"]["also"] == ["Live animals", "Other wildlife products"]
    first = ivory["d"]["stages"][0]
    assert first["name"] == "Democratic Republic of the Congo, Guinea or Liberia"
    assert first["any"] == 3
    assert len(ivory["d"]["evidence"]) == 1


@pytest.mark.parametrize(("stage", "field", "message"), [
    ({"place": "Belgium", "any_of": ["Spain", "France"]}, "stages[1].any_of",
     "a stage is either one place or 'any_of' several, not both"),
    ({"any_of": ["Spain", "Spain"]}, "stages[1].any_of[1]", "'Spain' is listed twice"),
    ({"any_of": ["Spain", "Kingdom of Spain"]}, "stages[1].any_of[1]",
     "'Kingdom of Spain' is the same place as 'Spain', already in this 'any_of'"),
    ({"any_of": ["Spain"]}, "stages[1].any_of", "expected at least 2 items, found 1"),
    ({"any_of": ["Spain", "Balkans"]}, "stages[1].any_of[1]",
     "'Balkans' is the same place as the stage before (Balkans); a leg must go somewhere: "
     "remove it from one of the two stages"),
])
def test_wrong_alternatives_are_reported(tmp_path: Path, stage: dict[str, Any], field: str,
                                         message: str) -> None:
    bad = minimal_route(stages=[{"place": "Balkans"}, stage])
    found = messages(tmp_path, bad)
    assert (field, message) in [(f, m[:len(message)]) for f, m in found], found


@pytest.mark.parametrize(("route_fields", "field", "message"), [
    ({"commodities": ["ivory", "cocaine"]}, "commodities",
     "give either 'commodity' (one) or 'commodities' (a list), not both"),
    ({"commodity": None, "commodities": ["ivory", "ivory"]}, "commodities[1]",
     "'ivory' is listed twice"),
    ({"commodity": None, "commodities": ["ivory", "ivroy"]}, "commodities[1]",
     "unknown commodity 'ivroy'; did you mean 'ivory'?"),
])
def test_wrong_commodity_lists_are_reported(tmp_path: Path, route_fields: dict[str, Any],
                                            field: str, message: str) -> None:
    bad = minimal_route(**route_fields)
    if route_fields.get("commodity", "x") is None:
        del bad["commodity"]
    found = messages(tmp_path, bad)
    assert any(f == field and m.startswith(message) for f, m in found), found


# --- modes ----------------------------------------------------------------------------------------


def test_a_leg_by_several_modes_is_one_leg_with_every_mode(tmp_path: Path) -> None:
    atlas = atlas_for(tmp_path, minimal_route(stages=[
        {"place": "Balkans"}, {"place": "Belgium", "by": ["sea", "road", "air"]}]))
    (leg,) = route(atlas, "firearms-balkans-belgium").legs
    assert leg[C.LEG_MODE] == "road+sea+air"
    assert leg[C.LEG_ROUTING] == "geodesic"  # sea routing only where the sea is the only mode
    out = tmp_path / "out"
    write_exports(atlas, out)
    (feature,) = json.loads((out / "routes.geojson").read_text(encoding="utf-8"))["features"]
    assert feature["properties"]["legs"][0]["by"] == ["road", "sea", "air"]
    assert feature["properties"]["modes"] == ["road+sea+air"]


def test_land_is_a_mode(tmp_path: Path) -> None:
    atlas = atlas_for(tmp_path, minimal_route(stages=[
        {"place": "Balkans"}, {"place": "Belgium", "by": "land"}]))
    (leg,) = route(atlas, "firearms-balkans-belgium").legs
    assert (leg[C.LEG_MODE], leg[C.LEG_DRAWN]) == ("land", True)


@pytest.mark.parametrize(("by", "field", "message"), [
    (["road", "road"], "stages[1].by[1]", "'road' is listed twice"),
    (["land", "rail"], "stages[1].by[0]", "'land' means road or rail, not stated which"),
    (["road"], "stages[1].by", "expected at least 2 items"),
    ("boat", "stages[1].by", "input should be 'road', 'rail', 'land', 'sea', 'air' or"),
])
def test_wrong_mode_lists_are_reported(tmp_path: Path, by: Any, field: str,
                                       message: str) -> None:
    found = messages(tmp_path, minimal_route(stages=[{"place": "Balkans"},
                                                     {"place": "Belgium", "by": by}]))
    assert any(f == field and message in m for f, m in found), found


# --- flows within one area ------------------------------------------------------------------------


WITHIN: dict[str, Any] = minimal_route(
    id="cocaine-within-west-africa", flow="cocaine-in-west-africa", commodity="cocaine",
    label="Cocaine moved within West Africa by air", reporting_role="transit",
    within="West Africa", by="air")
del WITHIN["stages"]


def test_a_flow_within_a_region_has_the_region_as_both_ends_and_no_line(tmp_path: Path) -> None:
    atlas = atlas_for(tmp_path, WITHIN)
    r = route(atlas, "cocaine-within-west-africa")
    assert r.row[C.PATH] == "within West Africa"
    assert [(s[C.STAGE_PLACE], s[C.STAGE_ROLE], s[C.STAGE_BY]) for s in r.stages] == [
        ("region:west-africa", "within", "air")]
    (leg,) = r.legs
    assert (leg[C.LEG_FROM_PLACE], leg[C.LEG_TO_PLACE], leg[C.LEG_DRAWN], leg[C.LEG_ROUTING],
            leg[C.LEG_MODE]) == ("region:west-africa", "region:west-africa", False, "within",
                                 "air")
    out = tmp_path / "out"
    write_exports(atlas, out)
    (feature,) = json.loads((out / "routes.geojson").read_text(encoding="utf-8"))["features"]
    assert feature["geometry"] is None
    assert feature["properties"]["legs"][0]["from"] == feature["properties"]["legs"][0]["to"]


def test_a_flow_within_an_area_is_listed_at_it_and_marked(tmp_path: Path) -> None:
    from tests.test_pages import _data
    from trafficking_route_mapper.maps import pages

    data = _data(pages.render_page(atlas_for(tmp_path, WITHIN, minimal_route()), "t"))
    within = next(r for r in data["routes"] if r["id"] == "cocaine-within-west-africa")
    assert within["w"] == 0
    assert within["legs"] == []
    assert within["regions"] == ["region:west-africa"]
    assert "region:west-africa" in data["regions"]
    hub = next(h for h in data["hubs"] if h["name"] == "West Africa")
    assert hub["routes"] == [data["routes"].index(within)]


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"within": "Antwerp"}, "within", "'Antwerp' is a city; a flow 'within' a place stays inside"),
    ({"within": "West Africa", "stages": [{"place": "Balkans"}, {"place": "Belgium"}]},
     "within", "give either 'stages'"),
    ({"stages": None}, "stages", "missing stages; give 'stages'"),
])
def test_wrong_within_flows_are_reported(tmp_path: Path, fields: dict[str, Any], field: str,
                                         message: str) -> None:
    bad = dict(WITHIN, **fields)
    if bad.get("stages") is None:
        bad.pop("stages", None)
    if fields.get("stages") is None and "stages" in fields:
        bad.pop("within")
        bad.pop("by")
    found = messages(tmp_path, bad)
    assert any(f == field and m.startswith(message) for f, m in found), found


def test_a_route_level_by_needs_within(tmp_path: Path) -> None:
    found = messages(tmp_path, minimal_route(by="air"))
    assert ("by", "a route's own 'by' goes with 'within'; on a route with stages, put 'by' on "
                  "the stage the leg arrives at") in found


# --- roles, markets, source notes ---------------------------------------------------------------


@pytest.mark.parametrize("role", ["organiser", "financier", "nationals-abroad"])
def test_roles_beyond_the_goods_path(tmp_path: Path, role: str) -> None:
    atlas = atlas_for(tmp_path, minimal_route(reporting_role=role))
    assert atlas.route_table[C.REPORTING_ROLE].tolist() == [role]


def test_an_unknown_role_lists_the_roles(tmp_path: Path) -> None:
    ((field, message),) = messages(tmp_path, minimal_route(reporting_role="organizer"))
    assert field == "reporting_role"
    for role in ("source", "transit", "destination", "organiser", "financier",
                 "nationals-abroad"):
        assert repr(role) in message


def test_the_2023_markets_and_their_commodities() -> None:
    added = {m.id: m for m in commodities.MARKETS.values() if m.since == 2023}
    assert set(added) == {"extortion-and-protection-racketeering", "trade-in-counterfeit-goods",
                          "illicit-trade-in-excisable-goods", "cyber-dependent-crimes",
                          "financial-crimes"}
    assert len(commodities.MARKETS) == 15
    assert commodities.commodity("cigarettes").market.id == "illicit-trade-in-excisable-goods"
    assert commodities.commodity("counterfeit-goods").category == "Trade"
    assert commodities.commodity("cybercrime").category == "Cyber crimes"
    # every market has a commodity
    assert {c.market.id for c in commodities.COMMODITIES.values()} == set(commodities.MARKETS)


def test_a_2023_commodity_is_coded_and_drawn(tmp_path: Path) -> None:
    atlas = atlas_for(tmp_path, minimal_route(commodity="cigarettes"))
    assert atlas.route_table[C.MARKET].tolist() == ["illicit-trade-in-excisable-goods"]


def test_a_source_note_reaches_the_reports_and_the_exports(tmp_path: Path) -> None:
    note = "Coded from a press release quoting the report, not from the report itself."
    path = write_catalogue(tmp_path, source=minimal_source(note=note))
    atlas = atlas_for_paths([path])
    assert atlas.reports[C.SOURCE_NOTE].tolist() == [note]
    out = tmp_path / "out"
    write_exports(atlas, out)
    (feature,) = json.loads((out / "routes.geojson").read_text(encoding="utf-8"))["features"]
    assert feature["properties"][C.SOURCE_NOTE] == note


def atlas_for_paths(paths: list[Path]) -> Any:
    from trafficking_route_mapper.geodata.assemble import build_atlas

    return build_atlas(validate(paths))
