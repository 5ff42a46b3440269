"""Tests for geodesic legs and longitude unwrapping (:mod:`geodata.geometry`).

Distances are measured on the WGS 84 ellipsoid with ``pyproj.Geod``. The Atlas's lines are
tested in ``test_atlas.py``.
"""

from __future__ import annotations

import itertools
import math

import pytest
from pyproj import Geod

from trafficking_route_mapper.geodata.atlas import PRECISION, Point
from trafficking_route_mapper.geodata.geometry import MAX_SEGMENT_KM, geodesic, unwrap

GEOD = Geod(ellps="WGS84")


def distance_m(a: Point, b: Point) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


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
