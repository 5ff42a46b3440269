"""GIS exports of the Atlas: GeoJSON, GeoPackage and flow CSVs.

Files written by :func:`write_exports` (paths relative to the output folder)::

    routes.geojson            every route, one Feature each (RFC 7946)   (maps.geojson)
    geojson/<commodity>.geojson   the same, one file per commodity
    legs.geojson              every drawn leg, one Feature each   (maps.leg_export)
    routes.gpkg               layers routes, legs, hubs, places, place_points, corridors,
                              agreement   (maps.gpkg)
    flows.csv                 one row per drawn leg (kepler.gl / FlowmapBlue "arc" shape)
    kepler.json               a kepler.gl map configuration for flows.csv   (maps.kepler)
    flowmap/locations.csv     FlowmapBlue locations (id, name, lat, lon)   (maps.flows)
    flowmap/flows.csv         FlowmapBlue flows (origin, dest, count), legs aggregated
    agreement.csv             one row per link, with corroboration and conflict flags
    conflicts.csv, changes.csv   conflicts between reports; changes between editions
                              (maps.agreement)

This module holds what the formats share: the schema (property names and their order, the
objects nested in a route) and :func:`route_records`, the routes as exported records, made
from the Atlas's tables one route at a time.

Coordinates
    WGS 84 longitude/latitude rounded to :data:`~geodata.atlas.PRECISION` = 5 decimals. 1e-5
    degree is about 1.1 m of latitude: far finer than what a route map states (a country's or
    region's representative point; a city's centre), so nothing a reader can see is lost,
    while full double precision would roughly double the file size and let floating-point
    noise from the geodesic densification show up in diffs. Lines crossing the antimeridian
    are cut there (:mod:`maps.antimeridian`), so a MultiLineString part is not always "the
    i-th drawn leg": consumers that need per-leg styling use ``flows.csv`` or the ``legs``
    property.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import PRECISION, Atlas, wrap_lon
from trafficking_route_mapper.maps.antimeridian import export_parts

log = logging.getLogger(__name__)

#: Version of the exported schema (properties, CSV columns, GPKG layers). Bump the minor
#: number when adding a property, the major one when renaming or removing one.
SCHEMA_VERSION = "1.3"
SCHEMA_VERSION_KEY = "schema_version"

# route properties that hold lists of objects or strings
STAGES, MODES, LEGS, EVIDENCE = "stages", "modes", "legs", "evidence"

#: Route properties, in the order they are written (GeoJSON properties, GPKG columns).
#: A route's ends for analysis: the kind and the ISO3 codes of its first and last stage (of
#: every place a stage names; a region's members; a corridor's first or last waypoint only),
#: so that routes per origin country count origins, not transits. A flow within an area has
#: the area at both ends; an unstated end is "unstated" with no codes.
ORIGIN_KIND, ORIGIN_ISO3 = "origin_kind", "origin_iso3"
DESTINATION_KIND, DESTINATION_ISO3 = "destination_kind", "destination_iso3"
GEOJSON_PROPERTIES: tuple[str, ...] = (
    SCHEMA_VERSION_KEY, C.ROUTE_ID, C.STATEMENT_ID, C.FLOW_ID, C.COMMODITY, C.COMMODITY_LABEL, C.MARKET,
    C.MARKET_LABEL, C.CATEGORY, C.LABEL, C.PATH, ORIGIN_KIND, ORIGIN_ISO3, DESTINATION_KIND,
    DESTINATION_ISO3, STAGES, MODES, LEGS,
    C.REPORTING_COUNTRY, C.REPORTING_ROLE, EVIDENCE, C.ACTORS, C.NOTE, C.DRAFT_CONFIDENCE,
    C.DRAFT_REASON, C.SOURCE_ID, C.SOURCE_TITLE, C.SOURCE_URL, C.SOURCE_NOTE, C.REPORT_EDITION,
    C.REPORT_YEAR, C.CATALOGUE,
)
#: Properties that hold lists or objects: JSON text columns in the GeoPackage.
NESTED_PROPERTIES: tuple[str, ...] = (ORIGIN_ISO3, DESTINATION_ISO3, STAGES, MODES, LEGS,
                                      EVIDENCE, C.ACTORS)
#: The route columns exported as they are.
_FLAT = tuple(k for k in GEOJSON_PROPERTIES if k != SCHEMA_VERSION_KEY and k in C.ROUTE_COLUMNS
              and k not in NESTED_PROPERTIES)

#: Stage object key: True where the stage names alternatives (``any_of``), one object each,
#: sharing their ``stage`` index.
STAGE_ANY_OF = "any_of"
STAGE_KEYS: tuple[str, ...] = (
    C.STAGE_INDEX, C.STAGE_NAME, C.STAGE_KIND, C.STAGE_ISO3, C.STAGE_ROLE, C.STAGE_STATED,
    C.STAGE_PLACE, C.STAGE_POINT, STAGE_ANY_OF, C.STAGE_SOURCE, C.STAGE_NOTE,
)
#: Leg object key: the leg's modes as a list (``mode`` joins them with "+"); [] if unspecified.
LEG_BY = "by"
LEG_KEYS: tuple[str, ...] = (
    C.LEG_FROM, C.LEG_TO, C.LEG_MODE, LEG_BY, C.LEG_STATED, C.LEG_DRAWN, C.LEG_ROUTING,
    C.LEG_NOTE,
)
#: Evidence object key: where the phrase stands in the report's text, as W3C Web Annotation
#: selectors, when the build was given the text (``--source-text``); else null.
#: ``{"sha256": <the text's>, "selector": [{"type": "TextQuoteSelector", "exact", "prefix",
#: "suffix"}, {"type": "TextPositionSelector", "start", "end"}]}``
EVIDENCE_ANCHOR = "anchor"
EVIDENCE_KEYS: tuple[str, ...] = (
    C.EVIDENCE_SOURCE, C.EVIDENCE_SECTION, C.EVIDENCE_PHRASE, C.EVIDENCE_SUMMARY,
    EVIDENCE_ANCHOR,
)

# file and layer names
ROUTES_GEOJSON = "routes.geojson"
COMMODITY_FOLDER = "geojson"
ROUTES_GPKG = "routes.gpkg"
FLOWS_CSV = "flows.csv"
FLOWMAP_FOLDER = "flowmap"
ROUTES_LAYER = "routes"

#: Record key of a route's exported lines: split at ±180 and rounded (a list of arrays).
EXPORT_LINES = "_export_lines"


def write_exports(atlas: Atlas, folder: Path) -> list[Path]:
    """Write the GeoJSON, GeoPackage and CSV exports of ``atlas`` into ``folder``; returns the
    written paths, sorted."""
    (step,) = export_steps(atlas, folder)
    return step()


def export_steps(atlas: Atlas, folder: Path, parts: int = 1) -> list[Callable[[], list[Path]]]:
    """:func:`write_exports` as independent steps (:mod:`geodata.parallel`): one, or with
    ``parts`` >= 2 the GeoPackage first (the longest: at 10,000 routes as long as the other
    exports together) and then the GeoJSON files, ``legs.geojson``, the flow tables and the
    agreement tables, each step making the records it writes, so that the short ones fill in
    beside the GeoPackage and the pages. Same bytes either way."""
    from trafficking_route_mapper.maps import flows, geojson, gpkg
    from trafficking_route_mapper.maps.agreement import write_agreement_csvs
    from trafficking_route_mapper.maps.kepler import write_kepler
    from trafficking_route_mapper.maps.leg_export import write_legs_geojson

    folder.mkdir(parents=True, exist_ok=True)

    def done(written: list[Path], what: str) -> list[Path]:
        log.info("wrote %s (%d file%s) for %d routes in %d commodities", what, len(written),
                 "" if len(written) == 1 else "s", len(atlas.route_table),
                 atlas.route_table[C.COMMODITY].nunique())
        return sorted(written)

    def step(what: str, *writers: Callable[[], Path | list[Path]]) -> Callable[[], list[Path]]:
        def write() -> list[Path]:
            written: list[Path] = []
            for writer in writers:
                out = writer()
                written += out if isinstance(out, list) else [out]
            return done(written, what)
        return write

    writers: list[tuple[str, Callable[[], Path | list[Path]]]] = [
        ("the GeoPackage", lambda: gpkg.write_gpkg(atlas, folder / ROUTES_GPKG)),
        ("the GeoJSON and kepler.gl files", lambda: geojson.write_geojsons(atlas, folder)),
        ("the GeoJSON and kepler.gl files", lambda: write_kepler(atlas, folder)),
        ("the legs", lambda: write_legs_geojson(atlas, folder)),
        ("the flow tables", lambda: flows.write_flows(atlas, folder)),
        ("the agreement tables", lambda: write_agreement_csvs(atlas, folder)),
    ]
    if parts <= 1:
        return [step("the exports", *(writer for _, writer in writers))]
    return [step(what, *(writer for name, writer in writers if name == what))
            for what in dict.fromkeys(name for name, _ in writers)]


def num(x: float) -> float:
    """Round to PRECISION and turn -0.0 into 0.0 (so equal places print equally)."""
    return round(float(x), PRECISION) + 0.0


def route_records(atlas: Atlas) -> Iterator[dict[str, Any]]:
    """Every route as an exported record, in route order: the properties of
    :data:`GEOJSON_PROPERTIES` in that order (stages, legs and evidence as objects in the
    orders of :data:`STAGE_KEYS`, :data:`LEG_KEYS` and :data:`EVIDENCE_KEYS`), and under
    :data:`EXPORT_LINES` its drawn lines as exported (None when nothing is drawn).

    One route at a time, from column lists read once: a caller that writes each record as it
    comes (GeoJSON) never holds them all.
    """
    routes = {k: atlas.route_table[k].tolist() for k in (*_FLAT, C.ACTORS)}
    stages = {k: atlas.stages[k].tolist() for k in atlas.stages.columns}
    legs = {k: atlas.leg_table[k].tolist() for k in atlas.leg_table.columns}
    evidence = {k: atlas.evidence[k].tolist() for k in atlas.evidence.columns}
    stage_at, leg_at = (atlas.offsets(t).tolist() for t in (atlas.stages, atlas.leg_table))
    places = _stage_places(atlas)
    lines = leg_lines(atlas)
    shas = dict(zip(atlas.reports[C.SOURCE_ID], atlas.reports[C.REPORT_SHA256], strict=True))
    legs[LEG_BY] = [[] if m == "unspecified" else m.split("+") for m in legs[C.LEG_MODE]]
    options = stages[C.STAGE_OPTION]
    ends = _route_ends(stages, stage_at, places)
    editions = report_editions(atlas)
    sources = atlas.route_table[C.SOURCE_ID].tolist()
    for i in range(len(atlas.route_table)):
        leg_rows = range(leg_at[i], leg_at[i + 1])
        stage_rows = range(stage_at[i], stage_at[i + 1])
        several = {stages[C.STAGE_INDEX][s] for s in stage_rows if options[s] > 0}
        nested = {
            STAGES: [_stage(stages, s, places, stages[C.STAGE_INDEX][s] in several)
                     for s in stage_rows],
            MODES: [legs[C.LEG_MODE][k] for k in leg_rows],
            LEGS: [{key: legs[key][k] for key in LEG_KEYS} for k in leg_rows],
            EVIDENCE: [_evidence(evidence, e, shas) for e in atlas.evidence_rows(i)],
            C.ACTORS: list(routes[C.ACTORS][i]),
            ORIGIN_KIND: ends[i][0], ORIGIN_ISO3: ends[i][1],
            DESTINATION_KIND: ends[i][2], DESTINATION_ISO3: ends[i][3],
            C.REPORT_EDITION: editions[sources[i]][0], C.REPORT_YEAR: editions[sources[i]][1],
        }
        record: dict[str, Any] = {
            key: SCHEMA_VERSION if key == SCHEMA_VERSION_KEY
            else nested[key] if key in nested else routes[key][i]
            for key in GEOJSON_PROPERTIES
        }
        parts = [part for k in leg_rows if legs[C.LEG_DRAWN][k] for part in lines[k]]
        record[EXPORT_LINES] = parts or None
        yield record


def report_editions(atlas: Atlas) -> dict[str, tuple[str | None, int | None]]:
    """Each report's (edition, year), by source id; None where the catalogue gives none."""
    reports = atlas.reports
    return {sid: (e if isinstance(e, str) else None,
                  int(y) if isinstance(y, (int, np.integer)) else None)
            for sid, e, y in zip(reports[C.SOURCE_ID], reports[C.REPORT_EDITION],
                                 reports[C.REPORT_YEAR], strict=True)}


def _route_ends(stages: dict[str, list[Any]], stage_at: list[int],
                places: dict[str, tuple[list[str], list[float]]],
                ) -> list[tuple[str, list[str], str, list[str]]]:
    """(origin kind, origin ISO3, destination kind, destination ISO3) of every route (see
    :data:`ORIGIN_ISO3`); ``places`` as :func:`_stage_places` gives them."""

    def end(rows: list[int], last: bool) -> tuple[str, list[str]]:
        kinds: dict[str, None] = {}
        codes: dict[str, None] = {}
        for s in rows:
            key, kind = stages[C.STAGE_PLACE][s], stages[C.STAGE_KIND][s]
            kinds.setdefault(kind, None)
            found = list(places[key][0]) if key is not None else []
            if kind == "corridor" and found:
                found = [found[-1] if last else found[0]]
            for code in found:
                codes.setdefault(code, None)
        return ", ".join(kinds), list(codes)

    out = []
    for i in range(len(stage_at) - 1):
        rows = range(stage_at[i], stage_at[i + 1])
        first = [s for s in rows if stages[C.STAGE_INDEX][s] == stages[C.STAGE_INDEX][rows[0]]]
        final = [s for s in rows if stages[C.STAGE_INDEX][s] == stages[C.STAGE_INDEX][rows[-1]]]
        out.append((*end(first, False), *end(final, True)))
    return out


#: The last atlas's leg lines (:func:`leg_lines`), held by a weak reference to it.
_LEG_LINES: list[tuple[Any, list[list[Any]]]] = []


def leg_lines(atlas: Atlas) -> list[list[Any]]:
    """Every leg's line as exported: a view of ``coords`` (already rounded), or, for the few
    lines that leave [-180, 180], the parts of its split at the antimeridian.

    Worked out once per atlas (the GeoJSON, legs, GeoPackage and agreement layers all read
    them; a build makes them before its output steps fork, so every worker shares them).
    """
    if _LEG_LINES and _LEG_LINES[0][0]() is atlas:
        return _LEG_LINES[0][1]
    lines = _leg_lines(atlas)
    _LEG_LINES[:] = [(weakref.ref(atlas), lines)]
    return lines


def _leg_lines(atlas: Atlas) -> list[list[Any]]:
    """:func:`leg_lines`, computed."""
    legs = atlas.leg_table
    start = legs[C.LEG_COORD_START].to_numpy()
    stop = legs[C.LEG_COORD_STOP].to_numpy()
    coords = atlas.coords
    outside = np.zeros(len(legs), dtype=bool)
    if len(coords):
        beyond = np.abs(coords[:, 0]) > 180.0
        drawn = stop > start
        counts = np.add.reduceat(beyond, start[drawn]) if drawn.any() else np.zeros(0, bool)
        outside[drawn] = counts > 0
    return [export_parts(coords[a:b]) if out else [coords[a:b]]
            for a, b, out in zip(start.tolist(), stop.tolist(), outside.tolist(), strict=True)]


def _evidence(evidence: dict[str, list[Any]], e: int, shas: dict[str, str]) -> dict[str, Any]:
    item = {key: evidence[key][e] for key in EVIDENCE_KEYS if key != EVIDENCE_ANCHOR}
    item[EVIDENCE_ANCHOR] = anchor_object(
        {key: evidence[key][e] for key in C.EVIDENCE_ANCHOR_COLUMNS},
        shas.get(evidence[C.EVIDENCE_SOURCE][e]))
    return item


def anchor_object(values: dict[str, Any], sha256: str | None) -> dict[str, Any] | None:
    """The exported anchor of one evidence item (see :data:`EVIDENCE_ANCHOR`), or None."""
    if values.get(C.EVIDENCE_START) is None:
        return None
    return {"sha256": sha256, "selector": [
        {"type": "TextQuoteSelector", "exact": values[C.EVIDENCE_EXACT],
         "prefix": values[C.EVIDENCE_PREFIX], "suffix": values[C.EVIDENCE_SUFFIX]},
        {"type": "TextPositionSelector", "start": int(values[C.EVIDENCE_START]),
         "end": int(values[C.EVIDENCE_END])},
    ]}


def _stage(stages: dict[str, list[Any]], s: int,
           places: dict[str, tuple[list[str], list[float]]], any_of: bool) -> dict[str, Any]:
    key = stages[C.STAGE_PLACE][s]
    iso3, point = places[key] if key is not None else ([], None)
    values = {C.STAGE_INDEX: stages[C.STAGE_INDEX][s], STAGE_ANY_OF: any_of,
              C.STAGE_NAME: stages[C.STAGE_NAME][s], C.STAGE_KIND: stages[C.STAGE_KIND][s],
              C.STAGE_ISO3: list(iso3), C.STAGE_ROLE: stages[C.STAGE_ROLE][s],
              C.STAGE_STATED: bool(stages[C.STAGE_STATED][s]), C.STAGE_PLACE: key,
              C.STAGE_POINT: point, C.STAGE_SOURCE: stages[C.STAGE_SOURCE][s],
              C.STAGE_NOTE: stages[C.STAGE_NOTE][s]}
    return {k: values[k] for k in STAGE_KEYS}


def _stage_places(atlas: Atlas) -> dict[str, tuple[list[str], list[float]]]:
    """Place key -> (ISO3 codes, exported point) for the stage objects."""
    places = atlas.places
    return {key: (list(iso3), [num(wrap_lon(float(lon))), num(float(lat))])
            for key, iso3, lon, lat in zip(places[C.PLACE_KEY], places[C.PLACE_ISO3],
                                           places[C.PLACE_LON], places[C.PLACE_LAT], strict=True)}
