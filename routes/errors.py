"""Domain exceptions and the problem list that validation reports.

Validation never stops at the first mistake: every check appends a :class:`Problem`, and the
boundary raises one :class:`CatalogueError` carrying all of them, so an analyst fixes a file in
one pass instead of one error per run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a catalogue, located as precisely as the input allows."""

    file: str
    line: int | None
    route: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.route is not None:
            parts.append(f"route {self.route!r}")
        if self.field:
            parts.append(self.field)
        return ": ".join(parts) + ": " + self.message


class CatalogueError(ValueError):
    """A catalogue (or a set of them) is invalid; ``problems`` lists every finding."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = sorted(
            set(problems), key=lambda p: (p.file, p.line or 0, p.route or "", p.field or "", p.message)
        )
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} found:"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class UnknownPlaceError(LookupError):
    """A place name is not in the gazetteer; ``suggestions`` holds the closest known names."""

    def __init__(self, name: str, suggestions: Sequence[str]) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        hint = f"; did you mean {_or_list(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown place {name!r}{hint}")


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
