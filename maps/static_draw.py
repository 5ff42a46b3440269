"""The drawing pieces of the PNG maps (:mod:`maps.static`): extent, base map, legs, places,
legend. matplotlib is imported inside the functions, by the processes that draw."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from trafficking_route_mapper.geodata.atlas import Coords
from trafficking_route_mapper.maps import style

DPI = 160
FIG_WIDTH_IN = 8.27  # A4 portrait width

MARGIN_IN = 0.35
LAND = "#E3E3E3"
SEA = "#EAF1F7"
BORDER = "#FFFFFF"
COAST = "#BDBDBD"
TEXT = "#222222"
MUTED = "#555555"
KEY_GREY = "#444444"
_PX_TO_PT = 0.75  # CSS pixels (maps.style) to points
#: A printed map needs thinner lines than a screen map, yet room inside for a pattern: 1.7 pt.
_LINE_SCALE = 0.75
_ARROW_SIZE = 9.5  # points (the marker's longest extent)
#: Legs shorter on screen than this many arrowhead sizes get no arrowhead.
_MIN_ARROW_LEG = 3.0
#: Map frame height / width is kept within these bounds by widening the extent.
_MIN_RATIO, _MAX_RATIO = 0.45, 1.15
_MIN_SPAN_LON, _MIN_SPAN_LAT = 24.0, 12.0
_PAD = 0.08  # fraction of the span added on every side
_MAX_LAT = 84.0

@dataclass(frozen=True)
class Leg:
    """A drawn leg as a PNG draws it."""

    commodity: str
    stated: bool
    frm: str
    to: str
    coords: Coords  # unwrapped lon/lat, shape (n, 2)


@dataclass(frozen=True)
class Key:
    """What the drawing needs of the commodities: colour, pattern, label and display order."""

    colours: dict[str, str]
    labels: dict[str, str]
    order: dict[str, int]
    patterns: dict[str, int]  # routes.commodities.PATTERNS, as the HTML map draws them


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


def extent(legs: Sequence[Leg]) -> Extent:
    """The drawn legs' bounds plus a margin, widened to a frame ratio a page can hold."""
    xy = np.concatenate([leg.coords for leg in legs])
    x0, y0 = xy.min(axis=0)
    x1, y1 = xy.max(axis=0)
    dx = max(x1 - x0, _MIN_SPAN_LON)
    dy = max(y1 - y0, _MIN_SPAN_LAT)
    cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    dx, dy = dx * (1 + 2 * _PAD), dy * (1 + 2 * _PAD)
    ext = Extent(cx - dx / 2, cx + dx / 2, cy - dy / 2, cy + dy / 2)
    for _ in range(4):  # the aspect depends on the latitudes, so settle it in a few rounds
        if ext.ratio > _MAX_RATIO:  # too tall: widen
            dx = (ext.y1 - ext.y0) * ext.aspect / _MAX_RATIO
            ext = Extent(cx - dx / 2, cx + dx / 2, ext.y0, ext.y1)
        elif ext.ratio < _MIN_RATIO:  # too flat: heighten
            dy = _MIN_RATIO * (ext.x1 - ext.x0) / ext.aspect
            ext = Extent(ext.x0, ext.x1, cy - dy / 2, cy + dy / 2)
        y0, y1 = ext.y0, ext.y1
        if y1 > _MAX_LAT:
            y0, y1 = y0 - (y1 - _MAX_LAT), _MAX_LAT
        if y0 < -_MAX_LAT:
            y0, y1 = -_MAX_LAT, y1 + (-_MAX_LAT - y0)
        ext = Extent(ext.x0, ext.x1, max(y0, -_MAX_LAT), min(y1, _MAX_LAT))
    return ext


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


def offset(coords: Coords, offset_pt: float, pt_per_x: float, aspect: float) -> Coords:
    """``coords`` moved ``offset_pt`` points to the left of the direction of travel on screen."""
    if offset_pt == 0.0 or len(coords) < 2:
        return coords
    screen = coords * np.array([pt_per_x, pt_per_x * aspect])
    d = np.gradient(screen, axis=0)
    norm = np.hypot(d[:, 0], d[:, 1])
    norm[norm == 0] = 1.0
    normal = np.column_stack([-d[:, 1], d[:, 0]]) / norm[:, None]
    moved = screen + normal * offset_pt
    result: Coords = moved / np.array([pt_per_x, pt_per_x * aspect])
    return result


def midpoint(coords: Coords, aspect: float) -> tuple[float, float, float, float]:
    """Point halfway along a leg (on screen), the screen heading there in degrees, and the
    leg's screen length in x-axis units."""
    screen = coords * np.array([1.0, aspect])
    seg = np.diff(screen, axis=0)
    lengths = np.hypot(seg[:, 0], seg[:, 1])
    total = float(lengths.sum())
    if total == 0.0:
        return float(coords[0, 0]), float(coords[0, 1]), 0.0, 0.0
    cum = np.concatenate([[0.0], np.cumsum(lengths)])
    i = int(np.searchsorted(cum, total / 2.0, side="right") - 1)
    i = min(max(i, 0), len(seg) - 1)
    t = (total / 2.0 - cum[i]) / lengths[i] if lengths[i] else 0.0
    x, y = coords[i] + t * (coords[i + 1] - coords[i])
    heading = math.degrees(math.atan2(seg[i, 1], seg[i, 0]))
    return float(x), float(y), heading, total


def arrow_marker(heading: float) -> Any:
    from matplotlib.markers import MarkerStyle
    from matplotlib.path import Path as MplPath
    from matplotlib.transforms import Affine2D

    head = MplPath([(1.0, 0.0), (-0.7, 0.6), (-0.35, 0.0), (-0.7, -0.6), (1.0, 0.0)],
                   [MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.LINETO,
                    MplPath.CLOSEPOLY])
    return MarkerStyle(head, transform=Affine2D().rotate_deg(heading))


# --- drawing -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def _font(bold: bool = False) -> Any:
    import matplotlib
    from matplotlib.font_manager import FontProperties

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return FontProperties(fname=str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name))


def font_sized(size: float, bold: bool = False) -> Any:
    font = _font(bold).copy()
    font.set_size(size)
    return font


def line_width() -> float:
    return style.line_width(1) * _PX_TO_PT * _LINE_SCALE


#: Pattern 3's centre line, as on the HTML map (assets/draw.js TRM.PATTERN_DARK).
PATTERN_DARK = "#111111"


def pattern_style(pattern: int, lw: float, stated: bool) -> dict[str, Any] | None:
    """matplotlib keywords of the line drawn inside a leg of ``lw`` points to show a
    commodity's pattern (routes.commodities.PATTERNS), or None for a plain line. As on the
    HTML map (assets/draw.js TRM.strokePattern): over the leg, with its dashes, one dot to a
    dash. matplotlib scales dashes by the line's width, so the leg's dashes, given in CSS px
    and scaled by ``lw``, are rescaled to the inner line's width here."""
    if not pattern:
        return None
    on, off = (v * _PX_TO_PT for v in style.INFERRED_DASH)
    if pattern == 2:
        inner = lw * 0.6
        period = (on + off) * lw / inner
        # very short dashes with round caps are dots (Agg draws no zero-length dash); on a
        # dashed leg, one at each dash's middle
        offset = 0.0 if stated else period - on * lw / inner / 2
        return {"color": "white", "linewidth": inner, "dash_capstyle": "round",
                "linestyle": (offset, (0.3, period - 0.3))}
    inner = lw * 0.3
    kwargs: dict[str, Any] = {"color": PATTERN_DARK if pattern == 3 else "white",
                              "linewidth": inner, "solid_capstyle": "round",
                              "dash_capstyle": "butt"}
    if not stated:
        kwargs["dashes"] = (on * lw / inner, off * lw / inner)
    return kwargs


def draw_legs(ax: Any, legs: Sequence[Leg], ext: Extent, pt_per_x: float, key: Key) -> None:
    """Legs once per (commodity, path), coinciding commodities side by side, then arrowheads."""
    from matplotlib import patheffects

    lw = line_width()
    dash = tuple(v * _PX_TO_PT for v in style.INFERRED_DASH)
    order = key.order
    unique: dict[tuple[str, bytes], Leg] = {}
    for leg in sorted(legs, key=lambda g: (order.get(g.commodity, 10**6), g.commodity,
                                           not g.stated)):
        ident = (leg.commodity, np.round(leg.coords, 4).tobytes())
        unique.setdefault(ident, leg)  # the stated copy wins over an inferred one
    # which commodities share a path (in either direction), to offset them across it
    sharing: dict[bytes, list[str]] = {}
    for (commodity, _), leg in unique.items():
        path_key = _undirected_key(leg.coords)
        if commodity not in sharing.setdefault(path_key, []):
            sharing[path_key].append(commodity)
    halo = [patheffects.withStroke(linewidth=lw + 1.6, foreground="white")]
    arrows = []
    for leg in unique.values():
        path_key = _undirected_key(leg.coords)
        group = sharing[path_key]
        k = group.index(leg.commodity)
        shift = (k - (len(group) - 1) / 2.0) * lw * 1.1
        canonical = np.round(leg.coords, 4).tobytes() <= np.round(leg.coords[::-1], 4).tobytes()
        coords = offset(leg.coords, shift if canonical else -shift, pt_per_x, ext.aspect)
        colour = key.colours[leg.commodity]
        kwargs: dict[str, Any] = {"color": colour, "linewidth": lw, "solid_capstyle": "round",
                                  "dash_capstyle": "butt", "zorder": 3 if leg.stated else 2.5,
                                  "path_effects": halo}
        if not leg.stated:
            kwargs["dashes"] = dash
        ax.plot(coords[:, 0], coords[:, 1], **kwargs)
        inner = pattern_style(key.patterns.get(leg.commodity, 0), lw, leg.stated)
        if inner is not None:
            ax.plot(coords[:, 0], coords[:, 1], zorder=kwargs["zorder"] + 0.01, **inner)
        arrows.append((coords, colour))
    for coords, colour in arrows:
        x, y, heading, length = midpoint(coords, ext.aspect)
        if length * pt_per_x < _MIN_ARROW_LEG * _ARROW_SIZE:
            continue  # an arrowhead would hide the whole leg
        ax.plot([x], [y], marker=arrow_marker(heading), markersize=_ARROW_SIZE, color=colour,
                markeredgecolor="white", markeredgewidth=0.5, linestyle="none", zorder=4)


def _undirected_key(coords: Coords) -> bytes:
    a = np.round(coords, 4).tobytes()
    b = np.round(coords[::-1], 4).tobytes()
    return min(a, b)


def draw_places(ax: Any, fig: Any, legs: Sequence[Leg]) -> None:
    """Mark every leg end; name it unless the name would collide with one already placed."""
    ends: dict[str, list[tuple[float, float]]] = {}
    uses: dict[str, int] = {}
    for leg in legs:
        for name, xy in ((leg.frm, leg.coords[0]), (leg.to, leg.coords[-1])):
            ends.setdefault(name, []).append((float(xy[0]), float(xy[1])))
            uses[name] = uses.get(name, 0) + 1
    points = {name: sorted(set(pts))[0] for name, pts in ends.items()}
    xs = [points[n][0] for n in sorted(points)]
    ys = [points[n][1] for n in sorted(points)]
    ax.plot(xs, ys, linestyle="none", marker="o", markersize=3.6, markerfacecolor="white",
            markeredgecolor=TEXT, markeredgewidth=0.8, zorder=5)
    from matplotlib import patheffects
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    frame_box = ax.get_window_extent(renderer)
    r = 3.0 * fig.dpi / 72.0  # marker radius plus a little, in pixels
    placed: list[Any] = [Bbox.from_extents(px - r, py - r, px + r, py + r)
                         for px, py in ax.transData.transform(np.column_stack([xs, ys]))]

    halo = [patheffects.withStroke(linewidth=2.4, foreground="white")]
    font = font_sized(7.0)
    candidates = ((5, 3, "left", "bottom"), (-5, 3, "right", "bottom"),
                  (5, -3, "left", "top"), (-5, -3, "right", "top"),
                  (5, 11, "left", "bottom"), (-5, 11, "right", "bottom"),
                  (5, -11, "left", "top"), (-5, -11, "right", "top"))
    for name in sorted(points, key=lambda n: (-uses[n], n)):
        x, y = points[name]
        for dx, dy, ha, va in candidates:
            text = ax.annotate(name, (x, y), xytext=(dx, dy), textcoords="offset points",
                               ha=ha, va=va, fontproperties=font, color=TEXT, zorder=6,
                               parse_math=False,
                               path_effects=halo, annotation_clip=True)
            box = text.get_window_extent(renderer).expanded(1.05, 1.15)
            inside = (box.x0 >= frame_box.x0 and box.x1 <= frame_box.x1
                      and box.y0 >= frame_box.y0 and box.y1 <= frame_box.y1)
            if inside and not any(box.overlaps(other) for other in placed):
                placed.append(box)
                if abs(dy) > 5:  # a label set further off gets a leader to its point
                    text.remove()
                    ax.annotate(name, (x, y), xytext=(dx, dy), textcoords="offset points",
                                ha=ha, va=va, fontproperties=font, color=TEXT, zorder=6,
                                parse_math=False,
                                path_effects=halo, annotation_clip=True,
                                arrowprops={"arrowstyle": "-", "color": MUTED,
                                            "linewidth": 0.5, "shrinkA": 0.5, "shrinkB": 2.5})
                break
            text.remove()


def legend_handles(legs: Sequence[Leg], key: Key) -> tuple[list[Any], list[str]]:
    from matplotlib.lines import Line2D

    lw = line_width()
    order = key.order
    commodities = sorted({leg.commodity for leg in legs}, key=lambda c: (order.get(c, 10**6), c))
    handles: list[Any] = []
    for c in commodities:
        line = Line2D([], [], color=key.colours[c], linewidth=lw + 0.6)
        inner = pattern_style(key.patterns.get(c, 0), lw + 0.6, True)
        # a pattern's line over the colour's: a tuple, which the legend draws one on the other
        handles.append(line if inner is None else (line, Line2D([], [], **inner)))
    names = [key.labels.get(c, c) for c in commodities]
    if any(leg.stated for leg in legs):
        handles.append(Line2D([], [], color=KEY_GREY, linewidth=lw))
        names.append("Stated leg (solid)")
    if not all(leg.stated for leg in legs):
        handles.append(Line2D([], [], color=KEY_GREY, linewidth=lw,
                              dashes=tuple(v * _PX_TO_PT for v in style.INFERRED_DASH)))
        names.append("Inferred leg (dashed)")
    handles += [
        Line2D([], [], color=KEY_GREY, linestyle="none", marker=arrow_marker(0.0),
               markersize=_ARROW_SIZE),
        Line2D([], [], linestyle="none", marker="o", markersize=3.6, markerfacecolor="white",
               markeredgecolor=TEXT, markeredgewidth=0.8),
    ]
    names += ["Direction of flow", "Leg end (place named in the route)"]
    return handles, names
