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

import re
from collections.abc import Mapping, Sequence
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
    """``routes.geojson`` and one file per commodity, each feature serialised once.

    Coordinates go from numpy to text without Python lists; only the serialised features are
    kept until written.
    """
    features: list[bytes] = []
    by_commodity: dict[str, list[bytes]] = {}
    for record in route_records(atlas):
        feature = orjson.dumps(feature_of(record), option=orjson.OPT_SERIALIZE_NUMPY)
        features.append(feature)
        by_commodity.setdefault(record[C.COMMODITY], []).append(feature)
    written = [_write(folder / ROUTES_GEOJSON, features)]
    for commodity, subset in sorted(by_commodity.items()):
        if not _SAFE_NAME.fullmatch(commodity):
            raise ValueError(
                f"commodity id {commodity!r} cannot name a file; expected lower-case letters, "
                "digits and hyphens (the ids of routes.commodities)"
            )
        written.append(_write(folder / COMMODITY_FOLDER / f"{commodity}.geojson", subset))
    return written


def feature_of(record: Mapping[str, Any]) -> dict[str, Any]:
    """The GeoJSON Feature of an exported route record (:func:`maps.export.route_records`)."""
    lines = record[EXPORT_LINES]
    geometry = None if lines is None else {"type": "MultiLineString", "coordinates": lines}
    return {
        "type": "Feature",
        "id": record[C.ROUTE_ID],
        "geometry": geometry,
        "properties": {k: record[k] for k in GEOJSON_PROPERTIES},
    }


def _write(path: Path, features: Sequence[bytes]) -> Path:
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
