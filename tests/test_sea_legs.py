"""Sea legs of routes in the Atlas: lanes, gateway ports, fallback, other modes unchanged."""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path
from typing import Any

import pytest
from pyproj import Geod

from tests.conftest import route
from tests.test_seaways import Land, land, points_deep_on_land
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.assemble import build_atlas
from trafficking_route_mapper.geodata.atlas import Atlas, Point
from trafficking_route_mapper.geodata.geometry import geodesic
from trafficking_route_mapper.geodata.resolve import validate
from trafficking_route_mapper.geodata.seaways import SeaRouter
from trafficking_route_mapper.routes.errors import SeaRoutingError

__all__ = ["land"]  # the module-scoped land fixture, shared with test_seaways

GEOD = Geod(ellps="WGS84")
SEA_ROUTES = ("timber-central-africa-antwerp", "cocaine-through-antwerp")
GATEWAYS = {"Central Africa": (9.69, 4.05), "South America": (-46.30, -23.96)}


def _sea_leg(atlas: Atlas, route_id: str) -> tuple[dict[str, Any], list[Point]]:
    r = route(atlas, route_id)
    drawn = [leg for leg in r.legs if leg[C.LEG_DRAWN]]
    index = next(i for i, leg in enumerate(drawn) if leg[C.LEG_MODE] == "sea")
    return drawn[index], r.lines[index]


def _stage_point(atlas: Atlas, route_id: str, name: str) -> Point:
    r = route(atlas, route_id)
    index = next(i for i, s in enumerate(r.stages) if s[C.STAGE_NAME] == name)
    point = r.point(index, atlas)
    assert point is not None
    return point


@pytest.mark.parametrize("route_id", SEA_ROUTES)
def test_builtin_sea_legs_follow_the_lanes_off_land(builtin_atlas: Atlas, land: Land,
                                                    route_id: str) -> None:
    leg, coords = _sea_leg(builtin_atlas, route_id)
    assert leg[C.LEG_ROUTING] == "sea-lanes"
    assert coords[-1] == _stage_point(builtin_atlas, route_id, leg[C.LEG_TO])
    # the report names no port for the region: the leg starts at its main port and stays at
    # sea all the way (the last 50 km into the Scheldt excepted)
    assert points_deep_on_land(land, coords) == []


@pytest.mark.parametrize("route_id", SEA_ROUTES)
def test_a_regions_sea_leg_starts_at_its_gateway_port(builtin_atlas: Atlas,
                                                      route_id: str) -> None:
    """Not at the region's representative point, hundreds of km inland (Central Africa's is
    ~800 km from Douala, South America's in Mato Grosso): no drawn point lies more than a few
    km from the gateway at the leg's start."""
    leg, coords = _sea_leg(builtin_atlas, route_id)
    lon, lat = GATEWAYS[leg[C.LEG_FROM]]
    region = _stage_point(builtin_atlas, route_id, leg[C.LEG_FROM])
    _, _, inland = GEOD.inv(region[0], region[1], lon, lat)
    assert inland > 500_000  # the representative point is far inland: the check can fail
    _, _, off = GEOD.inv(coords[0][0], coords[0][1], lon, lat)
    assert off < 3_000
    # and the leg does not come back to the interior either
    first = [GEOD.inv(x, y, lon, lat)[2] for x, y in coords[:5]]
    assert first == sorted(first)
    gateway = {"Central Africa": "Douala", "South America": "Santos"}[leg[C.LEG_FROM]]
    assert f"by sea from {leg[C.LEG_FROM]} via {gateway}, its main port" in leg[C.LEG_NOTE]


def test_a_straight_line_for_the_timber_leg_would_cross_land(builtin_atlas: Atlas,
                                                             land: Land) -> None:
    """The check above can fail: the great circle from Douala to Antwerp crosses the Sahara."""
    straight = geodesic(GATEWAYS["Central Africa"], _stage_point(
        builtin_atlas, "timber-central-africa-antwerp", "Port of Antwerp"))
    assert len(points_deep_on_land(land, straight)) > 10


def test_sea_legs_are_deterministic(builtin_resolved: Any) -> None:
    first = build_atlas(builtin_resolved, SeaRouter())
    second = build_atlas(builtin_resolved, SeaRouter(use_table=False))  # searched, not read
    assert first.coords.tobytes() == second.coords.tobytes()


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
    atlas = build_atlas(validate([_catalogue(tmp_path, mode)]), SeaRouter())
    r = route(atlas, f"leg-by-{mode}")
    assert r.legs[0][C.LEG_ROUTING] == "geodesic"
    (coords,) = r.lines
    (lon0, lat0), (lon1, lat1) = coords[0], coords[-1]
    # every point lies on the great circle: the azimuths from the start agree
    az0, _, _ = GEOD.inv(lon0, lat0, lon1, lat1)
    for lon, lat in coords[1:-1]:
        az, _, _ = GEOD.inv(lon0, lat0, lon, lat)
        assert az == pytest.approx(az0, abs=0.01)


def test_routing_failure_warns_and_falls_back_to_the_geodesic(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(SeaRouter):
        def path(self, start: Point, end: Point) -> list[Point]:
            raise SeaRoutingError("no lane")

    with caplog.at_level(logging.WARNING, logger="trafficking_route_mapper.geodata.assemble"):
        atlas = build_atlas(validate([_catalogue(tmp_path, "sea")]), Broken())
    r = route(atlas, "leg-by-sea")
    assert r.legs[0][C.LEG_ROUTING] == "geodesic-fallback"
    assert "drawn as a great circle" in r.legs[0][C.LEG_NOTE]
    assert any("sea routing failed" in rec.getMessage() and "no lane" in rec.getMessage()
               for rec in caplog.records)
    assert r.lines[0][0] == pytest.approx((7.50322, 9.4398), abs=1e-4)  # Nigeria's label point
