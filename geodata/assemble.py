"""Build the Atlas from resolved statements: its tables, places, hubs, reports.

Everything downstream (HTML maps, GeoJSON, GeoPackage, CSV, PNG) reads the :class:`Atlas` this
returns; nothing downstream reads YAML or the gazetteer. A statement becomes one route per
commodity it names (:func:`route_ids`), sharing its stages, legs, lines and evidence; which
legs a statement has and how each is drawn is :mod:`geodata.legs`, the coordinate array
:mod:`geodata.lines`.
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
from trafficking_route_mapper.geodata.legs import Node, path_text, sea_leg, statement_legs
from trafficking_route_mapper.geodata.lines import coordinates
from trafficking_route_mapper.geodata.resolve import ResolvedRoute
from trafficking_route_mapper.geodata.seaways import SeaRouter
from trafficking_route_mapper.routes import commodities
from trafficking_route_mapper.routes.evidence import Anchor
from trafficking_route_mapper.routes.model import mode_text

log = logging.getLogger(__name__)


@dataclass
class _Tables:
    """Columns of the atlas's tables as plain lists, filled statement by statement."""

    statements: dict[str, list[Any]] = field(
        default_factory=lambda: {c: [] for c in C.STATEMENT_COLUMNS})
    routes: dict[str, list[Any]] = field(default_factory=lambda: {c: [] for c in C.ROUTE_COLUMNS})
    stages: dict[str, list[Any]] = field(default_factory=lambda: {c: [] for c in C.STAGE_COLUMNS})
    legs: dict[str, list[Any]] = field(
        default_factory=lambda: {c: [] for c in C.LEG_COLUMNS if c not in (C.LEG_COORD_START,
                                                                          C.LEG_COORD_STOP)})
    evidence: dict[str, list[Any]] = field(
        default_factory=lambda: {c: [] for c in C.EVIDENCE_COLUMNS})
    #: Lines are computed once per statement leg (a "slot") and shared by the statement's
    #: routes, one per commodity. Per slot: the points if routed at sea, the index of its
    #: geodesic, or None (not drawn); and the ids of the nodes it leaves and reaches.
    lines: list[Coords | int | None] = field(default_factory=list)
    slot_nodes: list[tuple[int, int]] = field(default_factory=list)
    #: per leg row: its slot
    leg_slots: list[int] = field(default_factory=list)
    starts: list[Point] = field(default_factory=list)
    ends: list[Point] = field(default_factory=list)


def build_atlas(routes: Sequence[ResolvedRoute], sea: SeaRouter | None = None,
                max_segment_km: float = MAX_SEGMENT_KM) -> Atlas:
    """The :class:`Atlas` of ``routes`` (resolved statements). Without ``sea``, sea legs are
    drawn as geodesics."""
    ordered = sorted(routes, key=lambda r: r.route.id)
    t = _Tables()
    for rr in ordered:
        _add_statement(t, rr, sea, max_segment_km)
    coords, bounds = coordinates(t.lines, t.starts, t.ends, t.slot_nodes, max_segment_km)
    slots = np.asarray(t.leg_slots, dtype=np.intp)
    t.legs[C.LEG_COORD_START] = bounds[slots, 0].tolist() if len(slots) else []
    t.legs[C.LEG_COORD_STOP] = bounds[slots, 1].tolist() if len(slots) else []
    route_table = frame(t.routes, C.ROUTE_COLUMNS)
    legs = frame(t.legs, C.LEG_COLUMNS)
    atlas = Atlas(
        statements=frame(t.statements, C.STATEMENT_COLUMNS),
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
    log.info("built %d routes (%d drawn) of %d statements in %d commodities", len(route_table),
             int(legs.groupby(C.ROUTE_ID)[C.LEG_DRAWN].any().sum()) if len(legs) else 0,
             len(ordered), route_table[C.COMMODITY].nunique())
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


def route_ids(statement_id: str, commodity_ids: Sequence[str]) -> list[tuple[str, str]]:
    """(route id, commodity id) of each route of a statement, sorted by route id: the
    statement's id for one commodity, ``<statement>--<commodity>`` for several (an id of the
    catalogue never holds ``--``, so these cannot collide with one)."""
    if len(commodity_ids) == 1:
        return [(statement_id, commodity_ids[0])]
    return sorted((f"{statement_id}--{c}", c) for c in commodity_ids)


def _add_statement(t: _Tables, rr: ResolvedRoute, sea: SeaRouter | None,
                   max_segment_km: float) -> None:
    route, cat = rr.route, rr.catalogue
    reporting = (rr.reporting_country.iso3 or rr.reporting_country.members)[0]
    path = path_text(rr)
    routes = route_ids(route.id, route.commodity_ids)
    _append(t.statements,
        (C.STATEMENT_ID, route.id), (C.FLOW_ID, route.flow), (C.LABEL, route.label),
        (C.PATH, path), (C.COMMODITIES, list(route.commodity_ids)),
        (C.ROUTE_IDS, [route_id for route_id, _ in routes]), (C.REPORTING_COUNTRY, reporting),
        (C.REPORTING_ROLE, route.reporting_role), (C.SOURCE_ID, cat.source.id),
        (C.CATALOGUE, cat.path.name),
    )
    for e, ev in enumerate(route.evidence):
        anchor = rr.anchors[e] if e < len(rr.anchors) else None
        _append(t.evidence, (C.STATEMENT_ID, route.id), (C.EVIDENCE_INDEX, e),
                (C.EVIDENCE_SOURCE, ev.source or cat.source.id),
                (C.EVIDENCE_SECTION, ev.section), (C.EVIDENCE_PHRASE, ev.phrase),
                (C.EVIDENCE_SUMMARY, ev.summary),
                *_anchor_columns(anchor))
    stages = _stage_rows(rr)
    legs, slots = _leg_rows(t, rr, sea, max_segment_km)
    for route_id, commodity_id in routes:
        commodity = commodities.commodity(commodity_id)
        _append(t.routes,
            (C.ROUTE_ID, route_id), (C.STATEMENT_ID, route.id), (C.FLOW_ID, route.flow),
            (C.COMMODITY, commodity.id), (C.COMMODITY_LABEL, commodity.label),
            (C.MARKET, commodity.market.id), (C.MARKET_LABEL, commodity.market.label),
            (C.CATEGORY, commodity.category), (C.LABEL, route.label), (C.PATH, path),
            (C.REPORTING_COUNTRY, reporting), (C.REPORTING_ROLE, route.reporting_role),
            (C.ACTORS, list(route.actors)), (C.NOTE, route.note), (C.SOURCE_ID, cat.source.id),
            (C.SOURCE_TITLE, cat.source.title), (C.SOURCE_URL, cat.source.url),
            (C.SOURCE_NOTE, cat.source.note), (C.CATALOGUE, cat.path.name),
        )
        for row in stages:
            _append(t.stages, (C.ROUTE_ID, route_id), *row)
        for row in legs:
            _append(t.legs, (C.ROUTE_ID, route_id), *row)
        t.leg_slots += slots


def _anchor_columns(anchor: Anchor | None) -> tuple[tuple[str, Any], ...]:
    return ((C.EVIDENCE_START, anchor.start if anchor else None),
            (C.EVIDENCE_END, anchor.end if anchor else None),
            (C.EVIDENCE_EXACT, anchor.exact if anchor else None),
            (C.EVIDENCE_PREFIX, anchor.prefix if anchor else None),
            (C.EVIDENCE_SUFFIX, anchor.suffix if anchor else None))


def _stage_rows(rr: ResolvedRoute) -> list[tuple[tuple[str, Any], ...]]:
    rows: list[tuple[tuple[str, Any], ...]] = []
    for s, rs in enumerate(rr.stages):
        stage = rs.stage
        for o, place in enumerate(rs.places or (None,)):
            rows.append((
                (C.STAGE_INDEX, s), (C.STAGE_OPTION, o),
                (C.STAGE_PLACE, place.key if place else None),
                (C.STAGE_NAME, place.name if place else C.UNSTATED_NAME),
                (C.STAGE_KIND, place.kind if place else "unstated"), (C.STAGE_ROLE, rs.role),
                (C.STAGE_STATED, bool(stage.stated and place is not None)),
                (C.STAGE_BY, mode_text(stage.modes)),
                (C.STAGE_SOURCE, stage.source or (place.source if place and place.kind == "corridor"
                                                  else None)),
                (C.STAGE_NOTE, stage.note),
            ))
    return rows


def _leg_rows(t: _Tables, rr: ResolvedRoute, sea: SeaRouter | None,
              max_segment_km: float) -> tuple[list[tuple[tuple[str, Any], ...]], list[int]]:
    """The statement's leg rows (less the route id) and their slots, each slot's line queued."""
    rows: list[tuple[tuple[str, Any], ...]] = []
    slots: list[int] = []
    ids: dict[tuple[int, int, int], int] = {}
    base = len(t.slot_nodes) * 2  # node ids unique over the build: no two statements share one

    def node_id(node: Node) -> int:
        return ids.setdefault(node.ident, base + len(ids))

    for k, leg in enumerate(statement_legs(rr)):
        a, b = leg.start, leg.end
        within = a is b
        drawn = a.place is not None and b.place is not None and not within
        routing, note = ("within" if within else "none"), None
        line: Coords | int | None = None
        if a.place is not None and b.place is not None and drawn:
            if leg.modes == ("sea",) and sea is not None:
                points, routing, note = sea_leg(a.place, b.place, max_segment_km, sea)
                line = np.asarray(points, dtype=float)
            else:
                routing = "geodesic"
                line = len(t.starts)
                t.starts.append(a.place.point)
                t.ends.append(b.place.point)
        slots.append(len(t.lines))
        t.lines.append(line)
        t.slot_nodes.append((node_id(a), node_id(b)))
        rows.append((
            (C.LEG_INDEX, k), (C.LEG_FROM_PLACE, a.place.key if a.place else None),
            (C.LEG_TO_PLACE, b.place.key if b.place else None), (C.LEG_FROM, a.name),
            (C.LEG_TO, b.name), (C.LEG_MODE, mode_text(leg.modes)),
            (C.LEG_STATED, a.stated and b.stated), (C.LEG_DRAWN, drawn),
            (C.LEG_ROUTING, routing), (C.LEG_NOTE, note),
        ))
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
                  C.EVIDENCE_PHRASE: ev.phrase, C.EVIDENCE_SUMMARY: ev.summary,
                  **dict(_anchor_columns(resolved.anchors[e] if e < len(resolved.anchors)
                                         else None))}
                 for e, ev in enumerate(hub.evidence)],
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
            source.sha256, (country.iso3 or country.members)[0], country.name, source.note,
            rr.catalogue.path.name))
    ordered = [rows[k] for k in sorted(rows)]
    return frame({c: [row[i] for row in ordered] for i, c in enumerate(C.REPORT_COLUMNS)},
                 C.REPORT_COLUMNS)


def _countries() -> Any:
    rows = [(code, c.iso3, c.name) for code, c in sorted(load_countries().items())]
    return frame({c: [row[i] for row in rows] for i, c in enumerate(C.COUNTRY_COLUMNS)},
                 C.COUNTRY_COLUMNS)
