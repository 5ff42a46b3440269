"""Load catalogue YAML files and check everything that needs no gazetteer.

Each problem names ``file:line``, the route and the field: the data comes from a fast YAML 1.2
parser, the lines from PyYAML's node tree, built only when a problem needs one (:class:`Lines`). Routes and declared places are validated one by one, so
one broken route never hides the problems of the others.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
import yaml_rs
from pydantic import ValidationError

from routes import commodities
from routes.errors import CatalogueError, Problem, UnknownCommodityError
from routes.model import (
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

log = logging.getLogger(__name__)

Loc = tuple[str | int, ...]


def builtin_catalogues() -> list[Path]:
    """The catalogues shipped with the tool (package data under ``routes/catalogue``)."""
    folder = resources.files("routes") / "catalogue"
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
        """Build a problem located at ``loc`` (a path into the document)."""
        return Problem(self.label, _line(self.lines, loc), route, _field_name(loc), message)


@dataclass
class LoadResult:
    catalogues: list[LoadedCatalogue]
    problems: list[Problem]


def load_catalogues(paths: Iterable[Path]) -> LoadResult:
    """Load and check every file; collect the problems of all of them."""
    result = LoadResult([], [])
    for path in paths:
        loaded, problems = _load_one(Path(path))
        result.problems.extend(problems)
        if loaded is not None:
            result.catalogues.append(loaded)
    result.problems.extend(_duplicate_route_ids(result.catalogues))
    return result


def load_catalogue(path: Path) -> LoadedCatalogue:
    """Load one file, raising :class:`CatalogueError` with every problem found."""
    result = load_catalogues([path])
    if result.problems:
        raise CatalogueError(result.problems)
    return result.catalogues[0]


# --- reading YAML with positions -------------------------------------------------------------


def _load_one(path: Path) -> tuple[LoadedCatalogue | None, list[Problem]]:
    label = str(path)

    def fail(message: str, line: int | None = None) -> tuple[None, list[Problem]]:
        return None, [Problem(label, line, None, None, message)]

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return fail("file not found; expected a catalogue YAML file")
    except IsADirectoryError:
        return fail("is a directory; expected a catalogue YAML file")
    except UnicodeDecodeError as err:
        return fail(f"not UTF-8 text (byte {err.start}); save the catalogue as UTF-8")
    except OSError as err:
        return fail(f"cannot read: {err.strerror or err}")
    try:
        data, lines, structural = _parse(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        detail = getattr(err, "problem", None) or str(err)
        return fail(f"YAML syntax error: {detail}", line)
    except RecursionError:
        return fail("YAML nesting is too deep to be a catalogue")
    except _UnreadableError as err:
        return fail(f"YAML syntax error: {err}", err.line)
    except ValueError as err:  # a scalar that cannot be converted (an integer of 5,000 digits)
        return fail(f"a value cannot be read: {err}")
    if structural:
        return None, [Problem(label, line, None, None, msg) for line, msg in structural]
    if data is None:
        return fail("file is empty; expected a mapping with 'source' and 'routes'")
    if not isinstance(data, dict):
        return fail(
            f"expected a mapping with 'source' and 'routes' at the top level, "
            f"found {_kind(data)}",
            1,
        )
    return _validate(path, data, lines)


def _parse(text: str) -> tuple[Any, Lines, list[tuple[int, str]]]:
    """Parse YAML safely, returning the data, the line of every path, and structural problems.

    Data comes from ``yaml_rs`` (a YAML 1.2 core-schema parser written in Rust: about 12 times
    faster than libyaml through PyYAML on a 9 MB catalogue, and it builds no node tree). PyYAML
    is only asked when something needs positions: the lines of a problem (:class:`Lines`, built
    on first use, which a valid catalogue never makes) and the exact message and line of a
    structural problem (merge keys, anchors and aliases, duplicate keys, a syntax error).
    """
    text = text.removeprefix("\ufeff")  # a byte-order mark is not part of the first key
    lines = Lines(text)
    try:
        data = yaml_rs.loads(text, parse_datetime=True, alias_limits=_NO_ALIASES,
                             duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
    except yaml_rs.YAMLDecodeError as err:
        structural = lines.structural()  # raises yaml.YAMLError for a syntax error, with its line
        if structural:
            return None, lines, structural
        raise _UnreadableError(str(err).split("\n", 1)[0], _rs_line(str(err))) from err
    # a list is also what yaml_rs returns for several documents; "<<" may be a merge key, which
    # YAML 1.2 reads as an ordinary key: PyYAML decides both (rarely needed, so cheap overall)
    if not isinstance(data, dict) or "<<" in text:
        structural = lines.structural()
        if structural:
            return None, lines, structural
    return data, lines, []


class _UnreadableError(ValueError):
    """YAML that yaml_rs refuses and PyYAML accepts: yaml_rs's reason and line."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def _rs_line(message: str) -> int | None:
    found = re.search(r"\bline (\d+)", message)
    return int(found.group(1)) if found else None


class Lines:
    """The line of every path of a document, indexed from PyYAML's node tree when first needed.

    Valid catalogues never look a line up, so they never pay for a second parse. Mapping-like:
    ``loc in lines`` and ``lines[loc]``; a document PyYAML cannot read has no lines.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: dict[Loc, int] | None = None
        self._structural: list[tuple[int, str]] = []

    def structural(self) -> list[tuple[int, str]]:
        """Merge keys, aliases and duplicate keys found; raises ``yaml.YAMLError`` on bad syntax."""
        self._build(strict=True)
        return self._structural

    def _build(self, strict: bool = False) -> dict[Loc, int]:
        if self._lines is None:
            lines: dict[Loc, int] = {}
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(self._text)
            try:
                node = loader.get_single_node()
                if node is not None:
                    _index(node, (), lines, self._structural, set())
            except (yaml.YAMLError, RecursionError):
                if strict:
                    raise
            finally:
                loader.dispose()
            self._lines = lines
        return self._lines

    def __contains__(self, loc: object) -> bool:
        return loc in self._build()

    def __getitem__(self, loc: Loc) -> int:
        return self._build()[loc]


#: yaml_rs replays an alias as the anchored events; no replay at all means any alias fails.
_NO_ALIASES = yaml_rs.AliasLimits(max_total_replayed_events=0)


def _index(
    node: yaml.Node,
    loc: Loc,
    lines: dict[Loc, int],
    problems: list[tuple[int, str]],
    seen: set[int],
) -> None:
    if id(node) in seen:
        problems.append((node.start_mark.line + 1, "anchors and aliases (& and *) are not supported"))
        return
    seen.add(id(node))
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append((key_node.start_mark.line + 1, "merge keys (<<) are not supported"))
                continue
            if key in keys:
                problems.append(
                    (key_node.start_mark.line + 1, f"duplicate key {key!r} in the same mapping")
                )
            keys.add(key)
            _index(value_node, (*loc, key), lines, problems, seen)
            # a field's line is its key's (the value may start on the next line)
            lines[loc + (key,)] = key_node.start_mark.line + 1  # noqa: RUF005  (mypy reads (*loc, key) as 3.11 syntax here)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*loc, i), lines, problems, seen)


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
        problems += _pydantic_problems(label, err, (), lines, data)

    # a broken source block (or a stray top-level key) must not hide the routes' own problems
    raw_routes = head.routes if head is not None else _list_or_empty(data.get("routes"))
    raw_places = head.places if head is not None else _list_or_empty(data.get("places"))
    routes: list[tuple[int, Route]] = []
    invalid: list[tuple[int, dict[str, Any]]] = []
    for i, raw in enumerate(raw_routes):
        loc: Loc = ("routes", i)
        try:
            routes.append((i, Route.model_validate(raw)))
        except ValidationError as err:
            problems += _pydantic_problems(label, err, loc, lines, data)
            if isinstance(raw, dict):
                invalid.append((i, raw))
                problems += _invalid_route_problems(label, lines, i, raw, err)
    places: list[tuple[int, PlaceDecl]] = []
    for i, raw in enumerate(raw_places):
        try:
            places.append((i, PlaceEntry.model_validate({"place": raw}).place))
        except ValidationError as err:
            problems += _pydantic_problems(label, err, ("places", i), lines, data, strip=1)

    hubs: list[tuple[int, Hub]] = []
    for i, raw in enumerate(head.hubs if head is not None else _list_or_empty(data.get("hubs"))):
        try:
            hubs.append((i, Hub.model_validate(raw)))
        except ValidationError as err:
            problems += _pydantic_problems(label, err, ("hubs", i), lines, data)

    source = head.source if head is not None else _SOURCELESS
    loaded = LoadedCatalogue(path, source, places, routes, lines, hubs, invalid)
    for index, route in routes:
        problems += _route_problems(loaded, index, route)
    for index, hub in hubs:
        problems += _hub_problems(loaded, index, hub)
    return (loaded if head is not None else None), problems


def _list_or_empty(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


#: Stands in for a source block that failed validation, so that routes can still be checked;
#: a catalogue built on it is never returned, and evidence ``source`` ids are not checked against it.
_SOURCELESS = Source.model_construct(id="", sha256="", title="", publisher="",
                                     reporting_country="")


def _invalid_route_problems(label: str, lines: Lines, index: int, raw: dict[str, Any],
                            err: ValidationError) -> list[Problem]:
    """Checks that still make sense on a route that failed type validation: the commodity."""
    commodity_id = raw.get("commodity")
    route_id = raw.get("id") if isinstance(raw.get("id"), str) else None
    bad_fields = {str(e["loc"][0]) for e in err.errors() if e["loc"]}
    if not isinstance(commodity_id, str) or "commodity" in bad_fields:
        return []
    try:
        commodities.commodity(commodity_id)
    except UnknownCommodityError as unknown:
        loc: Loc = ("routes", index, "commodity")
        return [Problem(label, _line(lines, loc), route_id, _field_name(loc), str(unknown))]
    return []


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

    try:
        commodities.commodity(route.commodity)
    except UnknownCommodityError as err:
        add(("commodity",), str(err))
    last = len(route.stages) - 1
    for s, stage in enumerate(route.stages):
        out += [cat.problem((*base, "stages", s, *loc), msg, route.id)
                for loc, msg in _stage_problems(stage, s, last)]
    if all(stage.unstated for stage in route.stages):
        add(("stages",), "every stage is unstated; a route needs at least one named place")
    out += _evidence_problems(cat, base, route.evidence, route.id)
    return out


def _stage_problems(stage: Stage, index: int, last: int) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    if stage.unstated and stage.place is not None:
        out.append((("unstated",), "a stage is either a named place or unstated, not both"))
    if not stage.unstated and stage.place is None:
        out.append((("place",), "missing place; name a gazetteer place or write 'unstated: true'"))
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
    if index == 0 and stage.by != "unspecified":
        out.append(
            (("by",), f"the origin has no incoming leg; move 'by: {stage.by}' to the next stage")
        )
    return out


def _duplicate_route_ids(catalogues: Sequence[LoadedCatalogue]) -> list[Problem]:
    first: dict[str, tuple[LoadedCatalogue, int]] = {}
    out: list[Problem] = []
    for cat in catalogues:
        for index, route in cat.routes:
            if route.id in first:
                other, other_index = first[route.id]
                where = f"{other.label}:{_line(other.lines, ('routes', other_index, 'id'))}"
                out.append(
                    cat.problem(
                        ("routes", index, "id"),
                        f"duplicate route id {route.id!r} (first used at {where}); ids must be unique",
                        route.id,
                    )
                )
            else:
                first[route.id] = (cat, index)
    return out


# --- turning pydantic errors into problems ------------------------------------------------------


def _pydantic_problems(
    label: str,
    err: ValidationError,
    prefix: Loc,
    lines: Lines,
    data: dict[str, Any],
    strip: int = 0,
) -> list[Problem]:
    route_id = _route_id(data, prefix)
    out = []
    for item in err.errors(include_url=False):
        raw_loc = tuple(item["loc"])[strip:]
        # a discriminated union adds the tag ("city") to the path: drop it
        loc = tuple(p for p in raw_loc if not (isinstance(p, str) and p in {"city", "port", "region", "corridor"}))
        full: Loc = (*prefix, *loc)
        parent = _parent_name((*prefix, *raw_loc))
        out.append(
            Problem(label, _line(lines, full), route_id, _field_name(full), _explain(item, parent))
        )
    return out


def _explain(item: Any, parent: str) -> str:
    kind = item["type"]
    value = item.get("input")
    loc = item["loc"]
    name = str(loc[-1]) if loc else "value"
    ctx = item.get("ctx") or {}
    if kind == "missing":
        return f"missing required field {name!r}"
    if kind == "extra_forbidden":
        return f"unknown field {name!r}" + _did_you_mean(name, parent)
    if kind == "union_tag_invalid":
        return (f"unknown place kind {ctx.get('tag')!r}; expected one of "
                f"{ctx.get('expected_tags')}")
    if kind == "union_tag_not_found":
        return "missing 'kind' (city, port, region or corridor)"
    msg = str(item["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind == "string_pattern_mismatch" and name in {"id", "flow", "commodity", "source"}:
        msg = "expected a lowercase slug of letters, digits and hyphens (e.g. 'heroin-balkan-route')"
    return f"{msg[0].lower()}{msg[1:]} (found {_short(value)})" + _hint(kind, name, value)


_TOO_SHORT_HINTS = {
    "stages": "; a route needs an origin and a destination ('unstated: true' marks an end "
              "the report does not name)",
    "evidence": "; cite at least one passage: section, phrase and summary",
    "routes": "; a catalogue needs at least one route",
}


def _hint(kind: str, name: str, value: Any) -> str:
    """The likely fix for the common type mistakes."""
    if value is None and kind.endswith("_type"):
        return "; the value is empty: fill it in or remove the key"
    if kind in {"int_type", "float_type", "bool_type"} and isinstance(value, str):
        return "; write the value without quotes"
    if kind == "list_type" and not isinstance(value, dict):
        return "; write a YAML list, one '- ' item per line"
    if kind == "string_type" and not isinstance(value, (dict, list)):
        return "; put the text in quotes"
    if kind == "too_short":
        return _TOO_SHORT_HINTS.get(name, "")
    return ""


def _did_you_mean(name: str, parent: str) -> str:
    candidates = _FIELDS_BY_PARENT.get(parent, ())
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    expected = f"; expected one of: {', '.join(candidates)}" if candidates else ""
    return (f"; did you mean {close[0]!r}?" if close else "") + expected


def _parent_name(loc: tuple[Any, ...]) -> str:
    for part in reversed(loc[:-1]):
        if isinstance(part, str):
            return part
    return ""


_FIELDS_BY_PARENT: dict[str, tuple[str, ...]] = {
    "": ("source", "places", "hubs", "routes"),
    "hubs": ("place", "commodities", "summary", "evidence"),
    "source": tuple(Source.model_fields),
    "routes": tuple(Route.model_fields),
    "stages": tuple(Stage.model_fields),
    "evidence": ("section", "phrase", "summary", "source"),
    "city": ("kind", "name", "country", "lon", "lat", "locode", "aliases", "source"),
    "port": ("kind", "name", "country", "lon", "lat", "locode", "aliases", "source"),
    "region": ("kind", "name", "members", "aliases", "source"),
    "corridor": ("kind", "name", "waypoints", "aliases", "source"),
}


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    try:
        text = repr(value)
    except ValueError:  # an integer too long for str() (Python's int_max_str_digits)
        return "a number too long to show"
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return f"a {type(value).__name__}"


def _route_id(data: dict[str, Any], prefix: Loc) -> str | None:
    if len(prefix) == 2 and prefix[0] == "routes" and isinstance(prefix[1], int):
        routes = data.get("routes")
        if isinstance(routes, list) and prefix[1] < len(routes):
            item = routes[prefix[1]]
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                return str(item["id"])
    return None


def _line(lines: Lines, loc: Loc) -> int | None:
    """The line of ``loc``, or of its nearest ancestor that has one."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _field_name(loc: Loc) -> str | None:
    """Render a path inside a route (or the file) as ``stages[2].place``."""
    parts = list(loc)
    if len(parts) >= 2 and parts[0] in {"routes", "places"} and isinstance(parts[1], int):
        parts = parts[2:] if parts[0] == "routes" else parts
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text or None
