"""Static PNG maps for reports: an overview of every drawn route and one map per commodity.

Files: ``png/overview.png`` and ``png/<commodity>.png`` for every commodity with at least one
drawn route (a commodity whose routes all have an unstated end has nothing to draw).

What a map shows, and why
    * Land light grey, sea pale blue, thin white-grey borders from the repository's Natural
      Earth countries (:func:`geodata.gazetteer.load_countries`), so the routes carry the colour.
    * Routes in the colours of :mod:`maps.style` (the HTML map's colours): stated legs solid,
      inferred legs dashed with :data:`maps.style.INFERRED_DASH`; a small arrowhead halfway
      along every drawn leg gives the direction of the flow. Legs are drawn from the geometry
      parts, the i-th part being the i-th leg with ``drawn`` true (see :mod:`geodata.columns`).
    * Where legs of *different* commodities coincide (ivory and live animals share their paths
      in the built-in catalogue), they are drawn side by side, offset across the line by one
      line width each, rather than hiding one another.
    * Leg ends are marked and named; a name that would collide with another (Belgium and the
      Port of Antwerp on a world map) is left out, more-used places winning.
    * The legend, title and source line are outside the map frame, so they never cover a
      route. The title says how many routes are drawn and how many are not (an unstated end).

Projection
    Equirectangular with the standard parallel at the middle of the extent (the y axis is
    stretched by 1/cos(latitude)). For the regional-to-intercontinental extents of these maps
    it keeps shapes recognisable without reprojecting, and it accepts the frame's *unwrapped*
    longitudes as they are: a route running past 180 stays one line, and the base map is
    repeated 360 degrees east or west when the extent reaches there.

Size and determinism
    A4 width (8.27 in) at :data:`DPI` = 160, i.e. 1323 px wide; the height follows the extent.
    Rendering uses matplotlib's Agg canvas directly (``FigureCanvasAgg``) inside the function,
    never ``pyplot`` or ``matplotlib.use``: nothing global changes at import or call time. All
    text uses the DejaVu Sans files that ship *inside* matplotlib (loaded by file name, so a
    system copy of another version cannot be picked), rc parameters are reset to matplotlib's
    defaults for the duration of the call, and the PNG ``Software`` tag (the matplotlib version)
    is left out. Two builds with the same matplotlib/FreeType versions were measured
    byte-identical; a different matplotlib may anti-alias differently.
"""

from __future__ import annotations

import functools
import logging
import math
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.maps import style

log = logging.getLogger(__name__)

DPI = 160
FIG_WIDTH_IN = 8.27  # A4 portrait width
PNG_FOLDER = "png"
OVERVIEW = "overview"

_MARGIN_IN = 0.35
_LAND = "#E3E3E3"
_SEA = "#EAF1F7"
_BORDER = "#FFFFFF"
_COAST = "#BDBDBD"
_TEXT = "#222222"
_MUTED = "#555555"
_KEY_GREY = "#444444"
_PX_TO_PT = 0.75  # CSS pixels (maps.style) to points
_LINE_SCALE = 0.6  # a printed map needs thinner lines than a screen map
_ARROW_SIZE = 9.5  # points (the marker's longest extent)
#: Legs shorter on screen than this many arrowhead sizes get no arrowhead.
_MIN_ARROW_LEG = 3.0
#: Map frame height / width is kept within these bounds by widening the extent.
_MIN_RATIO, _MAX_RATIO = 0.45, 1.15
_MIN_SPAN_LON, _MIN_SPAN_LAT = 24.0, 12.0
_PAD = 0.08  # fraction of the span added on every side
_MAX_LAT = 84.0

Coords = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class _Leg:
    commodity: str
    stated: bool
    frm: str
    to: str
    coords: Coords  # unwrapped lon/lat, shape (n, 2)


@dataclass(frozen=True)
class _Extent:
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


# --- entry point ---------------------------------------------------------------------------------


def write_pngs(frame: Any, places: Any, folder: Path) -> list[Path]:
    """Write the overview and per-commodity PNG maps of ``frame`` into ``folder/png``.

    ``places`` is accepted for symmetry with the other writers; leg ends and their names come
    from the frame itself. Returns the written paths, sorted.
    """
    return sorted(step() for step in png_steps(frame, folder))


def png_steps(frame: Any, folder: Path) -> list[Callable[[], Path]]:
    """One callable per PNG map of :func:`write_pngs`, the overview first; each writes its file
    and returns its path. They share what is prepared here and may run in any order or
    process (:mod:`maps.workers`). matplotlib is imported by the steps, not here: in workers,
    side by side rather than before them."""
    out = folder / PNG_FOLDER
    out.mkdir(parents=True, exist_ok=True)
    legs = _legs(frame)
    labels = {str(r[C.COMMODITY]): str(r[C.COMMODITY_LABEL])
              for r in frame[[C.COMMODITY, C.COMMODITY_LABEL]].to_dict(orient="records")}
    markets = {str(r[C.COMMODITY]): str(r[C.MARKET_LABEL])
               for r in frame[[C.COMMODITY, C.MARKET_LABEL]].to_dict(orient="records")}
    sources = _source_line(frame)
    where = _reported_for(frame)

    def step(subset: list[_Leg], title: str, subtitle: str, path: Path) -> Callable[[], Path]:
        def render() -> Path:
            import matplotlib

            with matplotlib.rc_context():
                matplotlib.rcdefaults()
                matplotlib.rcParams.update({"lines.scale_dashes": False, "path.simplify": False})
                written = _render(subset, labels, title, subtitle, sources, path)
            log.debug("wrote %s (%d drawn legs)", path, len(subset))
            return written
        return render

    drawn_routes = int(frame.geometry.notna().sum())
    steps = [step(legs, f"Trafficking routes{where}, all commodities",
                  _count_line(drawn_routes, len(frame)), out / f"{OVERVIEW}.png")]
    for commodity in sorted({leg.commodity for leg in legs}):
        rows = frame[frame[C.COMMODITY] == commodity]
        n_drawn = int(rows.geometry.notna().sum())
        steps.append(step([leg for leg in legs if leg.commodity == commodity],
                          f"{labels[commodity]}: routes{where}",
                          f"{markets[commodity]} · {_count_line(n_drawn, len(rows))}",
                          out / f"{commodity}.png"))
    log.info("%d PNG maps to write (%d drawn legs)", len(steps), len(legs))
    return steps


def _reported_for(frame: Any) -> str:
    """" reported for Belgium" when every route comes from one country's report, else ""."""
    from trafficking_route_mapper.geodata.gazetteer import load_countries

    codes = {str(c) for c in frame[C.REPORTING_COUNTRY].dropna()}
    if len(codes) != 1:
        return ""
    (code,) = codes
    for adm0, country in sorted(load_countries().items()):
        if code in (adm0, country.iso3):
            return f" reported for {country.name}"
    return f" reported for {code}"


def _count_line(drawn: int, total: int) -> str:
    text = f"{drawn} route{'s' if drawn != 1 else ''} drawn"
    if total > drawn:
        n = total - drawn
        text += (f"; {n} more route{'s' if n != 1 else ''} with an origin or destination "
                 "the report does not state cannot be drawn")
    return text


def _source_line(frame: Any) -> str:
    pairs = sorted({(str(r[C.SOURCE_TITLE]), str(r[C.SOURCE_URL]))
                    for r in frame[[C.SOURCE_TITLE, C.SOURCE_URL]].to_dict(orient="records")})
    reports = "; ".join(f"{title}, {url}" for title, url in pairs)
    return (f"Source: {reports}. Routes as coded from the report; dashed legs are inferred "
            "(from another source, or a corridor's waypoints). Base map: Natural Earth.")


def _legs(frame: Any) -> list[_Leg]:
    """Every drawn leg with its geometry part (the i-th part is the i-th leg with drawn=True)."""
    out: list[_Leg] = []
    rows = frame[frame.geometry.notna()].sort_values(C.ROUTE_ID)
    for row in rows.to_dict(orient="records"):
        geom = row[C.GEOMETRY]
        parts = list(geom.geoms) if geom.geom_type == "MultiLineString" else [geom]
        drawn = [leg for leg in row[C.LEGS] if leg[C.LEG_DRAWN]]
        if len(drawn) != len(parts):
            raise ValueError(
                f"route {row[C.ROUTE_ID]!r}: {len(drawn)} legs are marked drawn but the geometry "
                f"has {len(parts)} parts; the frame must have one part per drawn leg"
            )
        for leg, part in zip(drawn, parts, strict=True):
            coords = np.asarray(part.coords, dtype=np.float64)[:, :2]
            out.append(_Leg(str(row[C.COMMODITY]), bool(leg[C.LEG_STATED]),
                            str(leg[C.LEG_FROM]), str(leg[C.LEG_TO]), coords))
    return out


# --- geometry helpers ----------------------------------------------------------------------------


def _extent(legs: Sequence[_Leg]) -> _Extent:
    """The drawn legs' bounds plus a margin, widened to a frame ratio a page can hold."""
    xy = np.concatenate([leg.coords for leg in legs])
    x0, y0 = xy.min(axis=0)
    x1, y1 = xy.max(axis=0)
    dx = max(x1 - x0, _MIN_SPAN_LON)
    dy = max(y1 - y0, _MIN_SPAN_LAT)
    cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    dx, dy = dx * (1 + 2 * _PAD), dy * (1 + 2 * _PAD)
    ext = _Extent(cx - dx / 2, cx + dx / 2, cy - dy / 2, cy + dy / 2)
    for _ in range(4):  # the aspect depends on the latitudes, so settle it in a few rounds
        if ext.ratio > _MAX_RATIO:  # too tall: widen
            dx = (ext.y1 - ext.y0) * ext.aspect / _MAX_RATIO
            ext = _Extent(cx - dx / 2, cx + dx / 2, ext.y0, ext.y1)
        elif ext.ratio < _MIN_RATIO:  # too flat: heighten
            dy = _MIN_RATIO * (ext.x1 - ext.x0) / ext.aspect
            ext = _Extent(ext.x0, ext.x1, cy - dy / 2, cy + dy / 2)
        y0, y1 = ext.y0, ext.y1
        if y1 > _MAX_LAT:
            y0, y1 = y0 - (y1 - _MAX_LAT), _MAX_LAT
        if y0 < -_MAX_LAT:
            y0, y1 = -_MAX_LAT, y1 + (-_MAX_LAT - y0)
        ext = _Extent(ext.x0, ext.x1, max(y0, -_MAX_LAT), min(y1, _MAX_LAT))
    return ext


@functools.lru_cache(maxsize=1)
def _countries() -> Any:
    """Natural Earth countries as a GeoDataFrame (valid geometries), loaded once per process."""
    import geopandas as gpd
    import shapely
    from trafficking_route_mapper.geodata.gazetteer import load_countries

    countries = load_countries()
    keys = sorted(countries)
    geoms = [shapely.make_valid(countries[k].shape) for k in keys]
    return gpd.GeoDataFrame({"adm0_a3": keys}, geometry=geoms, crs="EPSG:4326")


def _base_paths(ext: _Extent) -> list[Any]:
    """Country outlines clipped to the extent, repeated 360 degrees east/west where needed.

    One path per polygon (rings of fewer than three points left out), vectorised: shapely
    clips and takes apart every country at once, and the rings are sliced from one array.
    """
    import shapely
    from matplotlib.path import Path as MplPath

    base = _countries().geometry.values
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


def _offset(coords: Coords, offset_pt: float, pt_per_x: float, aspect: float) -> Coords:
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


def _midpoint(coords: Coords, aspect: float) -> tuple[float, float, float, float]:
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


def _arrow_marker(heading: float) -> Any:
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


def _font_sized(size: float, bold: bool = False) -> Any:
    font = _font(bold).copy()
    font.set_size(size)
    return font


def _line_width() -> float:
    return style.line_width(1) * _PX_TO_PT * _LINE_SCALE


def _draw_legs(ax: Any, legs: Sequence[_Leg], ext: _Extent, pt_per_x: float) -> None:
    """Legs once per (commodity, path), coinciding commodities side by side, then arrowheads."""
    from matplotlib import patheffects

    lw = _line_width()
    dash = tuple(v * _PX_TO_PT for v in style.INFERRED_DASH)
    order = _commodity_order()
    unique: dict[tuple[str, bytes], _Leg] = {}
    for leg in sorted(legs, key=lambda g: (order.get(g.commodity, 10**6), g.commodity,
                                           not g.stated)):
        key = (leg.commodity, np.round(leg.coords, 4).tobytes())
        unique.setdefault(key, leg)  # the stated copy wins over an inferred one
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
        offset = (k - (len(group) - 1) / 2.0) * lw * 1.1
        canonical = np.round(leg.coords, 4).tobytes() <= np.round(leg.coords[::-1], 4).tobytes()
        coords = _offset(leg.coords, offset if canonical else -offset, pt_per_x, ext.aspect)
        colour = style.colour(leg.commodity)
        kwargs: dict[str, Any] = {"color": colour, "linewidth": lw, "solid_capstyle": "round",
                                  "dash_capstyle": "butt", "zorder": 3 if leg.stated else 2.5,
                                  "path_effects": halo}
        if not leg.stated:
            kwargs["dashes"] = dash
        ax.plot(coords[:, 0], coords[:, 1], **kwargs)
        arrows.append((coords, colour))
    for coords, colour in arrows:
        x, y, heading, length = _midpoint(coords, ext.aspect)
        if length * pt_per_x < _MIN_ARROW_LEG * _ARROW_SIZE:
            continue  # an arrowhead would hide the whole leg
        ax.plot([x], [y], marker=_arrow_marker(heading), markersize=_ARROW_SIZE, color=colour,
                markeredgecolor="white", markeredgewidth=0.5, linestyle="none", zorder=4)


def _undirected_key(coords: Coords) -> bytes:
    a = np.round(coords, 4).tobytes()
    b = np.round(coords[::-1], 4).tobytes()
    return min(a, b)


@functools.lru_cache(maxsize=1)
def _commodity_order() -> dict[str, int]:
    from trafficking_route_mapper.routes.commodities import COMMODITIES

    return {cid: i for i, cid in enumerate(COMMODITIES)}


def _draw_places(ax: Any, fig: Any, legs: Sequence[_Leg]) -> None:
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
            markeredgecolor=_TEXT, markeredgewidth=0.8, zorder=5)
    from matplotlib import patheffects
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    frame_box = ax.get_window_extent(renderer)
    r = 3.0 * fig.dpi / 72.0  # marker radius plus a little, in pixels
    placed: list[Any] = [Bbox.from_extents(px - r, py - r, px + r, py + r)
                         for px, py in ax.transData.transform(np.column_stack([xs, ys]))]

    halo = [patheffects.withStroke(linewidth=2.4, foreground="white")]
    font = _font_sized(7.0)
    candidates = ((5, 3, "left", "bottom"), (-5, 3, "right", "bottom"),
                  (5, -3, "left", "top"), (-5, -3, "right", "top"),
                  (5, 11, "left", "bottom"), (-5, 11, "right", "bottom"),
                  (5, -11, "left", "top"), (-5, -11, "right", "top"))
    for name in sorted(points, key=lambda n: (-uses[n], n)):
        x, y = points[name]
        for dx, dy, ha, va in candidates:
            text = ax.annotate(name, (x, y), xytext=(dx, dy), textcoords="offset points",
                               ha=ha, va=va, fontproperties=font, color=_TEXT, zorder=6,
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
                                ha=ha, va=va, fontproperties=font, color=_TEXT, zorder=6,
                                parse_math=False,
                                path_effects=halo, annotation_clip=True,
                                arrowprops={"arrowstyle": "-", "color": _MUTED,
                                            "linewidth": 0.5, "shrinkA": 0.5, "shrinkB": 2.5})
                break
            text.remove()


def _legend_handles(legs: Sequence[_Leg], labels: dict[str, str]) -> tuple[list[Any], list[str]]:
    from matplotlib.lines import Line2D

    lw = _line_width()
    order = _commodity_order()
    commodities = sorted({leg.commodity for leg in legs}, key=lambda c: (order.get(c, 10**6), c))
    handles: list[Any] = [Line2D([], [], color=style.colour(c), linewidth=lw + 0.6)
                          for c in commodities]
    names = [labels.get(c, c) for c in commodities]
    if any(leg.stated for leg in legs):
        handles.append(Line2D([], [], color=_KEY_GREY, linewidth=lw))
        names.append("Stated leg (solid)")
    if not all(leg.stated for leg in legs):
        handles.append(Line2D([], [], color=_KEY_GREY, linewidth=lw,
                              dashes=tuple(v * _PX_TO_PT for v in style.INFERRED_DASH)))
        names.append("Inferred leg (dashed)")
    handles += [
        Line2D([], [], color=_KEY_GREY, linestyle="none", marker=_arrow_marker(0.0),
               markersize=_ARROW_SIZE),
        Line2D([], [], linestyle="none", marker="o", markersize=3.6, markerfacecolor="white",
               markeredgecolor=_TEXT, markeredgewidth=0.8),
    ]
    names += ["Direction of flow", "Leg end (place named in the route)"]
    return handles, names


def _render(legs: Sequence[_Leg], labels: dict[str, str], title: str, subtitle: str,
            source: str, path: Path) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure

    ext = _extent(legs)
    map_w = FIG_WIDTH_IN - 2 * _MARGIN_IN
    map_h = map_w * ext.ratio
    handles, names = _legend_handles(legs, labels)
    ncol = 3
    legend_rows = math.ceil(len(names) / ncol)
    source_lines = textwrap.wrap(source, width=150)
    top = 0.22 + 0.26 + 0.22 + 0.12  # margin, title, subtitle, gap
    legend_h = 0.12 + legend_rows * 0.165
    bottom = 0.12 + len(source_lines) * 0.14 + 0.18
    height = top + map_h + legend_h + bottom

    fig = Figure(figsize=(FIG_WIDTH_IN, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((_MARGIN_IN / FIG_WIDTH_IN, (height - top - map_h) / height,
                       map_w / FIG_WIDTH_IN, map_h / height))
    ax.set_xlim(ext.x0, ext.x1)
    ax.set_ylim(ext.y0, ext.y1)
    ax.set_aspect(ext.aspect, adjustable="box")
    ax.set_facecolor(_SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor(_COAST)
        spine.set_linewidth(0.6)
    ax.add_collection(PathCollection(_base_paths(ext), facecolor=_LAND, edgecolor=_BORDER,
                                     linewidth=0.45, zorder=1), autolim=False)
    pt_per_x = map_w * 72.0 / (ext.x1 - ext.x0)
    _draw_legs(ax, legs, ext, pt_per_x)
    _draw_places(ax, fig, legs)

    def at(inches_from_top: float) -> float:
        return 1.0 - inches_from_top / height

    x_left = _MARGIN_IN / FIG_WIDTH_IN
    fig.text(x_left, at(0.22), title, ha="left", va="top", color=_TEXT, parse_math=False,
             fontproperties=_font_sized(13.0, bold=True))
    fig.text(x_left, at(0.22 + 0.3), subtitle, ha="left", va="top", color=_MUTED, parse_math=False,
             fontproperties=_font_sized(8.5))
    legend = fig.legend(handles, names, loc="upper left",
                        bbox_to_anchor=(x_left, at(top + map_h + 0.06)), ncol=ncol,
                        frameon=False, prop=_font_sized(7.5), handlelength=2.6,
                        columnspacing=1.6, borderaxespad=0.0, borderpad=0.0, labelspacing=0.45)
    for label in legend.get_texts():
        label.set_parse_math(False)  # catalogue text is drawn as written, never as $math$
    fig.text(x_left, 0.16 / height, "\n".join(source_lines), ha="left", va="bottom",
             color=_MUTED, parse_math=False, fontproperties=_font_sized(6.5), linespacing=1.35)
    path.parent.mkdir(parents=True, exist_ok=True)
    # zlib level 3 rather than Pillow's 6: a third less encoding time and, for these flat
    # colours, files no larger (overview: 0.038 s and 372 KB against 0.057 s and 395 KB)
    fig.savefig(path, dpi=DPI, format="png", metadata={"Software": None},
                pil_kwargs={"compress_level": 3})
    return path
