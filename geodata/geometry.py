"""Line geometry for routes: geodesic legs, densified by length, with continuous longitudes.

Each leg between two placed stages follows the great circle (pyproj's geodesic on WGS 84),
with a point at least every ``max_segment_km`` so long legs curve as they should on a
Web-Mercator map. Longitudes are unwrapped along the whole route (a leg from Asia to North
America goes past 180 rather than jumping back across the map); the GeoJSON writer splits
such lines at the antimeridian.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np

from geodata.gazetteer import Point

#: Default spacing of points along a leg. 100 km keeps a leg within a pixel of the true geodesic
#: up to zoom 5 or so, at a cost of ~80 points for Belgium-Asia.
MAX_SEGMENT_KM = 100.0
PRECISION = 5


@functools.lru_cache(maxsize=1)
def _geod() -> object:
    from pyproj import Geod

    return Geod(ellps="WGS84")


def geodesic(start: Point, end: Point, max_segment_km: float = MAX_SEGMENT_KM) -> list[Point]:
    """Points along the geodesic from ``start`` to ``end`` (both included), lon/lat degrees."""
    geod = _geod()
    _, _, dist = geod.inv(start[0], start[1], end[0], end[1])  # type: ignore[attr-defined]
    inner = max(math.ceil(dist / 1000.0 / max_segment_km) - 1, 0)
    points = [start]
    if inner:
        points += geod.npts(start[0], start[1], end[0], end[1], inner)  # type: ignore[attr-defined]
    points.append(end)
    return points


def unwrap(points: Sequence[Point], start_lon: float | None = None) -> list[Point]:
    """Make longitudes continuous (no step over 180 degrees), optionally starting near ``start_lon``.

    The shift is chosen so the first longitude is the one of ``start_lon``'s 360-degree copies
    closest to it: consecutive legs of a route then join without a jump.
    """
    if not points:
        return []
    lons = np.unwrap(np.array([p[0] for p in points], dtype=float), period=360.0)
    if start_lon is not None:
        lons += 360.0 * round((start_lon - lons[0]) / 360.0)
    return [(round(float(x), PRECISION), round(float(p[1]), PRECISION))
            for x, p in zip(lons, points, strict=True)]
