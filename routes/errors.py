"""Every exception of the tool, and the problem list that validation reports.

Validation never stops at the first mistake: every check appends a :class:`Problem`, and the
boundary raises one :class:`CatalogueError` carrying all of them, so an analyst fixes a file in
one pass instead of one error per run.

The exceptions, by who meets them:

* the analyst's input: :class:`CatalogueError` (every problem of a set of catalogues),
  :class:`UnknownPlaceError`, :class:`UnknownCommodityError`, :class:`SourceTextError`;
* the output folder: :class:`OutputRefusedError` (it holds what a build did not write);
* the tool's own data or code: :class:`GazetteerError` (inconsistent gazetteer data),
  :class:`SeaRoutingError` (no shipping-lane path; the caller falls back to a great circle),
  :class:`AtlasError` (the hand-off broke one of its promises: a bug).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: A path into a YAML document: ``("routes", 3, "stages", 1, "place")``.
Loc = tuple[str | int, ...]

#: Where a problem's message names another place in the files ("first used at FILE:LINE"):
#: filled in with that place when lines are looked up. A NUL cannot occur in catalogue text.
REF = "\x00ref\x00"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a catalogue, located as precisely as the input allows.

    ``loc`` (the path in the document) is how a line is found for a problem built before any
    line is known: every problem of a file gets its line in one pass over the file at the end
    (:func:`routes.load.locate`). ``ref`` names another path (file, path) whose
    ``FILE:LINE`` replaces :data:`REF` in the message then.
    """

    file: str
    line: int | None
    route: str | None
    field: str | None
    message: str
    loc: Loc | None = dataclasses.field(default=None, compare=False, repr=False)
    ref: tuple[str, Loc] | None = dataclasses.field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.route is not None:
            parts.append(f"route {self.route!r}")
        if self.field:
            parts.append(self.field)
        return ": ".join(parts) + ": " + self.message


#: A problem repeated more often than this in one file is shown this many times, then counted.
REPEATS_SHOWN = 3


class CatalogueError(ValueError):
    """A catalogue (or a set of them) is invalid; ``problems`` lists every finding.

    The message lists them all, except that the same problem repeated in many places of one
    file (10,000 routes naming one unknown place) is shown :data:`REPEATS_SHOWN` times and
    then counted, with the lines of the rest: ``problems`` itself keeps every one.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = sorted(
            set(problems), key=lambda p: (p.file, p.line or 0, p.route or "", p.field or "", p.message)
        )
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} found:"]
        lines += _compact(self.problems)
        super().__init__("\n".join(lines))


def _compact(problems: Sequence[Problem]) -> list[str]:
    groups: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for p in problems:
        groups[(p.file, p.message)].append(p)
    out = []
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for p in problems:
        key = (p.file, p.message)
        group = groups[key]
        rank = seen[key] if len(group) > REPEATS_SHOWN + 1 else 0
        seen[key] += 1
        if rank < REPEATS_SHOWN:
            out.append(f"  {p}")
        elif rank == REPEATS_SHOWN:
            rest = group[REPEATS_SHOWN:]
            where = sorted({q.line for q in rest if q.line is not None})
            shown = ", ".join(str(n) for n in where[:20]) + (", ..." if len(where) > 20 else "")
            out.append(f"  {p.file}: the same problem {len(rest)} more times"
                       + (f", at lines {shown}" if where else "") + f": {p.message}")
    return out


class UnknownPlaceError(LookupError):
    """A place name is not in the gazetteer; ``suggestions`` holds the closest known names,
    ``notes`` what a suggestion is where its name does not say (a region's extent), and
    ``hint`` what to do when none is meant (declare the place)."""

    def __init__(self, name: str, suggestions: Sequence[str],
                 notes: Mapping[str, str] | None = None, hint: str | None = None) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        notes = notes or {}
        shown = [f"{s!r} ({notes[s]})" if s in notes else repr(s) for s in self.suggestions]
        message = f"unknown place {name!r}"
        if shown:
            message += "; did you mean " + (
                shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]) + "?"
        if hint:
            message += (" " if shown else ". ") + hint
        super().__init__(message)


class UnknownCommodityError(LookupError):
    """A commodity id is not in the vocabulary."""

    def __init__(self, commodity: str, suggestions: Sequence[str], known: Sequence[str]) -> None:
        self.commodity = commodity
        hint = f"; did you mean {_or_list(suggestions)}?" if suggestions else ""
        super().__init__(
            f"unknown commodity {commodity!r}{hint} (known: {', '.join(known)})"
        )


class SourceTextError(ValueError):
    """The source text given for the evidence check cannot be used (unreadable, wrong edition)."""


def _or_list(items: Sequence[str]) -> str:
    quoted = [repr(i) for i in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


class GazetteerError(ValueError):
    """The gazetteer's own data is inconsistent (two places claim one name, say)."""


class SeaRoutingError(RuntimeError):
    """No usable shipping-lane path between two points.

    Raised for invalid input (NaN, latitude outside [-90, 90]), for any exception raised inside
    ``searoute``, and for an empty or non-finite result. The caller is expected to fall back to
    a geodesic and warn; the message names both points so that warning can be acted on.
    """


class OutputRefusedError(RuntimeError):
    """The output folder cannot be replaced: it holds something this tool did not write, or it
    is a folder that must never be replaced. The message says which and what to do."""


class AtlasError(RuntimeError):
    """The Atlas broke one of the promises renderers rely on (a bug in the builder)."""
