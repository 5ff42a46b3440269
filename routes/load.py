"""Load catalogue YAML files and check everything that needs no gazetteer.

Each problem names ``file:line``, the route and the field. Reading the file (encodings, the
characters and YAML features refused, positions) is :mod:`routes.reading`; turning pydantic's
errors into messages is :mod:`routes.explain`. Routes and declared places are validated one by
one, so one broken route never hides the problems of the others. Problems are built without
their line and located all at once at the end (:func:`locate`): one pass over a file finds
every line its problems need.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from trafficking_route_mapper.routes import commodities
from trafficking_route_mapper.routes.errors import (
    REF,
    CatalogueError,
    Loc,
    Problem,
    UnknownCommodityError,
)
from trafficking_route_mapper.routes.explain import field_name, kind_of, pydantic_problems
from trafficking_route_mapper.routes.model import (
    MAX_PHRASE_WORDS,
    CatalogueHead,
    Evidence,
    Hub,
    PlaceDecl,
    PlaceEntry,
    Route,
    Source,
    Stage,
)
from trafficking_route_mapper.routes.reading import (
    Lines,
    ReadProblem,
    UnreadableError,
    decode,
    parse,
)

log = logging.getLogger(__name__)


def builtin_catalogues() -> list[Path]:
    """The catalogues shipped with the tool (package data under ``routes/catalogue``)."""
    folder = resources.files("trafficking_route_mapper.routes") / "catalogue"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith((".yaml", ".yml")))


@dataclass
class LoadedCatalogue:
    """One file's valid content, with enough position information to report later problems."""

    path: Path
    source: Source
    places: list[tuple[int, PlaceDecl]]
    routes: list[tuple[int, Route]]
    lines: Lines = field(repr=False)
    hubs: list[tuple[int, Hub]] = field(default_factory=list)
    #: Routes that failed type validation, as written: their place names are still checked
    #: against the gazetteer, so one wrong type does not hide an unknown place.
    invalid_routes: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(self.path)

    def problem(self, loc: Loc, message: str, route: str | None = None) -> Problem:
        """A problem at ``loc`` (a path into the document); its line is found by :func:`locate`."""
        return Problem(self.label, None, route, field_name(loc), message, loc=loc)


@dataclass
class LoadResult:
    catalogues: list[LoadedCatalogue]
    #: Every problem found, not yet located: pass them through :func:`locate` (with any
    #: found later, so that each file is read for lines once).
    problems: list[Problem]
    #: The line finder of every file that could be parsed, by file label.
    lines: dict[str, Lines] = field(default_factory=dict)


def load_catalogues(paths: Iterable[Path]) -> LoadResult:
    """Load and check every file; collect the problems of all of them (see :class:`LoadResult`)."""
    result = LoadResult([], [])
    for path in paths:
        loaded, problems, lines = _load_one(Path(path))
        result.problems.extend(problems)
        if lines is not None:
            result.lines[str(path)] = lines
        if loaded is not None:
            result.catalogues.append(loaded)
    result.problems.extend(_duplicate_route_ids(result.catalogues))
    return result


def load_catalogue(path: Path) -> LoadedCatalogue:
    """Load one file, raising :class:`CatalogueError` with every problem found."""
    result = load_catalogues([path])
    if result.problems:
        raise CatalogueError(locate(result.problems, result.lines))
    return result.catalogues[0]


def locate(problems: Iterable[Problem], lines: Mapping[str, Lines]) -> list[Problem]:
    """``problems`` with the line of every ``loc`` and ``ref`` filled in: one pass per file
    for all the lines it is asked for."""
    problems = list(problems)
    wanted: dict[str, list[Loc]] = defaultdict(list)
    for p in problems:
        if p.line is None and p.loc is not None:
            wanted[p.file].append(p.loc)
        if p.ref is not None:
            wanted[p.ref[0]].append(p.ref[1])
    for label, locs in wanted.items():
        if label in lines:
            lines[label].lookup(locs)
    out = []
    for p in problems:
        finder = lines.get(p.file)
        line = p.line
        if line is None and p.loc is not None and finder is not None:
            line = finder.line(p.loc)
        message = p.message
        if p.ref is not None:
            ref_lines = lines.get(p.ref[0])
            ref_line = ref_lines.line(p.ref[1]) if ref_lines is not None else None
            message = message.replace(REF, p.ref[0] if ref_line is None else f"{p.ref[0]}:{ref_line}")
        out.append(Problem(p.file, line, p.route, p.field, message))
    return out


# --- reading ---------------------------------------------------------------------------------


def _load_one(path: Path) -> tuple[LoadedCatalogue | None, list[Problem], Lines | None]:
    label = str(path)

    def fail(problems: Sequence[ReadProblem]) -> tuple[None, list[Problem], None]:
        return None, [Problem(label, p.line, None, None, p.message) for p in problems], None

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return fail([ReadProblem("file not found; expected a catalogue YAML file")])
    except IsADirectoryError:
        return fail([ReadProblem("is a directory; expected a catalogue YAML file")])
    except OSError as err:
        return fail([ReadProblem(f"cannot read: {err.strerror or err}")])
    text, problems = decode(raw)
    if text is None or problems:
        return fail(problems)
    try:
        data, lines, structural = parse(text, path)
    except UnreadableError as err:
        return fail([ReadProblem(f"YAML syntax error: {err}", err.line)])
    except RecursionError:
        return fail([ReadProblem("YAML nesting is too deep to be a catalogue")])
    except ValueError as err:  # a scalar that cannot be converted (an integer of 5,000 digits)
        return fail([ReadProblem(f"a value cannot be read: {err}")])
    if structural:
        return fail(structural)
    if data is None:
        return fail([ReadProblem("file is empty; expected a mapping with 'source' and 'routes'")])
    if not isinstance(data, dict):
        return fail([ReadProblem(
            f"expected a mapping with 'source' and 'routes' at the top level, "
            f"found {kind_of(data)}", 1)])
    del text
    loaded, found = _validate(path, data, lines)
    lines.release()
    return loaded, found, lines


# --- validation ------------------------------------------------------------------------------


def _validate(
    path: Path, data: dict[str, Any], lines: Lines
) -> tuple[LoadedCatalogue | None, list[Problem]]:
    label = str(path)
    problems: list[Problem] = []
    head: CatalogueHead | None = None
    try:
        head = CatalogueHead.model_validate(data)
    except ValidationError as err:
        problems += pydantic_problems(label, err, (), data)

    # a broken source block (or a stray top-level key) must not hide the routes' own problems
    valid_head = head is not None
    source = head.source if head is not None else _SOURCELESS
    raw_places = head.places if head is not None else _list_or_empty(data.get("places"))
    raw_hubs = head.hubs if head is not None else _list_or_empty(data.get("hubs"))
    del head  # it holds a copy of the routes list: each valid route's raw data is freed below
    raw_routes = _list_or_empty(data.get("routes"))
    routes: list[tuple[int, Route]] = []
    invalid: list[tuple[int, dict[str, Any]]] = []
    for i, raw in enumerate(raw_routes):
        loc: Loc = ("routes", i)
        try:
            routes.append((i, Route.model_validate(raw)))
            # the parsed YAML of a valid route is not needed again: freeing it as we go keeps
            # the raw data and the models from filling memory together (10,000 routes: 60 MB
            # of parsed YAML, 46 MB of models)
            raw_routes[i] = None
        except ValidationError as err:
            problems += pydantic_problems(label, err, loc, data)
            if isinstance(raw, dict):
                invalid.append((i, raw))
                problems += _invalid_route_problems(label, i, raw, err)
        del raw
    places: list[tuple[int, PlaceDecl]] = []
    for i, raw in enumerate(raw_places):
        try:
            places.append((i, PlaceEntry.model_validate({"place": raw}).place))
        except ValidationError as err:
            problems += pydantic_problems(label, err, ("places", i), data, strip=1)

    hubs: list[tuple[int, Hub]] = []
    for i, raw in enumerate(raw_hubs):
        try:
            hubs.append((i, Hub.model_validate(raw)))
        except ValidationError as err:
            problems += pydantic_problems(label, err, ("hubs", i), data)

    loaded = LoadedCatalogue(path, source, places, routes, lines, hubs, invalid)
    for index, route in routes:
        problems += _route_problems(loaded, index, route)
    for index, hub in hubs:
        problems += _hub_problems(loaded, index, hub)
    return (loaded if valid_head else None), problems


def _list_or_empty(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


#: Stands in for a source block that failed validation, so that routes can still be checked;
#: a catalogue built on it is never returned, and evidence ``source`` ids are not checked against it.
_SOURCELESS = Source.model_construct(id="", sha256="", title="", publisher="",
                                     reporting_country="")


def _invalid_route_problems(label: str, index: int, raw: dict[str, Any],
                            err: ValidationError) -> list[Problem]:
    """Checks that still make sense on a route that failed type validation: the commodities."""
    route_id = raw.get("id") if isinstance(raw.get("id"), str) else None
    bad = {tuple(e["loc"][:2]) for e in err.errors() if e["loc"]}
    given: list[tuple[Loc, Any]] = [(("commodity",), raw.get("commodity"))]
    listed = raw.get("commodities")
    given += [(("commodities", c), v) for c, v in enumerate(listed if isinstance(listed, list) else [])]
    out = []
    for loc, commodity_id in given:
        if not isinstance(commodity_id, str) or loc in bad or loc[:1] in bad:
            continue
        try:
            commodities.commodity(commodity_id)
        except UnknownCommodityError as unknown:
            full: Loc = ("routes", index, *loc)
            out.append(Problem(label, None, route_id, field_name(full), str(unknown), loc=full))
    return out


def _hub_problems(cat: LoadedCatalogue, index: int, hub: Hub) -> list[Problem]:
    out: list[Problem] = []
    for c, commodity_id in enumerate(hub.commodities):
        try:
            commodities.commodity(commodity_id)
        except UnknownCommodityError as err:
            out.append(cat.problem(("hubs", index, "commodities", c), str(err)))
    out += _evidence_problems(cat, ("hubs", index), hub.evidence, None)
    return out


def _evidence_problems(
    cat: LoadedCatalogue, base: Loc, evidence: Sequence[Evidence], route: str | None
) -> list[Problem]:
    out: list[Problem] = []
    for e, ev in enumerate(evidence):
        words = len(ev.phrase.split())
        if words > MAX_PHRASE_WORDS:
            out.append(cat.problem(
                (*base, "evidence", e, "phrase"),
                f"phrase has {words} words; expected at most {MAX_PHRASE_WORDS} "
                "(a short verbatim locator, not a quotation of the passage)",
                route,
            ))
        if ev.source is not None and cat.source is not _SOURCELESS and ev.source != cat.source.id:
            out.append(cat.problem(
                (*base, "evidence", e, "source"),
                f"unknown source {ev.source!r}; this catalogue's source is {cat.source.id!r}",
                route,
            ))
    return out


def _route_problems(cat: LoadedCatalogue, index: int, route: Route) -> list[Problem]:
    """Rules that span fields of one route and need no gazetteer."""
    base: Loc = ("routes", index)
    out: list[Problem] = []

    def add(loc: Loc, message: str) -> None:
        out.append(cat.problem((*base, *loc), message, route.id))

    if route.commodity is not None and route.commodities is not None:
        add(("commodities",), "give either 'commodity' (one) or 'commodities' (a list), not both")
    elif route.commodity is None and route.commodities is None:
        add(("commodity",), "missing commodity; give 'commodity' or, where the statement names "
                            "several, 'commodities: [...]'")
    if route.commodity is not None:
        _check_commodity(route.commodity, ("commodity",), add)
    seen: set[str] = set()
    for c, commodity_id in enumerate(route.commodities or ()):
        if commodity_id in seen:
            add(("commodities", c), f"{commodity_id!r} is listed twice")
        seen.add(commodity_id)
        _check_commodity(commodity_id, ("commodities", c), add)
    if route.stages is not None and route.within is not None:
        add(("within",), "give either 'stages' (a flow from somewhere to somewhere) or "
                         "'within' (a flow inside one country or region), not both")
    elif route.stages is None and route.within is None:
        add(("stages",), "missing stages; give 'stages' (origin, transits, destination) or, "
                         "for a flow inside one country or region, 'within: <place>'")
    if route.by is not None and route.within is None:
        add(("by",), "a route's own 'by' goes with 'within'; on a route with stages, put "
                     "'by' on the stage the leg arrives at")
    if route.by is not None:
        for loc, msg in _mode_problems(route.by):
            add(("by", *loc), msg)
    stages = route.stage_list
    last = len(stages) - 1
    for s, stage in enumerate(stages):
        out += [cat.problem((*base, "stages", s, *loc), msg, route.id)
                for loc, msg in _stage_problems(stage, s, last)]
    if stages and all(stage.unstated for stage in stages):
        add(("stages",), "every stage is unstated; a route needs at least one named place")
    out += _evidence_problems(cat, base, route.evidence, route.id)
    return out


def _check_commodity(commodity_id: str, loc: Loc, add: Callable[[Loc, str], None]) -> None:
    try:
        commodities.commodity(commodity_id)
    except UnknownCommodityError as err:
        add(loc, str(err))


def _mode_problems(by: str | Sequence[str]) -> list[tuple[Loc, str]]:
    """A list of modes names each once, and ``land`` (road or rail) not beside road or rail."""
    if isinstance(by, str):
        return []
    out: list[tuple[Loc, str]] = []
    for m, mode in enumerate(by):
        if mode in by[:m]:
            out.append(((m,), f"{mode!r} is listed twice"))
        elif mode == "land" and ({"road", "rail"} & set(by)):
            out.append(((m,), "'land' means road or rail, not stated which; with 'road' or "
                              "'rail' in the list, drop it"))
    return out


def _stage_problems(stage: Stage, index: int, last: int) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    named = stage.place is not None or stage.any_of is not None
    if stage.place is not None and stage.any_of is not None:
        out.append((("any_of",), "a stage is either one place or 'any_of' several, not both"))
    if stage.unstated and named:
        field = "any_of" if stage.any_of is not None else "unstated"
        out.append(((field,), "a stage is either a named place or unstated, not both"))
    if not stage.unstated and not named:
        out.append((("place",), "missing place; name a gazetteer place, 'any_of: [...]' where "
                                "the report names several, or write 'unstated: true'"))
    for a, name in enumerate(stage.any_of or ()):
        if name in stage.any_of[:a]:  # type: ignore[index]
            out.append((("any_of", a), f"{name!r} is listed twice"))
    if stage.unstated and 0 < index < last:
        out.append(
            (("unstated",), "only the first (origin) or last (destination) stage may be unstated")
        )
    if stage.unstated and not stage.stated:
        out.append((("stated",), "an unstated stage cannot also be inferred"))
    if not stage.stated and stage.source is None:
        out.append(
            (("source",), "an inferred stage (stated: false) needs 'source': the citation it is inferred from")
        )
    if index == 0 and stage.modes:
        out.append(
            (("by",), f"the origin has no incoming leg; move 'by: {_by_text(stage.by)}' to the "
                      "next stage")
        )
    out += [(("by", *loc), msg) for loc, msg in _mode_problems(stage.by)]
    return out


def _by_text(by: str | Sequence[str]) -> str:
    return by if isinstance(by, str) else "[" + ", ".join(by) + "]"


def _duplicate_route_ids(catalogues: Sequence[LoadedCatalogue]) -> list[Problem]:
    first: dict[str, tuple[LoadedCatalogue, int]] = {}
    out: list[Problem] = []
    for cat in catalogues:
        for index, route in cat.routes:
            if route.id in first:
                other, other_index = first[route.id]
                loc: Loc = ("routes", index, "id")
                out.append(Problem(
                    cat.label, None, route.id, field_name(loc),
                    f"duplicate route id {route.id!r} (first used at {REF}); ids must be unique",
                    loc=loc, ref=(other.label, ("routes", other_index, "id"))))
            else:
                first[route.id] = (cat, index)
    return out


