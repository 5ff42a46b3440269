"""Build the Atlas from resolved statements: its tables, places, hubs, reports.

Everything downstream (HTML maps, GeoJSON, GeoPackage, CSV, PNG) reads the :class:`Atlas` this
returns; nothing downstream reads YAML or the gazetteer. A statement becomes one route per
commodity it names (:func:`route_ids`), sharing its stages, legs, lines and evidence; which
legs a statement has and how each is drawn is :mod:`geodata.legs`, the coordinate array
:mod:`geodata.lines`; a statement's lines found in the geometry cache
(:mod:`geodata.geometry_cache`) are taken from it instead, and those computed are added to it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas, Coords, Point
from trafficking_route_mapper.geodata.datafiles import load_countries
from trafficking_route_mapper.geodata.gazetteer import Place
from trafficking_route_mapper.geodata.geometry import (
    MAX_SEGMENT_KM,
    unwrap,
)
from trafficking_route_mapper.geodata.geometry_cache import (
    CachedLines,
    Entry,
    GeometryCache,
    Slot,
    cached_lines,
)
from trafficking_route_mapper.geodata.legs import Leg, Node, path_text, sea_leg, statement_legs
from trafficking_route_mapper.geodata.lines import Done, coordinates
from trafficking_route_mapper.geodata.resolve import ResolvedRoute
from trafficking_route_mapper.geodata.seaways import SeaRouter
from trafficking_route_mapper.routes import commodities
from trafficking_route_mapper.routes.evidence import Anchor
from trafficking_route_mapper.routes.model import mode_text

log = logging.getLogger(__name__)


@dataclass
class _Tables:
    """The atlas's tables as rows (tuples in their columns' order), filled statement by
    statement and turned into columns once at the end (:func:`_columns`)."""

    statements: list[tuple[Any, ...]] = field(default_factory=list)
    routes: list[tuple[Any, ...]] = field(default_factory=list)
    stages: list[tuple[Any, ...]] = field(default_factory=list)
    #: LEG_COLUMNS less the coordinate range, which comes with the lines
    legs: list[tuple[Any, ...]] = field(default_factory=list)
    evidence: list[tuple[Any, ...]] = field(default_factory=list)
    #: Lines are computed once per statement leg (a "slot") and shared by the statement's
    #: routes, one per commodity. Per slot: the points if routed at sea, the index of its
    #: geodesic, or None (not drawn); and the ids of the nodes it leaves and reaches.
    lines: list[Coords | int | Done | None] = field(default_factory=list)
    slot_nodes: list[tuple[int, int]] = field(default_factory=list)
    #: per leg row: its slot
    leg_slots: list[int] = field(default_factory=list)
    starts: list[Point] = field(default_factory=list)
    ends: list[Point] = field(default_factory=list)
    #: statements whose lines go into the geometry cache: (key, first slot, slots, warnings)
    computed: list[tuple[str, int, int, list[str]]] = field(default_factory=list)
    #: per slot: how it is drawn and the note that says so (the leg row's routing and note)
    routing: list[tuple[str, str | None]] = field(default_factory=list)


def build_atlas(routes: Sequence[ResolvedRoute], sea: SeaRouter | None = None,
                max_segment_km: float = MAX_SEGMENT_KM,
                geometry: GeometryCache | None = None,
                cached: CachedLines | None = None) -> Atlas:
    """The :class:`Atlas` of ``routes`` (resolved statements). Without ``sea``, sea legs are
    drawn as geodesics. With ``geometry``, statements' lines are read from that cache where
    it has them (``cached``, if they were looked up already: :func:`cached_lines`), and the
    others added to it."""
    ordered = sorted(routes, key=lambda r: r.route.id)
    t = _Tables()
    if geometry is not None and cached is None:
        cached = cached_lines(ordered, geometry, sea, max_segment_km)
    for rr in ordered:
        if cached is None:
            _add_statement(t, rr, statement_legs(rr), sea, max_segment_km, None, None)
        else:
            key = cached.keys[rr.route.id]
            _add_statement(t, rr, cached.legs[rr.route.id], sea, max_segment_km, key,
                           cached.found.get(key))
    coords, bounds = coordinates(t.lines, t.starts, t.ends, t.slot_nodes, max_segment_km)
    if geometry is not None and cached is not None:
        geometry.put_many(_computed(t, bounds, coords, geometry.remember))
        log.info("route geometry: %d statements from the cache, %d computed",
                 len(ordered) - len(t.computed), len(t.computed))
    slots = np.asarray(t.leg_slots, dtype=np.intp)
    leg_columns = _columns(t.legs, _LEG_FIELDS)
    leg_columns[C.LEG_COORD_START] = bounds[slots, 0].tolist() if len(slots) else []
    leg_columns[C.LEG_COORD_STOP] = bounds[slots, 1].tolist() if len(slots) else []
    route_table = frame(_columns(t.routes, C.ROUTE_COLUMNS), C.ROUTE_COLUMNS)
    legs = frame(leg_columns, C.LEG_COLUMNS)
    atlas = Atlas(
        statements=frame(_columns(t.statements, C.STATEMENT_COLUMNS), C.STATEMENT_COLUMNS),
        route_table=route_table,
        stages=frame(_columns(t.stages, C.STAGE_COLUMNS), C.STAGE_COLUMNS),
        leg_table=legs,
        evidence=frame(_columns(t.evidence, C.EVIDENCE_COLUMNS), C.EVIDENCE_COLUMNS),
        coords=coords,
        places=_places(ordered),
        hubs=_hubs(ordered),
        commodities=_commodities(),
        reports=_reports(ordered),
        countries=_countries(),
        country_geojson={code: c.geometry_json for code, c in load_countries().items()},
    )
    log.info("built %d routes (%d drawn) of %d statements in %d commodities", len(route_table),
             int(legs.groupby(C.ROUTE_ID)[C.LEG_DRAWN].any().sum()) if len(legs) else 0,
             len(ordered), route_table[C.COMMODITY].nunique())
    return atlas


#: The columns of the leg rows: LEG_COLUMNS less the coordinate range, added from the lines.
_LEG_FIELDS = tuple(c for c in C.LEG_COLUMNS if c not in (C.LEG_COORD_START, C.LEG_COORD_STOP))


def _columns(rows: Sequence[tuple[Any, ...]], fields: Sequence[str]) -> dict[str, list[Any]]:
    """Rows (tuples in the order of ``fields``) as columns."""
    if not rows:
        return {f: [] for f in fields}
    return {f: list(values) for f, values in zip(fields, zip(*rows, strict=True), strict=True)}


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


def route_ids(statement_id: str, commodity_ids: Sequence[str]) -> list[tuple[str, str]]:
    """(route id, commodity id) of each route of a statement, sorted by route id: the
    statement's id for one commodity, ``<statement>--<commodity>`` for several (an id of the
    catalogue never holds ``--``, so these cannot collide with one)."""
    if len(commodity_ids) == 1:
        return [(statement_id, commodity_ids[0])]
    return sorted((f"{statement_id}--{c}", c) for c in commodity_ids)


def _computed(t: _Tables, bounds: Any, coords: Any, copy: bool) -> dict[str, Entry]:
    """The cache entries of the statements whose lines this build computed."""
    out: dict[str, Entry] = {}
    for key, first, count, warnings in t.computed:
        slots = []
        for slot in range(first, first + count):
            routing, note = t.routing[slot]
            points = None
            if t.lines[slot] is not None:
                points = coords[bounds[slot, 0]:bounds[slot, 1]]
                points = points.copy() if copy else points
            slots.append(Slot(routing, note, points))
        out[key] = Entry(tuple(slots), tuple(warnings))
    return out


def _add_statement(t: _Tables, rr: ResolvedRoute, statement: Sequence[Leg],
                   sea: SeaRouter | None, max_segment_km: float, key: str | None,
                   entry: Entry | None) -> None:
    route, cat = rr.route, rr.catalogue
    reporting = (rr.reporting_country.iso3 or rr.reporting_country.members)[0]
    path = path_text(rr)
    routes = route_ids(route.id, route.commodity_ids)
    t.statements.append((
        route.id, route.flow, route.label, path, list(route.commodity_ids),
        [route_id for route_id, _ in routes], reporting, route.reporting_role, cat.source.id,
        cat.path.name))
    anchors = list(rr.anchors) + [None] * (len(route.evidence) - len(rr.anchors))
    t.evidence += [(route.id, e, ev.source or cat.source.id, ev.section, ev.phrase, ev.summary,
                    *_anchor_values(anchor))
                   for e, (ev, anchor) in enumerate(zip(route.evidence, anchors, strict=True))]
    stages = _stage_rows(rr)
    if entry is not None and len(entry.slots) != len(statement):
        entry = None  # cannot be (the key covers the legs); computed again all the same
    if entry is not None:
        for warning in entry.warnings:  # what computing these lines said, said again
            log.warning("%s", warning)
    elif key is not None:
        t.computed.append((key, len(t.lines), len(statement), []))
    legs, slots = _leg_rows(t, statement, sea, max_segment_km, entry,
                            t.computed[-1][3] if entry is None and key is not None else None)
    for route_id, commodity_id in routes:
        commodity = commodities.commodity(commodity_id)
        t.routes.append((
            route_id, route.id, route.flow, commodity.id, commodity.label, commodity.market.id,
            commodity.market.label, commodity.category, route.label, path, reporting,
            route.reporting_role, list(route.actors), route.note,
            route.draft.confidence if route.draft else None,
            route.draft.reason if route.draft else None, cat.source.id,
            cat.source.title, cat.source.url, cat.source.note, cat.path.name))
        t.stages += [(route_id, *row) for row in stages]
        t.legs += [(route_id, *row) for row in legs]
        t.leg_slots += slots


def _anchor_values(anchor: Anchor | None) -> tuple[Any, ...]:
    """The evidence table's anchor columns (columns.EVIDENCE_ANCHOR_COLUMNS), in order."""
    if anchor is None:
        return (None,) * 5
    return (anchor.start, anchor.end, anchor.exact, anchor.prefix, anchor.suffix)


def _stage_rows(rr: ResolvedRoute) -> list[tuple[Any, ...]]:
    """The statement's stage rows: STAGE_COLUMNS less the route id."""
    rows: list[tuple[Any, ...]] = []
    for s, rs in enumerate(rr.stages):
        stage = rs.stage
        by = mode_text(stage.modes)
        for o, place in enumerate(rs.places or (None,)):
            source = stage.source or (place.source if place and place.kind == "corridor" else None)
            if place is None:
                rows.append((s, o, None, C.UNSTATED_NAME, "unstated", rs.role, False, by, source,
                             stage.note))
            else:
                rows.append((s, o, place.key, place.name, place.kind, rs.role, stage.stated, by,
                             source, stage.note))
    return rows


def _leg_rows(t: _Tables, statement: Sequence[Leg], sea: SeaRouter | None,
              max_segment_km: float, entry: Entry | None, warnings: list[str] | None,
              ) -> tuple[list[tuple[Any, ...]], list[int]]:
    """The statement's leg rows (:data:`_LEG_FIELDS` less the route id) and their slots, each
    slot's line queued, or taken from ``entry`` (the geometry cache's). Warnings computing
    the lines logs are appended to ``warnings``."""
    rows: list[tuple[Any, ...]] = []
    slots: list[int] = []
    ids: dict[tuple[int, int, int], int] = {}
    base = len(t.slot_nodes) * 2  # node ids unique over the build: no two statements share one

    def node_id(node: Node) -> int:
        return ids.setdefault(node.ident, base + len(ids))

    for k, leg in enumerate(statement):
        a, b = leg.start, leg.end
        within = a is b
        drawn = a.place is not None and b.place is not None and not within
        routing, note = ("within" if within else "none"), None
        line: Coords | int | Done | None = None
        if entry is not None:
            slot = entry.slots[k]
            routing, note = slot.routing, slot.note
            line = None if slot.coords is None else Done(slot.coords)
        elif a.place is not None and b.place is not None and drawn:
            if leg.modes == ("sea",) and sea is not None:
                points, routing, note = sea_leg(a.place, b.place, max_segment_km, sea, warnings)
                line = np.asarray(points, dtype=float)
            else:
                routing = "geodesic"
                line = len(t.starts)
                t.starts.append(a.place.point)
                t.ends.append(b.place.point)
        slots.append(len(t.lines))
        t.lines.append(line)
        t.routing.append((routing, note))
        t.slot_nodes.append((node_id(a), node_id(b)))
        rows.append((k, a.place.key if a.place else None, b.place.key if b.place else None,
                     a.name, b.name, mode_text(leg.modes), a.stated and b.stated, drawn, routing,
                     note))
    return rows, slots


def _places(routes: Sequence[ResolvedRoute]) -> Any:
    """Every place the routes use (corridor waypoints included), with its shape or point:
    polygon for countries and regions, point for cities and ports, line through the waypoints
    for corridors."""
    import geopandas as gpd
    import shapely

    seen: dict[str, tuple[Place, Any]] = {}
    for rr in routes:
        gaz = rr.gazetteer
        for stage_place in (place for rs in rr.stages for place in rs.places):
            for place in [stage_place] + [gaz.get(k) for k in stage_place.waypoints]:
                if place.key in seen:
                    continue
                if place.kind == "corridor":
                    geom = shapely.LineString(unwrap([gaz.get(k).point for k in place.waypoints]))
                else:
                    geom = gaz.shape(place) or shapely.Point(place.point)
                seen[place.key] = (place, geom)
    keys = sorted(seen)
    columns = _columns([
        (key, place.name, place.kind, list(place.iso3), list(place.members), place.source,
         place.locode, float(place.point[0]), float(place.point[1]))
        for key, (place, _) in ((k, seen[k]) for k in keys)], C.PLACE_COLUMNS)
    geometry = [seen[key][1] for key in keys]
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
                  C.EVIDENCE_PHRASE: ev.phrase, C.EVIDENCE_SUMMARY: ev.summary,
                  **dict(zip(C.EVIDENCE_ANCHOR_COLUMNS, _anchor_values(
                      resolved.anchors[e] if e < len(resolved.anchors) else None), strict=True))}
                 for e, ev in enumerate(hub.evidence)],
                cat.source.title)
    ordered = [rows[k] for k in sorted(rows)]
    columns = {c: [row[i] for row in ordered] for i, c in enumerate(C.HUB_COLUMNS)}
    geometry = [shapely.Point(row[3], row[4]) for row in ordered]
    return gpd.GeoDataFrame(frame(columns, C.HUB_COLUMNS), geometry=geometry, crs="EPSG:4326")


def _commodities() -> Any:
    rows = [(c.id, c.label, c.market.id, c.market.label, c.category, c.colour, c.pattern,
             c.general, c.market.since)
            for c in commodities.COMMODITIES.values()]
    return frame({c: [row[i] for row in rows] for i, c in enumerate(C.COMMODITY_COLUMNS)},
                 C.COMMODITY_COLUMNS)


def _reports(routes: Sequence[ResolvedRoute]) -> Any:
    rows: dict[str, tuple[Any, ...]] = {}
    for rr in routes:
        source, country = rr.catalogue.source, rr.reporting_country
        rows.setdefault(source.id, (
            source.id, source.title, source.publisher, source.edition, source.year, source.url,
            source.sha256, (country.iso3 or country.members)[0], country.name, source.note,
            rr.catalogue.path.name))
    ordered = [rows[k] for k in sorted(rows)]
    return frame({c: [row[i] for row in ordered] for i, c in enumerate(C.REPORT_COLUMNS)},
                 C.REPORT_COLUMNS)


def _countries() -> Any:
    rows = [(code, c.iso3, c.name) for code, c in sorted(load_countries().items())]
    return frame({c: [row[i] for row in rows] for i, c in enumerate(C.COUNTRY_COLUMNS)},
                 C.COUNTRY_COLUMNS)
