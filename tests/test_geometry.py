"""Tests for route geometry (:mod:`geodata.geometry`) and the hand-off frame (:mod:`geodata.frame`).

Frames here are built without a sea router, so every leg is a geodesic and the tests do not
depend on the map package. Distances are measured on the WGS 84 ellipsoid with ``pyproj.Geod``.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import pytest
import shapely
from pyproj import Geod
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.frame import route_records, routes_frame
from trafficking_route_mapper.geodata.geometry import MAX_SEGMENT_KM, PRECISION, geodesic, unwrap
from trafficking_route_mapper.geodata.resolve import ResolvedRoute, validate

from tests.builders import minimal_route, stages, write_catalogue

GEOD = Geod(ellps="WGS84")
Point = tuple[float, float]
#: Rounding coordinates to PRECISION decimals moves a point by at most ~1 m.
ROUNDING_M = 2.0


def distance_m(a: Point, b: Point) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def same_point(a: Point, b: Point, modulo_360: bool = False) -> bool:
    dlon = a[0] - b[0]
    if modulo_360:
        dlon = (dlon + 180.0) % 360.0 - 180.0
    return abs(dlon) < 1e-9 and abs(a[1] - b[1]) < 1e-9


def line_points(geometry: Any) -> list[list[Point]]:
    return [[(float(x), float(y)) for x, y in part.coords] for part in geometry.geoms]


def frame_for(tmp_path: Path, *routes: dict[str, Any], sea_router: Any = None) -> Any:
    return routes_frame(validate([write_catalogue(tmp_path, routes=list(routes))]),
                        sea_router=sea_router)


@pytest.fixture(scope="module")
def frame(builtin_resolved: list[ResolvedRoute]) -> Any:
    return routes_frame(builtin_resolved)


def row(frame: Any, route_id: str) -> Any:
    rows = frame[frame[C.ROUTE_ID] == route_id]
    assert len(rows) == 1, route_id
    return rows.iloc[0]


# --- geodesic legs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [((4.35, 50.85), (-97.9, 41.7)), ((4.35, 50.85), (2.35, 48.86)), ((-70.0, -30.0), (150.0, -33.0))],
)
def test_geodesic_ends_exactly_and_is_densified(start: Point, end: Point) -> None:
    points = geodesic(start, end)
    total = distance_m(start, end)
    assert points[0] == start
    assert points[-1] == end
    assert len(points) == max(math.ceil(total / 1000.0 / MAX_SEGMENT_KM), 1) + 1
    steps = [distance_m(a, b) for a, b in itertools.pairwise(points)]
    assert max(steps) <= MAX_SEGMENT_KM * 1000.0 + 1e-3
    assert sum(steps) == pytest.approx(total, rel=1e-9)


def test_geodesic_segment_length_is_a_parameter() -> None:
    points = geodesic((0.0, 0.0), (10.0, 0.0), max_segment_km=500.0)
    assert len(points) == math.ceil(distance_m((0.0, 0.0), (10.0, 0.0)) / 500_000.0) + 1


def test_unwrap_makes_longitudes_continuous() -> None:
    assert unwrap([(170.0, 10.0), (-175.0, 11.0), (-160.0, 12.0)]) == [
        (170.0, 10.0), (185.0, 11.0), (200.0, 12.0)]


def test_unwrap_starts_near_the_previous_leg() -> None:
    assert unwrap([(-170.0, 0.0), (-160.0, 0.0)], start_lon=185.0) == [(190.0, 0.0), (200.0, 0.0)]
    assert unwrap([(10.0, 0.0), (20.0, 0.0)], start_lon=10.0) == [(10.0, 0.0), (20.0, 0.0)]


def test_unwrap_rounds_to_fixed_precision() -> None:
    assert unwrap([(1.123456789, 2.987654321)]) == [(round(1.123456789, PRECISION),
                                                      round(2.987654321, PRECISION))]
    assert unwrap([]) == []


# --- the built-in frame -------------------------------------------------------------------------


def test_frame_has_exactly_the_documented_columns(frame: Any) -> None:
    assert tuple(frame.columns) == C.ROUTE_COLUMNS
    assert frame.crs.to_epsg() == 4326


def test_frame_has_one_row_per_route_sorted_by_id(
    frame: Any, builtin_resolved: list[ResolvedRoute]
) -> None:
    assert list(frame[C.ROUTE_ID]) == sorted(r.route.id for r in builtin_resolved)
    assert frame[C.ROUTE_ID].is_unique


def test_every_line_starts_at_its_origin_and_ends_at_its_destination(frame: Any) -> None:
    checked = 0
    for _, r in frame.iterrows():
        origin, destination = r[C.STAGES][0][C.STAGE_POINT], r[C.STAGES][-1][C.STAGE_POINT]
        if r.geometry is None or origin is None or destination is None:
            continue
        parts = line_points(r.geometry)
        assert same_point(parts[0][0], tuple(origin)), r[C.ROUTE_ID]
        assert same_point(parts[-1][-1], tuple(destination)), r[C.ROUTE_ID]
        checked += 1
    assert checked >= 30


def test_lines_are_continuous_and_densified(frame: Any) -> None:
    for _, r in frame.iterrows():
        if r.geometry is None:
            continue
        parts = line_points(r.geometry)
        for before, after in itertools.pairwise(parts):
            assert before[-1] == after[0], r[C.ROUTE_ID]  # legs join
        for part in parts:
            for a, b in itertools.pairwise(part):
                assert abs(a[0] - b[0]) <= 180.0, r[C.ROUTE_ID]
                assert distance_m(a, b) <= MAX_SEGMENT_KM * 1000.0 + ROUNDING_M, r[C.ROUTE_ID]


def test_one_drawn_part_per_leg_with_both_ends_placed(frame: Any) -> None:
    for _, r in frame.iterrows():
        drawn = sum(leg[C.LEG_DRAWN] for leg in r[C.LEGS])
        assert drawn == (0 if r.geometry is None else len(r.geometry.geoms)), r[C.ROUTE_ID]
        assert r[C.MODES] == [leg[C.LEG_MODE] for leg in r[C.LEGS]]


def test_unstated_destination_is_not_drawn(frame: Any) -> None:
    r = row(frame, "smuggled-migrants-africa-belgium")
    belgium = r[C.STAGES][1][C.STAGE_POINT]
    assert same_point(line_points(r.geometry)[-1][-1], tuple(belgium))
    last = r[C.LEGS][-1]
    assert (last[C.LEG_FROM], last[C.LEG_TO], last[C.LEG_DRAWN], last[C.LEG_ROUTING]) == (
        "Belgium", C.UNSTATED_NAME, False, "none")
    assert r[C.PATH] == "Africa → Belgium → (destination not stated)"


@pytest.mark.parametrize("route_id", ["diamonds-into-antwerp", "firearms-through-port-of-antwerp",
                                      "nps-through-belgium"])
def test_route_with_one_placed_stage_has_no_line(frame: Any, route_id: str) -> None:
    r = row(frame, route_id)
    assert r.geometry is None
    assert not any(leg[C.LEG_DRAWN] for leg in r[C.LEGS])


def test_corridor_expands_to_inferred_legs_through_its_waypoints(frame: Any) -> None:
    r = row(frame, "heroin-balkan-route-belgium")
    waypoints = ["Afghanistan", "Iran", "Turkey", "Bulgaria", "Serbia", "Croatia",
                 "Slovenia", "Austria", "Germany"]
    legs = r[C.LEGS]
    assert [(leg[C.LEG_FROM], leg[C.LEG_TO]) for leg in legs] == list(
        zip(waypoints, [*waypoints[1:], "Belgium"], strict=True))
    assert [leg[C.LEG_STATED] for leg in legs] == [False] * len(legs)
    assert all(leg[C.LEG_DRAWN] for leg in legs)
    assert len(r.geometry.geoms) == len(legs)
    corridor = r[C.STAGES][0]
    assert (corridor[C.STAGE_KIND], corridor[C.STAGE_PLACE]) == ("corridor", "corridor:balkan-route")
    assert corridor[C.STAGE_SOURCE] is not None
    assert "UNODC" in corridor[C.STAGE_SOURCE]


def test_inferred_stage_makes_its_legs_inferred(frame: Any) -> None:
    r = row(frame, "cocaine-antwerp-netherlands")
    assert [leg[C.LEG_STATED] for leg in r[C.LEGS]] == [False, True]
    assert [leg[C.LEG_MODE] for leg in r[C.LEGS]] == ["sea", "unspecified"]
    assert [s[C.STAGE_STATED] for s in r[C.STAGES]] == [False, True, True]


def test_row_carries_the_vocabulary_and_the_source(frame: Any) -> None:
    r = row(frame, "cannabis-resin-morocco-spain-france-belgium")
    assert (r[C.COMMODITY], r[C.MARKET], r[C.CATEGORY], r[C.REPORTING_COUNTRY]) == (
        "cannabis-resin", "cannabis-trade", "Drugs", "BEL")
    assert r[C.PATH] == "Morocco → Spain → France → Belgium"
    assert r[C.MODES] == ["unspecified", "road", "road"]
    assert (r[C.SOURCE_ID], r[C.CATALOGUE]) == ("oci-2021-belgium", "belgium.yaml")
    assert r[C.EVIDENCE][0]["source"] == "oci-2021-belgium"


def test_builtin_geometry_is_identical_across_builds(
    frame: Any, builtin_resolved: list[ResolvedRoute]
) -> None:
    again = routes_frame(builtin_resolved)
    assert [None if g is None else g.wkb for g in again.geometry] == [
        None if g is None else g.wkb for g in frame.geometry]
    first_records, _ = route_records(builtin_resolved)
    second_records, _ = route_records(builtin_resolved)
    assert first_records == second_records


# --- routes of our own ------------------------------------------------------------------------


def test_belgium_to_north_america_curves_north(tmp_path: Path) -> None:
    f = frame_for(tmp_path, minimal_route(stages=stages("Belgium", "North America")))
    ((line,),) = [line_points(g) for g in f.geometry]
    start, end = line[0], line[-1]
    assert len(line) > 50
    middle = line[len(line) // 2]
    straight = start[1] + (end[1] - start[1]) * (middle[0] - start[0]) / (end[0] - start[0])
    assert middle[1] > straight + 10.0  # the great circle runs far north of the rhumb line
    assert middle[1] > max(start[1], end[1])


def test_line_over_the_antimeridian_stays_continuous(tmp_path: Path) -> None:
    route = minimal_route(stages=stages("China", "North America", "Belgium"))
    f = frame_for(tmp_path, route)
    parts = line_points(f.geometry.iloc[0])
    points = [p for part in parts for p in part]
    assert max(abs(a[0] - b[0]) for a, b in itertools.pairwise(points)) <= 180.0
    assert max(p[0] for p in points) > 180.0  # crossed eastwards, not drawn back over Eurasia
    assert parts[0][-1] == parts[1][0]
    china, north_america, belgium = (s[C.STAGE_POINT] for s in f[C.STAGES].iloc[0])
    assert same_point(points[0], tuple(china))
    assert same_point(parts[0][-1], tuple(north_america), modulo_360=True)
    assert same_point(points[-1], tuple(belgium), modulo_360=True)


def test_unstated_origin_draws_from_the_first_placed_stage(tmp_path: Path) -> None:
    f = frame_for(tmp_path, minimal_route(stages=stages(None, "Netherlands", "Belgium")))
    (parts,) = [line_points(g) for g in f.geometry]
    stage_points = [s[C.STAGE_POINT] for s in f[C.STAGES].iloc[0]]
    assert stage_points[0] is None
    assert len(parts) == 1
    assert same_point(parts[0][0], tuple(stage_points[1]))
    assert same_point(parts[0][-1], tuple(stage_points[2]))


def test_sea_legs_use_the_sea_router(tmp_path: Path) -> None:
    calls: list[tuple[Point, Point]] = []

    def router(start: Point, end: Point) -> list[Point]:
        calls.append((start, end))
        return [start, (-10.0, 45.0), end]

    route = minimal_route(stages=[{"place": "Nigeria"}, {"place": "Port of Antwerp", "by": "sea"},
                                  {"place": "Netherlands", "by": "road"}])
    f = frame_for(tmp_path, route, sea_router=router)
    legs = f[C.LEGS].iloc[0]
    assert [leg[C.LEG_ROUTING] for leg in legs] == ["sea-lanes", "geodesic"]
    assert len(calls) == 1
    assert line_points(f.geometry.iloc[0])[0][1] == (-10.0, 45.0)


def test_failing_sea_router_falls_back_to_the_geodesic(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def router(start: Point, end: Point) -> list[Point]:
        raise RuntimeError("no sea path")

    route = minimal_route(stages=[{"place": "Nigeria"}, {"place": "Port of Antwerp", "by": "sea"}])
    f = frame_for(tmp_path, route, sea_router=router)
    (leg,) = f[C.LEGS].iloc[0]
    assert leg[C.LEG_ROUTING] == "geodesic-fallback"
    assert leg[C.LEG_NOTE].endswith("sea route could not be computed; drawn as a great circle")
    assert "sea routing failed" in caplog.text
    (part,) = line_points(f.geometry.iloc[0])
    assert len(part) > 2
    assert shapely.LineString(part).length > 0


def test_optional_text_columns_hold_none_not_nan(tmp_path: Path) -> None:
    with_note = minimal_route(id="with-note", note="a note")
    without = minimal_route(id="without-note")
    f = routes_frame(validate([write_catalogue(tmp_path, routes=[with_note, without])]))
    assert list(f[C.NOTE]) == ["a note", None]
