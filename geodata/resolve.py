"""Resolve the place names of loaded catalogues against the gazetteer.

This is the second half of validation: a stage naming an unknown place, a city declared outside
its country, or the same place twice in a row are reported here, in the same problem list as
the loader's findings, so :func:`validate` raises once with everything.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from trafficking_route_mapper.geodata import gazetteer, places
from trafficking_route_mapper.geodata.gazetteer import Gazetteer, Place
from trafficking_route_mapper.routes.errors import (
    REF,
    CatalogueError,
    GazetteerError,
    Loc,
    Problem,
    UnknownPlaceError,
)
from trafficking_route_mapper.routes.evidence import Anchor, SourceText, anchor_evidence
from trafficking_route_mapper.routes.explain import field_name
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

StageRole = Literal["origin", "transit", "destination", "within"]
#: How far (degrees) a declared city may lie outside its country's simplified polygon: the
#: shipped polygons are simplified at 0.02 degrees, and a port sits on the coastline.
CITY_TOLERANCE_DEGREES = 0.1


@dataclass(frozen=True)
class ResolvedStage:
    stage: Stage
    #: the stage's place, its alternatives (``any_of``), or none where the report leaves this
    #: end unstated
    places: tuple[Place, ...]
    role: StageRole


@dataclass(frozen=True)
class ResolvedHub:
    hub: Hub
    place: Place
    index: int = 0  # position under the catalogue's ``hubs:``
    #: where each evidence phrase stands in the report's text (None: no text was given)
    anchors: tuple[Anchor | None, ...] = ()


@dataclass(frozen=True)
class ResolvedRoute:
    """A statement with its places resolved. A ``within`` statement has one stage, of role
    ``within``: the area the flow stays inside."""

    route: Route
    stages: tuple[ResolvedStage, ...]
    catalogue: LoadedCatalogue
    reporting_country: Place
    gazetteer: Gazetteer
    #: the catalogue's declared hubs (the same tuple for every route of one catalogue)
    hubs: tuple[ResolvedHub, ...] = ()
    #: position of the statement under the catalogue's ``routes:``
    index: int = 0
    #: where each evidence phrase stands in the report's text (empty: no text was given)
    anchors: tuple[Anchor | None, ...] = ()

    @property
    def within(self) -> Place | None:
        """The area of a ``within`` statement, else None."""
        first = self.stages[0] if self.stages else None
        return first.places[0] if first is not None and first.role == "within" else None


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
    declared: list[tuple[LoadedCatalogue, int, Place]] = []
    names = _declared_names(result.catalogues)
    for cat in result.catalogues:
        elsewhere = {n: where for n, where in names.items() if where[0] != cat.label}
        routes, found = resolve_catalogue(cat, base, declared, elsewhere)
        problems += found
        text = _text_for(cat, source_texts)
        if text is not None:
            anchored = anchor_evidence(cat, text)
            problems += anchored.problems
            routes = [_with_anchors(rr, anchored.anchors) for rr in routes]
        resolved += routes
    problems += _conflicting_declarations(declared)
    if problems:
        raise CatalogueError(locate(problems, result.lines))
    log.info("validated %d routes from %d catalogue%s", len(resolved), len(result.catalogues),
             "" if len(result.catalogues) == 1 else "s")
    return resolved


def _with_anchors(rr: ResolvedRoute, anchors: Mapping[Loc, Anchor]) -> ResolvedRoute:
    """``rr`` with the anchors of its evidence and of its catalogue's hubs' evidence."""
    hubs = tuple(dataclasses.replace(h, anchors=tuple(
        anchors.get(("hubs", h.index, "evidence", e)) for e in range(len(h.hub.evidence))))
        for h in rr.hubs)
    return dataclasses.replace(rr, hubs=hubs, anchors=tuple(
        anchors.get(("routes", rr.index, "evidence", e)) for e in range(len(rr.route.evidence))))


def _text_for(cat: LoadedCatalogue, texts: Sequence[SourceText]) -> SourceText | None:
    for text in texts:
        if text.sha256 == cat.source.sha256:
            return text
    return texts[0] if len(texts) == 1 else None


def _declared_names(catalogues: Sequence[LoadedCatalogue]) -> dict[str, tuple[str, Loc]]:
    """Where each name a catalogue declares is first declared: (file, location)."""
    out: dict[str, tuple[str, Loc]] = {}
    for cat in catalogues:
        for index, decl in cat.places:
            for name in (decl.name, *decl.aliases):
                out.setdefault(gazetteer.normalize(name), (cat.label, ("places", index, "name")))
    return out


def resolve_catalogue(
    cat: LoadedCatalogue, base: Gazetteer,
    declared: list[tuple[LoadedCatalogue, int, Place]] | None = None,
    elsewhere: Mapping[str, tuple[str, Loc]] | None = None,
) -> tuple[list[ResolvedRoute], list[Problem]]:
    """Resolve one catalogue's statements against ``base`` and the places it declares (added
    to ``declared``, with their index under ``places:``, for the check across catalogues).
    ``elsewhere``: names other catalogues of the build declare, for a better message."""
    gaz = gazetteer.extended(base)
    problems = _declare_places(cat, gaz, declared if declared is not None else [])
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
        stages, found = _resolve_route(cat, gaz, index, route, elsewhere)
        problems += found
        if not found and reporting is not None:
            out.append(ResolvedRoute(route, stages, cat, reporting, gaz, hubs, index))
    for index, raw in cat.invalid_routes:
        problems += _unknown_places_in_raw(cat, gaz, index, raw)
    return out, problems


def _unknown_places_in_raw(cat: LoadedCatalogue, gaz: Gazetteer, index: int,
                           raw: dict[str, Any]) -> list[Problem]:
    """Unknown place names of a route that failed type validation (nothing else is checked)."""
    out: list[Problem] = []
    route_id = raw.get("id") if isinstance(raw.get("id"), str) else None
    names: list[tuple[Loc, Any]] = [(("within",), raw.get("within"))]
    stages = raw.get("stages")
    for s, stage in enumerate(stages if isinstance(stages, list) else []):
        if not isinstance(stage, dict):
            continue
        names.append((("stages", s, "place"), stage.get("place")))
        any_of = stage.get("any_of")
        names += [(("stages", s, "any_of", a), name)
                  for a, name in enumerate(any_of if isinstance(any_of, list) else [])]
    for loc, name in names:
        if isinstance(name, str) and is_name(name):
            try:
                gaz.resolve(name)
            except UnknownPlaceError as err:
                out.append(cat.problem(("routes", index, *loc), str(err), route_id))
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
        out.append(ResolvedHub(hub, place, index=index))
    return tuple(out)


def _resolve_route(
    cat: LoadedCatalogue, gaz: Gazetteer, index: int, route: Route,
    elsewhere: Mapping[str, tuple[str, Loc]] | None = None,
) -> tuple[tuple[ResolvedStage, ...], list[Problem]]:
    problems: list[Problem] = []
    base: Loc = ("routes", index)

    def add(loc: Loc, message: str) -> None:
        problems.append(cat.problem((*base, *loc), message, route.id))

    if route.within is not None:
        area = _resolve_or_report(cat, gaz, (*base, "within"), route.within, problems, route.id,
                                  elsewhere)
        if area is not None and area.kind not in ("country", "region"):
            add(("within",), f"{route.within!r} is a {area.kind}; a flow 'within' a place stays "
                             "inside a country or region")
        if area is None or problems:
            return (), problems
        stage = Stage(place=route.within, by=route.by or "unspecified")
        return (ResolvedStage(stage, (area,), "within"),), problems
    stages: list[ResolvedStage] = []
    last = len(route.stage_list) - 1
    previous: tuple[Place, ...] = ()
    for s, stage in enumerate(route.stage_list):
        role: StageRole = "origin" if s == 0 else "destination" if s == last else "transit"
        field: Loc = ("stages", s, "any_of") if stage.any_of is not None else ("stages", s, "place")
        found: list[Place] = []
        for a, name in enumerate(stage.names):
            loc = (*field, a) if stage.any_of is not None else field
            place = _resolve_or_report(cat, gaz, (*base, *loc), name, problems, route.id,
                                       elsewhere)
            if place is None:
                continue
            same = next((p for p in found if p.key == place.key), None)
            if same is not None:
                add(loc, f"{name!r} is the same place as {same.name!r}, already in this 'any_of'")
                continue
            problem = _repeated(gaz, name, place, previous, stage.any_of is not None)
            if problem is not None:
                add(loc, problem)
            found.append(place)
        previous = tuple(found)
        stages.append(ResolvedStage(stage, tuple(found), role))
    return tuple(stages), problems


def _repeated(gaz: Gazetteer, name: str, place: Place, previous: tuple[Place, ...],
              alternative: bool) -> str | None:
    """Why ``place`` cannot follow any place of the stage before (a leg must go somewhere)."""
    for before in previous:
        where = (f"the stage before ({before.name})" if len(previous) == 1
                 else f"{before.name!r} in the stage before")
        if place.key == before.key:
            fix = ("remove it from one of the two stages" if alternative or len(previous) > 1
                   else "remove the repeated stage")
            return f"{name!r} is the same place as {where}; a leg must go somewhere: {fix}"
        if _entry(place) == _exit(before):
            # a corridor is drawn through its waypoints: its end and the next stage would meet
            # in a leg of zero length
            return (f"{name!r} and {where} meet at the same place "
                    f"({gaz.get(_entry(place)).name}), a corridor's end; a leg must go somewhere: "
                    "remove the repeated stage or name a corridor that does not end there")
    return None


def _entry(place: Place) -> str:
    """The key of the place a leg into ``place`` reaches (a corridor's first waypoint)."""
    return place.waypoints[0] if place.kind == "corridor" else place.key


def _exit(place: Place) -> str:
    """The key of the place a leg out of ``place`` leaves from (a corridor's last waypoint)."""
    return place.waypoints[-1] if place.kind == "corridor" else place.key


def _declare_places(cat: LoadedCatalogue, gaz: Gazetteer,
                    declared: list[tuple[LoadedCatalogue, int, Place]]) -> list[Problem]:
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
            declared.append((cat, index, place))
        except UnknownPlaceError as err:
            problems.append(cat.problem((*loc, "country"), str(err)))
        except GazetteerError as err:
            problems.append(cat.problem((*loc, "name"), str(err)))
    return problems


def _definition(place: Place) -> tuple[Any, ...]:
    """What a declared place means, for comparing declarations: not its source or aliases."""
    return (place.kind, place.members, place.point, place.country, place.waypoints, place.locode)


def _describe(place: Place) -> str:
    if place.kind == "region":
        return "a region of " + ", ".join(place.members)
    if place.kind == "corridor":
        return "a corridor through " + " → ".join(w.split(":", 1)[1] for w in place.waypoints)
    return f"a {place.kind} in {place.country} at lon {place.point[0]}, lat {place.point[1]}"


def _conflicting_declarations(declared: Sequence[tuple[LoadedCatalogue, int, Place]]) -> list[Problem]:
    """One name must mean one place in a build. Catalogues may declare the same place (the
    same definition under the same name: they merge), but not two places under one name or
    alias; each conflict names both files and lines."""
    first: dict[str, tuple[LoadedCatalogue, int, Place]] = {}
    out: list[Problem] = []
    for cat, index, place in declared:
        for claim in dict.fromkeys(gazetteer.normalize(n) for n in (place.name, *place.aliases)):
            seen = first.setdefault(claim, (cat, index, place))
            other_cat, other_index, other = seen
            if other_cat is cat or _definition(other) == _definition(place):
                continue
            loc: Loc = ("places", index, "name")
            out.append(Problem(
                cat.label, None, None, field_name(loc),
                f"{place.name!r} is declared here as {_describe(place)}, but {other.name!r} at "
                f"{REF} is {_describe(other)}; one name means one place in a build: make the "
                "declarations identical or give one another name",
                loc=loc, ref=(other_cat.label, ("places", other_index, "name"))))
            break
    return out


def _resolve_or_report(cat: LoadedCatalogue, gaz: Gazetteer, loc: Loc, name: str,
                       problems: list[Problem], route: str | None = None,
                       elsewhere: Mapping[str, tuple[str, Loc]] | None = None) -> Place | None:
    try:
        return gaz.resolve(name)
    except UnknownPlaceError as err:
        other = (elsewhere or {}).get(gazetteer.normalize(name))
        if other is None:
            problems.append(cat.problem(loc, str(err), route))
        else:
            problems.append(Problem(
                cat.label, None, route, field_name(loc),
                f"unknown place {name!r} in this catalogue: {REF} declares it, but a "
                "catalogue's own places serve that catalogue only; declare it here too (the "
                "same declaration)", loc=loc, ref=other))
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
