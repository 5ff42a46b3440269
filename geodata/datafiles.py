"""The gazetteer's shipped data files (``geodata/data``), read once per process.

``countries.geojson`` (derived from Natural Earth by :mod:`geodata.build_countries`) and
``regions.geojson`` (the built-in regions' points and unions, :mod:`geodata.build_regions`) hold
one feature per line, parsed a line at a time; the YAML files (regions, places, corridors,
aliases) are read as YAML 1.2, like catalogues.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import orjson
import yaml_rs

from trafficking_route_mapper.geodata.atlas import Point


@dataclass(frozen=True)
class Country:
    adm0_a3: str
    iso3: str | None
    name: str
    properties: Mapping[str, Any]
    #: The polygon's GeoJSON geometry, serialised: 258 countries' rings as Python lists of
    #: floats would hold tens of MB for shapes most builds never parse.
    geometry_json: bytes = field(repr=False)

    @functools.cached_property
    def shape(self) -> Any:
        """The (simplified) polygon as a shapely geometry, parsed once per country."""
        import shapely

        return shapely.from_geojson(self.geometry_json)


@functools.lru_cache(maxsize=1)
def derived_regions() -> dict[tuple[str, ...], tuple[Point, bytes]]:
    """Precomputed points and unions (GeoJSON, as bytes) of the built-in regions, keyed by their
    member tuple.

    A region whose membership is not in the file (a catalogue's own, or an edited definition
    before ``make geodata``) is simply computed.
    """
    try:
        text = data_text("regions.geojson")
    except FileNotFoundError:
        return {}
    out: dict[tuple[str, ...], tuple[Point, bytes]] = {}
    for feature in features(text):
        p = feature["properties"]
        point = (float(p["point"][0]), float(p["point"][1]))
        out[tuple(p["members"])] = (point, orjson.dumps(feature["geometry"]))
    return out


@functools.lru_cache(maxsize=64)
def derived_shape(members: tuple[str, ...]) -> Any:
    """A built-in region's precomputed union as a shapely geometry, parsed once."""
    import shapely

    return shapely.from_geojson(derived_regions()[members][1])


def features(text: str) -> Iterator[dict[str, Any]]:
    """The features of one of our GeoJSON data files, parsed one at a time.

    The files hold one feature per line (``build_countries.write``, ``build_regions.write``);
    parsing line by line frees each feature's coordinate objects before the next is read,
    rather than creating all of them at once and leaving the memory they took fragmented (the
    built-in gazetteer: 29 MB over the imports, against 54 MB). A file in any other layout is
    parsed whole.
    """
    lines = text.splitlines()
    if len(lines) < 3 or not lines[1].startswith('{"geometry"'):
        yield from orjson.loads(text)["features"]
        return
    for line in lines[1:-1]:
        yield orjson.loads(line.removesuffix(","))


def data_yaml(name: str) -> Any:
    """A data file read as YAML 1.2, like catalogues (its top level is a mapping or a list)."""
    return yaml_rs.loads(data_text(name))


def data_text(name: str) -> str:
    return (resources.files("trafficking_route_mapper.geodata") / "data" / name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def load_countries() -> dict[str, Country]:
    """Every country by ADM0_A3, named as ``names.yaml`` says where it says (the UN's current
    name: Türkiye, Eswatini), else by Natural Earth's NAME (kept as ``properties["name"]``)."""
    names = data_yaml("names.yaml")
    out: dict[str, Country] = {}
    for feature in features(data_text("countries.geojson")):
        p = feature["properties"]
        code = p["adm0_a3"]
        out[code] = Country(code, p["iso3"], names.get(code, p["name"]), p,
                            orjson.dumps(feature["geometry"]))
    return out
