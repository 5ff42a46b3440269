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

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from trafficking_route_mapper.geodata.atlas import Point
from trafficking_route_mapper.geodata.datafiles import Country, derived_regions, derived_shape
from trafficking_route_mapper.routes.errors import GazetteerError, UnknownPlaceError

log = logging.getLogger(__name__)

PlaceKind = Literal["country", "region", "city", "port", "corridor"]


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


@functools.lru_cache(maxsize=1 << 16)  # a catalogue names the same places again and again
def normalize(name: str) -> str:
    """The matching form of a name: no accents, case, punctuation or leading "the" ("the
    Sahel" is "Sahel", "The Gambia" is "Gambia")."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[.'\u2019]", "", text)  # U+2019: typographic apostrophe
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    return text[4:] if text.startswith("the ") and len(text) > 4 else text


#: Lowest rapidfuzz ratio (0-100) of a close spelling worth suggesting.
SUGGEST_SCORE = 72
#: Ratio from which a word is taken to be the same word misspelt rather than another word.
SPELLING_SCORE = 80
#: Said when no suggestion is a close spelling: the name may be a place the gazetteer lacks.
DECLARE_HINT = ("If it is a city or port the gazetteer lacks, declare it under 'places:' "
                "(kind: city or port, name, country, lon, lat, source); a region, with kind: "
                "region and its members.")
_MINOR_WORDS = frozenset({"and", "of", "the", "de", "du", "des", "la", "le", "et"})


def _initials(claim: str) -> str:
    """"gulf cooperation council" -> "gcc"; a one-word name has none."""
    words = [w for w in claim.split() if w not in _MINOR_WORDS]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def _similar(a: str, b: str) -> bool:
    """Whether ``a`` is ``b`` misspelt: as many words, each close to its counterpart ("Horn of
    Afrika"), not another word in one place ("West Asia" is not "East Asia")."""
    from rapidfuzz import fuzz

    words_a, words_b = a.split(), b.split()
    return len(words_a) == len(words_b) and all(
        fuzz.ratio(x, y) >= SPELLING_SCORE for x, y in zip(words_a, words_b, strict=True))


def slug(name: str) -> str:
    return normalize(name).replace(" ", "-")


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
        names = {p.get("name"), p.get("name_long"), p.get("name_en"), p.get("admin"),
                 p.get("formal_en"), c.adm0_a3}
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
            suggestions = self.suggest(name)
            notes = {s: extent for s in suggestions if (extent := self._extent(s)) is not None}
            close = any(_similar(normalize(name), normalize(s)) for s in suggestions)
            raise UnknownPlaceError(name, suggestions, notes, None if close else DECLARE_HINT)
        return self._places[key]

    def get(self, key: str) -> Place:
        return self._places[key]

    def __contains__(self, name: str) -> bool:
        return normalize(name) in self._index

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Display names of the places a mistyped or unknown ``name`` may mean, best first:
        places whose initials it is ("GCC": Gulf states), then close spellings of any of their
        names (rapidfuzz's ratio, at least :data:`SUGGEST_SCORE` of 100).

        Remembered per name until a place is added: a catalogue of 10,000 routes naming one
        unknown place asks 10,000 times, and each answer compares against every known name.
        """
        key = (normalize(name), n)
        cached = self._suggestions.get(key)
        if cached is None:
            cached = self._suggestions[key] = self._closest(key[0], n)
        return list(cached)

    def _closest(self, normalized: str, n: int) -> list[str]:
        from rapidfuzz import fuzz, process

        out: list[str] = []

        def take(key: str) -> None:
            display = self._places[key].name
            if display not in out:
                out.append(display)

        compact = normalized.replace(" ", "")
        if 2 <= len(compact) <= 6 and compact.isalpha():
            for claim in sorted(self._index):
                if _initials(claim) == compact:
                    take(self._index[claim])
        claims = list(self._index)
        for claim, _, _ in process.extract(normalized, claims, scorer=fuzz.ratio,
                                           limit=n * 4, score_cutoff=SUGGEST_SCORE):
            take(self._index[claim])
        return out[:n]

    def _extent(self, display: str) -> str | None:
        """What a suggested region covers, so that a region is never offered for another of a
        different extent without saying so: "a region of 11 countries"; None for other kinds."""
        place = self._places.get(self._index.get(normalize(display), ""))
        if place is None or place.kind != "region":
            return None
        return f"a region of {len(place.members)} countr{'y' if len(place.members) == 1 else 'ies'}"

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
        if place.members in derived_regions():
            return derived_shape(place.members)
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


def extended(base: Gazetteer) -> Gazetteer:
    """A copy of ``base`` that can take a catalogue's own places without touching ``base``."""
    copy = Gazetteer.__new__(Gazetteer)
    copy.countries = base.countries
    copy._places = dict(base._places)
    copy._index = dict(base._index)
    copy._suggestions = {}
    return copy
