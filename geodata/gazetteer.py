"""The gazetteer: every place a route stage can name, with a point and, where it has one, a shape.

Kinds of place:

* ``country`` -- every Natural Earth admin-0 unit (``data/countries.geojson``, derived by
  :mod:`geodata.build_countries`), keyed on ``ADM0_A3``; its point is Natural Earth's label point.
* ``region`` -- a union of member countries (``data/regions.yaml``); its point is the
  population-weighted mean of its members' label points, moved to the nearest member polygon
  when that mean falls outside every member (the sea between them, say), unless the definition
  pins an ``anchor``.
* ``city`` and ``port`` -- points with the country they lie in (``data/places.yaml``).
* ``corridor`` -- an ordered list of places (``data/corridors.yaml``), always inferred.

Names match ignoring case, accents and punctuation; an unknown name raises
:class:`~routes.errors.UnknownPlaceError` with the closest known names.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import orjson
import yaml_rs
from trafficking_route_mapper.routes.errors import UnknownPlaceError

log = logging.getLogger(__name__)

PlaceKind = Literal["country", "region", "city", "port", "corridor"]
Point = tuple[float, float]


@dataclass(frozen=True)
class Place:
    """A resolved place. ``key`` is stable across builds (``country:BEL``, ``region:balkans``)."""

    key: str
    name: str
    kind: PlaceKind
    point: Point
    iso3: tuple[str, ...] = ()
    members: tuple[str, ...] = ()  # ADM0_A3 codes covered (a country lists itself)
    country: str | None = None  # ADM0_A3 of a city or port
    waypoints: tuple[str, ...] = ()  # place keys of a corridor
    source: str | None = None
    locode: str | None = None
    aliases: tuple[str, ...] = ()
    #: Where a sea leg of an area (region) joins the shipping lanes: (name, point), the region's
    #: main port. Without one, the lanes are joined nearest the representative point.
    gateway: tuple[str, Point] | None = None


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


@functools.lru_cache(maxsize=1 << 16)  # a catalogue names the same places again and again
def normalize(name: str) -> str:
    """The matching form of a name: no accents, case or punctuation."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[.'\u2019]", "", text)  # U+2019: typographic apostrophe
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


def slug(name: str) -> str:
    return normalize(name).replace(" ", "-")


class GazetteerError(ValueError):
    """The gazetteer's own data is inconsistent (two places claim one name, say)."""


class Gazetteer:
    """Name lookup over countries, regions, cities, ports and corridors."""

    def __init__(self, countries: Mapping[str, Country], places: Iterable[Place] = ()) -> None:
        self.countries = dict(countries)
        self._places: dict[str, Place] = {}
        self._index: dict[str, str] = {}
        self._suggestions: dict[tuple[str, int], list[str]] = {}
        codes = frozenset(self.countries)
        for country in sorted(self.countries.values(), key=lambda c: c.adm0_a3):
            self._add(self._country_place(country, codes), strict=False)
        for place in places:
            self.add(place)

    # -- building ---------------------------------------------------------------------------

    @staticmethod
    def _country_place(c: Country, codes: frozenset[str] = frozenset()) -> Place:
        p = c.properties
        names = {p.get("name_long"), p.get("name_en"), p.get("admin"), p.get("formal_en"),
                 c.adm0_a3}
        # a dependency may carry its sovereign's ISO code (Clipperton Island: FRA): the code
        # names the sovereign's own unit, never the dependency
        if c.iso3 and (c.iso3 == c.adm0_a3 or c.iso3 not in codes):
            names.add(c.iso3)
        return Place(
            key=f"country:{c.adm0_a3}",
            name=c.name,
            kind="country",
            point=(float(p["label_x"]), float(p["label_y"])),
            iso3=(c.iso3,) if c.iso3 else (),
            members=(c.adm0_a3,),
            source="Natural Earth admin-0 countries",
            aliases=tuple(sorted(n for n in names if n and n != c.name)),
        )

    def add(self, place: Place) -> None:
        """Add a place; a name already taken by another place is an error."""
        self._add(place, strict=True)

    def _add(self, place: Place, strict: bool) -> None:
        claims = [normalize(n) for n in (place.name, *place.aliases)]
        if strict and not all(claims):
            raise GazetteerError(
                f"{place.name!r}: a name needs letters or digits to be matched on "
                f"(names: {', '.join(repr(n) for n in (place.name, *place.aliases))})"
            )
        for claim in claims:
            owner = self._index.get(claim)
            if owner is not None:
                if strict:
                    raise GazetteerError(
                        f"{place.name!r}: the name {claim!r} already means "
                        f"{self._places[owner].name!r} ({owner}); use that place or "
                        "choose another name"
                    )
                continue  # Natural Earth reuses a few long names; the first (by code) keeps it
        if place.key in self._places:
            raise GazetteerError(f"{place.name!r}: the key {place.key!r} is already taken by "
                                 f"{self._places[place.key].name!r}")
        self._places[place.key] = place
        self._suggestions.clear()
        for claim in claims:
            self._index.setdefault(claim, place.key)

    def alias(self, key: str, names: Iterable[str]) -> None:
        """Give an existing place more names (the alias table)."""
        place = self._places[key]
        for name in names:
            claim = normalize(name)
            owner = self._index.get(claim)
            if owner is not None and owner != key:
                raise GazetteerError(
                    f"alias {name!r} for {place.name!r} already means {self._places[owner].name!r}"
                )
            self._index[claim] = key
        self._suggestions.clear()

    # -- lookup -----------------------------------------------------------------------------

    def resolve(self, name: str) -> Place:
        key = self._index.get(normalize(name))
        if key is None:
            raise UnknownPlaceError(name, self.suggest(name))
        return self._places[key]

    def get(self, key: str) -> Place:
        return self._places[key]

    def __contains__(self, name: str) -> bool:
        return normalize(name) in self._index

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Display names of the places whose names are closest to ``name``.

        Remembered per name until a place is added: a catalogue of 10,000 routes naming one
        unknown place asks 10,000 times, and each answer compares against every known name.
        """
        key = (normalize(name), n)
        cached = self._suggestions.get(key)
        if cached is None:
            cached = self._suggestions[key] = self._closest(key[0], n)
        return list(cached)

    def _closest(self, normalized: str, n: int) -> list[str]:
        close = difflib.get_close_matches(normalized, list(self._index), n=n * 3, cutoff=0.6)
        out: list[str] = []
        for claim in close:
            display = self._places[self._index[claim]].name
            if display not in out:
                out.append(display)
        return out[:n]

    def places(self, kind: PlaceKind | None = None) -> list[Place]:
        return sorted((p for p in self._places.values() if kind is None or p.kind == kind),
                      key=lambda p: p.key)

    def country(self, adm0_a3: str) -> Place:
        return self._places[f"country:{adm0_a3}"]

    def country_shape(self, adm0_a3: str) -> Any:
        """The country's (simplified) polygon as a shapely geometry."""
        return self.countries[adm0_a3].shape

    def shape(self, place: Place) -> Any | None:
        """The polygon a place covers: a country's own, a region's union; ``None`` for points.

        Built-in regions come precomputed from ``data/regions.geojson`` (see
        :mod:`geodata.build_regions`); any other union is computed here.
        """
        if place.kind not in ("country", "region"):
            return None
        if place.members in _derived_regions():
            return _derived_shape(place.members)
        return union(tuple(place.members), self)

    def region_point(self, members: Sequence[str], anchor: Point | None = None) -> Point:
        """The representative point of a union of countries (see the module docstring)."""
        if anchor is not None:
            return anchor
        import shapely
        from shapely.ops import nearest_points

        weights = [max(int(self.countries[m].properties.get("pop_est") or 0), 1) for m in members]
        total = float(sum(weights))
        pts = [self.country(m).point for m in members]
        x = sum(w * p[0] for w, p in zip(weights, pts, strict=True)) / total
        y = sum(w * p[1] for w, p in zip(weights, pts, strict=True)) / total
        candidate = shapely.Point(x, y)
        shapes = [self.country_shape(m) for m in members]
        if any(s.covers(candidate) for s in shapes):
            return (round(x, 5), round(y, 5))
        nearest = min(shapes, key=lambda s: s.distance(candidate))
        inside = nearest_points(nearest, candidate)[0]
        # nudge from the border into the polygon so that "inside" holds after rounding
        inner = nearest_points(nearest.buffer(-0.05) or nearest, inside)[0]
        return (round(inner.x, 5), round(inner.y, 5))


def union(members: tuple[str, ...], gaz: Gazetteer) -> Any:
    """The union of some countries' polygons."""
    import shapely

    shapes = [gaz.country_shape(m) for m in members]
    return shapes[0] if len(shapes) == 1 else shapely.union_all(shapes)


# --- the built-in gazetteer ---------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _derived_regions() -> dict[tuple[str, ...], tuple[Point, bytes]]:
    """Precomputed points and unions (GeoJSON, as bytes) of the built-in regions, keyed by their
    member tuple.

    A region whose membership is not in the file (a catalogue's own, or an edited definition
    before ``make geodata``) is simply computed.
    """
    try:
        text = _data("regions.geojson")
    except FileNotFoundError:
        return {}
    out: dict[tuple[str, ...], tuple[Point, bytes]] = {}
    for feature in _features(text):
        p = feature["properties"]
        point = (float(p["point"][0]), float(p["point"][1]))
        out[tuple(p["members"])] = (point, orjson.dumps(feature["geometry"]))
    return out


@functools.lru_cache(maxsize=64)
def _derived_shape(members: tuple[str, ...]) -> Any:
    """A built-in region's precomputed union as a shapely geometry, parsed once."""
    import shapely

    return shapely.from_geojson(_derived_regions()[members][1])


def _derived_point(gaz: Gazetteer, members: tuple[str, ...], anchor: Point | None) -> Point:
    if anchor is None and members in _derived_regions():
        return _derived_regions()[members][0]
    return gaz.region_point(members, anchor)


def _features(text: str) -> Iterator[dict[str, Any]]:
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


def _yaml(name: str) -> Any:
    """A data file read as YAML 1.2, like catalogues (its top level is a mapping or a list)."""
    return yaml_rs.loads(_data(name))


def _data(name: str) -> str:
    return (resources.files("trafficking_route_mapper.geodata") / "data" / name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def load_countries() -> dict[str, Country]:
    out: dict[str, Country] = {}
    for feature in _features(_data("countries.geojson")):
        p = feature["properties"]
        out[p["adm0_a3"]] = Country(p["adm0_a3"], p["iso3"], p["name"], p,
                                    orjson.dumps(feature["geometry"]))
    return out


def builtin() -> Gazetteer:
    """A fresh gazetteer with every built-in place (callers may extend it)."""
    gaz = Gazetteer(load_countries())
    for adm0, names in _yaml("aliases.yaml").items():
        gaz.alias(f"country:{adm0}", names)
    for entry in _yaml("regions.yaml"):
        gaz.add(region_from_definition(gaz, entry))
    for entry in _yaml("places.yaml"):
        gaz.add(point_place(gaz, entry["name"], entry["kind"], entry["country"],
                            (entry["lon"], entry["lat"]), entry.get("source"),
                            entry.get("locode"), entry.get("aliases", ())))
    for entry in _yaml("corridors.yaml"):
        gaz.add(corridor(gaz, entry["name"], entry["waypoints"], entry["source"],
                         entry.get("aliases", ())))
    return gaz


def region_from_definition(gaz: Gazetteer, entry: Mapping[str, Any]) -> Place:
    """A built-in region: explicit ``members`` or a ``members_where`` rule over attributes."""
    if "members" in entry:
        members = [gaz.resolve(m).members[0] for m in entry["members"]]
    else:
        ((attr, value),) = entry["members_where"].items()
        members = [c.adm0_a3 for c in gaz.countries.values() if c.properties.get(attr) == value]
    excluded = set(entry.get("exclude", ()))
    members = sorted(m for m in members if m not in excluded)
    if not members:
        raise GazetteerError(f"region {entry['name']!r} has no members")
    anchor = tuple(entry["anchor"]) if "anchor" in entry else None
    place = region(gaz, entry["name"], members, entry["source"], entry.get("aliases", ()), anchor)
    if "gateway" in entry:
        gw = entry["gateway"]
        place = dataclasses.replace(place, gateway=(gw["name"], (float(gw["lon"]), float(gw["lat"]))))
    return place


def region(
    gaz: Gazetteer,
    name: str,
    members: Sequence[str],
    source: str,
    aliases: Iterable[str] = (),
    anchor: Point | None = None,
) -> Place:
    members = tuple(sorted(set(members)))
    iso3 = tuple(sorted({i for m in members for i in gaz.country(m).iso3}))
    return Place(
        key=f"region:{slug(name)}",
        name=name,
        kind="region",
        point=_derived_point(gaz, members, anchor),
        iso3=iso3,
        members=members,
        source=source,
        aliases=tuple(aliases),
    )


def point_place(
    gaz: Gazetteer,
    name: str,
    kind: Literal["city", "port"],
    country: str,
    point: Point,
    source: str | None,
    locode: str | None = None,
    aliases: Iterable[str] = (),
) -> Place:
    owner = gaz.resolve(country)
    if owner.kind != "country":
        raise GazetteerError(f"{name!r}: {country!r} is a {owner.kind}, not a country")
    adm0 = owner.members[0]
    return Place(
        key=f"{kind}:{locode or slug(name)}",
        name=name,
        kind=kind,
        point=(float(point[0]), float(point[1])),
        iso3=owner.iso3,
        members=(adm0,),
        country=adm0,
        source=source,
        locode=locode,
        aliases=tuple(aliases),
    )


def corridor(
    gaz: Gazetteer, name: str, waypoints: Sequence[str], source: str, aliases: Iterable[str] = ()
) -> Place:
    stops = [gaz.resolve(w) for w in waypoints]
    for before, stop in zip([None, *stops], stops, strict=False):
        if stop.kind == "corridor":
            raise GazetteerError(f"corridor {name!r}: waypoint {stop.name!r} is itself a corridor")
        if before is not None and before.key == stop.key:
            raise GazetteerError(
                f"corridor {name!r}: waypoint {stop.name!r} repeats the one before; "
                "a leg must go somewhere: remove the repeated waypoint"
            )
    members = tuple(dict.fromkeys(m for s in stops for m in s.members))
    return Place(
        key=f"corridor:{slug(name)}",
        name=name,
        kind="corridor",
        point=stops[0].point,
        iso3=tuple(dict.fromkeys(i for s in stops for i in s.iso3)),
        members=members,
        waypoints=tuple(s.key for s in stops),
        source=source,
        aliases=tuple(aliases),
    )


def extended(base: Gazetteer) -> Gazetteer:
    """A copy of ``base`` that can take a catalogue's own places without touching ``base``."""
    copy = Gazetteer.__new__(Gazetteer)
    copy.countries = base.countries
    copy._places = dict(base._places)
    copy._index = dict(base._index)
    copy._suggestions = {}
    return copy
