"""Evidence phrases anchored in the text of the report they quote.

Given the report's text (``--source-text``), every evidence phrase is looked up in it and
anchored: its character offsets in the text and the words around it, in the shape of the W3C
Web Annotation Data Model's selectors (``TextPositionSelector``: start and end offsets, in
Unicode code points of the text as read; ``TextQuoteSelector``: the exact text with a prefix and
a suffix). The anchors are carried by the Atlas and exported with the evidence, so that a reader
can find the passage in the report, or a tool can highlight it.

A phrase matches the text verbatim up to what typesetting changes but an author did not:
typographic quotes and dashes, line breaks and runs of white space, a word hyphenated at a
line break ("Belgian-" / "produced"). Case and words must match.

Sections are optional. A report's headings are its lines written in capitals (``DRUGS``,
``CRIMINAL ACTORS``: at least three characters, letters, spaces and ``& , / ' -``); an evidence
item that names a ``section`` must stand in that section, one without is looked for in the whole
text (a press release or a web page has no headings). An item may pin the occurrence it means
with ``offset`` (the start a previous check reported); it is then checked to start there.

A phrase that is not found is reported with the closest passage of the text (rapidfuzz's
partial alignment), so that a wrong word is fixed at a glance.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from trafficking_route_mapper.routes.errors import Loc, Problem, SourceTextError
from trafficking_route_mapper.routes.load import LoadedCatalogue
from trafficking_route_mapper.routes.model import Evidence

_QUOTES = {"’": "'", "‘": "'", "“": '"', "”": '"', "−": "-", "–": "-", "—": "-"}
HEADING = re.compile(r"^[A-Z][A-Z &,/'’-]{2,}$")  # a heading line, stripped
#: Characters of context around an anchored phrase (the W3C model leaves the length open; a
#: few words are enough to tell two occurrences apart).
CONTEXT_CHARS = 32
#: Lowest rapidfuzz partial-alignment score (0-100) for a passage to be offered as the closest.
CLOSEST_SCORE = 60


def fold(text: str) -> tuple[str, list[int]]:
    """The matching form of ``text`` and, for each of its characters, the offset in ``text`` of
    the character it stands for: quotes and dashes plain, white space runs one space, a
    hyphen at a line break joined to the next line, no space at either end."""
    out: list[str] = []
    where: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            joined = out and out[-1] == "-" and ("\n" in text[i:j] or "\r" in text[i:j])
            if out and not joined and j < n:
                out.append(" ")
                where.append(i)
            i = j
            continue
        out.append(_QUOTES.get(c, c))
        where.append(i)
        i += 1
    return "".join(out), where


def normalize(text: str) -> str:
    """:func:`fold` without the offsets."""
    return fold(text)[0]


def heading_key(heading: str) -> str:
    return normalize(heading).upper()


@dataclass(frozen=True)
class Anchor:
    """Where an evidence phrase stands in its report's text (W3C Web Annotation selectors)."""

    start: int  # TextPositionSelector: offset of the first character, in code points
    end: int  # one past the last
    exact: str  # TextQuoteSelector: the text as the report prints it (line breaks included)
    prefix: str
    suffix: str
    line: int  # 1-based line of the start, for messages


@dataclass(frozen=True)
class Section:
    key: str  # heading_key of the heading
    start: int  # folded offsets of the section's body: [start, end)
    end: int


@dataclass(frozen=True)
class SourceText:
    """A report's text, folded for matching, with its headed sections."""

    sha256: str
    text: str
    folded: str
    where: tuple[int, ...]
    sections: tuple[Section, ...]

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
        return cls.parse(text.removeprefix("\ufeff"), hashlib.sha256(raw).hexdigest())

    @classmethod
    def parse(cls, text: str, sha256: str = "") -> SourceText:
        folded, where = fold(text)
        sections = []
        heads = [(m.start(), m.end(), heading_key(m.group().strip()))
                 for m in heading_lines(text)]
        for k, (_, end, key) in enumerate(heads):
            body_end = heads[k + 1][0] if k + 1 < len(heads) else len(text)
            sections.append(Section(key, _folded_at(where, end), _folded_at(where, body_end)))
        return cls(sha256, text, folded, tuple(where), tuple(sections))

    @property
    def headings(self) -> list[str]:
        return sorted({s.key for s in self.sections})

    def spans(self, section: str | None) -> list[tuple[int, int]]:
        """The folded [start, end) ranges to look in: a section (every one under that heading),
        or the whole text."""
        if section is None:
            return [(0, len(self.folded))]
        key = heading_key(section)
        return [(s.start, s.end) for s in self.sections if s.key == key]

    def occurrences(self, phrase: str, section: str | None = None) -> list[Anchor]:
        """Every place the phrase stands, in ``section`` or anywhere, in order."""
        needle = normalize(phrase)
        out = []
        for lo, hi in self.spans(section):
            at = self.folded.find(needle, lo, hi)
            while needle and at >= 0 and at + len(needle) <= hi:
                out.append(self.anchor(at, at + len(needle)))
                at = self.folded.find(needle, at + 1, hi)
        return out

    def find(self, section: str | None, phrase: str) -> bool:
        return bool(self.occurrences(phrase, section))

    def anchor(self, lo: int, hi: int) -> Anchor:
        """The anchor of the folded range [lo, hi)."""
        start, end = self.where[lo], self.where[hi - 1] + 1
        return Anchor(start, end, self.text[start:end],
                      self.text[max(0, start - CONTEXT_CHARS):start],
                      self.text[end:end + CONTEXT_CHARS],
                      self.text.count("\n", 0, start) + 1)

    def closest(self, phrase: str, section: str | None = None) -> tuple[Anchor, float] | None:
        """The passage most like ``phrase`` (in ``section``, or anywhere) and its score."""
        from rapidfuzz import fuzz

        best: tuple[Anchor, float] | None = None
        needle = normalize(phrase)
        for lo, hi in self.spans(section):
            found = fuzz.partial_ratio_alignment(needle, self.folded[lo:hi],
                                                 score_cutoff=CLOSEST_SCORE)
            if found is not None and found.dest_end > found.dest_start and (
                    best is None or found.score > best[1]):
                start, end = self._words(lo + found.dest_start, lo + found.dest_end, lo, hi)
                best = (self.anchor(start, end), found.score)
        return best

    def _words(self, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
        """[start, end) widened to whole words, within [lo, hi)."""
        text = self.folded
        while start > lo and not text[start - 1].isspace():
            start -= 1
        while end < hi and not text[end].isspace():
            end += 1
        return start, end


def heading_lines(text: str) -> Iterator[re.Match[str]]:
    """The report's heading lines (see the module docstring), as matches over ``text``."""
    for m in re.finditer(r"^[^\n]*$", text, re.M):
        if HEADING.match(m.group().strip()):
            yield m


def _folded_at(where: Sequence[int], offset: int) -> int:
    """The first folded position whose character lies at or after ``offset`` of the text."""
    return bisect.bisect_left(where, offset)


@dataclass
class Anchored:
    """What checking a catalogue against its text found: the anchor of each evidence item (by
    its location, ``("routes", i, "evidence", e)``), and the problems."""

    anchors: dict[Loc, Anchor]
    problems: list[Problem]


def anchor_evidence(cat: LoadedCatalogue, text: SourceText) -> Anchored:
    """Anchor every evidence phrase of ``cat`` in ``text``; report those that are not there."""
    result = Anchored({}, [])
    if text.sha256 and text.sha256 != cat.source.sha256:
        result.problems.append(cat.problem(
            ("source", "sha256"),
            f"the source text given has SHA-256 {text.sha256}, not the catalogue's "
            f"{cat.source.sha256}: is it the same edition of the report?"))
    cited: list[tuple[Loc, str | None, Sequence[Evidence]]] = [
        (("routes", index), route.id, route.evidence) for index, route in cat.routes
    ] + [(("hubs", index), None, hub.evidence) for index, hub in cat.hubs]
    for base, route_id, evidence in cited:
        for e, ev in enumerate(evidence):
            loc: Loc = (*base, "evidence", e)
            anchor, problem = _anchor_one(text, ev)
            if anchor is not None:
                result.anchors[loc] = anchor
            if problem is not None:
                field, message = problem
                result.problems.append(cat.problem((*loc, field), message, route_id))
    return result


def _anchor_one(text: SourceText, ev: Evidence) -> tuple[Anchor | None, tuple[str, str] | None]:
    if ev.section is not None and not text.spans(ev.section):
        heads = text.headings
        expected = (f"expected one of: {', '.join(heads)}" if heads else
                    "the text has no headings (lines in capitals): leave 'section' out")
        return None, ("section", f"section {ev.section!r} is not a heading of the source text; "
                                 f"{expected}")
    found = text.occurrences(ev.phrase, ev.section)
    if found and ev.offset is not None:
        pinned = [a for a in found if a.start == ev.offset]
        if pinned:
            return pinned[0], None
        starts = ", ".join(str(a.start) for a in found)
        return found[0], ("offset", f"the phrase starts at offset {starts} of the source text, "
                                    f"not {ev.offset}; correct 'offset' or leave it out")
    if found:
        return found[0], None
    where = f"section {ev.section!r} of the source text" if ev.section else "the source text"
    message = f"phrase {ev.phrase!r} is not in {where}"
    elsewhere = [h for h in text.headings if text.find(h, ev.phrase)] if ev.section else []
    if elsewhere:
        return None, ("phrase", f"{message}; it stands in section {elsewhere[0]!r}")
    closest = text.closest(ev.phrase, ev.section)
    if closest is not None:
        anchor, score = closest
        passage = " ".join(anchor.exact.split())
        return None, ("phrase", f"{message}; the closest passage ({score:.0f}% alike, line "
                                f"{anchor.line}) reads {passage!r}: copy the words exactly as "
                                "the report prints them")
    return None, ("phrase", f"{message}; copy the words exactly as the report prints them")
