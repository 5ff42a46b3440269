"""Build the hand-off: one GeoDataFrame, one row per route, columns from :mod:`geodata.columns`.

Everything downstream (HTML maps, GeoJSON, GeoPackage, CSV, PNG) reads this frame and the
places frame beside it; nothing downstream reads YAML.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.gazetteer import Place, Point
from trafficking_route_mapper.geodata.geometry import (
    MAX_SEGMENT_KM,
    PRECISION,
    Coords,
    geodesic,
    geodesics,
    unwrap,
)
from trafficking_route_mapper.geodata.resolve import ResolvedRoute
from trafficking_route_mapper.routes import commodities

log = logging.getLogger(__name__)

#: Routes a sea leg: (start, end) -> points, or raises; None keeps every leg geodesic.
SeaRouter = Callable[[Point, Point], list[Point]]


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


def _stage_records(route: ResolvedRoute) -> list[dict[str, Any]]:
    records = []
    for rs in route.stages:
        place, stage = rs.place, rs.stage
        records.append({
            C.STAGE_NAME: place.name if place else C.UNSTATED_NAME,
            C.STAGE_KIND: place.kind if place else "unstated",
            C.STAGE_ISO3: list(place.iso3) if place else [],
            C.STAGE_ROLE: rs.role,
            C.STAGE_STATED: bool(stage.stated and place is not None),
            C.STAGE_PLACE: place.key if place else None,
            C.STAGE_POINT: list(place.point) if place else None,
            C.STAGE_SOURCE: stage.source or (place.source if place and place.kind == "corridor" else None),
            C.STAGE_NOTE: stage.note,
        })
    return records


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


@dataclass
class _PendingLeg:
    """A drawable leg whose points are computed later: all geodesics of a build at once."""

    route: int
    leg: dict[str, Any]
    points: Coords | None = None  # sea legs are routed at once; geodesics are filled in later
    geodesic_index: int = -1


def _plan_legs(
    index: int, nodes: Sequence[_Node], max_segment_km: float, sea_router: SeaRouter | None,
    starts: list[Point], ends: list[Point], pending: list[_PendingLeg],
) -> list[dict[str, Any]]:
    """The leg records of one route; drawable legs are queued in ``pending``."""
    legs: list[dict[str, Any]] = []
    for a, b in itertools.pairwise(nodes):
        leg: dict[str, Any] = {
            C.LEG_FROM: a.name, C.LEG_TO: b.name, C.LEG_MODE: b.by,
            C.LEG_STATED: a.stated and b.stated, C.LEG_DRAWN: False, C.LEG_ROUTING: "none",
            C.LEG_NOTE: None,
        }
        legs.append(leg)
        if a.place is None or b.place is None:
            continue
        leg[C.LEG_DRAWN] = True
        if b.by == "sea" and sea_router is not None:
            points, routing, note = _sea_leg(a.place, b.place, max_segment_km, sea_router)
            leg.update({C.LEG_ROUTING: routing, C.LEG_NOTE: note})
            pending.append(_PendingLeg(index, leg, np.asarray(points, dtype=float)))
        else:
            leg[C.LEG_ROUTING] = "geodesic"
            pending.append(_PendingLeg(index, leg, None, len(starts)))
            starts.append(a.place.point)
            ends.append(b.place.point)
    return legs


def _sea_points(
    start: Point, end: Point, max_segment_km: float, sea_router: SeaRouter
) -> tuple[list[Point], str, str | None]:
    """The shipping-lane path, or on any routing failure the geodesic, loudly."""
    try:
        return sea_router(start, end), "sea-lanes", None
    except Exception as err:  # any routing failure falls back, loudly
        log.warning("sea routing failed for %s -> %s (%s); drawing the geodesic instead",
                    start, end, err)
        return (geodesic(start, end, max_segment_km), "geodesic-fallback",
                "sea route could not be computed; drawn as a great circle")


def _sea_leg(
    start: Place, end: Place, max_segment_km: float, sea_router: SeaRouter
) -> tuple[list[Point], str, str | None]:
    """A sea leg between two places, through an area's gateway port where it has one.

    The rule for an area (country or region) at a sea leg's end, since the report names no
    port: go overland from its representative point to its gateway (its main port, from
    ``regions.yaml``), then by the shipping lanes; an area without a gateway joins the lanes at
    the network point nearest its representative point.
    """
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
    points, routing, note = _sea_points(sea_start, sea_end, max_segment_km, sea_router)
    if note is not None:
        notes.append(note)
    text = "by sea; " + "; ".join(notes) if notes else None
    return head + points + tail, routing, text


def _sea_ends(start: Place, end: Place) -> tuple[Point, Point]:
    """Where a sea leg between two places meets the shipping lanes: an area's gateway port, or
    else the place's own point (see :func:`_sea_leg`)."""
    ends = []
    for place in (start, end):
        gateway = place.gateway if place.kind in ("country", "region") else None
        ends.append(gateway[1] if gateway is not None else place.point)
    return ends[0], ends[1]


def sea_requests(routes: Sequence[ResolvedRoute]) -> list[tuple[Point, Point]]:
    """The (start, end) of every sea leg :func:`routes_frame` will ask its sea router for.

    Lets a caller route them all beforehand (in parallel, say: :mod:`maps.build`), so that
    building the frame only reads a cache.
    """
    requests = []
    for rr in routes:
        for a, b in itertools.pairwise(_nodes(rr)):
            if a.place is not None and b.place is not None and b.by == "sea":
                requests.append(_sea_ends(a.place, b.place))
    return requests


def route_records(
    routes: Sequence[ResolvedRoute],
    max_segment_km: float = MAX_SEGMENT_KM,
    sea_router: SeaRouter | None = None,
) -> tuple[list[dict[str, Any]], list[list[Coords]]]:
    """Plain records and line parts per route (the frame without geopandas)."""
    records: list[dict[str, Any]] = []
    starts: list[Point] = []
    ends: list[Point] = []
    pending: list[_PendingLeg] = []
    for index, rr in enumerate(sorted(routes, key=lambda r: r.route.id)):
        route, cat = rr.route, rr.catalogue
        commodity = commodities.commodity(route.commodity)
        legs = _plan_legs(index, _nodes(rr), max_segment_km, sea_router, starts, ends, pending)
        records.append({
            C.ROUTE_ID: route.id,
            C.FLOW_ID: route.flow,
            C.COMMODITY: commodity.id,
            C.COMMODITY_LABEL: commodity.label,
            C.MARKET: commodity.market.id,
            C.MARKET_LABEL: commodity.market.label,
            C.CATEGORY: commodity.category,
            C.LABEL: route.label,
            C.PATH: _path(rr),
            C.STAGES: _stage_records(rr),
            C.MODES: [leg[C.LEG_MODE] for leg in legs],
            C.LEGS: legs,
            C.REPORTING_COUNTRY: (rr.reporting_country.iso3 or rr.reporting_country.members)[0],
            C.REPORTING_ROLE: route.reporting_role,
            C.EVIDENCE: [
                {"source": ev.source or cat.source.id, "section": ev.section,
                 "phrase": ev.phrase, "summary": ev.summary}
                for ev in route.evidence
            ],
            C.ACTORS: list(route.actors),
            C.NOTE: route.note,
            C.SOURCE_ID: cat.source.id,
            C.SOURCE_TITLE: cat.source.title,
            C.SOURCE_URL: cat.source.url,
            C.CATALOGUE: cat.path.name,
        })
    return records, _assemble(len(records), pending, geodesics(starts, ends, max_segment_km))


def _assemble(count: int, pending: Sequence[_PendingLeg], geo: Sequence[Coords]) -> list[list[Coords]]:
    """Each route's drawn legs in order, longitudes continuous along the whole route.

    Vectorized over every point of the build: steps between consecutive points are wrapped into
    [-180, 180) and summed from each route's first point (what ``numpy.unwrap`` does per leg,
    without 20,000 calls), then rounded to the geometry precision.
    """
    geoms: list[list[Coords]] = [[] for _ in range(count)]
    if not pending:
        return geoms
    arrays = [item.points if item.points is not None else geo[item.geodesic_index]
              for item in pending]
    lengths = np.array([len(a) for a in arrays])
    points = np.concatenate(arrays).astype(float)
    lon = points[:, 0]
    owner = np.repeat(np.array([item.route for item in pending]), lengths)
    first = np.r_[True, owner[1:] != owner[:-1]]
    steps = np.r_[0.0, (np.diff(lon) + 180.0) % 360.0 - 180.0]
    steps[first] = 0.0
    total = np.cumsum(steps)
    base = np.maximum.accumulate(np.where(first, np.arange(len(lon)), 0))
    points[:, 0] = lon[base] + (total - total[base])
    points = np.round(points, PRECISION) + 0.0  # + 0.0 turns -0.0 into 0.0
    for item, part in zip(pending, np.split(points, np.cumsum(lengths)[:-1]), strict=True):
        geoms[item.route].append(part)
    return geoms


def routes_frame(
    routes: Sequence[ResolvedRoute],
    max_segment_km: float = MAX_SEGMENT_KM,
    sea_router: SeaRouter | None = None,
) -> Any:
    """The hand-off GeoDataFrame (EPSG:4326), sorted by route id."""
    import geopandas as gpd

    records, geoms = route_records(routes, max_segment_km, sea_router)
    geometry = _multilines(geoms)
    frame = gpd.GeoDataFrame(records, geometry=geometry, crs="EPSG:4326",
                             columns=[c for c in C.ROUTE_COLUMNS if c != C.GEOMETRY])
    for column in (C.NOTE, C.SOURCE_URL):  # optional text: None, never pandas 3's NaN
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    log.info("built %d routes (%d drawn) in %d commodities", len(frame),
             sum(g is not None for g in geometry), frame[C.COMMODITY].nunique())
    return frame


def _multilines(geoms: Sequence[Sequence[Coords]]) -> list[Any]:
    """One MultiLineString per route (None where nothing is drawn), built with vectorized shapely."""
    import shapely

    drawn = [i for i, route in enumerate(geoms) if route]
    out: list[Any] = [None] * len(geoms)
    if not drawn:
        return out
    parts = [part for i in drawn for part in geoms[i]]
    lines = shapely.linestrings(np.concatenate(parts),
                                indices=np.repeat(np.arange(len(parts)), [len(p) for p in parts]))
    owners = np.repeat(np.arange(len(drawn)), [len(geoms[i]) for i in drawn])
    for i, geom in zip(drawn, shapely.multilinestrings(lines, indices=owners), strict=True):
        out[i] = geom
    return out


def places_frame(routes: Sequence[ResolvedRoute]) -> Any:
    """Every place the routes use (corridor waypoints included), with its shape or point.

    Columns: ``place`` (key), ``name``, ``kind``, ``iso3`` (list), ``members`` (ADM0_A3 list),
    ``source``, ``locode``, ``lon``/``lat`` (representative point), geometry (polygon for
    countries and regions, point for cities and ports, line through the waypoints for corridors).
    """
    import geopandas as gpd
    import shapely

    seen: dict[str, tuple[Place, Any]] = {}
    for rr in routes:
        gaz = rr.gazetteer
        for rs in rr.stages:
            if rs.place is None:
                continue
            todo = [rs.place] + [gaz.get(k) for k in rs.place.waypoints]
            for place in todo:
                if place.key in seen:
                    continue
                if place.kind == "corridor":
                    geom = shapely.LineString(unwrap([gaz.get(k).point for k in place.waypoints]))
                else:
                    geom = gaz.shape(place) or shapely.Point(place.point)
                seen[place.key] = (place, geom)
    rows = []
    for key in sorted(seen):
        place, geom = seen[key]
        rows.append({
            "place": key, "name": place.name, "kind": place.kind, "iso3": list(place.iso3),
            "members": list(place.members), "source": place.source, "locode": place.locode,
            "lon": place.point[0], "lat": place.point[1], "geometry": geom,
        })
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def hubs_frame(routes: Sequence[ResolvedRoute]) -> Any:
    """The hubs catalogues declare: places of the reporting country the report names as centres
    of a market, with the report's evidence. Routes passing through a hub are found by renderers
    from the routes frame; this frame carries what no route does.

    Columns: ``place`` (key), ``name``, ``kind``, ``lon``, ``lat``, ``commodities`` (list; empty
    means every commodity), ``summary``, ``evidence`` (list of objects), ``source_title``.
    """
    import geopandas as gpd
    import shapely

    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for rr in routes:
        cat = rr.catalogue
        for index, resolved in enumerate(rr.hubs):
            key = (str(cat.path), index)
            if key in rows:
                continue
            hub, place = resolved.hub, resolved.place
            rows[key] = {
                "place": place.key, "name": place.name, "kind": place.kind,
                "lon": place.point[0], "lat": place.point[1],
                "commodities": list(hub.commodities), "summary": hub.summary,
                "evidence": [{"source": ev.source or cat.source.id, "section": ev.section,
                              "phrase": ev.phrase, "summary": ev.summary} for ev in hub.evidence],
                "source_title": cat.source.title,
                "geometry": shapely.Point(place.point),
            }
    ordered = [rows[k] for k in sorted(rows)]
    columns = ["place", "name", "kind", "lon", "lat", "commodities", "summary", "evidence",
               "source_title", "geometry"]
    return gpd.GeoDataFrame(ordered, columns=columns, geometry="geometry", crs="EPSG:4326")
