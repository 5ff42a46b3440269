"""``routes.geojson`` and ``geojson/<commodity>.geojson``: RFC 7946 FeatureCollections.

A FeatureCollection with a foreign member ``schema_version`` and no ``crs`` member (RFC 7946
removed it: the CRS is always WGS 84). Each Feature has ``id`` = route id, ``geometry`` a
MultiLineString, or ``null`` for a route none of whose legs can be drawn (an end is "not stated"
and only one place is known; RFC 7946 section 3.2 allows a null geometry, and dropping the route
would hide a stated flow from GIS users), and ``properties`` in the order of
:data:`~maps.export.GEOJSON_PROPERTIES`. JSON is compact, UTF-8 without escaping non-ASCII text,
with one Feature per line (so that diffs and validators' line numbers point at a route) and a
trailing newline; missing values are ``null``, never ``NaN``. Same Atlas, same bytes.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas
from trafficking_route_mapper.maps.export import (
    COMMODITY_FOLDER,
    EXPORT_LINES,
    GEOJSON_PROPERTIES,
    ROUTES_GEOJSON,
    SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
    route_records,
)

_SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


def write_geojsons(atlas: Atlas, folder: Path) -> list[Path]:
    """``routes.geojson`` and one file per commodity, written as the features are made.

    Each feature is serialised once (coordinates from numpy to text without Python lists) and
    written to both files at once: no file, nor the list of its features, is ever held whole
    (55 MB at 10,000 routes).
    """
    with contextlib.ExitStack() as files:
        everything = files.enter_context(FeatureCollectionFile(folder / ROUTES_GEOJSON))
        by_commodity: dict[str, FeatureCollectionFile] = {}
        colours = atlas.commodity_colours
        for record in route_records(atlas):
            feature = orjson.dumps(feature_of(record, colours),
                                   option=orjson.OPT_SERIALIZE_NUMPY)
            everything.add(feature)
            commodity = record[C.COMMODITY]
            if commodity not in by_commodity:
                if not _SAFE_NAME.fullmatch(commodity):
                    raise ValueError(
                        f"commodity id {commodity!r} cannot name a file; expected lower-case "
                        "letters, digits and hyphens (the ids of routes.commodities)")
                by_commodity[commodity] = files.enter_context(
                    FeatureCollectionFile(folder / COMMODITY_FOLDER / f"{commodity}.geojson"))
            by_commodity[commodity].add(feature)
    return [everything.path, *(by_commodity[c].path for c in sorted(by_commodity))]


#: simplestyle-spec 1.1.0 (https://github.com/mapbox/simplestyle-spec): the HTML map's look,
#: which geojson.io, GitHub and many viewers draw without further styling. Routes: the
#: commodity's colour at 2 px; legs (maps.leg_export): wider the more reports state them
#: (+1 px a report, up to 5 px), inferred legs at 60% opacity (simplestyle has no dashes).
STROKE, STROKE_WIDTH, STROKE_OPACITY = "stroke", "stroke-width", "stroke-opacity"
ROUTE_STROKE_WIDTH = 2


def simplestyle(colour: str, width: float, stated: bool = True) -> dict[str, Any]:
    return {STROKE: colour, STROKE_WIDTH: width, STROKE_OPACITY: 1.0 if stated else 0.6}


def feature_of(record: Mapping[str, Any],
               colours: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The GeoJSON Feature of an exported route record (:func:`maps.export.route_records`),
    with simplestyle properties after the route's own where ``colours`` (by commodity) are
    given."""
    lines = record[EXPORT_LINES]
    geometry = None if lines is None else {"type": "MultiLineString", "coordinates": lines}
    properties = {k: record[k] for k in GEOJSON_PROPERTIES}
    if colours is not None:
        properties.update(simplestyle(colours[record[C.COMMODITY]], ROUTE_STROKE_WIDTH))
    return {
        "type": "Feature",
        "id": record[C.ROUTE_ID],
        "geometry": geometry,
        "properties": properties,
    }


class FeatureCollectionFile:
    """A FeatureCollection file written feature by feature: compact, one feature per line,
    a trailing newline."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._count = 0

    def __enter__(self) -> FeatureCollectionFile:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._out = self.path.open("wb")
        head = orjson.dumps({"type": "FeatureCollection", SCHEMA_VERSION_KEY: SCHEMA_VERSION})
        self._out.write(head[:-1] + b',"features":[\n')
        return self

    def add(self, feature: bytes) -> None:
        if self._count:
            self._out.write(b",\n")
        self._out.write(feature)
        self._count += 1

    def __exit__(self, *exc: object) -> None:
        self._out.write(b"\n]}\n" if self._count else b"]}\n")
        self._out.close()
