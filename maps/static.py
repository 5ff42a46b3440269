"""Static PNG maps for reports: an overview of every drawn route and one map per commodity.

Files: ``png/overview.png`` and ``png/<commodity>.png`` for every commodity of the Atlas: one
whose routes have no line (an unstated end) shows the places its routes name and what the
report says, as it has a page.

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
      Port of Antwerp on a world map) is left out, more-used places winning. A region end is
      an area instead: tinted, its name in spaced capitals at its point (a named point would
      read as the country it falls in). A ring marks an end the report leaves unstated.
    * A corridor is named at the middle of its waypoints ("Balkan route").
    * The legend, title and source line are outside the map frame, so they never cover a
      route. The title says how many routes are drawn and how many are not (an unstated end).
      The source line cites the report and the source of every inferred stage the map's
      routes rest on, and states the projection.

Projection
    Equirectangular with the standard parallel at the middle of the extent (the y axis is
    stretched by 1/cos(latitude)). For the regional-to-intercontinental extents of these maps
    it keeps shapes recognisable without reprojecting, and it accepts the frame's *unwrapped*
    longitudes as they are: a route running past 180 stays one line, and the base map is
    repeated 360 degrees east or west when the extent reaches there.

Size and determinism
    One of two frames, both 8.4 in (21.3 cm) tall (:data:`maps.static_frame.LANDSCAPE`,
    :data:`~maps.static_draw.PORTRAIT`): landscape 4:3 unless what the map shows is taller than
    wide, then portrait 3:4; the extent is widened or heightened to fill the frame. A one-route
    map is never a 27 cm strip at A4 width.
    Rendering uses matplotlib's Agg canvas directly (``FigureCanvasAgg``) inside the function,
    never ``pyplot`` or ``matplotlib.use``: nothing global changes at import or call time. All
    text uses the DejaVu Sans files that ship *inside* matplotlib (loaded by file name, so a
    system copy of another version cannot be picked), rc parameters are reset to matplotlib's
    defaults for the duration of the call, and the PNG ``Software`` tag (the matplotlib version)
    is left out. Two builds with the same matplotlib/FreeType versions were measured
    byte-identical; a different matplotlib may anti-alias differently.

Drawn only when changed
    Each map has a key (:func:`maps.static_key.png_key`): a hash of exactly what it draws (its legs' ends,
    kinds and points, its regions, corridors, places and statements, title, subtitle, source
    line, the commodities' colours and labels, the base map) and of what draws it (the drawing
    modules' source, the tool's version, matplotlib's, Pillow's and numpy's). A build records
    the keys in its manifest, and the next build links a map whose key has not changed from
    the output it replaces instead of drawing it again (:class:`maps.staging.PreviousOutput`):
    the same bytes, without matplotlib's time.
"""

from __future__ import annotations

import logging
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas, leg_lines
from trafficking_route_mapper.maps.page_data import open_ends
from trafficking_route_mapper.maps.staging import PreviousOutput
from trafficking_route_mapper.maps.static_draw import (
    BORDER,
    COAST,
    LAND,
    MARGIN_IN,
    MUTED,
    SEA,
    TEXT,
    Area,
    Key,
    Leg,
    Named,
    draw_areas,
    draw_legs,
    draw_names,
    draw_places,
    draw_rings,
    font_sized,
    legend_handles,
)
from trafficking_route_mapper.maps.static_frame import (
    LANDSCAPE,
    PORTRAIT,
    Extent,
    base_paths,
    extent,
    portrait,
    valid_countries,
)
from trafficking_route_mapper.maps.static_key import PngStep, common_key, png_key

log = logging.getLogger(__name__)

PNG_FOLDER = "png"
OVERVIEW = "overview"


def write_pngs(atlas: Atlas, folder: Path, previous: PreviousOutput | None = None) -> list[Path]:
    """Write the overview and per-commodity PNG maps of ``atlas`` into ``folder/png`` (taking
    unchanged ones from ``previous``); returns the written paths, sorted."""
    return sorted(step() for step in png_steps(atlas, folder, previous))


@dataclass(frozen=True)
class MapSpec:
    """What one PNG shows: its legs, the regions and corridors its routes name, the places of
    routes with no line, and the sources it relies on."""

    legs: list[Leg]
    areas: list[Area]
    corridors: list[Named]
    places: list[Named]
    statements: list[str]
    sources: str
    commodities: list[str]


def map_specs(atlas: Atlas) -> list[tuple[str, MapSpec, str, str]]:
    """(file stem, what it shows, title, subtitle) of every PNG map, the overview first: the
    overview of every drawn route, and a map per commodity, even one whose routes have no
    line (it shows their places and what the report says), as every commodity has a page."""
    legs = _legs(atlas)
    table = atlas.commodities
    labels = dict(zip(table[C.COMMODITY], table[C.COMMODITY_LABEL], strict=True))
    markets = dict(zip(table[C.COMMODITY], table[C.MARKET_LABEL], strict=True))
    where = _reported_for(atlas)
    context = _Context(atlas)
    drawn = _drawn_routes(atlas)
    route_ids = atlas.route_table[C.ROUTE_ID].tolist()
    commodity_of = atlas.route_table[C.COMMODITY].tolist()
    drawn_ids = [route_ids[i] for i in sorted(drawn)]
    specs = [(OVERVIEW, context.spec(legs, drawn_ids, []),
              f"Trafficking routes{where}, all commodities",
              _count_line(len(drawn), len(commodity_of)))] if legs else []
    for commodity in sorted(set(commodity_of)):
        own = [r for r, c in zip(route_ids, commodity_of, strict=True) if c == commodity]
        own_drawn = [route_ids[i] for i in sorted(drawn) if commodity_of[i] == commodity]
        spec = context.spec([leg for leg in legs if leg.commodity == commodity], own_drawn,
                            [r for r in own if r not in own_drawn], commodity)
        if not spec.legs and not spec.places:
            continue  # no line and no place: nothing to show
        specs.append((commodity, spec, f"{labels[commodity]}: routes{where}",
                      f"{markets[commodity]} · {_count_line(len(own_drawn), len(own))}"))
    return specs


def png_steps(atlas: Atlas, folder: Path,
              previous: PreviousOutput | None = None) -> list[PngStep]:
    """One callable per PNG map of :func:`write_pngs`, the overview first; each writes its file
    (or links it from ``previous`` when its key is unchanged) and returns its path. They share
    what is prepared here and may run in any order or process (:mod:`geodata.parallel`).
    matplotlib is imported by the steps, not here: in workers, side by side rather than
    before them."""
    out = folder / PNG_FOLDER
    out.mkdir(parents=True, exist_ok=True)
    key = map_key(atlas)
    countries: list[Any] = []  # parsed by the first step that draws, in its own process
    common = common_key(atlas, key)

    def step(spec: MapSpec, title: str, subtitle: str, name: str) -> PngStep:
        path = out / name

        def render() -> Path:
            import matplotlib

            if not countries:
                countries.append(valid_countries(atlas.country_shapes))
            with matplotlib.rc_context():
                matplotlib.rcdefaults()
                matplotlib.rcParams.update({"lines.scale_dashes": False, "path.simplify": False})
                fig = figure(spec, key, countries[0], title, subtitle)
                path.parent.mkdir(parents=True, exist_ok=True)
                # zlib level 3 rather than Pillow's 6: a third less encoding time and, for
                # these flat colours, files no larger (overview: 0.038 s and 372 KB against
                # 0.057 s and 395 KB)
                fig.savefig(path, dpi=fig.dpi, format="png", metadata={"Software": None},
                            pil_kwargs={"compress_level": 3})
            log.debug("wrote %s (%d drawn legs)", path, len(spec.legs))
            return path
        return PngStep(path, f"{PNG_FOLDER}/{name}", png_key(common, spec, (title, subtitle)),
                       render, previous)

    specs = map_specs(atlas)
    steps = [step(spec, title, subtitle, f"{stem}.png") for stem, spec, title, subtitle in specs]
    log.info("%d PNG maps to write (%d drawn legs)", len(steps),
             len(specs[0][1].legs) if specs and specs[0][0] == OVERVIEW else 0)
    return steps


def map_key(atlas: Atlas) -> Key:
    """The commodities' colours, labels and order, as the maps draw them."""
    table = atlas.commodities
    return Key(colours=dict(atlas.commodity_colours),
               labels=dict(zip(table[C.COMMODITY], table[C.COMMODITY_LABEL], strict=True)),
               order={c: i for i, c in enumerate(table[C.COMMODITY])},
               patterns=dict(atlas.commodity_patterns))


class _Context:
    """What the maps need of the Atlas beyond their legs, by route: the regions and corridors
    their stages name, their places, the sources of their inferred stages."""

    def __init__(self, atlas: Atlas) -> None:
        places = atlas.places
        self.place = {row.place: row for row in places.itertuples(index=False)}
        st = atlas.stages
        self.stages: dict[str, list[Any]] = {}
        for row in st.itertuples(index=False):
            self.stages.setdefault(getattr(row, C.ROUTE_ID), []).append(row)
        rt = atlas.route_table
        self.report = {r: (str(t), None if u is None else str(u)) for r, t, u in zip(
            rt[C.ROUTE_ID], rt[C.SOURCE_TITLE], rt[C.SOURCE_URL], strict=True)}
        self.label = dict(zip(rt[C.ROUTE_ID], rt[C.LABEL], strict=True))
        self.path = dict(zip(rt[C.ROUTE_ID], rt[C.PATH], strict=True))

    def spec(self, legs: list[Leg], drawn: Sequence[str], undrawn: Sequence[str],
             commodity: str | None = None) -> MapSpec:
        areas: dict[str, Area] = {}
        corridors: dict[str, Named] = {}
        for route_id in drawn:
            for stage in self.stages.get(route_id, []):
                key = getattr(stage, C.STAGE_PLACE)
                kind = getattr(stage, C.STAGE_KIND)
                if key is None or key in areas or key in corridors:
                    continue
                place = self.place[key]
                if kind == "region":
                    areas[key] = Area(place.name, (float(place.lon), float(place.lat)),
                                      place.geometry.simplify(0.05))
                elif kind == "corridor":
                    middle = place.geometry.interpolate(0.5, normalized=True)
                    corridors[key] = Named(place.name, (float(middle.x), float(middle.y)))
        places: dict[str, Named] = {}
        statements = []
        for route_id in undrawn if not legs else ():
            for stage in self.stages.get(route_id, []):
                key = getattr(stage, C.STAGE_PLACE)
                if key is not None and key not in places:
                    place = self.place[key]
                    places[key] = Named(place.name, (float(place.lon), float(place.lat)))
            statements.append(f"{self.label[route_id]} ({self.path[route_id]})")
        routes = list(drawn) + (list(undrawn) if not legs else [])
        return MapSpec(legs, [areas[k] for k in sorted(areas)],
                    [corridors[k] for k in sorted(corridors)], [places[k] for k in sorted(places)],
                    statements, self.sources(routes), [commodity] if commodity else [])

    def sources(self, route_ids: Sequence[str]) -> str:
        """Every source a map relies on: the reports its routes are coded from, then the
        source of each inferred stage (a corridor's waypoints, an origin from another
        report), each once, named with the stage it supports."""
        reports = sorted({self.report[r] for r in route_ids})
        inferred: dict[str, list[str]] = {}
        for route_id in route_ids:
            for stage in self.stages.get(route_id, []):
                source = getattr(stage, C.STAGE_SOURCE)
                if source:
                    names = inferred.setdefault(str(source), [])
                    if getattr(stage, C.STAGE_NAME) not in names:
                        names.append(str(getattr(stage, C.STAGE_NAME)))
        text = "Source: " + "; ".join(f"{t}, {u}" if u else t for t, u in reports) + "."
        text += " Routes as coded from the report; dashed legs are inferred."
        if inferred:
            text += " Inferred stages: " + "; ".join(
                f"{', '.join(names)}: {source}" for source, names in sorted(
                    inferred.items(), key=lambda item: item[1])) + "."
        return text


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


def _legs(atlas: Atlas) -> list[Leg]:
    """Every drawn leg, in route order and then along each route, with the rings of its
    unstated ends (as :func:`maps.page_data.open_ends` places them on the pages)."""
    legs = atlas.leg_table
    drawn = legs[C.LEG_DRAWN].to_numpy(dtype=bool)
    commodity = atlas.route_table[C.COMMODITY].to_numpy()[atlas.route_index(legs[C.ROUTE_ID])]
    rows = [int(i) for i in drawn.nonzero()[0]]
    lg = {k: legs[k].tolist() for k in legs.columns}
    kinds = dict(zip(atlas.places[C.PLACE_KEY], atlas.places[C.PLACE_KIND], strict=True))
    opened: set[tuple[int, int]] = set()
    at = atlas.offsets(legs).tolist()
    for i in range(len(at) - 1):
        leg_rows = range(at[i], at[i + 1])
        drawn_rows = [k for k in leg_rows if drawn[k]]
        opened |= {(drawn_rows[j], end) for j, end in open_ends(lg, leg_rows, drawn_rows)}
    return [Leg(str(commodity[i]), bool(lg[C.LEG_STATED][i]), str(lg[C.LEG_FROM][i]),
                str(lg[C.LEG_TO][i]), line, str(lg[C.ROUTE_ID][i]), (i, 0) in opened,
                (i, 1) in opened, kinds.get(lg[C.LEG_FROM_PLACE][i]) == "region",
                kinds.get(lg[C.LEG_TO_PLACE][i]) == "region")
            for i, line in zip(rows, leg_lines(atlas, rows), strict=True)]


def _layout(spec: MapSpec, key: Key) -> tuple[tuple[float, float, int], list[Any], list[str], int,
                                           int]:
    """The frame (width, height, dpi), the legend's handles, names and columns, and how many
    characters a line of the source text holds: landscape or portrait by the extent of what
    the map shows."""
    extra = _extra_points(spec)
    frame = PORTRAIT if portrait([leg.coords for leg in spec.legs], extra) else LANDSCAPE
    handles, names = legend_handles(spec.legs, key, bool(spec.areas), spec.commodities)
    ncol = 3 if frame is LANDSCAPE else 2
    width_chars = int((frame[0] - 2 * MARGIN_IN) * 19.5)
    return frame, handles, names, ncol, width_chars




def _extra_points(spec: MapSpec) -> list[tuple[float, float]]:
    """Points the frame must hold besides the lines: the places of routes with no line, and
    the names of regions (a region's sea leg starts at its port, far from its point)."""
    return [p.point for p in spec.places] + [a.point for a in spec.areas]


def figure(spec: MapSpec, key: Key, countries: Any, title: str, subtitle: str) -> Any:
    """The map as a matplotlib Figure on an Agg canvas, drawn in the frame :func:`_layout`
    chooses (``countries``: :func:`maps.static_frame.valid_countries`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure

    (width, height, dpi), handles, names, ncol, chars = _layout(spec, key)
    source_lines = textwrap.wrap(spec.sources, width=chars)
    # the projection's line names the middle latitude, known once the extent is: as long
    # whatever the latitude, so its lines are counted with any
    projection_lines = len(textwrap.wrap(projection_line(Extent(0.0, 1.0, 0.0, 0.0)), chars))
    legend_rows = math.ceil(len(names) / ncol)
    top = 0.22 + 0.26 + 0.22 + 0.12  # margin, title, subtitle, gap
    legend_h = 0.12 + legend_rows * 0.165
    bottom = 0.12 + (len(source_lines) + projection_lines) * 0.14 + 0.18
    map_w = width - 2 * MARGIN_IN
    map_h = max(height - top - legend_h - bottom, 1.0)
    ratio = map_h / map_w
    ext = extent([leg.coords for leg in spec.legs], ratio, ratio, _extra_points(spec))

    fig = Figure(figsize=(width, height), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((MARGIN_IN / width, (height - top - map_h) / height,
                       map_w / width, map_h / height))
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
    draw_areas(ax, ext, spec.areas)
    pt_per_x = map_w * 72.0 / (ext.x1 - ext.x0)
    draw_legs(ax, spec.legs, ext, pt_per_x, key)
    draw_rings(ax, spec.legs, key)
    draw_places(ax, fig, spec.legs, spec.places)
    colour = key.colours[spec.commodities[0]] if spec.commodities else TEXT
    draw_names(ax, spec.corridors, colour)
    if spec.statements:
        # a map of routes with no line: what the report says, beside the places it names
        ax.text(0.02, 0.97, "\n".join(textwrap.fill(s, 60) for s in spec.statements),
                transform=ax.transAxes, ha="left", va="top", color=TEXT, parse_math=False,
                fontproperties=font_sized(7.5), zorder=7,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": COAST,
                      "linewidth": 0.6})

    def at(inches_from_top: float) -> float:
        return 1.0 - inches_from_top / height

    x_left = MARGIN_IN / width
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
    source_lines += textwrap.wrap(projection_line(ext), chars)
    fig.text(x_left, 0.16 / height, "\n".join(source_lines),
             ha="left", va="bottom", color=MUTED, parse_math=False,
             fontproperties=font_sized(6.5), linespacing=1.35)
    return fig


def projection_line(ext: Extent) -> str:
    """The projection as the map states it, with its standard parallel."""
    lat = (ext.y0 + ext.y1) / 2.0
    parallel = f"{abs(lat):.0f}°{'N' if lat >= 0 else 'S'}"
    return (f"Projection: equirectangular, true to scale along {parallel} (the map's middle "
            "latitude); longitude and latitude in WGS 84. Base map: Natural Earth.")
