"""The drawing pieces of the PNG maps (:mod:`maps.static`): legs, places, regions, rings,
names, legend (the frame and base map: :mod:`maps.static_frame`). matplotlib is imported
inside the functions, by the processes that draw."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from trafficking_route_mapper.geodata.atlas import Coords
from trafficking_route_mapper.maps import style
from trafficking_route_mapper.maps.static_frame import Extent, base_paths

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
_RING_SIZE = 7.0  # points: the ring of an unstated end, larger than a leg end's marker
#: Legs shorter on screen than this many arrowhead sizes get no arrowhead.
_MIN_ARROW_LEG = 3.0
#: Region ends: a tint in a hue that is no commodity's (brown; the pages use the same).
REGION_TINT = "#9A6A2F"
REGION_ALPHA = 0.16
REGION_TEXT = "#6B4A21"  # the tint, darker: names legible on the tinted land

@dataclass(frozen=True)
class Leg:
    """A drawn leg as a PNG draws it."""

    commodity: str
    stated: bool
    frm: str
    to: str
    coords: Coords  # unwrapped lon/lat, shape (n, 2)
    route: str = ""
    #: the report leaves the route's origin before this leg's start (or its destination
    #: after its end) unstated: a ring marks the end, as on the pages
    open_start: bool = False
    open_end: bool = False
    #: the leg's ends are regions: drawn as areas with their names, not as named points
    frm_region: bool = False
    to_region: bool = False


@dataclass(frozen=True)
class Area:
    """A region a map's routes name, drawn tinted with its name at its point."""

    name: str
    point: tuple[float, float]
    shape: Any  # shapely (Multi)Polygon


@dataclass(frozen=True)
class Named:
    """A name written on a map at a point: a corridor's, or a place with no line."""

    name: str
    point: tuple[float, float]


@dataclass(frozen=True)
class Key:
    """What the drawing needs of the commodities: colour, pattern, label and display order."""

    colours: dict[str, str]
    labels: dict[str, str]
    order: dict[str, int]
    patterns: dict[str, int]  # routes.commodities.PATTERNS, as the HTML map draws them


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


@functools.lru_cache(maxsize=4)
def _font(bold: bool = False, italic: bool = False) -> Any:
    import matplotlib
    from matplotlib.font_manager import FontProperties

    name = "DejaVuSans" + ("-Bold" if bold else "") + ("Oblique" if italic else "")
    name = name.replace("DejaVuSansOblique", "DejaVuSans-Oblique") + ".ttf"
    return FontProperties(fname=str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name))


def font_sized(size: float, bold: bool = False, italic: bool = False) -> Any:
    font = _font(bold, italic).copy()
    font.set_size(size)
    return font


def region_text(name: str) -> str:
    """A region's name as the map writes it: spaced capitals (matplotlib has no small caps),
    so that it reads as an area, not as a place at a point."""
    return " ".join(name.upper())


def draw_areas(ax: Any, ext: Extent, areas: Sequence[Area]) -> None:
    """Every region end as a faint tinted area above the land and below the lines (no edge:
    a region's outline is its members' coasts and borders, already drawn), and its name in
    spaced italic capitals at its point."""
    from matplotlib import patheffects
    from matplotlib.collections import PathCollection

    if not areas:
        return
    shapes = np.array([a.shape for a in areas], dtype=object)
    ax.add_collection(PathCollection(
        base_paths(ext, shapes), facecolor=REGION_TINT, alpha=REGION_ALPHA, edgecolor="none",
        zorder=1.5), autolim=False)
    halo = [patheffects.withStroke(linewidth=2.4, foreground="white")]
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    for area in areas:
        text = ax.text(area.point[0], area.point[1], region_text(area.name), ha="center",
                       va="center", fontproperties=font_sized(7.0, italic=True),
                       color=REGION_TEXT, zorder=5.5, parse_math=False, path_effects=halo,
                       clip_on=True)
        # a point near the frame's edge: move the name sideways to keep it whole
        box = text.get_window_extent(renderer)
        shift = max(frame.x0 + 4 - box.x0, 0.0) - max(box.x1 - (frame.x1 - 4), 0.0)
        if shift:
            x, y = ax.transData.transform(area.point)
            text.set_position(ax.transData.inverted().transform((x + shift, y)))


def draw_rings(ax: Any, legs: Sequence[Leg], key: Key) -> None:
    """A hollow ring where the report leaves a route's origin or destination unstated, at the
    end of the leg that comes from or goes to it, as on the pages."""
    for leg in legs:
        for is_open, xy in ((leg.open_start, leg.coords[0]), (leg.open_end, leg.coords[-1])):
            if is_open:
                ax.plot([xy[0]], [xy[1]], linestyle="none", marker="o", markersize=_RING_SIZE,
                        markerfacecolor="white", markeredgecolor=key.colours[leg.commodity],
                        markeredgewidth=1.4, zorder=5.2)


def draw_names(ax: Any, names: Sequence[Named], colour: str = TEXT, italic: bool = True) -> None:
    """Names written at points (a corridor's, at the middle of its waypoints), with a halo."""
    from matplotlib import patheffects

    halo = [patheffects.withStroke(linewidth=2.6, foreground="white")]
    for named in names:
        ax.text(named.point[0], named.point[1], named.name, ha="center", va="center",
                fontproperties=font_sized(7.5, bold=True, italic=italic), color=colour,
                zorder=6.5, parse_math=False, path_effects=halo, clip_on=True)


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


def draw_places(ax: Any, fig: Any, legs: Sequence[Leg], extra: Sequence[Named] = ()) -> None:
    """Mark every leg end (a region's aside) and every ``extra`` place; name it unless the name
    would collide with one already placed."""
    ends: dict[str, list[tuple[float, float]]] = {}
    uses: dict[str, int] = {}
    for leg in legs:
        for name, xy, region in ((leg.frm, leg.coords[0], leg.frm_region),
                                 (leg.to, leg.coords[-1], leg.to_region)):
            if region:
                continue  # drawn as an area with its name (draw_areas)
            ends.setdefault(name, []).append((float(xy[0]), float(xy[1])))
            uses[name] = uses.get(name, 0) + 1
    for point in extra:
        ends.setdefault(point.name, []).append(point.point)
        uses[point.name] = uses.get(point.name, 0) + 1
    points = {name: sorted(set(pts))[0] for name, pts in ends.items()}
    if not points:
        return
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


def legend_handles(legs: Sequence[Leg], key: Key, regions: bool = False,
                   commodities: Sequence[str] = ()) -> tuple[list[Any], list[str]]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    lw = line_width()
    order = key.order
    commodities = sorted({leg.commodity for leg in legs} | set(commodities),
                         key=lambda c: (order.get(c, 10**6), c))
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
    if legs:
        handles.append(Line2D([], [], color=KEY_GREY, linestyle="none",
                              marker=arrow_marker(0.0), markersize=_ARROW_SIZE))
        names.append("Direction of flow")
    handles.append(Line2D([], [], linestyle="none", marker="o", markersize=3.6,
                          markerfacecolor="white", markeredgecolor=TEXT, markeredgewidth=0.8))
    names.append("Leg end (place named in the route)" if legs else "Place named in the route")
    if any(leg.open_start or leg.open_end for leg in legs):
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=_RING_SIZE,
                              markerfacecolor="white", markeredgecolor=KEY_GREY,
                              markeredgewidth=1.4))
        names.append("Ring: the report does not state where the route begins or ends")
    if regions:
        handles.append(Patch(facecolor=REGION_TINT, alpha=REGION_ALPHA * 2, edgecolor="none"))
        names.append("Tinted area, spaced capitals: a region (not a point)")
    return handles, names
