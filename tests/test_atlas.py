"""The Atlas: its tables and their promises, its lines, and the renderers' reliance on it alone.

Atlases of small catalogues are built without a sea router (every leg a geodesic) unless a
test gives one. Distances are measured on the WGS 84 ellipsoid with ``pyproj.Geod``.
"""

from __future__ import annotations

import ast
import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod

from tests.builders import minimal_route, stages, write_catalogue
from tests.conftest import REPO, atlas_for, route
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.assemble import build_atlas, route_ids
from trafficking_route_mapper.geodata.atlas import Atlas, Point
from trafficking_route_mapper.geodata.geometry import MAX_SEGMENT_KM
from trafficking_route_mapper.geodata.pipeline import load_atlas
from trafficking_route_mapper.geodata.resolve import ResolvedRoute, validate
from trafficking_route_mapper.geodata.seaways import SeaRouter
from trafficking_route_mapper.routes.errors import AtlasError, SeaRoutingError
from trafficking_route_mapper.routes.load import builtin_catalogues

GEOD = Geod(ellps="WGS84")
#: Rounding coordinates to PRECISION decimals moves a point by at most ~1 m.
ROUNDING_M = 2.0


def distance_m(a: Point, b: Point) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def same_point(a: Point, b: Point, modulo_360: bool = False) -> bool:
    dlon = a[0] - b[0]
    if modulo_360:
        dlon = (dlon + 180.0) % 360.0 - 180.0
    return abs(dlon) < 1e-9 and abs(a[1] - b[1]) < 1e-9


@pytest.fixture(scope="module")
def atlas(builtin_resolved: list[ResolvedRoute]) -> Atlas:
    return build_atlas(builtin_resolved)


# --- the tables -----------------------------------------------------------------------------------


def test_tables_have_exactly_the_documented_columns(builtin_atlas: Atlas) -> None:
    a = builtin_atlas
    assert tuple(a.statements.columns) == C.STATEMENT_COLUMNS
    assert tuple(a.route_table.columns) == C.ROUTE_COLUMNS
    assert tuple(a.stages.columns) == C.STAGE_COLUMNS
    assert tuple(a.leg_table.columns) == C.LEG_COLUMNS
    assert tuple(a.evidence.columns) == C.EVIDENCE_COLUMNS
    assert tuple(a.places.columns) == (*C.PLACE_COLUMNS, C.GEOMETRY)
    assert tuple(a.hubs.columns) == (*C.HUB_COLUMNS, C.GEOMETRY)
    assert tuple(a.commodities.columns) == C.COMMODITY_COLUMNS
    assert tuple(a.reports.columns) == C.REPORT_COLUMNS
    assert tuple(a.countries.columns) == C.COUNTRY_COLUMNS


def test_routes_and_legs_as_geodataframes(builtin_atlas: Atlas) -> None:
    routes, legs = builtin_atlas.routes, builtin_atlas.legs
    assert tuple(routes.columns) == (*C.ROUTE_COLUMNS, C.GEOMETRY)
    assert routes.crs.to_epsg() == 4326
    assert legs.crs.to_epsg() == 4326
    drawn = legs[legs[C.LEG_DRAWN]]
    assert drawn.geometry.notna().all()
    assert legs[~legs[C.LEG_DRAWN]].geometry.isna().all()
    for _, r in routes.iterrows():
        own = drawn[drawn[C.ROUTE_ID] == r[C.ROUTE_ID]]
        assert (0 if r.geometry is None else len(r.geometry.geoms)) == len(own), r[C.ROUTE_ID]
        if r.geometry is not None:
            assert [p.wkb for p in r.geometry.geoms] == [g.wkb for g in own.geometry]


def test_one_row_per_route_sorted_by_id(atlas: Atlas, builtin_resolved: list[ResolvedRoute]) -> None:
    assert list(atlas.statements[C.STATEMENT_ID]) == sorted(r.route.id for r in builtin_resolved)
    expected = sorted(route_id for r in builtin_resolved
                      for route_id, _ in route_ids(r.route.id, r.route.commodity_ids))
    assert list(atlas.route_table[C.ROUTE_ID]) == expected
    assert len(expected) > len(builtin_resolved)  # a statement names several commodities


def test_commodities_in_display_order_with_colours(atlas: Atlas) -> None:
    from trafficking_route_mapper.routes.commodities import COMMODITIES

    assert list(atlas.commodities[C.COMMODITY]) == list(COMMODITIES)
    assert all(c.startswith("#") and len(c) == 7 for c in atlas.commodities[C.COMMODITY_COLOUR])
    assert atlas.commodity_ids()[0] == "trafficked-persons"


def test_reports_and_country_names(atlas: Atlas) -> None:
    (report,) = atlas.reports.to_dict(orient="records")
    assert (report[C.SOURCE_ID], report[C.REPORTING_COUNTRY], report[C.REPORTING_COUNTRY_NAME],
            report[C.REPORT_YEAR], report[C.CATALOGUE]) == (
        "oci-2021-belgium", "BEL", "Belgium", 2021, "belgium.yaml")
    assert atlas.country_name("BEL") == "Belgium"
    assert atlas.country_name("XYZ") == "XYZ"


def test_optional_text_holds_none_not_nan(tmp_path: Path) -> None:
    a = atlas_for(tmp_path, minimal_route(id="with-note", note="a note"),
                  minimal_route(id="without-note"))
    assert list(a.route_table[C.NOTE]) == ["a note", None]
    assert a.stages[C.STAGE_NOTE].tolist() == [None] * 4


def test_the_atlas_checks_its_promises(atlas: Atlas) -> None:
    legs = atlas.leg_table.copy()
    legs.loc[0, C.LEG_TO_PLACE] = "country:XXX"
    with pytest.raises(AtlasError, match=r"to_place keys not in the places table: \['country:XXX'\]"):
        dataclasses.replace(atlas, leg_table=legs)
    legs = atlas.leg_table.copy()
    drawn = legs.index[legs[C.LEG_DRAWN]][0]
    legs.loc[drawn, C.LEG_COORD_STOP] = legs.loc[drawn, C.LEG_COORD_START] + 1
    with pytest.raises(AtlasError, match="drawn exactly when it has a line"):
        dataclasses.replace(atlas, leg_table=legs)
    with pytest.raises(AtlasError, match="route ids are not unique and sorted"):
        dataclasses.replace(atlas, route_table=atlas.route_table.iloc[::-1])
    with pytest.raises(AtlasError, match="stages are not in owner order"):
        dataclasses.replace(atlas, stages=atlas.stages.iloc[::-1].reset_index(drop=True))
    with pytest.raises(AtlasError, match="evidence name owners that are not in their table"):
        dataclasses.replace(atlas, statements=atlas.statements.iloc[1:].reset_index(drop=True))


def test_a_commodity_subset_is_a_consistent_atlas(builtin_atlas: Atlas) -> None:
    heroin = builtin_atlas.subset("heroin")
    assert set(heroin.route_table[C.COMMODITY]) == {"heroin"}
    assert set(heroin.leg_table[C.ROUTE_ID]) == set(heroin.route_table[C.ROUTE_ID])
    assert "country:AFG" in set(heroin.places[C.PLACE_KEY])  # a corridor's waypoint
    assert "port:BEANR" not in set(heroin.places[C.PLACE_KEY])


# --- the lines ------------------------------------------------------------------------------------


def test_every_line_starts_at_its_origin_and_ends_at_its_destination(atlas: Atlas) -> None:
    """Every drawn leg out of an origin (each of a stage's alternatives) starts at its point,
    and every leg into a destination ends at its point."""
    points = dict(zip(atlas.places[C.PLACE_KEY],
                      zip(atlas.places[C.PLACE_LON], atlas.places[C.PLACE_LAT], strict=True),
                      strict=True))
    checked = 0
    for route_id in atlas.route_table[C.ROUTE_ID]:
        r = route(atlas, route_id)
        last = max(s[C.STAGE_INDEX] for s in r.stages)
        origins = {s[C.STAGE_PLACE] for s in r.stages
                   if s[C.STAGE_INDEX] == 0 and s[C.STAGE_KIND] != "corridor"}
        ends = {s[C.STAGE_PLACE] for s in r.stages if s[C.STAGE_INDEX] == last}
        lines = iter(r.lines)
        for leg in r.legs:
            if not leg[C.LEG_DRAWN]:
                continue
            line = next(lines)
            if leg[C.LEG_FROM_PLACE] in origins:
                assert same_point(line[0], points[leg[C.LEG_FROM_PLACE]]), route_id
                checked += 1
            if leg[C.LEG_TO_PLACE] in ends:
                assert same_point(line[-1], points[leg[C.LEG_TO_PLACE]], modulo_360=True), route_id
                checked += 1
    assert checked >= 30


def test_lines_are_continuous_and_densified(atlas: Atlas) -> None:
    for route_id in atlas.route_table[C.ROUTE_ID]:
        r = route(atlas, route_id)
        drawn = [leg for leg in r.legs if leg[C.LEG_DRAWN]]
        reached: dict[str, Point] = {}
        for leg, line in zip(drawn, r.lines, strict=True):
            if leg[C.LEG_FROM_PLACE] in reached:  # legs join, also where a stage fans out
                assert line[0] == reached[leg[C.LEG_FROM_PLACE]], route_id
            reached.setdefault(leg[C.LEG_TO_PLACE], line[-1])
            for a, b in itertools.pairwise(line):
                assert abs(a[0] - b[0]) <= 180.0, route_id
                assert distance_m(a, b) <= MAX_SEGMENT_KM * 1000.0 + ROUNDING_M, route_id


def test_legs_know_their_places(atlas: Atlas) -> None:
    r = route(atlas, "cannabis-resin-morocco-spain-france-belgium")
    assert [(leg[C.LEG_FROM_PLACE], leg[C.LEG_TO_PLACE]) for leg in r.legs] == [
        ("country:MAR", "country:ESP"), ("country:ESP", "country:FRA"),
        ("country:FRA", "country:BEL")]
    assert [leg[C.LEG_MODE] for leg in r.legs] == ["unspecified", "road", "road"]
    assert [s[C.STAGE_BY] for s in r.stages] == ["unspecified", "unspecified", "road", "road"]


def test_unstated_destination_is_not_drawn(atlas: Atlas) -> None:
    r = route(atlas, "smuggled-migrants-through-belgium")
    belgium = r.point(2, atlas)  # stages: Africa, Middle East (alternatives), Belgium, unstated
    assert belgium is not None
    assert same_point(r.lines[-1][-1], belgium)
    last = r.legs[-1]
    assert (last[C.LEG_FROM], last[C.LEG_TO], last[C.LEG_TO_PLACE], last[C.LEG_DRAWN],
            last[C.LEG_ROUTING]) == ("Belgium", C.UNSTATED_NAME, None, False, "none")
    assert r.row[C.PATH] == "Africa or Middle East → Belgium → (destination not stated)"


@pytest.mark.parametrize("route_id", ["diamonds-into-antwerp", "firearms-through-port-of-antwerp",
                                      "nps-through-belgium--nps"])
def test_route_with_one_placed_stage_has_no_line(atlas: Atlas, route_id: str) -> None:
    r = route(atlas, route_id)
    assert r.lines == []
    assert not any(leg[C.LEG_DRAWN] for leg in r.legs)


def test_corridor_expands_to_inferred_legs_through_its_waypoints(atlas: Atlas) -> None:
    r = route(atlas, "heroin-into-belgium")  # any of three corridors, then Belgium
    waypoints = ["Afghanistan", "Iran", "Türkiye", "Bulgaria", "Serbia", "Croatia",
                 "Slovenia", "Austria", "Germany"]
    pairs = [(leg[C.LEG_FROM], leg[C.LEG_TO]) for leg in r.legs]
    balkan = list(itertools.pairwise(waypoints))
    assert pairs[:len(balkan)] == balkan  # the corridor's own legs come first
    assert ("Germany", "Belgium") in pairs  # then a leg from each corridor's end
    assert [leg[C.LEG_STATED] for leg in r.legs] == [False] * len(r.legs)
    assert len(r.lines) == len(r.legs)
    corridors = [s for s in r.stages if s[C.STAGE_INDEX] == 0]
    assert [(s[C.STAGE_KIND], s[C.STAGE_PLACE]) for s in corridors] == [
        ("corridor", "corridor:balkan-route"), ("corridor", "corridor:southern-route"),
        ("corridor", "corridor:northern-route")]
    assert "UNODC" in corridors[0][C.STAGE_SOURCE]


def test_a_corridors_path_names_its_waypoints(atlas: Atlas) -> None:
    """"Balkan route → Belgium" hid where the line goes: the path says it."""
    r = route(atlas, "heroin-into-belgium")
    assert r.row[C.PATH] == (
        "Balkan route (Afghanistan, Iran, Türkiye, Bulgaria, Serbia, Croatia, Slovenia, Austria,"
        " Germany), Southern route (Afghanistan, Pakistan, Kenya, Tanzania, Nigeria) or Northern"
        " route (Afghanistan, Tajikistan, Kyrgyzstan, Kazakhstan, Russia, Belarus, Poland,"
        " Germany) → Belgium")


def test_inferred_stage_makes_its_legs_inferred(atlas: Atlas) -> None:
    r = route(atlas, "cocaine-through-antwerp")
    assert [leg[C.LEG_STATED] for leg in r.legs] == [False, True, True]
    assert [leg[C.LEG_MODE] for leg in r.legs] == ["sea", "unspecified", "unspecified"]
    assert [s[C.STAGE_STATED] for s in r.stages] == [False, True, True, True]


def test_row_carries_the_vocabulary_and_the_source(atlas: Atlas) -> None:
    r = route(atlas, "cannabis-resin-morocco-spain-france-belgium")
    assert (r.row[C.COMMODITY], r.row[C.MARKET], r.row[C.CATEGORY],
            r.row[C.REPORTING_COUNTRY]) == ("cannabis-resin", "cannabis-trade", "Drugs", "BEL")
    assert r.row[C.PATH] == "Morocco → Spain → France → Belgium"
    assert (r.row[C.SOURCE_ID], r.row[C.CATALOGUE]) == ("oci-2021-belgium", "belgium.yaml")
    assert r.evidence[0][C.EVIDENCE_SOURCE] == "oci-2021-belgium"


def test_the_same_routes_give_the_same_atlas(atlas: Atlas,
                                             builtin_resolved: list[ResolvedRoute]) -> None:
    again = build_atlas(builtin_resolved)
    assert np.array_equal(again.coords, atlas.coords)
    for name in ("route_table", "stages", "leg_table", "evidence"):
        assert getattr(again, name).equals(getattr(atlas, name)), name


def test_belgium_to_north_america_curves_north(tmp_path: Path) -> None:
    a = atlas_for(tmp_path, minimal_route(stages=stages("Belgium", "North America")))
    (line,) = route(a, "firearms-balkans-belgium").lines
    start, end = line[0], line[-1]
    assert len(line) > 50
    middle = line[len(line) // 2]
    straight = start[1] + (end[1] - start[1]) * (middle[0] - start[0]) / (end[0] - start[0])
    assert middle[1] > straight + 10.0  # the great circle runs far north of the rhumb line
    assert middle[1] > max(start[1], end[1])


def test_line_over_the_antimeridian_stays_continuous(tmp_path: Path) -> None:
    a = atlas_for(tmp_path, minimal_route(stages=stages("China", "North America", "Belgium")))
    r = route(a, "firearms-balkans-belgium")
    points = [p for line in r.lines for p in line]
    assert max(abs(p[0] - q[0]) for p, q in itertools.pairwise(points)) <= 180.0
    assert max(p[0] for p in points) > 180.0  # crossed eastwards, not drawn back over Eurasia
    assert r.lines[0][-1] == r.lines[1][0]
    china, north_america, belgium = (r.point(i, a) for i in range(3))
    assert china is not None
    assert north_america is not None
    assert belgium is not None
    assert same_point(points[0], china)
    assert same_point(r.lines[0][-1], north_america, modulo_360=True)
    assert same_point(points[-1], belgium, modulo_360=True)


def test_unstated_origin_draws_from_the_first_placed_stage(tmp_path: Path) -> None:
    a = atlas_for(tmp_path, minimal_route(stages=stages(None, "Netherlands", "Belgium")))
    r = route(a, "firearms-balkans-belgium")
    assert r.point(0, a) is None
    (line,) = r.lines
    assert same_point(line[0], r.point(1, a))  # type: ignore[arg-type]
    assert same_point(line[-1], r.point(2, a))  # type: ignore[arg-type]


class _FakeRouter(SeaRouter):
    def __init__(self, fail: bool = False) -> None:
        super().__init__()
        self.calls: list[tuple[Point, Point]] = []
        self.fail = fail

    def path(self, start: Point, end: Point) -> list[Point]:
        self.calls.append((start, end))
        if self.fail:
            raise SeaRoutingError("no sea path")
        return [start, (-10.0, 45.0), end]


def test_sea_legs_use_the_sea_router(tmp_path: Path) -> None:
    router = _FakeRouter()
    a = atlas_for(tmp_path, minimal_route(stages=[
        {"place": "Nigeria"}, {"place": "Port of Antwerp", "by": "sea"},
        {"place": "Netherlands", "by": "road"}]), sea=router)
    r = route(a, "firearms-balkans-belgium")
    assert [leg[C.LEG_ROUTING] for leg in r.legs] == ["sea-lanes", "geodesic"]
    assert len(router.calls) == 1
    assert r.lines[0][1] == (-10.0, 45.0)


def test_failing_sea_router_falls_back_to_the_geodesic(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    a = atlas_for(tmp_path, minimal_route(stages=[
        {"place": "Nigeria"}, {"place": "Port of Antwerp", "by": "sea"}]), sea=_FakeRouter(True))
    r = route(a, "firearms-balkans-belgium")
    (leg,) = r.legs
    assert leg[C.LEG_ROUTING] == "geodesic-fallback"
    assert leg[C.LEG_NOTE].endswith("sea route could not be computed; drawn as a great circle")
    assert "sea routing failed" in caplog.text
    (line,) = r.lines
    assert len(line) > 2
    assert shapely.LineString(line).length > 0


def test_load_atlas_reads_the_builtin_catalogue_by_default() -> None:
    a = load_atlas()
    assert len(a.statements) == len(validate(builtin_catalogues()))
    assert len(a.route_table) == sum(len(ids) for ids in a.statements[C.ROUTE_IDS])
    assert a.reports[C.SOURCE_ID].tolist() == ["oci-2021-belgium"]


def test_load_atlas_takes_catalogue_paths(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, routes=[minimal_route()])
    a = load_atlas([path])
    assert a.route_table[C.ROUTE_ID].tolist() == ["firearms-balkans-belgium"]
    assert len(validate([path])) == 1


# --- renderers read the Atlas alone -----------------------------------------------------------------

#: What a renderer (maps/) may import of the package: the Atlas, its columns, the coordinate
#: conventions, and the generic process, staging and content-key helpers.
_ALLOWED = {
    "trafficking_route_mapper.geodata.atlas", "trafficking_route_mapper.geodata.columns",
    "trafficking_route_mapper.geodata.parallel", "trafficking_route_mapper.routes.errors",
    "trafficking_route_mapper.geodata.fingerprint",
}


def _package_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.count(".") == 1:  # from the_package.geodata import columns
                out.update(f"{node.module}.{alias.name}" for alias in node.names)
            else:
                out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return {m for m in out if m.startswith("trafficking_route_mapper.")}


def test_renderers_import_nothing_of_the_catalogue_or_the_gazetteer() -> None:
    found = {}
    for path in sorted((REPO / "maps").glob("*.py")):
        outside = {m for m in _package_imports(path) if not m.startswith(
            "trafficking_route_mapper.maps") and m not in _ALLOWED}
        if outside:
            found[path.name] = sorted(outside)
    assert found == {}


def test_no_module_of_the_package_is_much_over_400_lines() -> None:
    sizes = {str(p.relative_to(REPO)): len(p.read_text(encoding="utf-8").splitlines())
             for folder in ("routes", "geodata", "maps") for p in (REPO / folder).glob("*.py")}
    sizes.update({str(p.relative_to(REPO)): len(p.read_text(encoding="utf-8").splitlines())
                  for p in (REPO / "maps" / "assets").glob("*.js")})
    assert {name: n for name, n in sizes.items() if n > 450} == {}
