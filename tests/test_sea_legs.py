"""Sea legs of routes in the frame: lanes, gateway ports, fallback, and other modes unchanged."""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path
from typing import Any

import pytest
from pyproj import Geod
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.frame import routes_frame
from trafficking_route_mapper.geodata.gazetteer import Point
from trafficking_route_mapper.geodata.geometry import geodesic
from trafficking_route_mapper.geodata.resolve import validate
from trafficking_route_mapper.maps.build import sea_router

from tests.test_seaways import Land, land, points_deep_on_land

__all__ = ["land"]  # the module-scoped land fixture, shared with test_seaways

GEOD = Geod(ellps="WGS84")
SEA_ROUTES = ("timber-central-africa-antwerp", "cocaine-antwerp-netherlands", "cocaine-antwerp-europe")
GATEWAYS = {"Central Africa": (9.69, 4.05), "South America": (-46.30, -23.96)}


def _sea_leg(frame: Any, route_id: str) -> tuple[dict[str, Any], list[Point]]:
    row = frame.set_index(C.ROUTE_ID).loc[route_id]
    drawn = [leg for leg in row[C.LEGS] if leg[C.LEG_DRAWN]]
    index = next(i for i, leg in enumerate(drawn) if leg[C.LEG_MODE] == "sea")
    part = row.geometry.geoms[index]
    return drawn[index], [(float(x), float(y)) for x, y in part.coords]


def _stage_point(frame: Any, route_id: str, name: str) -> Point:
    row = frame.set_index(C.ROUTE_ID).loc[route_id]
    stage = next(s for s in row[C.STAGES] if s[C.STAGE_NAME] == name)
    return (stage[C.STAGE_POINT][0], stage[C.STAGE_POINT][1])


@pytest.mark.parametrize("route_id", SEA_ROUTES)
def test_builtin_sea_legs_follow_the_lanes_off_land(builtin_frame: Any, land: Land,
                                                    route_id: str) -> None:
    leg, coords = _sea_leg(builtin_frame, route_id)
    assert leg[C.LEG_ROUTING] == "sea-lanes"
    assert coords[0] == _stage_point(builtin_frame, route_id, leg[C.LEG_FROM])
    assert coords[-1] == _stage_point(builtin_frame, route_id, leg[C.LEG_TO])
    # the report names no port for the region: the leg goes overland to its main port first,
    # and from there on it must stay at sea (the last 50 km into the Scheldt excepted)
    gateway = GATEWAYS[leg[C.LEG_FROM]]
    at_port = coords.index(gateway)
    assert at_port > 0
    assert points_deep_on_land(land, coords[at_port:]) == []
    assert "port not stated for " + leg[C.LEG_FROM] in leg[C.LEG_NOTE]


def test_a_straight_line_for_the_timber_leg_would_cross_land(builtin_frame: Any,
                                                             land: Land) -> None:
    """The check above can fail: the great circle from Douala to Antwerp crosses the Sahara."""
    straight = geodesic(GATEWAYS["Central Africa"], _stage_point(
        builtin_frame, "timber-central-africa-antwerp", "Port of Antwerp"))
    assert len(points_deep_on_land(land, straight)) > 10


def test_sea_legs_are_deterministic(builtin_resolved: Any) -> None:
    first = routes_frame(builtin_resolved, sea_router=sea_router())
    second = routes_frame(builtin_resolved, sea_router=sea_router())
    assert [g.wkb for g in first.geometry if g is not None] == [
        g.wkb for g in second.geometry if g is not None]


def _catalogue(folder: Path, mode: str) -> Path:
    path = folder / f"{mode}.yaml"
    path.write_text(textwrap.dedent(f"""\
        source:
          id: modes
          title: Modes
          publisher: Test
          sha256: "{"b" * 64}"
          reporting_country: Belgium
        routes:
        - id: leg-by-{mode}
          flow: legs
          commodity: cocaine
          label: A leg by {mode}
          reporting_role: destination
          stages:
          - place: Nigeria
          - place: Port of Antwerp
            by: {mode}
          evidence:
          - section: DRUGS
            phrase: a phrase
            summary: a summary
        """), encoding="utf-8")
    return path


@pytest.mark.parametrize("mode", ["air", "road", "rail", "unspecified"])
def test_other_modes_stay_geodesic(tmp_path: Path, mode: str) -> None:
    frame = routes_frame(validate([_catalogue(tmp_path, mode)]), sea_router=sea_router())
    leg = frame[C.LEGS].iloc[0][0]
    assert leg[C.LEG_ROUTING] == "geodesic"
    coords = [(float(x), float(y)) for x, y in frame.geometry.iloc[0].geoms[0].coords]
    (lon0, lat0), (lon1, lat1) = coords[0], coords[-1]
    # every point lies on the great circle: the azimuths from the start agree
    az0, _, _ = GEOD.inv(lon0, lat0, lon1, lat1)
    for lon, lat in coords[1:-1]:
        az, _, _ = GEOD.inv(lon0, lat0, lon, lat)
        assert az == pytest.approx(az0, abs=0.01)


def test_routing_failure_warns_and_falls_back_to_the_geodesic(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(start: Point, end: Point) -> list[Point]:
        raise RuntimeError("no lane")

    with caplog.at_level(logging.WARNING, logger="trafficking_route_mapper.geodata.frame"):
        frame = routes_frame(validate([_catalogue(tmp_path, "sea")]), sea_router=broken)
    leg = frame[C.LEGS].iloc[0][0]
    assert leg[C.LEG_ROUTING] == "geodesic-fallback"
    assert "drawn as a great circle" in leg[C.LEG_NOTE]
    assert any("sea routing failed" in r.getMessage() and "no lane" in r.getMessage()
               for r in caplog.records)
    coords = list(frame.geometry.iloc[0].geoms[0].coords)
    assert coords[0] == pytest.approx((7.50322, 9.4398), abs=1e-4)  # Nigeria's label point
