"""The built-in gazetteer, and the constructors of places (for it and for catalogues' own).

:func:`builtin` makes a fresh :class:`~geodata.gazetteer.Gazetteer` of every country, region,
city, port and corridor the tool ships (``geodata/data``); catalogues extend a copy of it
(:func:`geodata.gazetteer.extended`) with the places they declare, made by :func:`region`,
:func:`point_place` and :func:`corridor`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from trafficking_route_mapper.geodata.atlas import Point
from trafficking_route_mapper.geodata.datafiles import data_yaml, derived_regions, load_countries
from trafficking_route_mapper.geodata.gazetteer import Gazetteer, Place, slug
from trafficking_route_mapper.routes.errors import GazetteerError


def _derived_point(gaz: Gazetteer, members: tuple[str, ...], anchor: Point | None) -> Point:
    if anchor is None and members in derived_regions():
        return derived_regions()[members][0]
    return gaz.region_point(members, anchor)


def builtin() -> Gazetteer:
    """A fresh gazetteer with every built-in place (callers may extend it)."""
    gaz = Gazetteer(load_countries())
    for adm0, names in data_yaml("aliases.yaml").items():
        gaz.alias(f"country:{adm0}", names)
    for entry in data_yaml("regions.yaml"):
        gaz.add(region_from_definition(gaz, entry))
    for entry in data_yaml("places.yaml"):
        gaz.add(point_place(gaz, entry["name"], entry["kind"], entry["country"],
                            (entry["lon"], entry["lat"]), entry.get("source"),
                            entry.get("locode"), entry.get("aliases", ())))
    for entry in data_yaml("corridors.yaml"):
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
