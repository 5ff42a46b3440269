"""The frame of the PNG maps (:mod:`maps.static`): its size and orientation, the extent it
shows, and the base map clipped to it. matplotlib is imported inside the functions."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from trafficking_route_mapper.geodata.atlas import Coords

#: The two frames a map is drawn in, chosen by the extent of what it shows (:func:`portrait`):
#: (width, height) in inches and the dpi. Both are 8.4 in (21.3 cm) tall, so that a one-route
#: map is never a page of its own: a landscape 4:3 (28.4 x 21.3 cm, at 160 dpi 1792 px wide)
#: and a portrait 3:4 (16 x 21.3 cm, at 200 dpi 1260 px wide: still more than 150 dpi at
#: A4 width). The base map, lines and text are the same size in both, in inches.
LANDSCAPE = (11.2, 8.4, 160)
PORTRAIT = (6.3, 8.4, 200)
#: Map frame height / width is kept within these bounds by widening the extent.
_MIN_RATIO, _MAX_RATIO = 0.45, 1.15
_MIN_SPAN_LON, _MIN_SPAN_LAT = 24.0, 12.0
_PAD = 0.08  # fraction of the span added on every side
_MAX_LAT = 84.0


@dataclass(frozen=True)
class Extent:
    x0: float
    x1: float
    y0: float
    y1: float

    @property
    def aspect(self) -> float:
        """Display units of y per unit of x: 1/cos of the middle latitude."""
        return 1.0 / math.cos(math.radians((self.y0 + self.y1) / 2.0))

    @property
    def ratio(self) -> float:
        """Height / width of the map frame."""
        return (self.y1 - self.y0) * self.aspect / (self.x1 - self.x0)


def extent(lines: Sequence[Coords], lo: float = _MIN_RATIO, hi: float = _MAX_RATIO,
           extra: Sequence[tuple[float, float]] = ()) -> Extent:
    """The lines' bounds (and the ``extra`` points') plus a margin, widened or heightened to a
    frame ratio (height / width) between ``lo`` and ``hi``."""
    xy = np.concatenate(list(lines) + ([np.asarray(extra, dtype=float)] if len(extra) else []))
    x0, y0 = xy.min(axis=0)
    x1, y1 = xy.max(axis=0)
    dx = max(x1 - x0, _MIN_SPAN_LON)
    dy = max(y1 - y0, _MIN_SPAN_LAT)
    cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    dx, dy = dx * (1 + 2 * _PAD), dy * (1 + 2 * _PAD)
    ext = Extent(cx - dx / 2, cx + dx / 2, cy - dy / 2, cy + dy / 2)
    for _ in range(6):  # the aspect depends on the latitudes, so settle it in a few rounds
        if ext.ratio > hi * 1.0001:  # too tall: widen
            dx = (ext.y1 - ext.y0) * ext.aspect / hi
            ext = Extent(cx - dx / 2, cx + dx / 2, ext.y0, ext.y1)
        elif ext.ratio < lo * 0.9999:  # too flat: heighten
            dy = lo * (ext.x1 - ext.x0) / ext.aspect
            ext = Extent(ext.x0, ext.x1, cy - dy / 2, cy + dy / 2)
        y0, y1 = ext.y0, ext.y1
        if y1 > _MAX_LAT:
            y0, y1 = y0 - (y1 - _MAX_LAT), _MAX_LAT
        if y0 < -_MAX_LAT:
            y0, y1 = -_MAX_LAT, y1 + (-_MAX_LAT - y0)
        ext = Extent(ext.x0, ext.x1, max(y0, -_MAX_LAT), min(y1, _MAX_LAT))
    if ext.ratio > hi * 1.0001:  # clipped at the poles: widen once more
        dx = (ext.y1 - ext.y0) * ext.aspect / hi
        ext = Extent(cx - dx / 2, cx + dx / 2, ext.y0, ext.y1)
    return ext


def portrait(lines: Sequence[Coords], extra: Sequence[tuple[float, float]] = ()) -> bool:
    """Whether what a map shows is taller than wide (its extent before any widening)."""
    return extent(lines, 0.0, 100.0, extra).ratio > 1.0


def valid_countries(shapes: Any) -> Any:
    """Every country's polygon (from a GeoDataFrame of them), made valid for clipping."""
    import shapely

    return shapely.make_valid(np.asarray(shapes.geometry.values, dtype=object))


def base_paths(ext: Extent, countries: Any) -> list[Any]:
    """Country outlines clipped to the extent, repeated 360 degrees east/west where needed.

    One path per polygon (rings of fewer than three points left out), vectorised: shapely
    clips and takes apart every country at once, and the rings are sliced from one array.
    """
    import shapely
    from matplotlib.path import Path as MplPath

    base = countries
    paths = []
    for shift in (-360.0, 0.0, 360.0):
        if ext.x1 < -180.0 + shift or ext.x0 > 180.0 + shift:
            continue
        box = (ext.x0 - shift - 1, ext.y0 - 1, ext.x1 - shift + 1, ext.y1 + 1)
        clipped = shapely.clip_by_rect(base, *box)
        parts = [p for g in clipped[~shapely.is_empty(clipped)] for p in _polygons(g)]
        if not parts:
            continue
        rings, ring_owner = shapely.get_rings(np.array(parts, dtype=object), return_index=True)
        coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
        coords = coords + np.array([shift, 0.0])
        sizes = np.bincount(coord_ring, minlength=len(rings))
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        verts: dict[int, list[Any]] = {}
        codes: dict[int, list[Any]] = {}
        for owner, start, size in zip(ring_owner.tolist(), starts.tolist(), sizes.tolist(),
                                      strict=True):
            if size < 3:
                continue
            ring_codes = np.full(size, MplPath.LINETO, dtype=np.uint8)
            ring_codes[0] = MplPath.MOVETO
            ring_codes[-1] = MplPath.CLOSEPOLY
            verts.setdefault(owner, []).append(coords[start:start + size])
            codes.setdefault(owner, []).append(ring_codes)
        for owner in sorted(verts):
            paths.append(MplPath(np.concatenate(verts[owner]), np.concatenate(codes[owner])))
    return paths


def _polygons(geom: Any) -> Iterable[Any]:
    if geom.geom_type == "Polygon":
        yield geom
    elif hasattr(geom, "geoms"):
        for g in geom.geoms:
            yield from _polygons(g)
