"""Legs and hubs as GIS layers: ``legs.geojson``, and the GeoPackage's ``legs`` and ``hubs``.

A route's line is several legs, and what a GIS user styles (stated or inferred, by sea or by
road, how many reports state it) is a property of each leg: ``legs.geojson`` and the ``legs``
layer have one feature per drawn leg, in route order and then along the route, with the
columns of :data:`LEG_PROPERTIES` and the leg's line (a MultiLineString: split at the
antimeridian like the routes). The ``hubs`` layer has one point per hub a catalogue declares,
its commodities and evidence as JSON text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas
from trafficking_route_mapper.maps.export import (
    LEG_BY,
    SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
    leg_lines,
    report_editions,
)

LEGS_GEOJSON = "legs.geojson"
LEGS_LAYER = "legs"
HUBS_LAYER = "hubs"

#: A leg feature's properties, in order. ``from_iso3`` / ``to_iso3`` are the codes the end
#: covers (a region's members); ``link_id`` and ``corroboration`` say which link the leg lies
#: on and how many reports state it (geodata.agreement).
LEG_PROPERTIES: tuple[str, ...] = (
    SCHEMA_VERSION_KEY, C.ROUTE_ID, C.FLOW_ID, C.STATEMENT_ID, C.COMMODITY, C.MARKET, C.CATEGORY,
    C.LEG_INDEX, C.LEG_FROM, C.LEG_FROM_PLACE, C.LINK_FROM_KIND, C.LINK_FROM_ISO3, C.LEG_TO,
    C.LEG_TO_PLACE, C.LINK_TO_KIND, C.LINK_TO_ISO3, C.LEG_MODE, LEG_BY, C.LEG_STATED,
    C.LEG_ROUTING, C.LEG_NOTE, C.SOURCE_ID, C.REPORT_EDITION, C.REPORT_YEAR, C.LINK_ID,
    C.LINK_CORROBORATION,
)
#: Properties that hold lists: JSON text in the GeoPackage.
LEG_LISTS = frozenset({C.LINK_FROM_ISO3, C.LINK_TO_ISO3, LEG_BY})


def leg_records(atlas: Atlas) -> Iterator[tuple[dict[str, Any], list[Any]]]:
    """(properties, exported line parts) of every drawn leg, in leg-table order."""
    legs = atlas.leg_table
    routes = atlas.route_table
    owner = atlas.route_index(legs[C.ROUTE_ID]).tolist()
    r = {k: routes[k].tolist() for k in (C.FLOW_ID, C.STATEMENT_ID, C.COMMODITY, C.MARKET,
                                         C.CATEGORY, C.SOURCE_ID)}
    lg = {k: legs[k].tolist() for k in legs.columns}
    places = atlas.places
    kind = dict(zip(places[C.PLACE_KEY], places[C.PLACE_KIND], strict=True))
    iso3 = dict(zip(places[C.PLACE_KEY], places[C.PLACE_ISO3], strict=True))
    editions = report_editions(atlas)
    ag = atlas.agreement
    link_ids = ag.links[C.LINK_ID].tolist()
    corroboration = ag.links[C.LINK_CORROBORATION].tolist()
    leg_links = ag.leg_links.tolist()
    lines = leg_lines(atlas)
    for k, drawn in enumerate(lg[C.LEG_DRAWN]):
        if not drawn:
            continue
        i, a, b, link = owner[k], lg[C.LEG_FROM_PLACE][k], lg[C.LEG_TO_PLACE][k], leg_links[k]
        source = r[C.SOURCE_ID][i]
        edition, year = editions[source]
        mode = lg[C.LEG_MODE][k]
        values = {
            SCHEMA_VERSION_KEY: SCHEMA_VERSION, C.ROUTE_ID: lg[C.ROUTE_ID][k],
            C.FLOW_ID: r[C.FLOW_ID][i], C.STATEMENT_ID: r[C.STATEMENT_ID][i],
            C.COMMODITY: r[C.COMMODITY][i], C.MARKET: r[C.MARKET][i],
            C.CATEGORY: r[C.CATEGORY][i], C.LEG_INDEX: lg[C.LEG_INDEX][k],
            C.LEG_FROM: lg[C.LEG_FROM][k], C.LEG_FROM_PLACE: a, C.LINK_FROM_KIND: kind[a],
            C.LINK_FROM_ISO3: list(iso3[a]), C.LEG_TO: lg[C.LEG_TO][k], C.LEG_TO_PLACE: b,
            C.LINK_TO_KIND: kind[b], C.LINK_TO_ISO3: list(iso3[b]), C.LEG_MODE: mode,
            LEG_BY: [] if mode == "unspecified" else mode.split("+"),
            C.LEG_STATED: bool(lg[C.LEG_STATED][k]), C.LEG_ROUTING: lg[C.LEG_ROUTING][k],
            C.LEG_NOTE: lg[C.LEG_NOTE][k], C.SOURCE_ID: source,
            C.REPORT_EDITION: edition, C.REPORT_YEAR: year,
            C.LINK_ID: link_ids[link] if link >= 0 else None,
            C.LINK_CORROBORATION: corroboration[link] if link >= 0 else None,
        }
        yield {key: values[key] for key in LEG_PROPERTIES}, lines[k]


def write_legs_geojson(atlas: Atlas, folder: Path) -> Path:
    """``legs.geojson``: one Feature per drawn leg (id ``<route id>/<leg>``), one per line,
    its properties followed by simplestyle's (:func:`maps.geojson.simplestyle`)."""
    from trafficking_route_mapper.maps.geojson import FeatureCollectionFile, simplestyle

    colours = atlas.commodity_colours
    with FeatureCollectionFile(folder / LEGS_GEOJSON) as out:
        for props, parts in leg_records(atlas):
            width = 1 + min(max(props[C.LINK_CORROBORATION] or 1, 1), 4)
            style = simplestyle(colours[props[C.COMMODITY]], width, props[C.LEG_STATED])
            feature = {"type": "Feature", "id": f"{props[C.ROUTE_ID]}/{props[C.LEG_INDEX]}",
                       "geometry": {"type": "MultiLineString", "coordinates": parts},
                       "properties": {**props, **style}}
            out.add(orjson.dumps(feature, option=orjson.OPT_SERIALIZE_NUMPY))
    return out.path


def legs_layer(atlas: Atlas) -> Any:
    """The GeoPackage's ``legs`` layer: :data:`LEG_PROPERTIES` but the schema version, lists
    as JSON text."""
    import geopandas as gpd

    from trafficking_route_mapper.maps.gpkg import json_text, multilinestrings

    names = [k for k in LEG_PROPERTIES if k != SCHEMA_VERSION_KEY]
    columns: dict[str, list[Any]] = {k: [] for k in names}
    lines = []
    for props, parts in leg_records(atlas):
        for k in names:
            columns[k].append(json_text(props[k]) if k in LEG_LISTS else props[k])
        lines.append(parts)
    return gpd.GeoDataFrame(columns, columns=names,
                            geometry=gpd.GeoSeries(multilinestrings(lines), crs="EPSG:4326"),
                            crs="EPSG:4326")


def hubs_layer(atlas: Atlas) -> Any:
    """The GeoPackage's ``hubs`` layer: a point per declared hub, lists as JSON text."""
    import geopandas as gpd
    import pandas as pd

    from trafficking_route_mapper.maps.export import anchor_object
    from trafficking_route_mapper.maps.gpkg import json_text

    hubs = atlas.hubs
    shas = dict(zip(atlas.reports[C.SOURCE_ID], atlas.reports[C.REPORT_SHA256], strict=True))
    evidence = []
    for items in hubs[C.HUB_EVIDENCE]:
        out = []
        for item in items:
            entry = {k: item.get(k) for k in (C.EVIDENCE_SOURCE, C.EVIDENCE_SECTION,
                                             C.EVIDENCE_PHRASE, C.EVIDENCE_SUMMARY)}
            entry["anchor"] = anchor_object(item, shas.get(item.get(C.EVIDENCE_SOURCE)))
            out.append(entry)
        evidence.append(json_text(out))
    columns = {
        C.HUB_PLACE: hubs[C.HUB_PLACE].tolist(), C.HUB_NAME: hubs[C.HUB_NAME].tolist(),
        C.HUB_KIND: hubs[C.HUB_KIND].tolist(),
        C.HUB_COMMODITIES: [json_text(list(c)) for c in hubs[C.HUB_COMMODITIES]],
        C.HUB_SUMMARY: hubs[C.HUB_SUMMARY].tolist(), C.HUB_EVIDENCE: evidence,
        C.HUB_SOURCE_TITLE: hubs[C.HUB_SOURCE_TITLE].tolist(),
    }
    # text columns as object columns, so that an atlas without hubs still writes them as text
    # (an empty column would be written as a number column)
    frame = {k: pd.Series(v, dtype=object) for k, v in columns.items()}
    return gpd.GeoDataFrame(frame, columns=list(columns),
                            geometry=gpd.GeoSeries(list(hubs.geometry), crs="EPSG:4326"),
                            crs="EPSG:4326")
