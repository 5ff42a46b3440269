"""``routes.gpkg``: a GeoPackage for QGIS and GDAL.

Layers: ``legs`` and ``hubs`` (:mod:`maps.leg_export`), ``agreement`` (a row per link,
:mod:`maps.agreement`), and ``routes`` (MultiLineString, written :data:`BATCH_ROUTES` routes at a time): the
GeoJSON properties as columns, the nested ones
(stages, modes, legs, evidence, actors) as JSON text in the same key order as the GeoJSON,
because a GeoPackage column cannot hold a list (QGIS shows the text and its expression engine
can parse it with ``from_json``). Places are split by geometry type into three layers, since
one GeoPackage layer has one geometry type and QGIS lists each as its own layer: ``places``
(countries and regions, MultiPolygon), ``place_points`` (cities and ports, Point) and
``corridors`` (named trafficking corridors through their waypoints, MultiLineString split at
the antimeridian). The three share the columns of :data:`PLACE_COLUMNS` (lists as JSON
text). Every layer is written even when empty, so the layout does not depend on the catalogue.

Byte stability: GDAL writes the time of writing into ``gpkg_contents.last_change``, so two
builds differ by a few bytes per layer. GDAL's configuration option ``OGR_CURRENT_DATE``
overrides that timestamp; with it set (to ``SOURCE_DATE_EPOCH`` when the environment defines
it, the reproducible-builds convention, else to :data:`_FIXED_GPKG_DATE`) two builds were
measured byte-identical with GDAL 3.12 / pyogrio 0.13, also across processes. This holds only
for one GDAL/SQLite version: the SQLite header records the library version that wrote the
file, and other GDAL versions lay out pages differently. The option is set for the duration
of the write and restored afterwards.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas
from trafficking_route_mapper.maps.antimeridian import export_parts
from trafficking_route_mapper.maps.export import (
    EXPORT_LINES,
    GEOJSON_PROPERTIES,
    NESTED_PROPERTIES,
    ROUTES_LAYER,
    num,
    route_records,
)

PLACE_COLUMNS = C.PLACE_COLUMNS
_PLACE_LIST_COLUMNS = frozenset({C.PLACE_ISO3, C.PLACE_MEMBERS})
#: GPKG layer -> (place kinds, geometry type).
PLACE_LAYERS: dict[str, tuple[tuple[str, ...], str]] = {
    "places": (("country", "region"), "MultiPolygon"),
    "place_points": (("city", "port"), "Point"),
    "corridors": (("corridor",), "MultiLineString"),
}
#: ``gpkg_contents.last_change`` of every layer when ``SOURCE_DATE_EPOCH`` is not set.
_FIXED_GPKG_DATE = "2000-01-01T00:00:00.000Z"


#: Routes written per batch: the routes layer is appended to in batches of this many, so the
#: rows being written are never all in memory (10,000 routes: ~100 MB at once).
BATCH_ROUTES = 2000


def write_gpkg(atlas: Atlas, path: Path) -> Path:
    import pyogrio

    from trafficking_route_mapper.maps.leg_export import (
        HUBS_LAYER,
        LEGS_LAYER,
        hubs_layer,
        legs_layer,
    )

    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    records = route_records(atlas)
    with _gpkg_settings():
        append = False  # the first batch creates the layer, even when it is empty
        while True:
            batch = list(itertools.islice(records, BATCH_ROUTES))
            if batch or not append:
                pyogrio.write_dataframe(_routes_layer(batch), path, layer=ROUTES_LAYER,
                                        driver="GPKG", append=append,
                                        geometry_type="MultiLineString",
                                        layer_options=_described(ROUTES_LAYER))
            append = True
            if len(batch) < BATCH_ROUTES:
                break
        for layer, (kinds, geometry_type) in PLACE_LAYERS.items():
            pyogrio.write_dataframe(_place_layer(atlas.places, kinds, geometry_type), path,
                                    layer=layer, driver="GPKG", append=True,
                                    geometry_type=geometry_type,
                                    layer_options=_described(layer))
        pyogrio.write_dataframe(legs_layer(atlas), path, layer=LEGS_LAYER, driver="GPKG",
                                append=True, geometry_type="MultiLineString",
                                layer_options=_described(LEGS_LAYER))
        pyogrio.write_dataframe(hubs_layer(atlas), path, layer=HUBS_LAYER, driver="GPKG",
                                append=True, geometry_type="Point",
                                layer_options=_described(HUBS_LAYER))
        pyogrio.write_dataframe(_agreement_layer(atlas), path, layer=AGREEMENT_LAYER,
                                driver="GPKG", append=True, geometry_type="MultiLineString",
                                layer_options=_described(AGREEMENT_LAYER))
    declare_json(path, json_columns())
    from trafficking_route_mapper.maps.qgis_style import write_styles

    present = set(atlas.route_table[C.COMMODITY])
    table = atlas.commodities
    write_styles(path, [(c, label, colour) for c, label, colour in zip(
        table[C.COMMODITY], table[C.COMMODITY_LABEL], table[C.COMMODITY_COLOUR], strict=True)
        if c in present], _stamp())
    return path


#: Each layer's description, written to ``gpkg_contents.description`` (QGIS shows it).
DESCRIPTIONS: dict[str, str] = {
    "routes": "Trafficking routes: one row per route (a statement's flow of one commodity), "
              "its drawn legs as one line; stages, legs and evidence as JSON",
    "places": "Countries and regions the routes name (regions as the union of their members)",
    "place_points": "Cities and ports the routes name",
    "corridors": "Named trafficking corridors through their waypoints (drawn as inferred)",
    "legs": "Every drawn leg of every route: modes, stated or inferred, ends, report, edition, "
            "and how many reports state it",
    "hubs": "Places a report names as centres of a market, with its evidence as JSON",
    "agreement": "Links: a leg of one commodity between two places, with the reports that "
                 "state it (corroboration) and the conflicts between reports",
}


def _described(layer: str) -> dict[str, str]:
    return {"DESCRIPTION": DESCRIPTIONS[layer]}


def json_columns() -> dict[str, tuple[str, ...]]:
    """The columns of each layer that hold JSON text."""
    from trafficking_route_mapper.maps.leg_export import LEG_LISTS

    places = tuple(sorted(_PLACE_LIST_COLUMNS))
    return {
        ROUTES_LAYER: NESTED_PROPERTIES, **{layer: places for layer in PLACE_LAYERS},
        "legs": tuple(sorted(LEG_LISTS)), "hubs": (C.HUB_COMMODITIES, C.HUB_EVIDENCE),
        AGREEMENT_LAYER: (C.LINK_FROM_ISO3, C.LINK_TO_ISO3, C.LINK_REPORTS,
                          C.LINK_INFERRED_REPORTS, C.LINK_EDITIONS, C.LINK_ROUTES,
                          C.LINK_MATCHED_ROUTES, C.LINK_DRAWN_AS, C.LINK_DIRECTION),
    }


def declare_json(path: Path, columns: dict[str, tuple[str, ...]]) -> None:
    """Declare JSON columns as the GeoPackage schema extension does (``gpkg_data_columns``
    with MIME type ``application/json``, the table registered in ``gpkg_extensions``): GDAL
    then reads them as its JSON field subtype and QGIS as JSON, not plain text. pyogrio
    cannot set a field's subtype, so this is written with sqlite3 after GDAL closes the file,
    in a fixed order (the file stays byte-stable)."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        with con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, "
                "column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT, "
                "mime_type TEXT, constraint_name TEXT, CONSTRAINT pk_gdc PRIMARY KEY "
                "(table_name, column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name))")
            con.execute(
                "INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, "
                "extension_name, definition, scope) VALUES ('gpkg_data_columns', NULL, "
                "'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', "
                "'read-write')")
            con.executemany(
                "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, "
                "mime_type) VALUES (?, ?, ?, 'application/json')",
                [(layer, column, column) for layer, names in columns.items() for column in names])
    finally:
        con.close()


#: One row per link (geodata.agreement): agreement.csv's columns, lists as JSON text, the line
#: of the leg the link is drawn with (split at the antimeridian).
AGREEMENT_LAYER = "agreement"


def _agreement_layer(atlas: Atlas) -> Any:
    """A row per link (:func:`maps.agreement.agreement_links`), its list columns as JSON text,
    the line of the leg the link is drawn with."""
    import geopandas as gpd

    from trafficking_route_mapper.maps.agreement import agreement_links
    from trafficking_route_mapper.maps.export import leg_lines

    links = agreement_links(atlas)
    for name in json_columns()[AGREEMENT_LAYER]:
        links[name] = [json_text(v) for v in links[name]]
    lines = leg_lines(atlas)
    return gpd.GeoDataFrame(
        links, geometry=gpd.GeoSeries(multilinestrings(
            [lines[k] for k in atlas.agreement.link_legs.tolist()]), crs="EPSG:4326"),
        crs="EPSG:4326")


def json_text(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


def _stamp() -> str:
    """The time every write records: ``SOURCE_DATE_EPOCH`` if set, else a fixed date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.strip().isdigit():
        return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(int(epoch)))
    return _FIXED_GPKG_DATE


@contextlib.contextmanager
def _gpkg_settings() -> Iterator[None]:
    """GDAL settings for the duration of a GeoPackage write, restored afterwards.

    ``OGR_CURRENT_DATE`` pins GDAL's notion of "now" (``gpkg_contents.last_change``), for
    byte-stable files. ``OGR_SQLITE_SYNCHRONOUS=OFF`` skips SQLite's waits for the disk: the
    file is written into a staging folder that only replaces the output once complete, so
    durability mid-write buys nothing (10,000 routes: 0.61 s instead of 0.77 s).
    """
    import pyogrio

    settings = {"OGR_CURRENT_DATE": _stamp(), "OGR_SQLITE_SYNCHRONOUS": "OFF"}
    previous = {name: pyogrio.get_gdal_config_option(name) for name in settings}
    pyogrio.set_gdal_config_options(settings)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(previous)


def _routes_layer(records: Iterable[dict[str, Any]]) -> Any:
    import geopandas as gpd

    columns: dict[str, list[Any]] = {key: [] for key in GEOJSON_PROPERTIES}
    lines: list[list[Any] | None] = []
    for record in records:
        for key in GEOJSON_PROPERTIES:
            value = record[key]
            columns[key].append(json_text(value) if key in NESTED_PROPERTIES else value)
        lines.append(record[EXPORT_LINES])
    return gpd.GeoDataFrame(columns, columns=list(GEOJSON_PROPERTIES),
                            geometry=gpd.GeoSeries(multilinestrings(lines), crs="EPSG:4326"),
                            crs="EPSG:4326")


def multilinestrings(parts: Sequence[Sequence[Any] | None]) -> Any:
    """One MultiLineString per entry of ``parts`` (None for None), in two vectorised calls."""
    import shapely

    out = np.full(len(parts), None, dtype=object)
    lines = [(i, line) for i, entry in enumerate(parts) for line in entry or ()]
    if not lines:
        return out
    owner = np.fromiter((i for i, _ in lines), dtype=np.intp, count=len(lines))
    sizes = np.fromiter((len(line) for _, line in lines), dtype=np.intp, count=len(lines))
    coords = np.concatenate([np.asarray(line, dtype=float).reshape(-1, 2) for _, line in lines])
    drawn, dense = np.unique(owner, return_inverse=True)  # shapely wants indices 0..n-1
    out[drawn] = shapely.multilinestrings(
        shapely.linestrings(coords, indices=np.repeat(np.arange(len(lines)), sizes)),
        indices=dense)
    return out


def _place_layer(places: Any, kinds: Sequence[str], geometry_type: str) -> Any:
    import geopandas as gpd

    rows = []
    geoms = []
    chosen = places[places[C.PLACE_KIND].isin(list(kinds))].sort_values(C.PLACE_KEY)
    for row in chosen.to_dict(orient="records"):
        out: dict[str, Any] = {}
        for key in PLACE_COLUMNS:
            value = row.get(key)
            if key in _PLACE_LIST_COLUMNS:
                out[key] = json_text(list(value or []))
            elif key in (C.PLACE_LON, C.PLACE_LAT):
                out[key] = None if value is None else num(float(value))
            else:
                out[key] = value
        rows.append(out)
        geoms.append(_place_geometry(row.get(C.GEOMETRY), geometry_type))
    frame = gpd.GeoDataFrame(rows, columns=list(PLACE_COLUMNS),
                             geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")
    for key in (C.PLACE_LON, C.PLACE_LAT):
        frame[key] = frame[key].astype("float64")
    return frame


def _place_geometry(geom: Any, geometry_type: str) -> Any:
    """A place's shape in its layer's type (corridors split at the antimeridian, like routes).

    Polygons are written at full precision: they come from the gazetteer's 5-decimal data, and
    a GeoPackage stores binary doubles, so rounding would save nothing and could make a
    region's union invalid.
    """
    import shapely

    if geom is None or geom.is_empty:
        return None
    if geometry_type == "MultiLineString":
        parts = export_parts(np.asarray(shapely.get_coordinates(geom), dtype=float))
        return shapely.MultiLineString(parts)
    if geometry_type == "MultiPolygon" and geom.geom_type == "Polygon":
        return shapely.MultiPolygon([geom])
    return geom
