"""GIS exports of the hand-off frame: GeoJSON, GeoPackage and flow CSVs.

Files written by :func:`write_exports` (paths relative to the output folder)::

    routes.geojson            every route, one Feature each (RFC 7946)
    geojson/<commodity>.geojson   the same, one file per commodity
    routes.gpkg               layers routes, places, place_points, corridors
    flows.csv                 one row per drawn leg (kepler.gl / FlowmapBlue "arc" shape)
    flowmap/locations.csv     FlowmapBlue locations (id, name, lat, lon)
    flowmap/flows.csv         FlowmapBlue flows (origin, dest, count), legs aggregated

Coordinates
    WGS 84 longitude/latitude rounded to :data:`PRECISION` = 5 decimals. 1e-5 degree is about
    1.1 m of latitude (less of longitude away from the equator): far finer than what a route map
    states (a country's or region's representative point; a city's centre), so nothing a reader
    can see is lost, while full double precision (15-17 digits) would roughly double the file
    size and let floating-point noise from the geodesic densification show up in diffs. The
    geometry builder (:mod:`geodata.geometry`) and the sea router already round to 5 decimals,
    so rounding here changes nothing but the points this module interpolates.

Antimeridian
    The frame's lines have *unwrapped* longitudes (a trans-Pacific leg runs on past 180 so that
    it stays one continuous line). RFC 7946 (section 3.1.9) asks for lines crossing the
    antimeridian to be cut in two, and GIS tools draw an unwrapped line across the whole map or
    not at all, so every line is split where it crosses a meridian 180 + 360k: the latitude of
    the crossing is interpolated linearly in lon/lat between the two vertices either side (legs
    are densified to a point every ~100 km, so the error against the geodesic is negligible),
    one part ends at +180 (or -180) and the next starts at -180 (or +180) with the *same*
    latitude. A stretch lying wholly beyond 180 is shifted by 360. Consequently in the exports a
    MultiLineString part is no longer "the i-th drawn leg" as in the frame: one leg may become
    several parts. Consumers that need per-leg styling use ``flows.csv`` or the ``legs``
    property.

GeoJSON layout
    A FeatureCollection with a foreign member ``schema_version`` (:data:`SCHEMA_VERSION`) and no
    ``crs`` member (RFC 7946 removed it: the CRS is always WGS 84). Each Feature has ``id`` =
    route id, ``geometry`` a MultiLineString, or ``null`` for a route none of whose legs can be
    drawn (an end is "not stated" and only one place is known; RFC 7946 section 3.2 allows a
    null geometry, and dropping the route would hide a stated flow from GIS users), and
    ``properties`` in the order of :data:`GEOJSON_PROPERTIES` (stage, leg and evidence objects
    in the orders of :data:`STAGE_KEYS`, :data:`LEG_KEYS` and :data:`EVIDENCE_KEYS`): the
    frame's columns (``catalogue``, the file a route came from, last) after ``schema_version``.
    JSON is compact, UTF-8 without escaping non-ASCII text, with one Feature per line (so that
    diffs and validators' line numbers point at a route) and a trailing newline; missing values
    are ``null``, never ``NaN``. Same frame, same bytes.

GeoPackage layout
    ``routes`` (MultiLineString): the GeoJSON properties as columns; the nested ones (stages,
    modes, legs, evidence, actors) as JSON text in the same key order as the GeoJSON, because
    a GeoPackage column cannot hold a list (QGIS shows the text and its expression engine can
    parse it with ``from_json``). Places are split by geometry type into three layers, since
    one GeoPackage layer has one geometry type and QGIS lists each as its own layer:
    ``places`` (countries and regions, MultiPolygon), ``place_points`` (cities and ports,
    Point) and ``corridors`` (named trafficking corridors through their waypoints,
    MultiLineString split at the antimeridian). The three share the columns of
    :data:`PLACE_COLUMNS` (lists as JSON text). Every layer is written even when empty, so the
    layout does not depend on the catalogue.

    Byte stability: GDAL writes the time of writing into ``gpkg_contents.last_change``, so two
    builds differ by a few bytes per layer. GDAL's configuration option ``OGR_CURRENT_DATE``
    overrides that timestamp; with it set (to ``SOURCE_DATE_EPOCH`` when the environment
    defines it, the reproducible-builds convention, else to :data:`_FIXED_GPKG_DATE`) two
    builds were measured byte-identical with GDAL 3.12 / pyogrio 0.13, also across processes.
    This holds only for one GDAL/SQLite version: the SQLite header records the library version
    that wrote the file, and other GDAL versions lay out pages differently. The option is set
    for the duration of the write and restored afterwards.

Flow CSVs
    ``flows.csv`` has the columns of :data:`FLOW_COLUMNS`: ``leg`` is the 0-based index into the
    route's ``legs`` list (undrawn legs keep their index but have no row), coordinates are the
    drawn leg's first and last points with longitudes wrapped into [-180, 180], ``stated`` is
    ``true``/``false`` and ``count`` is always 1, the weight FlowmapBlue and kepler.gl arc layers
    expect. kepler.gl pairs ``from_lat``/``from_lon`` and ``to_lat``/``to_lon`` by itself.

    Text cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return: a place named ``=HYPERLINK(...)``) are written with a
    leading apostrophe (:func:`text_cell`, OWASP's advice against CSV injection); numeric
    columns are never changed.

    FlowmapBlue's two files use the gazetteer's place keys as location ids (``country:BEL``,
    ``region:balkans``, ``port:BEANR``): they are unique and stable across builds, unlike names.
    A leg end is matched to its place by name and point among the places frame (corridor
    waypoints are places too); should a caller's places frame lack it, the id falls back to
    ``name:<slug of the name>``. Flows are aggregated by (origin, dest): ``count`` is the number
    of drawn legs between the two places over all routes. Rows are sorted; line ends are ``\\n``.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import itertools
import logging
import math
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.gazetteer import slug

log = logging.getLogger(__name__)

#: Version of the exported schema (properties, CSV columns, GPKG layers). Bump the minor
#: number when adding a property, the major one when renaming or removing one.
SCHEMA_VERSION = "1.0"
SCHEMA_VERSION_KEY = "schema_version"

#: Decimal places of every exported coordinate (see the module docstring).
PRECISION = 5

#: Route properties, in the order they are written (GeoJSON properties, GPKG columns).
GEOJSON_PROPERTIES: tuple[str, ...] = (
    SCHEMA_VERSION_KEY, C.ROUTE_ID, C.FLOW_ID, C.COMMODITY, C.COMMODITY_LABEL, C.MARKET,
    C.MARKET_LABEL, C.CATEGORY, C.LABEL, C.PATH, C.STAGES, C.MODES, C.LEGS,
    C.REPORTING_COUNTRY, C.REPORTING_ROLE, C.EVIDENCE, C.ACTORS, C.NOTE, C.SOURCE_ID,
    C.SOURCE_TITLE, C.SOURCE_URL, C.CATALOGUE,
)
#: Properties that hold lists or objects: JSON text columns in the GeoPackage.
NESTED_PROPERTIES: tuple[str, ...] = (C.STAGES, C.MODES, C.LEGS, C.EVIDENCE, C.ACTORS)

STAGE_KEYS: tuple[str, ...] = (
    C.STAGE_NAME, C.STAGE_KIND, C.STAGE_ISO3, C.STAGE_ROLE, C.STAGE_STATED, C.STAGE_PLACE,
    C.STAGE_POINT, C.STAGE_SOURCE, C.STAGE_NOTE,
)
LEG_KEYS: tuple[str, ...] = (
    C.LEG_FROM, C.LEG_TO, C.LEG_MODE, C.LEG_STATED, C.LEG_DRAWN, C.LEG_ROUTING, C.LEG_NOTE,
)
EVIDENCE_SOURCE, EVIDENCE_SECTION, EVIDENCE_PHRASE, EVIDENCE_SUMMARY = (
    "source", "section", "phrase", "summary",
)
EVIDENCE_KEYS: tuple[str, ...] = (
    EVIDENCE_SOURCE, EVIDENCE_SECTION, EVIDENCE_PHRASE, EVIDENCE_SUMMARY,
)

# flows.csv
LEG_INDEX = "leg"
FROM_LON, FROM_LAT, TO_LON, TO_LAT = "from_lon", "from_lat", "to_lon", "to_lat"
COUNT = "count"
FLOW_COLUMNS: tuple[str, ...] = (
    C.ROUTE_ID, C.FLOW_ID, C.COMMODITY, LEG_INDEX, C.LEG_FROM, C.LEG_TO, FROM_LON, FROM_LAT,
    TO_LON, TO_LAT, C.LEG_MODE, C.LEG_STATED, C.LEG_ROUTING, COUNT,
)
# flowmap/locations.csv and flowmap/flows.csv (FlowmapBlue's own column names)
LOCATION_COLUMNS: tuple[str, ...] = ("id", "name", "lat", "lon")
FLOWMAP_COLUMNS: tuple[str, ...] = ("origin", "dest", COUNT)

# the places frame (see geodata.frame.places_frame)
PLACE_KEY, PLACE_NAME, PLACE_KIND, PLACE_LON, PLACE_LAT = "place", "name", "kind", "lon", "lat"
PLACE_COLUMNS: tuple[str, ...] = (
    PLACE_KEY, PLACE_NAME, PLACE_KIND, "iso3", "members", "source", "locode", PLACE_LON,
    PLACE_LAT,
)
_PLACE_LIST_COLUMNS = frozenset({"iso3", "members"})

# file and layer names
ROUTES_GEOJSON = "routes.geojson"
COMMODITY_FOLDER = "geojson"
ROUTES_GPKG = "routes.gpkg"
FLOWS_CSV = "flows.csv"
FLOWMAP_FOLDER = "flowmap"
ROUTES_LAYER = "routes"
#: GPKG layer -> (place kinds, geometry type).
PLACE_LAYERS: dict[str, tuple[tuple[str, ...], str]] = {
    "places": (("country", "region"), "MultiPolygon"),
    "place_points": (("city", "port"), "Point"),
    "corridors": (("corridor",), "MultiLineString"),
}

#: ``gpkg_contents.last_change`` of every layer when ``SOURCE_DATE_EPOCH`` is not set.
_FIXED_GPKG_DATE = "2000-01-01T00:00:00.000Z"
_SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
#: How far (degrees) a leg end may lie from its place's point and still match it.
_POINT_TOLERANCE = 1e-4

Point = tuple[float, float]


# --- entry point ---------------------------------------------------------------------------------


def write_exports(frame: Any, places: Any, folder: Path) -> list[Path]:
    """Write the GeoJSON, GeoPackage and CSV exports of ``frame`` into ``folder``.

    ``frame`` is the hand-off GeoDataFrame (:func:`geodata.frame.routes_frame`), ``places`` the
    places frame beside it. Returns the written paths, sorted.
    """
    (step,) = export_steps(frame, places, folder)
    return step()


def export_steps(frame: Any, places: Any, folder: Path,
                 parts: int = 1) -> list[Callable[[], list[Path]]]:
    """:func:`write_exports` as independent steps (:mod:`maps.workers`): one, which prepares
    the route records itself, or with ``parts`` >= 2 two of about equal cost (the GeoPackage;
    the GeoJSON and CSV files) sharing records prepared here. Same bytes either way."""
    folder.mkdir(parents=True, exist_ok=True)

    @functools.cache
    def records() -> list[dict[str, Any]]:
        return _route_records(frame)

    def done(written: list[Path], what: str) -> list[Path]:
        log.info("wrote %s (%d file%s) for %d routes (%d drawn) in %d commodities", what,
                 len(written), "" if len(written) == 1 else "s", len(records()),
                 sum(r[C.GEOMETRY] is not None for r in records()),
                 len({r[C.COMMODITY] for r in records()}))
        return sorted(written)

    def text_files() -> list[Path]:
        return _write_geojsons(folder, records()) + _write_flows(folder, records(), places)

    def geopackage() -> list[Path]:
        return [_write_gpkg(folder / ROUTES_GPKG, records(), places)]

    if parts <= 1:
        return [lambda: done(text_files() + geopackage(), "the exports")]
    records()  # before the steps are handed to workers, so they share one copy
    return [lambda: done(text_files(), "the GeoJSON and CSV exports"),
            lambda: done(geopackage(), "the GeoPackage")]


def _write_geojsons(folder: Path, records: Sequence[Mapping[str, Any]]) -> list[Path]:
    """``routes.geojson`` and one file per commodity, from features serialised once each.

    Coordinates go from numpy to text without Python lists; the serialised features are
    dropped on return, before the GeoPackage is built.
    """
    features = [orjson.dumps(_feature(r), option=orjson.OPT_SERIALIZE_NUMPY) for r in records]
    written = [_write_geojson(folder / ROUTES_GEOJSON, features)]
    by_commodity: dict[str, list[bytes]] = {}
    for record, feature in zip(records, features, strict=True):
        by_commodity.setdefault(record[C.COMMODITY], []).append(feature)
    for commodity, subset in sorted(by_commodity.items()):
        if not _SAFE_NAME.fullmatch(commodity):
            raise ValueError(
                f"commodity id {commodity!r} cannot name a file; expected lower-case letters, "
                "digits and hyphens (the ids of routes.commodities)"
            )
        written.append(_write_geojson(folder / COMMODITY_FOLDER / f"{commodity}.geojson", subset))
    return written


# --- values --------------------------------------------------------------------------------------


def _num(x: float) -> float:
    """Round to :data:`PRECISION` and turn -0.0 into 0.0 (so equal places print equally)."""
    return round(float(x), PRECISION) + 0.0


#: Record key of a route's exported coordinates: split at ±180 and rounded, computed once.
_EXPORT_COORDS = "_export_coordinates"


def _route_records(frame: Any) -> list[dict[str, Any]]:
    """One dict per route: properties in export order, nested objects ordered, plus geometry.

    Values are made plain JSON in one orjson round trip per route (:func:`_plain`) rather than
    by walking them in Python; the frame's own objects are never modified.
    """
    names = [k for k in GEOJSON_PROPERTIES if k != SCHEMA_VERSION_KEY]
    missing = [None] * len(frame)
    columns = [frame[k].tolist() if k in frame.columns else missing for k in names]
    geometry = frame[C.GEOMETRY] if C.GEOMETRY in frame.columns else None
    parts, exported = _route_parts(geometry, len(frame))
    records = []
    for values, unwrapped, coords in zip(zip(*columns, strict=True), parts, exported, strict=True):
        props = _plain(dict(zip(names, values, strict=True)))
        stages = []
        for stage in props[C.STAGES] or []:
            stage = _ordered(stage, STAGE_KEYS)
            point = stage[C.STAGE_POINT]
            if point is not None:
                stage[C.STAGE_POINT] = [_num(_wrap_lon(point[0])), _num(point[1])]
            stages.append(stage)
        props[C.STAGES] = stages
        props[C.LEGS] = [_ordered(leg, LEG_KEYS) for leg in props[C.LEGS] or []]
        props[C.EVIDENCE] = [_ordered(ev, EVIDENCE_KEYS) for ev in props[C.EVIDENCE] or []]
        props[C.MODES] = list(props[C.MODES] or [])
        props[C.ACTORS] = list(props[C.ACTORS] or [])
        record = {SCHEMA_VERSION_KEY: SCHEMA_VERSION, **props}
        record[C.GEOMETRY] = unwrapped
        record[_EXPORT_COORDS] = coords  # for GeoJSON and GPKG both
        records.append(record)
    records.sort(key=lambda r: r[C.ROUTE_ID])
    return records


def _plain_default(value: Any) -> Any:
    """What orjson cannot write by itself: other mappings, pandas' missing values, arrays."""
    if isinstance(value, Mapping):
        return dict(value)
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cannot export a value of type {type(value).__name__}")


_PLAIN_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def _plain(value: Any) -> Any:
    """A deep copy of ``value`` as plain JSON values: NaN and NA to None, numpy scalars and
    arrays to numbers and lists, tuples to lists, keys to strings (one orjson round trip)."""
    return orjson.loads(orjson.dumps(value, default=_plain_default, option=_PLAIN_OPTIONS))


def _ordered(obj: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    """``obj`` with ``keys`` first, in that order (missing ones as null), then any others sorted.

    ``obj`` itself when it already is in that order (the frame writes them so).
    """
    if tuple(obj) == keys:
        return obj
    out = {k: obj.get(k) for k in keys}
    for k in sorted(set(obj) - set(keys)):
        out[k] = obj[k]
    return out


def _route_parts(geometry: Any, count: int) -> tuple[list[list[Any] | None], list[list[Any] | None]]:
    """Per route: its lines' coordinates as drawn (unwrapped) and as exported (split, rounded).

    Vectorised over the whole column: one array of every coordinate, rounded once, sliced per
    line; only lines that leave [-180, 180] go through :func:`_split_antimeridian`.
    """
    unwrapped: list[list[Any] | None] = [None] * count
    exported: list[list[Any] | None] = [None] * count
    if geometry is None or not count:
        return unwrapped, exported
    import shapely

    geoms = np.asarray(geometry.array if hasattr(geometry, "array") else geometry, dtype=object)
    present = np.flatnonzero(~shapely.is_missing(geoms) & ~shapely.is_empty(geoms))
    lines, owner = shapely.get_parts(geoms[present], return_index=True)
    coords, line_of = shapely.get_coordinates(lines, return_index=True)
    if not len(lines):
        return unwrapped, exported
    counts = np.bincount(line_of, minlength=len(lines))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    outside = np.zeros(len(lines), dtype=bool)
    np.logical_or.at(outside, line_of, np.abs(coords[:, 0]) > 180.0)
    rounded = np.round(coords, PRECISION) + 0.0
    for line, (route, start, n) in enumerate(zip(present[owner].tolist(), starts.tolist(),
                                                 counts.tolist(), strict=True)):
        if not n:
            continue
        drawn = coords[start:start + n]
        if unwrapped[route] is None:
            unwrapped[route], exported[route] = [], []
        unwrapped[route].append(drawn)
        if outside[line]:
            for piece in _split_antimeridian(drawn.tolist()):
                exported[route].append(
                    np.round(np.array(piece, dtype=float), PRECISION) + 0.0)
        else:
            exported[route].append(rounded[start:start + n])
    return unwrapped, exported


# --- the antimeridian ----------------------------------------------------------------------------


def _wrap_lon(lon: float) -> float:
    """A longitude in [-180, 180] (values already inside, 180 included, are kept as they are)."""
    if -180.0 <= lon <= 180.0:
        return lon
    return (lon + 180.0) % 360.0 - 180.0


def _sheet_for(a: float, b: float, current: int | None) -> int:
    """The k such that [a, b] - 360k lies in [-180, 180]; the current one when it fits."""
    if current is not None and all(-180.0 <= x - 360.0 * current <= 180.0 for x in (a, b)):
        return current
    return math.floor(((a + b) / 2.0 + 180.0) / 360.0)


def _split_antimeridian(coords: Sequence[Point]) -> list[list[Point]]:
    """Split one line with unwrapped longitudes into parts with longitudes in [-180, 180].

    The line is cut wherever a segment crosses a meridian 180 + 360k (the latitude there is
    interpolated linearly between the segment's ends, once, and used by both parts); each part
    is then shifted by the multiple of 360 that brings it into range. A line that only touches
    a meridian (ends on it, or runs along it) is not cut. Coordinates are not rounded here.
    """
    pts = [(float(x), float(y)) for x, y in coords]
    if len(pts) < 2:
        return [[(_wrap_lon(x), y) for x, y in pts]] if pts else []
    parts: list[list[Point]] = []
    current: list[Point] = []
    sheet: int | None = None
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        if current:  # fast path: both ends on the current sheet, so no meridian in between
            offset = 360.0 * sheet  # type: ignore[operator]
            if -180.0 <= x0 - offset <= 180.0 and -180.0 <= x1 - offset <= 180.0:
                current.append((x1 - offset, y1))
                continue
        lo, hi = min(x0, x1), max(x0, x1)
        cuts: list[Point] = []
        m = math.floor((lo - 180.0) / 360.0) + 1  # the first meridian 180 + 360m above lo
        while 180.0 + 360.0 * m < hi:
            meridian = 180.0 + 360.0 * m
            t = (meridian - x0) / (x1 - x0)
            cuts.append((meridian, y0 + t * (y1 - y0)))
            m += 1
        if x1 < x0:
            cuts.reverse()
        stops = [(x0, y0), *cuts, (x1, y1)]
        for (ax, ay), (bx, by) in itertools.pairwise(stops):
            k = _sheet_for(ax, bx, sheet)
            if k != sheet or not current:
                if current:
                    parts.append(current)
                current = [(ax - 360.0 * k, ay)]
                sheet = k
            current.append((bx - 360.0 * k, by))
    parts.append(current)
    return parts


# --- GeoJSON -------------------------------------------------------------------------------------


def _feature(record: Mapping[str, Any]) -> dict[str, Any]:
    coords = record[_EXPORT_COORDS]
    geometry = None if coords is None else {"type": "MultiLineString", "coordinates": coords}
    return {
        "type": "Feature",
        "id": record[C.ROUTE_ID],
        "geometry": geometry,
        "properties": {k: record[k] for k in GEOJSON_PROPERTIES},
    }


def _write_geojson(path: Path, features: Sequence[bytes]) -> Path:
    """A FeatureCollection of serialised features, compact, one per line, trailing newline.

    Written piece by piece: the whole file (55 MB at 10,000 routes) is never one bytes object.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    head = orjson.dumps({"type": "FeatureCollection", SCHEMA_VERSION_KEY: SCHEMA_VERSION})
    with path.open("wb") as out:
        out.write(head[:-1] + b',"features":[\n')
        for i, feature in enumerate(features):
            if i:
                out.write(b",\n")
            out.write(feature)
        out.write(b"\n]}\n" if features else b"]}\n")
    return path


# --- GeoPackage ----------------------------------------------------------------------------------


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


@contextlib.contextmanager
def _gpkg_settings() -> Iterator[None]:
    """GDAL settings for the duration of a GeoPackage write, restored afterwards.

    ``OGR_CURRENT_DATE`` pins GDAL's notion of "now" (``gpkg_contents.last_change``), for
    byte-stable files. ``OGR_SQLITE_SYNCHRONOUS=OFF`` skips SQLite's waits for the disk: the
    file is written into a staging folder that only replaces the output once complete, so
    durability mid-write buys nothing (10,000 routes: 0.61 s instead of 0.77 s).
    """
    import pyogrio

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    stamp = _FIXED_GPKG_DATE
    if epoch is not None and epoch.strip().isdigit():
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(int(epoch)))
    settings = {"OGR_CURRENT_DATE": stamp, "OGR_SQLITE_SYNCHRONOUS": "OFF"}
    previous = {name: pyogrio.get_gdal_config_option(name) for name in settings}
    pyogrio.set_gdal_config_options(settings)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(previous)


def _routes_layer(records: Sequence[Mapping[str, Any]]) -> Any:
    import geopandas as gpd

    columns = {key: [_json_text(r[key]) for r in records] if key in NESTED_PROPERTIES
               else [r[key] for r in records] for key in GEOJSON_PROPERTIES}
    geoms = _multilinestrings([record[_EXPORT_COORDS] for record in records])
    return gpd.GeoDataFrame(columns, columns=list(GEOJSON_PROPERTIES),
                            geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")


def _multilinestrings(parts: Sequence[Sequence[Any] | None]) -> Any:
    """One MultiLineString per entry of ``parts`` (None for None), built in two vectorised calls."""
    import shapely

    out = np.full(len(parts), None, dtype=object)
    lines = [(i, line) for i, entry in enumerate(parts) for line in entry or ()]
    if not lines:
        return out
    owner = np.fromiter((i for i, _ in lines), dtype=np.intp, count=len(lines))
    sizes = np.fromiter((len(line) for _, line in lines), dtype=np.intp, count=len(lines))
    coords = np.concatenate([np.asarray(line, dtype=float).reshape(-1, 2) for _, line in lines])
    drawn, dense = np.unique(owner, return_inverse=True)  # shapely wants indices 0..n-1, none missing
    out[drawn] = shapely.multilinestrings(
        shapely.linestrings(coords, indices=np.repeat(np.arange(len(lines)), sizes)),
        indices=dense)
    return out


def _place_layer(places: Any, kinds: Sequence[str], geometry_type: str) -> Any:
    import geopandas as gpd

    rows = []
    geoms = []
    selected = []
    if len(places):
        chosen = places[places[PLACE_KIND].isin(list(kinds))].sort_values(PLACE_KEY)
        selected = chosen.to_dict(orient="records")
    for row in selected:
        out = {}
        for key in PLACE_COLUMNS:
            value = _plain(row.get(key))
            out[key] = _json_text(value or []) if key in _PLACE_LIST_COLUMNS else value
        for key in (PLACE_LON, PLACE_LAT):
            out[key] = None if out[key] is None else _num(float(out[key]))
        rows.append(out)
        geoms.append(_place_geometry(row.get(C.GEOMETRY), geometry_type))
    frame = gpd.GeoDataFrame(rows, columns=list(PLACE_COLUMNS),
                             geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")
    for key in (PLACE_LON, PLACE_LAT):
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
        _, (coords,) = _route_parts([geom], 1)
        return None if coords is None else shapely.MultiLineString(coords)
    if geometry_type == "MultiPolygon" and geom.geom_type == "Polygon":
        return shapely.MultiPolygon([geom])
    return geom


def _write_gpkg(path: Path, records: Sequence[Mapping[str, Any]], places: Any) -> Path:
    import pyogrio

    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    layers: list[tuple[str, Any, str]] = [
        (ROUTES_LAYER, _routes_layer(records), "MultiLineString")
    ]
    for layer, (kinds, geometry_type) in PLACE_LAYERS.items():
        layers.append((layer, _place_layer(places, kinds, geometry_type), geometry_type))
    with _gpkg_settings():
        for i, (layer, data, geometry_type) in enumerate(layers):
            pyogrio.write_dataframe(data, path, layer=layer, driver="GPKG", append=i > 0,
                                    geometry_type=geometry_type)
    return path


# --- CSV -----------------------------------------------------------------------------------------


def _csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """A text cell a spreadsheet shows as text: one starting like a formula gets a leading
    apostrophe (OWASP's advice), which Excel, LibreOffice and Google Sheets do not display.
    Only text columns pass through here; numbers (a longitude of -3.7) are left as they are."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _fmt(x: float) -> str:
    """``x`` with :data:`PRECISION` decimals (correctly rounded), never as ``-0.00000``."""
    text = f"{x:.{PRECISION}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def _place_index(places: Any) -> dict[str, list[tuple[str, Point]]]:
    """Name -> [(place key, point)] of every non-corridor place (leg ends are never corridors)."""
    index: dict[str, list[tuple[str, Point]]] = {}
    if not len(places):
        return index
    for row in places.sort_values(PLACE_KEY).to_dict(orient="records"):
        if row[PLACE_KIND] == "corridor":
            continue
        point = (float(row[PLACE_LON]), float(row[PLACE_LAT]))
        index.setdefault(str(row[PLACE_NAME]), []).append((str(row[PLACE_KEY]), point))
    return index


def _location_id(name: str, point: Point, index: Mapping[str, list[tuple[str, Point]]]) -> str:
    """The place key of a leg end (matched by name and point), else ``name:<slug>``."""
    for key, (lon, lat) in index.get(name, []):
        if abs(lon - point[0]) <= _POINT_TOLERANCE and abs(lat - point[1]) <= _POINT_TOLERANCE:
            return key
    log.warning("leg end %r at %s is not in the places frame; FlowmapBlue id falls back to "
                "its name", name, point)
    return f"name:{slug(name)}"


def _write_flows(folder: Path, records: Sequence[Mapping[str, Any]], places: Any) -> list[Path]:
    index = _place_index(places)
    rows: list[list[Any]] = []
    pairs: Counter[tuple[str, str]] = Counter()
    locations: dict[str, tuple[str, Point]] = {}
    for record in records:
        parts = record[C.GEOMETRY] or []
        drawn = [(i, leg) for i, leg in enumerate(record[C.LEGS]) if leg[C.LEG_DRAWN]]
        if len(drawn) != len(parts):
            raise ValueError(
                f"route {record[C.ROUTE_ID]!r}: {len(drawn)} legs are marked drawn but the "
                f"geometry has {len(parts)} parts; the frame must have one part per drawn leg"
            )
        for (i, leg), part in zip(drawn, parts, strict=True):
            start = (_wrap_lon(part[0][0]), part[0][1])
            end = (_wrap_lon(part[-1][0]), part[-1][1])
            rows.append([
                record[C.ROUTE_ID], record[C.FLOW_ID], record[C.COMMODITY], i,
                text_cell(leg[C.LEG_FROM]), text_cell(leg[C.LEG_TO]), _fmt(start[0]), _fmt(start[1]), _fmt(end[0]), _fmt(end[1]),
                leg[C.LEG_MODE], "true" if leg[C.LEG_STATED] else "false", leg[C.LEG_ROUTING], 1,
            ])
            origin = _location_id(leg[C.LEG_FROM], start, index)
            dest = _location_id(leg[C.LEG_TO], end, index)
            locations.setdefault(origin, (leg[C.LEG_FROM], start))
            locations.setdefault(dest, (leg[C.LEG_TO], end))
            pairs[(origin, dest)] += 1
    points = {key: point for entries in index.values() for key, point in entries}
    location_rows = []
    for key, (name, point) in sorted(locations.items()):
        lon, lat = points.get(key, point)
        location_rows.append([key, text_cell(name), _fmt(lat), _fmt(_wrap_lon(lon))])
    flow_rows = [[o, d, n] for (o, d), n in sorted(pairs.items())]
    outputs = {
        folder / FLOWS_CSV: _csv_bytes(FLOW_COLUMNS, rows),
        folder / FLOWMAP_FOLDER / "locations.csv": _csv_bytes(LOCATION_COLUMNS, location_rows),
        folder / FLOWMAP_FOLDER / "flows.csv": _csv_bytes(FLOWMAP_COLUMNS, flow_rows),
    }
    for path, data in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return list(outputs)
