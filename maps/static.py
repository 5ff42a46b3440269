"""Static PNG maps for reports: an overview of every drawn route and one map per commodity.

Files: ``png/overview.png`` and ``png/<commodity>.png`` for every commodity with at least one
drawn route (a commodity whose routes all have an unstated end has nothing to draw).

What a map shows, and why
    * Land light grey, sea pale blue, thin white-grey borders from the Atlas's Natural Earth
      countries, so the routes carry the colour.
    * Routes in the Atlas's commodity colours (the HTML map's colours): stated legs solid,
      inferred legs dashed with :data:`maps.style.INFERRED_DASH`; a small arrowhead halfway
      along every drawn leg gives the direction of the flow.
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

import logging
import math
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas, leg_lines
from trafficking_route_mapper.maps.static_draw import (
    BORDER,
    COAST,
    DPI,
    FIG_WIDTH_IN,
    LAND,
    MARGIN_IN,
    MUTED,
    SEA,
    TEXT,
    Key,
    Leg,
    base_paths,
    draw_legs,
    draw_places,
    extent,
    font_sized,
    legend_handles,
    valid_countries,
)

log = logging.getLogger(__name__)

PNG_FOLDER = "png"
OVERVIEW = "overview"


def write_pngs(atlas: Atlas, folder: Path) -> list[Path]:
    """Write the overview and per-commodity PNG maps of ``atlas`` into ``folder/png``; returns
    the written paths, sorted."""
    return sorted(step() for step in png_steps(atlas, folder))


def png_steps(atlas: Atlas, folder: Path) -> list[Callable[[], Path]]:
    """One callable per PNG map of :func:`write_pngs`, the overview first; each writes its file
    and returns its path. They share what is prepared here and may run in any order or
    process (:mod:`geodata.parallel`). matplotlib is imported by the steps, not here: in
    workers, side by side rather than before them."""
    out = folder / PNG_FOLDER
    out.mkdir(parents=True, exist_ok=True)
    legs = _legs(atlas)
    table = atlas.commodities
    key = Key(colours=dict(atlas.commodity_colours),
              labels=dict(zip(table[C.COMMODITY], table[C.COMMODITY_LABEL], strict=True)),
              order={c: i for i, c in enumerate(table[C.COMMODITY])},
              patterns=dict(atlas.commodity_patterns))
    markets = dict(zip(table[C.COMMODITY], table[C.MARKET_LABEL], strict=True))
    sources = _source_line(atlas)
    where = _reported_for(atlas)
    countries: list[Any] = []  # parsed by the first step that draws, in its own process

    def step(subset: list[Leg], title: str, subtitle: str, path: Path) -> Callable[[], Path]:
        def render() -> Path:
            import matplotlib

            if not countries:
                countries.append(valid_countries(atlas.country_shapes))
            with matplotlib.rc_context():
                matplotlib.rcdefaults()
                matplotlib.rcParams.update({"lines.scale_dashes": False, "path.simplify": False})
                written = _render(subset, key, countries[0], title, subtitle, sources, path)
            log.debug("wrote %s (%d drawn legs)", path, len(subset))
            return written
        return render

    drawn = _drawn_routes(atlas)
    commodity_of = atlas.route_table[C.COMMODITY].tolist()
    steps = [step(legs, f"Trafficking routes{where}, all commodities",
                  _count_line(len(drawn), len(commodity_of)), out / f"{OVERVIEW}.png")]
    for commodity in sorted({leg.commodity for leg in legs}):
        total = commodity_of.count(commodity)
        n_drawn = sum(1 for i in drawn if commodity_of[i] == commodity)
        steps.append(step([leg for leg in legs if leg.commodity == commodity],
                          f"{key.labels[commodity]}: routes{where}",
                          f"{markets[commodity]} · {_count_line(n_drawn, total)}",
                          out / f"{commodity}.png"))
    log.info("%d PNG maps to write (%d drawn legs)", len(steps), len(legs))
    return steps


def _drawn_routes(atlas: Atlas) -> set[int]:
    legs = atlas.leg_table
    owners = atlas.route_index(legs[C.ROUTE_ID][legs[C.LEG_DRAWN].to_numpy(dtype=bool)])
    return set(owners.tolist())


def _reported_for(atlas: Atlas) -> str:
    """" reported for Belgium" when every route comes from one country's report, else ""."""
    codes = {str(c) for c in atlas.route_table[C.REPORTING_COUNTRY].dropna()}
    if len(codes) != 1:
        return ""
    (code,) = codes
    return f" reported for {atlas.country_name(code)}"


def _count_line(drawn: int, total: int) -> str:
    text = f"{drawn} route{'s' if drawn != 1 else ''} drawn"
    if total > drawn:
        n = total - drawn
        text += (f"; {n} more route{'s' if n != 1 else ''} with an origin or destination "
                 "the report does not state cannot be drawn")
    return text


def _source_line(atlas: Atlas) -> str:
    routes = atlas.route_table
    pairs = sorted({(str(t), str(u)) for t, u in zip(routes[C.SOURCE_TITLE], routes[C.SOURCE_URL],
                                                      strict=True)})
    reports = "; ".join(f"{title}, {url}" for title, url in pairs)
    return (f"Source: {reports}. Routes as coded from the report; dashed legs are inferred "
            "(from another source, or a corridor's waypoints). Base map: Natural Earth.")


def _legs(atlas: Atlas) -> list[Leg]:
    """Every drawn leg, in route order and then along each route."""
    legs = atlas.leg_table
    drawn = legs[C.LEG_DRAWN].to_numpy(dtype=bool)
    commodity = atlas.route_table[C.COMMODITY].to_numpy()[atlas.route_index(legs[C.ROUTE_ID])]
    rows = [int(i) for i in drawn.nonzero()[0]]
    stated, frm, to = (legs[c].tolist() for c in (C.LEG_STATED, C.LEG_FROM, C.LEG_TO))
    return [Leg(str(commodity[i]), bool(stated[i]), str(frm[i]), str(to[i]), line)
            for i, line in zip(rows, leg_lines(atlas, rows), strict=True)]


def _render(legs: Sequence[Leg], key: Key, countries: Any, title: str, subtitle: str,
            source: str, path: Path) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure

    ext = extent(legs)
    map_w = FIG_WIDTH_IN - 2 * MARGIN_IN
    map_h = map_w * ext.ratio
    handles, names = legend_handles(legs, key)
    ncol = 3
    legend_rows = math.ceil(len(names) / ncol)
    source_lines = textwrap.wrap(source, width=150)
    top = 0.22 + 0.26 + 0.22 + 0.12  # margin, title, subtitle, gap
    legend_h = 0.12 + legend_rows * 0.165
    bottom = 0.12 + len(source_lines) * 0.14 + 0.18
    height = top + map_h + legend_h + bottom

    fig = Figure(figsize=(FIG_WIDTH_IN, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((MARGIN_IN / FIG_WIDTH_IN, (height - top - map_h) / height,
                       map_w / FIG_WIDTH_IN, map_h / height))
    ax.set_xlim(ext.x0, ext.x1)
    ax.set_ylim(ext.y0, ext.y1)
    ax.set_aspect(ext.aspect, adjustable="box")
    ax.set_facecolor(SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor(COAST)
        spine.set_linewidth(0.6)
    ax.add_collection(PathCollection(base_paths(ext, countries), facecolor=LAND, edgecolor=BORDER,
                                     linewidth=0.45, zorder=1), autolim=False)
    pt_per_x = map_w * 72.0 / (ext.x1 - ext.x0)
    draw_legs(ax, legs, ext, pt_per_x, key)
    draw_places(ax, fig, legs)

    def at(inches_from_top: float) -> float:
        return 1.0 - inches_from_top / height

    x_left = MARGIN_IN / FIG_WIDTH_IN
    fig.text(x_left, at(0.22), title, ha="left", va="top", color=TEXT, parse_math=False,
             fontproperties=font_sized(13.0, bold=True))
    fig.text(x_left, at(0.22 + 0.3), subtitle, ha="left", va="top", color=MUTED, parse_math=False,
             fontproperties=font_sized(8.5))
    legend = fig.legend(handles, names, loc="upper left",
                        bbox_to_anchor=(x_left, at(top + map_h + 0.06)), ncol=ncol,
                        frameon=False, prop=font_sized(7.5), handlelength=2.6,
                        columnspacing=1.6, borderaxespad=0.0, borderpad=0.0, labelspacing=0.45)
    for label in legend.get_texts():
        label.set_parse_math(False)  # catalogue text is drawn as written, never as $math$
    fig.text(x_left, 0.16 / height, "\n".join(source_lines), ha="left", va="bottom",
             color=MUTED, parse_math=False, fontproperties=font_sized(6.5), linespacing=1.35)
    path.parent.mkdir(parents=True, exist_ok=True)
    # zlib level 3 rather than Pillow's 6: a third less encoding time and, for these flat
    # colours, files no larger (overview: 0.038 s and 372 KB against 0.057 s and 395 KB)
    fig.savefig(path, dpi=DPI, format="png", metadata={"Software": None},
                pil_kwargs={"compress_level": 3})
    return path
