"""Line geometry for routes: geodesic legs, densified by length, with continuous longitudes.

Each leg between two placed stages follows the great circle (pyproj's geodesic on WGS 84),
with a point at least every ``max_segment_km`` so long legs curve as they should on a
Web-Mercator map. Longitudes are unwrapped along the whole route (a leg from Asia to North
America goes past 180 rather than jumping back across the map); the GeoJSON writer splits
such lines at the antimeridian.

:func:`geodesics` computes many legs with two vectorized pyproj calls (``inv`` for azimuths and
lengths, ``fwd`` for every point), which is what keeps a 10,000-route build fast; :func:`geodesic`
is the one-leg convenience.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

from trafficking_route_mapper.geodata.atlas import PRECISION, Coords, Point

#: Default spacing of points along a leg. 100 km keeps a leg within a pixel of the true geodesic
#: up to zoom 5 or so, at a cost of ~80 points for Belgium-Asia.
MAX_SEGMENT_KM = 100.0


@functools.lru_cache(maxsize=1)
def _geod() -> Any:
    from pyproj import Geod

    return Geod(ellps="WGS84")


def geodesics(
    starts: Sequence[Point], ends: Sequence[Point], max_segment_km: float = MAX_SEGMENT_KM
) -> list[Coords]:
    """Points along the geodesic of each (start, end) pair, both ends included, as arrays.

    The ends are the given points exactly; the points between are spaced evenly, at most
    ``max_segment_km`` apart.
    """
    if not starts:
        return []
    geod = _geod()
    a = np.asarray(starts, dtype=float).reshape(-1, 2)
    b = np.asarray(ends, dtype=float).reshape(-1, 2)
    azimuth, _, dist = geod.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    inner = np.maximum(np.ceil(dist / 1000.0 / max_segment_km).astype(np.int64) - 1, 0)
    counts = inner + 2
    leg = np.repeat(np.arange(len(a)), counts)
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
    step = np.arange(counts.sum()) - np.repeat(offsets, counts)  # 0 .. count-1 in each leg
    fraction = step / np.repeat(counts - 1, counts)
    lon, lat, _ = geod.fwd(a[leg, 0], a[leg, 1], np.repeat(azimuth, counts),
                           fraction * np.repeat(dist, counts))
    points = np.column_stack((lon, lat))
    first, last = offsets, offsets + counts - 1
    points[first] = a  # exact ends, not the forward solution's last-bit noise
    points[last] = b
    return np.split(points, offsets[1:])


def geodesic(start: Point, end: Point, max_segment_km: float = MAX_SEGMENT_KM) -> list[Point]:
    """Points along the geodesic from ``start`` to ``end`` (both included), lon/lat degrees."""
    (points,) = geodesics([start], [end], max_segment_km)
    return [(float(x), float(y)) for x, y in points]


def unwrap_array(points: Coords, start_lon: float | None = None) -> Coords:
    """Continuous longitudes (no step over 180 degrees), rounded to ``PRECISION`` decimals.

    The shift is chosen so the first longitude is the one of ``start_lon``'s 360-degree copies
    closest to it: consecutive legs of a route then join without a jump.
    """
    if len(points) == 0:
        return np.empty((0, 2))
    out = np.array(points, dtype=float)
    out[:, 0] = np.unwrap(out[:, 0], period=360.0)
    if start_lon is not None:
        out[:, 0] += 360.0 * round((start_lon - out[0, 0]) / 360.0)
    return np.round(out, PRECISION) + 0.0  # + 0.0 turns -0.0 into 0.0


def unwrap(points: Sequence[Point], start_lon: float | None = None) -> list[Point]:
    """:func:`unwrap_array` for a list of points."""
    return [(float(x), float(y)) for x, y in unwrap_array(np.asarray(points, dtype=float).reshape(-1, 2), start_lon)]
