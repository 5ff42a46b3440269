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


def geodesic_sizes(starts: Sequence[Point], ends: Sequence[Point],
                   max_segment_km: float = MAX_SEGMENT_KM) -> tuple[Coords, Coords, Any]:
    """Azimuth, length (m) and number of points (both ends included) of each leg's geodesic:
    evenly spaced, at most ``max_segment_km`` apart."""
    geod = _geod()
    a = np.asarray(starts, dtype=float).reshape(-1, 2)
    b = np.asarray(ends, dtype=float).reshape(-1, 2)
    azimuth, _, dist = geod.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    inner = np.maximum(np.ceil(dist / 1000.0 / max_segment_km).astype(np.int64) - 1, 0)
    return np.asarray(azimuth), np.asarray(dist), inner + 2


#: Points computed per pyproj call: bounds the temporary arrays (a dozen of this many floats).
CHUNK_POINTS = 1 << 17


def fill_geodesics(out: Coords, offsets: Any, starts: Sequence[Point], ends: Sequence[Point],
                   sizes: tuple[Coords, Coords, Any]) -> None:
    """Write each leg's geodesic points into ``out[offsets[i]:offsets[i] + counts[i]]``.

    Vectorised with pyproj's ``fwd`` over many legs at a time, :data:`CHUNK_POINTS` points per
    call, so memory stays small however many points a build has. The ends are the given
    points exactly, not the forward solution's last-bit noise.
    """
    azimuth, dist, counts = sizes
    if not len(counts):
        return
    geod = _geod()
    a = np.asarray(starts, dtype=float).reshape(-1, 2)
    b = np.asarray(ends, dtype=float).reshape(-1, 2)
    offsets = np.asarray(offsets, dtype=np.int64)
    cum = np.cumsum(counts)
    first = 0
    while first < len(counts):
        done = cum[first - 1] if first else 0
        last = int(np.searchsorted(cum, done + CHUNK_POINTS, side="right"))
        last = max(last, first + 1)
        legs = np.arange(first, last)
        n = counts[legs]
        leg = np.repeat(legs, n)
        local = np.concatenate(([0], np.cumsum(n)[:-1]))
        step = np.arange(n.sum()) - np.repeat(local, n)  # 0 .. count-1 in each leg
        fraction = step / np.repeat(n - 1, n)
        lon, lat, _ = geod.fwd(a[leg, 0], a[leg, 1], azimuth[leg], fraction * dist[leg])
        target = np.repeat(offsets[legs] - local, n) + np.arange(n.sum())
        out[target, 0] = lon
        out[target, 1] = lat
        out[offsets[legs]] = a[legs]
        out[offsets[legs] + n - 1] = b[legs]
        first = last


def geodesics(
    starts: Sequence[Point], ends: Sequence[Point], max_segment_km: float = MAX_SEGMENT_KM
) -> list[Coords]:
    """Points along the geodesic of each (start, end) pair, both ends included, as arrays."""
    if not starts:
        return []
    sizes = geodesic_sizes(starts, ends, max_segment_km)
    counts = sizes[2]
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
    out = np.empty((int(counts.sum()), 2))
    fill_geodesics(out, offsets, starts, ends, sizes)
    return np.split(out, offsets[1:])


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
