"""Check evidence phrases against the text of the report they quote.

A phrase passes when it occurs, verbatim up to white space, line-break hyphenation and
typographic quotes, inside the section its evidence names. Sections are the report's own
headings: lines written in capitals (``DRUGS``, ``CRIMINAL ACTORS``...).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from trafficking_route_mapper.routes.errors import Problem, SourceTextError
from trafficking_route_mapper.routes.load import LoadedCatalogue
from trafficking_route_mapper.routes.model import Evidence

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "−": "-", "–": "-", "—": "-"})
_HEADING = re.compile(r"^[A-Z][A-Z &,/'’-]{2,}$")


def normalize(text: str) -> str:
    """Fold what typesetting changes but an author did not: quotes, dashes, breaks, spacing."""
    text = text.translate(_QUOTES)
    text = re.sub(r"-\s*\n\s*", "-", text)  # "Belgian-\nproduced" -> "Belgian-produced"
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class SourceText:
    """A report's text split into its headed sections."""

    sha256: str
    sections: dict[str, str]

    @classmethod
    def read(cls, path: Path) -> SourceText:
        try:
            raw = path.read_bytes()
        except OSError as err:
            raise SourceTextError(f"{path}: cannot read the source text: {err.strerror or err}") from err
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise SourceTextError(f"{path}: the source text is not UTF-8") from err
        return cls.parse(text, hashlib.sha256(raw).hexdigest())

    @classmethod
    def parse(cls, text: str, sha256: str = "") -> SourceText:
        sections: dict[str, list[str]] = {}
        current = ""
        for line in text.splitlines():
            stripped = line.strip()
            if _HEADING.match(stripped):
                current = heading_key(stripped)
                sections.setdefault(current, [])
            else:
                sections.setdefault(current, []).append(line)
        return cls(sha256, {k: normalize("\n".join(v)) for k, v in sections.items()})

    def find(self, section: str, phrase: str) -> bool:
        body = self.sections.get(heading_key(section))
        return body is not None and normalize(phrase) in body


def heading_key(heading: str) -> str:
    return normalize(heading).upper()


def check_evidence(cat: LoadedCatalogue, text: SourceText) -> list[Problem]:
    """Every evidence phrase of ``cat`` must stand in its named section of ``text``."""
    problems: list[Problem] = []
    if text.sha256 and text.sha256 != cat.source.sha256:
        problems.append(
            cat.problem(
                ("source", "sha256"),
                f"the source text given has SHA-256 {text.sha256}, not the catalogue's "
                f"{cat.source.sha256}: is it the same edition of the report?",
            )
        )
    headings = sorted(k for k in text.sections if k)
    cited: list[tuple[tuple[str | int, ...], str | None, list[Evidence]]] = [
        (("routes", index), route.id, list(route.evidence)) for index, route in cat.routes
    ] + [(("hubs", index), None, list(hub.evidence)) for index, hub in cat.hubs]
    for base, route_id, evidence in cited:
        for e, ev in enumerate(evidence):
            if text.find(ev.section, ev.phrase):
                continue
            loc = (*base, "evidence", e)
            if heading_key(ev.section) not in text.sections:
                message = (f"section {ev.section!r} is not a heading of the source text; "
                           f"expected one of: {', '.join(headings)}")
                problems.append(cat.problem((*loc, "section"), message, route_id))
                continue
            elsewhere = [h for h in headings if text.find(h, ev.phrase)]
            hint = (f"; it stands in section {elsewhere[0]!r}" if elsewhere
                    else "; copy the words exactly as the report prints them")
            problems.append(
                cat.problem(
                    (*loc, "phrase"),
                    f"phrase {ev.phrase!r} is not in section {ev.section!r} of the source text{hint}",
                    route_id,
                )
            )
    return problems
