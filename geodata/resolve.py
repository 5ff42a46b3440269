"""Resolve the place names of loaded catalogues against the gazetteer.

This is the second half of validation: a stage naming an unknown place, a city declared outside
its country, or the same place twice in a row are reported here, in the same problem list as
the loader's findings, so :func:`validate` raises once with everything.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from trafficking_route_mapper.geodata import gazetteer, places
from trafficking_route_mapper.geodata.gazetteer import Gazetteer, Place
from trafficking_route_mapper.routes.errors import (
    CatalogueError,
    GazetteerError,
    Problem,
    UnknownPlaceError,
)
from trafficking_route_mapper.routes.evidence import SourceText, check_evidence
from trafficking_route_mapper.routes.load import LoadedCatalogue, load_catalogues, locate
from trafficking_route_mapper.routes.model import (
    CorridorPlace,
    Hub,
    PointPlace,
    RegionPlace,
    Route,
    Stage,
    is_name,
)

log = logging.getLogger(__name__)

StageRole = Literal["origin", "transit", "destination"]
#: How far (degrees) a declared city may lie outside its country's simplified polygon: the
#: shipped polygons are simplified at 0.02 degrees, and a port sits on the coastline.
CITY_TOLERANCE_DEGREES = 0.1


@dataclass(frozen=True)
class ResolvedStage:
    stage: Stage
    place: Place | None  # None where the report leaves this end unstated
    role: StageRole


@dataclass(frozen=True)
class ResolvedHub:
    hub: Hub
    place: Place


@dataclass(frozen=True)
class ResolvedRoute:
    route: Route
    stages: tuple[ResolvedStage, ...]
    catalogue: LoadedCatalogue
    reporting_country: Place
    gazetteer: Gazetteer
    #: the catalogue's declared hubs (the same tuple for every route of one catalogue)
    hubs: tuple[ResolvedHub, ...] = ()


def validate(
    paths: Iterable[Path], source_texts: Sequence[SourceText] = ()
) -> list[ResolvedRoute]:
    """Load, check and resolve catalogues; raise :class:`CatalogueError` with every problem.

    ``source_texts`` are report texts to check evidence phrases against; each catalogue is
    checked against the text whose SHA-256 matches its source block (or, given exactly one
    text, against that one, so that a wrong edition is reported rather than skipped).
    """
    result = load_catalogues(paths)
    problems = list(result.problems)
    resolved: list[ResolvedRoute] = []
    base = places.builtin()
    for cat in result.catalogues:
        routes, found = resolve_catalogue(cat, base)
        resolved += routes
        problems += found
        text = _text_for(cat, source_texts)
        if text is not None:
            problems += check_evidence(cat, text)
    if problems:
        raise CatalogueError(locate(problems, result.lines))
    log.info("validated %d routes from %d catalogue%s", len(resolved), len(result.catalogues),
             "" if len(result.catalogues) == 1 else "s")
    return resolved


def _text_for(cat: LoadedCatalogue, texts: Sequence[SourceText]) -> SourceText | None:
    for text in texts:
        if text.sha256 == cat.source.sha256:
            return text
    return texts[0] if len(texts) == 1 else None


def resolve_catalogue(
    cat: LoadedCatalogue, base: Gazetteer
) -> tuple[list[ResolvedRoute], list[Problem]]:
    gaz = gazetteer.extended(base)
    problems = _declare_places(cat, gaz)
    reporting: Place | None = None
    try:
        reporting = gaz.resolve(cat.source.reporting_country)
        if reporting.kind != "country":
            problems.append(cat.problem(("source", "reporting_country"),
                                        f"{reporting.name!r} is a {reporting.kind}; expected a country"))
            reporting = None
    except UnknownPlaceError as err:
        problems.append(cat.problem(("source", "reporting_country"), str(err)))
    hubs = _resolve_hubs(cat, gaz, reporting, problems)
    out: list[ResolvedRoute] = []
    for index, route in cat.routes:
        stages, found = _resolve_route(cat, gaz, index, route)
        problems += found
        if not found and reporting is not None:
            out.append(ResolvedRoute(route, stages, cat, reporting, gaz, hubs))
    for index, raw in cat.invalid_routes:
        problems += _unknown_places_in_raw(cat, gaz, index, raw)
    return out, problems


def _unknown_places_in_raw(cat: LoadedCatalogue, gaz: Gazetteer, index: int,
                           raw: dict[str, Any]) -> list[Problem]:
    """Unknown place names of a route that failed type validation (nothing else is checked)."""
    out: list[Problem] = []
    route_id = raw.get("id") if isinstance(raw.get("id"), str) else None
    stages = raw.get("stages")
    for s, stage in enumerate(stages if isinstance(stages, list) else []):
        name = stage.get("place") if isinstance(stage, dict) else None
        if isinstance(name, str) and is_name(name):
            try:
                gaz.resolve(name)
            except UnknownPlaceError as err:
                out.append(cat.problem(("routes", index, "stages", s, "place"), str(err), route_id))
    return out


def _resolve_hubs(cat: LoadedCatalogue, gaz: Gazetteer, reporting: Place | None,
                  problems: list[Problem]) -> tuple[ResolvedHub, ...]:
    """Hubs name places of the reporting country (the country itself, its cities and ports)."""
    out = []
    for index, hub in cat.hubs:
        loc = ("hubs", index, "place")
        place = _resolve_or_report(cat, gaz, loc, hub.place, problems)
        if place is None or reporting is None:
            continue
        if place.kind in ("region", "corridor") or place.members[0] != reporting.members[0]:
            problems.append(cat.problem(
                loc, f"{hub.place!r} is not a place in {reporting.name}; a hub is the reporting "
                "country itself or one of its cities or ports"))
            continue
        out.append(ResolvedHub(hub, place))
    return tuple(out)


def _resolve_route(
    cat: LoadedCatalogue, gaz: Gazetteer, index: int, route: Route
) -> tuple[tuple[ResolvedStage, ...], list[Problem]]:
    problems: list[Problem] = []
    stages: list[ResolvedStage] = []
    last = len(route.stages) - 1
    previous: Place | None = None
    for s, stage in enumerate(route.stages):
        role: StageRole = "origin" if s == 0 else "destination" if s == last else "transit"
        place: Place | None = None
        if stage.place is not None:
            try:
                place = gaz.resolve(stage.place)
            except UnknownPlaceError as err:
                problems.append(cat.problem(("routes", index, "stages", s, "place"), str(err), route.id))
        if place is not None and previous is not None and place.key == previous.key:
            problems.append(cat.problem(
                ("routes", index, "stages", s, "place"),
                f"{stage.place!r} is the same place as the stage before ({previous.name}); "
                "a leg must go somewhere: remove the repeated stage",
                route.id,
            ))
        elif place is not None and previous is not None and _entry(place) == _exit(previous):
            # a corridor is drawn through its waypoints: its end and the next stage would meet
            # in a leg of zero length
            joint = gaz.get(_entry(place)).name
            problems.append(cat.problem(
                ("routes", index, "stages", s, "place"),
                f"{stage.place!r} and the stage before ({previous.name}) meet at the same place "
                f"({joint}), a corridor's end; a leg must go somewhere: remove the repeated "
                "stage or name a corridor that does not end there",
                route.id,
            ))
        previous = place
        stages.append(ResolvedStage(stage, place, role))
    return tuple(stages), problems


def _entry(place: Place) -> str:
    """The key of the place a leg into ``place`` reaches (a corridor's first waypoint)."""
    return place.waypoints[0] if place.kind == "corridor" else place.key


def _exit(place: Place) -> str:
    """The key of the place a leg out of ``place`` leaves from (a corridor's last waypoint)."""
    return place.waypoints[-1] if place.kind == "corridor" else place.key


def _declare_places(cat: LoadedCatalogue, gaz: Gazetteer) -> list[Problem]:
    """Add a catalogue's own places to its gazetteer, checking each one."""
    problems: list[Problem] = []
    for index, decl in cat.places:
        loc = ("places", index)
        try:
            if isinstance(decl, PointPlace):
                place = places.point_place(gaz, decl.name, decl.kind, decl.country,
                                              (decl.lon, decl.lat), decl.source, decl.locode,
                                              decl.aliases)
                problems += _check_inside(cat, gaz, loc, place)
            elif isinstance(decl, RegionPlace):
                members = []
                for m, name in enumerate(decl.members):
                    member = _resolve_or_report(cat, gaz, (*loc, "members", m), name, problems)
                    if member is not None:
                        if member.kind != "country":
                            problems.append(cat.problem((*loc, "members", m),
                                f"{name!r} is a {member.kind}; region members are countries"))
                        members.append(member.members[0])
                if len(members) != len(decl.members):
                    continue
                place = places.region(gaz, decl.name, members, decl.source, decl.aliases)
            elif isinstance(decl, CorridorPlace):
                bad = [w for w, name in enumerate(decl.waypoints)
                       if _resolve_or_report(cat, gaz, (*loc, "waypoints", w), name, problems) is None]
                if bad:
                    continue
                place = places.corridor(gaz, decl.name, decl.waypoints, decl.source, decl.aliases)
            gaz.add(place)
        except UnknownPlaceError as err:
            problems.append(cat.problem((*loc, "country"), str(err)))
        except GazetteerError as err:
            problems.append(cat.problem((*loc, "name"), str(err)))
    return problems


def _resolve_or_report(cat: LoadedCatalogue, gaz: Gazetteer, loc: tuple[str | int, ...],
                       name: str, problems: list[Problem]) -> Place | None:
    try:
        return gaz.resolve(name)
    except UnknownPlaceError as err:
        problems.append(cat.problem(loc, str(err)))
        return None


def _check_inside(cat: LoadedCatalogue, gaz: Gazetteer, loc: tuple[str | int, ...],
                  place: Place) -> list[Problem]:
    import shapely

    if place.country is None:
        return []
    shape = gaz.country_shape(place.country)
    point = shapely.Point(place.point)
    distance = shape.distance(point)
    if distance <= CITY_TOLERANCE_DEGREES:
        return []
    country = gaz.country(place.country).name
    return [cat.problem(
        (*loc, "lon"),
        f"{place.name!r} at lon {place.point[0]}, lat {place.point[1]} lies "
        f"{distance:.2f} degrees outside {country}; expected a point inside its country "
        "(are lon and lat swapped?)",
    )]
