"""Build the Atlas from resolved routes: tables, leg geometry, places, hubs, reports.

Everything downstream (HTML maps, GeoJSON, GeoPackage, CSV, PNG) reads the :class:`Atlas` this
returns; nothing downstream reads YAML or the gazetteer. Geometry, leg by leg:

* a leg between two placed stages follows the geodesic (:mod:`geodata.geometry`), all legs of
  a build computed in two vectorised pyproj calls;
* a leg ``by: sea`` follows the shipping lanes (:class:`geodata.seaways.SeaRouter`); where an
  end is a country or region, the leg goes overland from its representative point to its
  gateway port (its main port, from ``regions.yaml``) and then by the lanes, or joins the lanes
  at the network point nearest the representative point where it has no gateway;
* a corridor stage is expanded into its waypoints, whose legs are always inferred;
* a leg with an unstated end is not drawn.

Longitudes are continuous along each route and every coordinate is rounded to
:data:`geodata.atlas.PRECISION`.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import PRECISION, Atlas, Coords, Point
from trafficking_route_mapper.geodata.datafiles import load_countries
from trafficking_route_mapper.geodata.gazetteer import Place
from trafficking_route_mapper.geodata.geometry import (
    CHUNK_POINTS,
    MAX_SEGMENT_KM,
    fill_geodesics,
    geodesic,
    geodesic_sizes,
    unwrap,
)
from trafficking_route_mapper.geodata.resolve import ResolvedRoute
from trafficking_route_mapper.geodata.seaways import SeaRouter
from trafficking_route_mapper.routes import commodities
from trafficking_route_mapper.routes.errors import SeaRoutingError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Node:
    name: str
    place: Place | None
    stated: bool
    by: str  # mode of the leg arriving here


def _nodes(route: ResolvedRoute) -> list[_Node]:
    """Stages with corridors expanded into their waypoints (which are always inferred)."""
    out: list[_Node] = []
    for rs in route.stages:
        place = rs.place
        if place is not None and place.kind == "corridor":
            for w, key in enumerate(place.waypoints):
                stop = route.gazetteer.get(key)
                out.append(_Node(stop.name, stop, False, rs.stage.by if w == 0 else "unspecified"))
        else:
            out.append(_Node(place.name if place else C.UNSTATED_NAME, place,
                             rs.stage.stated and place is not None, rs.stage.by))
    return out


def _path(route: ResolvedRoute) -> str:
    names = []
    last = len(route.stages) - 1
    for i, rs in enumerate(route.stages):
        if rs.place is not None:
            names.append(rs.place.name)
        else:
            names.append("(origin not stated)" if i == 0 else
                         "(destination not stated)" if i == last else "(not stated)")
    return " → ".join(names)


def sea_requests(routes: Sequence[ResolvedRoute]) -> list[tuple[Point, Point]]:
    """The (start, end) of every sea leg :func:`build_atlas` will ask its router for, so that a
    caller can have them all searched beforehand (:meth:`SeaRouter.prefetch`)."""
    requests = []
    for rr in routes:
        for a, b in itertools.pairwise(_nodes(rr)):
            if a.place is not None and b.place is not None and b.by == "sea":
                requests.append(_sea_ends(a.place, b.place))
    return requests


def _sea_ends(start: Place, end: Place) -> tuple[Point, Point]:
    """Where a sea leg between two places meets the shipping lanes: an area's gateway port, or
    else the place's own point (see the module docstring)."""
    ends = []
    for place in (start, end):
        gateway = place.gateway if place.kind in ("country", "region") else None
        ends.append(gateway[1] if gateway is not None else place.point)
    return ends[0], ends[1]


def _sea_leg(start: Place, end: Place, max_segment_km: float,
             router: SeaRouter) -> tuple[list[Point], str, str | None]:
    """A sea leg between two places, through an area's gateway port where it has one."""
    notes = []
    head: list[Point] = []
    tail: list[Point] = []
    sea_start, sea_end = _sea_ends(start, end)
    for place, is_start in ((start, True), (end, False)):
        if place.kind not in ("country", "region"):
            continue
        if place.gateway is not None:
            name, port = place.gateway
            if is_start:
                head = geodesic(place.point, port, max_segment_km)[:-1]
            else:
                tail = geodesic(port, place.point, max_segment_km)[1:]
            notes.append(f"port not stated for {place.name}: drawn through {name}, its main port")
        else:
            notes.append(f"port not stated for {place.name}: joined to the shipping lanes "
                         "nearest its representative point")
    try:
        points, routing, note = router.path(sea_start, sea_end), "sea-lanes", None
    except SeaRoutingError as err:
        log.warning("sea routing failed for %s -> %s (%s); drawing the geodesic instead",
                    sea_start, sea_end, err)
        points = geodesic(sea_start, sea_end, max_segment_km)
        routing, note = "geodesic-fallback", "sea route could not be computed; drawn as a great circle"
    if note is not None:
        notes.append(note)
    text = "by sea; " + "; ".join(notes) if notes else None
    return head + points + tail, routing, text


@dataclass
class _Tables:
    """Columns of the atlas's tables as plain lists, filled route by route."""

    routes: dict[str, list[Any]] = field(default_factory=lambda: {c: [] for c in C.ROUTE_COLUMNS})
    stages: dict[str, list[Any]] = field(default_factory=lambda: {c: [] for c in C.STAGE_COLUMNS})
    legs: dict[str, list[Any]] = field(
        default_factory=lambda: {c: [] for c in C.LEG_COLUMNS if c not in (C.LEG_COORD_START,
                                                                          C.LEG_COORD_STOP)})
    evidence: dict[str, list[Any]] = field(
        default_factory=lambda: {c: [] for c in C.EVIDENCE_COLUMNS})
    #: per leg row: the leg's points if routed at sea, the index of its geodesic, or None
    lines: list[Coords | int | None] = field(default_factory=list)
    starts: list[Point] = field(default_factory=list)
    ends: list[Point] = field(default_factory=list)


def build_atlas(routes: Sequence[ResolvedRoute], sea: SeaRouter | None = None,
                max_segment_km: float = MAX_SEGMENT_KM) -> Atlas:
    """The :class:`Atlas` of ``routes``. Without ``sea``, sea legs are drawn as geodesics."""
    ordered = sorted(routes, key=lambda r: r.route.id)
    t = _Tables()
    for rr in ordered:
        _add_route(t, rr, sea, max_segment_km)
    coords, bounds = _coordinates(t, ordered, max_segment_km)
    t.legs[C.LEG_COORD_START] = bounds[:, 0].tolist()
    t.legs[C.LEG_COORD_STOP] = bounds[:, 1].tolist()
    route_table = frame(t.routes, C.ROUTE_COLUMNS)
    legs = frame(t.legs, C.LEG_COLUMNS)
    atlas = Atlas(
        route_table=route_table,
        stages=frame(t.stages, C.STAGE_COLUMNS),
        leg_table=legs,
        evidence=frame(t.evidence, C.EVIDENCE_COLUMNS),
        coords=coords,
        places=_places(ordered),
        hubs=_hubs(ordered),
        commodities=_commodities(),
        reports=_reports(ordered),
        countries=_countries(),
        country_geojson={code: c.geometry_json for code, c in load_countries().items()},
    )
    log.info("built %d routes (%d drawn) in %d commodities", len(route_table),
             int(legs.groupby(C.ROUTE_ID)[C.LEG_DRAWN].any().sum()) if len(legs) else 0,
             route_table[C.COMMODITY].nunique())
    return atlas


def _append(table: dict[str, list[Any]], *values: tuple[str, Any]) -> None:
    for column, value in values:
        table[column].append(value)


def frame(columns: dict[str, list[Any]], order: Sequence[str]) -> Any:
    """A DataFrame of ``columns`` in ``order``: numbers and booleans as numpy columns, anything
    else (text, lists) as object columns, so a missing text stays None (pandas 3 would make a
    text column of its own ``str`` type, where a missing value reads back as NaN)."""
    import pandas as pd

    out = {}
    for name in order:
        values = columns[name]
        numeric = values and all(isinstance(v, (bool, int, float)) for v in values)
        out[name] = values if numeric else pd.Series(values, dtype=object)
    return pd.DataFrame(out, columns=list(order))


def _add_route(t: _Tables, rr: ResolvedRoute, sea: SeaRouter | None,
               max_segment_km: float) -> None:
    route, cat = rr.route, rr.catalogue
    commodity = commodities.commodity(route.commodity)
    reporting = (rr.reporting_country.iso3 or rr.reporting_country.members)[0]
    _append(t.routes,
        (C.ROUTE_ID, route.id), (C.FLOW_ID, route.flow), (C.COMMODITY, commodity.id),
        (C.COMMODITY_LABEL, commodity.label), (C.MARKET, commodity.market.id),
        (C.MARKET_LABEL, commodity.market.label), (C.CATEGORY, commodity.category),
        (C.LABEL, route.label), (C.PATH, _path(rr)), (C.REPORTING_COUNTRY, reporting),
        (C.REPORTING_ROLE, route.reporting_role), (C.ACTORS, list(route.actors)),
        (C.NOTE, route.note), (C.SOURCE_ID, cat.source.id), (C.SOURCE_TITLE, cat.source.title),
        (C.SOURCE_URL, cat.source.url), (C.CATALOGUE, cat.path.name),
    )
    for s, rs in enumerate(rr.stages):
        place, stage = rs.place, rs.stage
        _append(t.stages,
            (C.ROUTE_ID, route.id), (C.STAGE_INDEX, s), (C.STAGE_PLACE, place.key if place else None),
            (C.STAGE_NAME, place.name if place else C.UNSTATED_NAME),
            (C.STAGE_KIND, place.kind if place else "unstated"), (C.STAGE_ROLE, rs.role),
            (C.STAGE_STATED, bool(stage.stated and place is not None)), (C.STAGE_BY, stage.by),
            (C.STAGE_SOURCE, stage.source or (place.source if place and place.kind == "corridor"
                                              else None)),
            (C.STAGE_NOTE, stage.note),
        )
    for e, ev in enumerate(route.evidence):
        _append(t.evidence,(C.ROUTE_ID, route.id), (C.EVIDENCE_INDEX, e),
                              (C.EVIDENCE_SOURCE, ev.source or cat.source.id),
                              (C.EVIDENCE_SECTION, ev.section), (C.EVIDENCE_PHRASE, ev.phrase),
                              (C.EVIDENCE_SUMMARY, ev.summary))
    for k, (a, b) in enumerate(itertools.pairwise(_nodes(rr))):
        drawn = a.place is not None and b.place is not None
        routing, note = "none", None
        line: Coords | int | None = None
        if a.place is not None and b.place is not None:
            if b.by == "sea" and sea is not None:
                points, routing, note = _sea_leg(a.place, b.place, max_segment_km, sea)
                line = np.asarray(points, dtype=float)
            else:
                routing = "geodesic"
                line = len(t.starts)
                t.starts.append(a.place.point)
                t.ends.append(b.place.point)
        _append(t.legs,
            (C.ROUTE_ID, route.id), (C.LEG_INDEX, k),
            (C.LEG_FROM_PLACE, a.place.key if a.place else None),
            (C.LEG_TO_PLACE, b.place.key if b.place else None), (C.LEG_FROM, a.name),
            (C.LEG_TO, b.name), (C.LEG_MODE, b.by), (C.LEG_STATED, a.stated and b.stated),
            (C.LEG_DRAWN, drawn), (C.LEG_ROUTING, routing), (C.LEG_NOTE, note),
        )
        t.lines.append(line)


def _coordinates(t: _Tables, ordered: Sequence[ResolvedRoute],
                 max_segment_km: float) -> tuple[Coords, Any]:
    """Every drawn leg's points in one array, longitudes continuous along each whole route,
    rounded; and each leg row's [start, stop) in it.

    The array is allocated once and filled in place: sea legs copied in, geodesics computed
    into it a chunk at a time (:func:`geodata.geometry.fill_geodesics`), then longitudes made
    continuous route by route, vectorised over a chunk of whole routes at a time (steps
    between consecutive points wrapped into [-180, 180) and summed from each route's first
    point: what ``numpy.unwrap`` does per leg, without 20,000 calls). Temporary memory stays a
    few MB however many points there are.
    """
    sizes = np.zeros(len(t.lines), dtype=np.intp)
    geo = geodesic_sizes(t.starts, t.ends, max_segment_km) if t.starts else None
    geo_legs = np.zeros(len(t.starts), dtype=np.intp)  # leg row of each geodesic
    for i, line in enumerate(t.lines):
        if isinstance(line, int):
            assert geo is not None
            sizes[i] = geo[2][line]
            geo_legs[line] = i
        elif line is not None:
            sizes[i] = len(line)
    stop = np.cumsum(sizes)
    start = stop - sizes
    bounds = np.column_stack((start, stop))
    coords = np.empty((int(stop[-1]) if len(stop) else 0, 2))
    for i, line in enumerate(t.lines):
        if isinstance(line, np.ndarray):
            coords[start[i]:stop[i]] = line
    if geo is not None:
        fill_geodesics(coords, start[geo_legs], t.starts, t.ends, geo)
    route_of = {rr.route.id: i for i, rr in enumerate(ordered)}
    owner = np.array([route_of[r] for r in t.legs[C.ROUTE_ID]], dtype=np.intp)
    route_points = np.bincount(owner, weights=sizes, minlength=len(ordered)).astype(np.intp)
    _unwrap_routes(coords, route_points)
    np.round(coords, PRECISION, out=coords)
    coords += 0.0  # turns -0.0 into 0.0
    return coords, bounds


def _unwrap_routes(coords: Coords, route_points: Any) -> None:
    """Make longitudes continuous along each route (its points consecutive in ``coords``),
    in place, for whole routes of about CHUNK_POINTS points at a time."""
    ends = np.cumsum(route_points)
    lo_route = 0
    while lo_route < len(route_points):
        lo = int(ends[lo_route - 1]) if lo_route else 0
        hi_route = int(np.searchsorted(ends, lo + CHUNK_POINTS, side="right"))
        hi_route = max(hi_route, lo_route + 1)
        hi = int(ends[hi_route - 1])
        if hi > lo:
            owner = np.repeat(np.arange(lo_route, hi_route), route_points[lo_route:hi_route])
            lon = coords[lo:hi, 0]
            first = np.r_[True, owner[1:] != owner[:-1]]
            steps = np.r_[0.0, (np.diff(lon) + 180.0) % 360.0 - 180.0]
            steps[first] = 0.0
            total = np.cumsum(steps)
            base = np.maximum.accumulate(np.where(first, np.arange(len(lon)), 0))
            coords[lo:hi, 0] = lon[base] + (total - total[base])
        lo_route = hi_route


def _places(routes: Sequence[ResolvedRoute]) -> Any:
    """Every place the routes use (corridor waypoints included), with its shape or point:
    polygon for countries and regions, point for cities and ports, line through the waypoints
    for corridors."""
    import geopandas as gpd
    import shapely

    seen: dict[str, tuple[Place, Any]] = {}
    for rr in routes:
        gaz = rr.gazetteer
        for rs in rr.stages:
            if rs.place is None:
                continue
            for place in [rs.place] + [gaz.get(k) for k in rs.place.waypoints]:
                if place.key in seen:
                    continue
                if place.kind == "corridor":
                    geom = shapely.LineString(unwrap([gaz.get(k).point for k in place.waypoints]))
                else:
                    geom = gaz.shape(place) or shapely.Point(place.point)
                seen[place.key] = (place, geom)
    columns: dict[str, list[Any]] = {c: [] for c in C.PLACE_COLUMNS}
    geometry = []
    for key in sorted(seen):
        place, geom = seen[key]
        _append(columns, (C.PLACE_KEY, key), (C.PLACE_NAME, place.name),
                (C.PLACE_KIND, place.kind), (C.PLACE_ISO3, list(place.iso3)),
                (C.PLACE_MEMBERS, list(place.members)), (C.PLACE_SOURCE, place.source),
                (C.PLACE_LOCODE, place.locode), (C.PLACE_LON, float(place.point[0])),
                (C.PLACE_LAT, float(place.point[1])))
        geometry.append(geom)
    return gpd.GeoDataFrame(frame(columns, C.PLACE_COLUMNS), geometry=geometry, crs="EPSG:4326")


def _hubs(routes: Sequence[ResolvedRoute]) -> Any:
    """The hubs catalogues declare: places of the reporting country the report names as
    centres of a market, with the report's evidence. Routes through a hub are found by the
    renderers from the tables; this table carries what no route does."""
    import geopandas as gpd
    import shapely

    rows: dict[tuple[str, int], tuple[Any, ...]] = {}
    for rr in routes:
        cat = rr.catalogue
        for index, resolved in enumerate(rr.hubs):
            key = (str(cat.path), index)
            if key in rows:
                continue
            hub, place = resolved.hub, resolved.place
            rows[key] = (
                place.key, place.name, place.kind, float(place.point[0]), float(place.point[1]),
                list(hub.commodities), hub.summary,
                [{C.EVIDENCE_SOURCE: ev.source or cat.source.id, C.EVIDENCE_SECTION: ev.section,
                  C.EVIDENCE_PHRASE: ev.phrase, C.EVIDENCE_SUMMARY: ev.summary}
                 for ev in hub.evidence],
                cat.source.title)
    ordered = [rows[k] for k in sorted(rows)]
    columns = {c: [row[i] for row in ordered] for i, c in enumerate(C.HUB_COLUMNS)}
    geometry = [shapely.Point(row[3], row[4]) for row in ordered]
    return gpd.GeoDataFrame(frame(columns, C.HUB_COLUMNS), geometry=geometry, crs="EPSG:4326")


def _commodities() -> Any:
    rows = [(c.id, c.label, c.market.id, c.market.label, c.category, c.colour)
            for c in commodities.COMMODITIES.values()]
    return frame({c: [row[i] for row in rows] for i, c in enumerate(C.COMMODITY_COLUMNS)},
                 C.COMMODITY_COLUMNS)


def _reports(routes: Sequence[ResolvedRoute]) -> Any:
    rows: dict[str, tuple[Any, ...]] = {}
    for rr in routes:
        source, country = rr.catalogue.source, rr.reporting_country
        rows.setdefault(source.id, (
            source.id, source.title, source.publisher, source.edition, source.year, source.url,
            source.sha256, (country.iso3 or country.members)[0], country.name,
            rr.catalogue.path.name))
    ordered = [rows[k] for k in sorted(rows)]
    return frame({c: [row[i] for row in ordered] for i, c in enumerate(C.REPORT_COLUMNS)},
                 C.REPORT_COLUMNS)


def _countries() -> Any:
    rows = [(code, c.iso3, c.name) for code, c in sorted(load_countries().items())]
    return frame({c: [row[i] for row in rows] for i, c in enumerate(C.COUNTRY_COLUMNS)},
                 C.COUNTRY_COLUMNS)
