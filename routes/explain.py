"""pydantic's validation errors as problems an analyst can act on.

pydantic says "Input should be a valid list" at ``('routes', 0, 'stages')``; the analyst needs
the field (``stages``), what was found (``a string``) and the fix ("write a YAML list, one ``-``
item per line"). Lines are found later, for every problem at once (:mod:`routes.load`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from trafficking_route_mapper.routes.errors import Loc, Problem
from trafficking_route_mapper.routes.model import (
    BIDI_CONTROLS,
    LINE_PATTERN,
    NAME_PATTERN,
    PROSE_PATTERN,
    Route,
    Source,
    Stage,
)
from trafficking_route_mapper.routes.reading import describe_character


def pydantic_problems(
    label: str,
    err: ValidationError,
    prefix: Loc,
    data: Mapping[str, Any],
    strip: int = 0,
) -> list[Problem]:
    """One problem per error of ``err``, located under ``prefix`` in the document ``data``.

    ``strip`` drops that many leading parts of pydantic's own paths (a wrapper model's field).
    """
    route_id = route_id_at(data, prefix)
    out = []
    for item in _one_branch(err.errors(include_url=False)):
        raw_loc = tuple(item["loc"])[strip:]
        # a discriminated union adds the tag ("city") to the path: drop it
        loc = tuple(p for p in raw_loc if not (isinstance(p, str) and p in _PLACE_KINDS))
        full: Loc = (*prefix, *loc)
        parent = _parent_name((*prefix, *raw_loc))
        out.append(Problem(label, None, route_id, field_name(full), _explain(item, parent),
                           loc=full))
    return out


_PLACE_KINDS = frozenset({"city", "port", "region", "corridor"})


def _branch(part: Any) -> bool:
    """Whether a path part is pydantic's name of a union member (``list[...]``, ``literal[...]``)."""
    return isinstance(part, str) and part.endswith("]") and "[" in part


def _one_branch(errors: list[Any]) -> list[Any]:
    """A field that takes one value or a list (``by: road`` or ``by: [road, sea]``) fails once
    per form; keep the errors of the form the value was written in, without pydantic's name of
    that form in the path."""
    out = []
    for item in errors:
        loc = tuple(item["loc"])
        at = next((i for i, part in enumerate(loc) if _branch(part)), None)
        if at is None:
            out.append(item)
            continue
        as_list = loc[at].startswith("list[")
        if as_list != isinstance(_value_at(item, loc, at), list):
            continue
        out.append({**item, "loc": loc[:at] + loc[at + 1:]})
    return out


def _value_at(item: Any, loc: tuple[Any, ...], at: int) -> Any:
    """The value the union was given: the error's input where the error is on the union itself,
    else (an error inside a list member) a list."""
    return item.get("input") if at == len(loc) - 1 else []


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
    if kind == "too_short":
        wanted, found = ctx.get("min_length"), ctx.get("actual_length")
        return (f"expected at least {wanted} item{'' if wanted == 1 else 's'}, found {found}"
                + _hint(kind, name, value))
    if kind == "too_long":
        wanted, found = ctx.get("max_length"), ctx.get("actual_length")
        return f"expected at most {wanted} items, found {found}" + _hint(kind, name, value)
    msg = str(item["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in _TEXT_KINDS:
        return _bad_character(str(value), _TEXT_KINDS[ctx["pattern"]]) + f" (found {short(value)})"
    if kind == "string_pattern_mismatch" and name in {"id", "flow", "commodity", "source"}:
        msg = "expected a lowercase slug of letters, digits and hyphens (e.g. 'heroin-balkan-route')"
    return f"{msg[0].lower()}{msg[1:]} (found {short(value)})" + _hint(kind, name, value)


#: The text patterns of routes.model and the kind of text each is for.
_TEXT_KINDS = {NAME_PATTERN: "name", LINE_PATTERN: "line", PROSE_PATTERN: "prose"}
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def _bad_character(text: str, kind: str) -> str:
    """Which character a text field refuses, where, and why (see routes.model)."""
    for position, char in enumerate(text.strip(), 1):
        category = unicodedata.category(char)
        where = f"contains {describe_character(char)} at character {position}"
        if _BIDI.match(char):
            return (f"{where}: a bidirectional control can make the text display in another "
                    "order than it is stored; remove it")
        if char in "\n\t" and kind == "prose":
            continue
        if char in "\n\u2028\u2029":
            return f"{where}: a line break, but this field is one line; remove it"
        if category == "Cc":
            return f"{where}: control characters are not text; remove it"
        if category in ("Cf", "Zl", "Zp") and kind == "name":
            return (f"{where}: an invisible character makes a name differ from the same name "
                    "typed plainly; remove it")
    return "contains a character this field does not allow"


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
    if kind == "string_too_long":
        return "; shorten it (the README lists the limit of every text field)"
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
    "evidence": ("section", "phrase", "summary", "source", "offset"),
    "city": ("kind", "name", "country", "lon", "lat", "locode", "aliases", "source"),
    "port": ("kind", "name", "country", "lon", "lat", "locode", "aliases", "source"),
    "region": ("kind", "name", "members", "aliases", "source"),
    "corridor": ("kind", "name", "waypoints", "aliases", "source"),
}


def short(value: Any) -> str:
    """A value as a message shows it: its kind for containers, else its repr, shortened."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    try:
        text = repr(value)
    except ValueError:  # an integer too long for str() (Python's int_max_str_digits)
        return "a number too long to show"
    return text if len(text) <= 60 else text[:57] + "..."


def kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return f"a {type(value).__name__}"


def route_id_at(data: Mapping[str, Any], prefix: Loc) -> str | None:
    """The id of the route at ``prefix`` (``("routes", i)``), where the document has one."""
    if len(prefix) == 2 and prefix[0] == "routes" and isinstance(prefix[1], int):
        routes = data.get("routes")
        if isinstance(routes, list) and prefix[1] < len(routes):
            item = routes[prefix[1]]
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                return str(item["id"])
    return None


def field_name(loc: Loc) -> str | None:
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
