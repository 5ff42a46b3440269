"""Cut lines at the antimeridian, as RFC 7946 (section 3.1.9) and GIS tools want them.

The Atlas's lines have *unwrapped* longitudes (a trans-Pacific leg runs on past 180 so that it
stays one continuous line). GIS tools draw such a line across the whole map or not at all, so
every exported line is split where it crosses a meridian 180 + 360k: the latitude of the
crossing is interpolated linearly in lon/lat between the two vertices either side (legs are
densified to a point every ~100 km, so the error against the geodesic is negligible), one part
ends at +180 (or -180) and the next starts at -180 (or +180) with the *same* latitude. A stretch
lying wholly beyond 180 is shifted by 360. One leg may so become several parts.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from trafficking_route_mapper.geodata.atlas import PRECISION, Coords, Point, wrap_lon


def export_parts(line: Coords) -> list[Coords]:
    """One drawn line as exported: split where it crosses ±180 and rounded to PRECISION."""
    if len(line) and (np.abs(line[:, 0]) > 180.0).any():
        return [np.round(np.array(piece, dtype=float), PRECISION) + 0.0
                for piece in split_antimeridian(line.tolist())]
    return [np.round(line, PRECISION) + 0.0]


def _sheet_for(a: float, b: float, current: int | None) -> int:
    """The k such that [a, b] - 360k lies in [-180, 180]; the current one when it fits."""
    if current is not None and all(-180.0 <= x - 360.0 * current <= 180.0 for x in (a, b)):
        return current
    return math.floor(((a + b) / 2.0 + 180.0) / 360.0)


def split_antimeridian(coords: Sequence[Sequence[float]]) -> list[list[Point]]:
    """Split one line with unwrapped longitudes into parts with longitudes in [-180, 180].

    The line is cut wherever a segment crosses a meridian 180 + 360k (the latitude there is
    interpolated linearly between the segment's ends, once, and used by both parts); each part
    is then shifted by the multiple of 360 that brings it into range. A line that only touches
    a meridian (ends on it, or runs along it) is not cut. Coordinates are not rounded here.
    """
    pts = [(float(x), float(y)) for x, y in coords]
    if len(pts) < 2:
        return [[(wrap_lon(x), y) for x, y in pts]] if pts else []
    parts: list[list[Point]] = []
    current: list[Point] = []
    sheet: int | None = None
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        if current:  # fast path: both ends on the current sheet, so no meridian in between
            offset = 360.0 * sheet  # type: ignore[operator]
            if -180.0 <= x0 - offset <= 180.0 and -180.0 <= x1 - offset <= 180.0:
                current.append((x1 - offset, y1))
                continue
        lo, hi = min(x0, x1), max(x0, x1)
        cuts: list[Point] = []
        m = math.floor((lo - 180.0) / 360.0) + 1  # the first meridian 180 + 360m above lo
        while 180.0 + 360.0 * m < hi:
            meridian = 180.0 + 360.0 * m
            t = (meridian - x0) / (x1 - x0)
            cuts.append((meridian, y0 + t * (y1 - y0)))
            m += 1
        if x1 < x0:
            cuts.reverse()
        stops = [(x0, y0), *cuts, (x1, y1)]
        for (ax, ay), (bx, by) in itertools.pairwise(stops):
            k = _sheet_for(ax, bx, sheet)
            if k != sheet or not current:
                if current:
                    parts.append(current)
                current = [(ax - 360.0 * k, ay)]
                sheet = k
            current.append((bx - 360.0 * k, by))
    parts.append(current)
    return parts
