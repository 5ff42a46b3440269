"""The areas of a map page: region outlines (tinted where routes name them), the areas flows
stay inside, and the base map of country outlines; coarse, for context (see
:mod:`maps.page_keys`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas

#: Region and base-map polygons are context, drawn thin: coarser than the lines.
AREA_SIMPLIFY_DEGREES = 0.08
AREA_PRECISION = 2
#: Decimals of the point an area's name is written at (as the page's lines).
POINT_PRECISION = 4


def area_feature(name: str, geom: Any, at: Sequence[float] | None = None) -> dict[str, Any]:
    """A coarse outline for context: simplified, rounded, without topology repair (cheap);
    ``at``, where given, is the point its name is written at."""
    import shapely

    simple = shapely.simplify(geom, AREA_SIMPLIFY_DEGREES, preserve_topology=False)
    simple = shapely.transform(simple, lambda xy: np.round(xy, AREA_PRECISION))
    properties: dict[str, Any] = {"name": name}
    if at is not None:
        properties["at"] = [round(float(v), POINT_PRECISION) for v in at]
    return {"type": "Feature", "properties": properties,
            "geometry": json.loads(shapely.to_geojson(simple))}


def region_features(places: Any, within: set[str] | None = None) -> dict[str, dict[str, Any]]:
    """Outline of every region place, and of the countries in ``within`` (the areas flows stay
    inside), with the point its name is written at, computed once per build and shared by all
    pages."""
    return {row.place: area_feature(row.name, row.geometry, (row.lon, row.lat))
            for row in places.itertuples(index=False)
            if row.kind == "region" or row.place in (within or ())}


def within_areas(atlas: Atlas) -> set[str]:
    """Place keys of the areas that ``within`` routes stay inside."""
    stages = atlas.stages
    return set(stages[C.STAGE_PLACE][stages[C.STAGE_ROLE] == "within"].dropna())


def base_map(atlas: Atlas) -> dict[str, Any]:
    """Every country's outline but Antarctica's (a white band at the bottom of every Mercator
    map): the base map of offline pages, and beneath the tiles of online ones.

    The same countries give the same map: kept for the next build of a process (--watch),
    by the countries' codes, names and outlines."""
    key = hashlib.sha256(b"\0".join(
        f"{code}\0{name}".encode() + b"\0" + atlas.country_geojson[code]
        for code, name in zip(atlas.countries[C.COUNTRY_CODE], atlas.countries[C.COUNTRY_NAME],
                              strict=True))).digest()
    if key not in _BASE_MAPS:
        shapes = atlas.country_shapes
        features = [area_feature(name, geom) for code, name, geom in zip(
            shapes[C.COUNTRY_CODE], shapes[C.COUNTRY_NAME], shapes.geometry, strict=True)
            if code != "ATA"]
        _BASE_MAPS.clear()
        _BASE_MAPS[key] = {"type": "FeatureCollection", "features": features}
    return _BASE_MAPS[key]


#: The last base map made (:func:`base_map`), by its countries' digest. Never written to.
_BASE_MAPS: dict[bytes, dict[str, Any]] = {}


