"""Reading a report's text for drafting: words, mentions and statements (units), with offsets.

The first half of ``build_maps.py draft`` (:mod:`geodata.draft` is the second). Everything here
is general: the lexicons are the gazetteer (every place name and alias), the demonyms table
(``data/demonyms.yaml``), the commodity vocabulary below, and cue words for roles, modes,
hedges and negations. No rule names a place, actor or phrase of a particular report.

Offsets are those of :class:`routes.evidence.SourceText`: the text is folded (typographic
quotes plain, white space runs one space, a word hyphenated at a line break joined), mentions
are found in the folded text, and ``SourceText.where`` maps a folded offset back to the text as
read, so that every phrase a draft quotes is anchored where the loader's ``--source-text``
check looks for it.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from trafficking_route_mapper.geodata.datafiles import data_yaml
from trafficking_route_mapper.geodata.draft_lexicon import (
    ABBREVIATIONS,
    COMMODITY_TERMS,
    CUES,
    HEDGES,
    MODE_CUES,
    NEGATIONS,
    PAST,
    TRANSIT_WORDS,
    WEAK_TERMS,
)
from trafficking_route_mapper.geodata.gazetteer import Gazetteer, Place, normalize
from trafficking_route_mapper.routes.evidence import SourceText, heading_key, heading_lines

Role = Literal["origin", "transit", "destination"]
MarkerKind = Literal["cue", "mode", "hedge", "past", "negation", "transit-word"]

# --- words -------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:\.[^\W_]+)*|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Word:
    start: int  # folded offsets [start, end)
    end: int
    text: str

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()


def words_of(folded: str) -> list[Word]:
    return [Word(m.start(), m.end(), m.group()) for m in _WORD.finditer(folded)]


# --- mentions ----------------------------------------------------------------------------------

@dataclass
class PlaceMention:
    start: int  # folded offsets
    end: int
    word: int  # index of its first word
    last: int  # index of its last word
    place: Place
    how: Literal["name", "demonym", "anaphora"]
    role: Role | None = None
    cue: str | None = None
    #: the demonym names who acts ("Nigerian networks"), or the place follows "X from"
    actor: bool = False
    #: inside a parenthesis that glosses the place before it ("the northern route (via Russia)")
    gloss: bool = False
    other: bool = False  # "other European countries", "elsewhere in Europe"
    joiner: str = ""  # "and" / "or" / "," before it in its list


@dataclass(frozen=True)
class CommodityMention:
    start: int
    end: int
    word: int
    commodity: str
    term: str
    weak: bool


@dataclass(frozen=True)
class Marker:
    """A cue, a mode, a hedge, a past or a negation, by kind."""

    start: int
    end: int
    word: int
    last: int
    kind: MarkerKind
    value: str
    text: str


@dataclass
class Unit:
    """A statement's stretch of text: a sentence, or a clause of one after ``;`` or ``, but``."""

    start: int  # folded offsets
    end: int
    first: int  # word indices [first, last]
    last: int
    paragraph: int
    section: str | None
    places: list[PlaceMention] = field(default_factory=list)
    commodities: list[CommodityMention] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)


@dataclass(frozen=True)
class Lexicon:
    """What the reader recognises, built once from the gazetteer and the demonyms table."""

    gazetteer: Gazetteer
    demonyms: dict[str, str]  # normalized form -> place key
    longest_name: int  # in words

    @classmethod
    def build(cls, gaz: Gazetteer) -> Lexicon:
        demonyms: dict[str, str] = {}
        for name, forms in data_yaml("demonyms.yaml").items():
            key = gaz.resolve(name).key
            for form in forms:
                demonyms[normalize(form)] = key
        longest = max(len(normalize(n).split()) for p in gaz.places() for n in (p.name, *p.aliases))
        return cls(gaz, demonyms, min(longest, 8))


@functools.lru_cache(maxsize=1)
def builtin_lexicon() -> Lexicon:
    from trafficking_route_mapper.geodata import places

    return Lexicon.build(places.builtin())


def _phrases(table: Sequence[str] | dict[str, str]) -> dict[str, list[tuple[str, ...]]]:
    """First word -> the phrases starting with it, longest first."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for phrase in table:
        parts = tuple(_WORD.findall(phrase.lower()))
        out.setdefault(parts[0], []).append(parts)
    for v in out.values():
        v.sort(key=len, reverse=True)
    return out


_COMMODITY_PHRASES = _phrases({t: c for c, ts in COMMODITY_TERMS.items() for t in ts})
_TERM_COMMODITY = {tuple(_WORD.findall(t)): c for c, ts in COMMODITY_TERMS.items() for t in ts}
_MARKER_TABLES: tuple[tuple[MarkerKind, dict[str, str]], ...] = (
    ("cue", CUES), ("mode", MODE_CUES), ("hedge", {h: h for h in HEDGES}),
    ("past", {p: p for p in PAST}), ("negation", {n: n for n in NEGATIONS}),
    ("transit-word", {w: w for w in TRANSIT_WORDS}),
)
_MARKER_PHRASES = [(kind, table, _phrases(table)) for kind, table in _MARKER_TABLES]


def _match_at(lowered: Sequence[str], i: int, phrases: dict[str, list[tuple[str, ...]]]
              ) -> tuple[str, ...] | None:
    for parts in phrases.get(lowered[i], ()):
        if tuple(lowered[i:i + len(parts)]) == parts:
            return parts
    return None


@dataclass
class Reading:
    """A report's text as the drafter reads it."""

    source: SourceText
    words: list[Word]
    units: list[Unit]
    reporting: Place
    headings: dict[str, str]  # heading key -> the heading as printed

    def phrase(self, lo: int, hi: int) -> tuple[str, int]:
        """The text of folded [lo, hi) as a phrase (one line), and its offset in the text."""
        start, end = self.source.where[lo], self.source.where[hi - 1] + 1
        raw = self.source.text[start:end]
        raw = re.sub(r"-[ \t]*\r?\n\s*", "-", raw)
        return re.sub(r"\s+", " ", raw), start


def read(source: SourceText, reporting: Place, lexicon: Lexicon) -> Reading:
    """Words, mentions and units of ``source``, a report whose reporting country is
    ``reporting``."""
    folded = source.folded
    words = words_of(folded)
    lowered = [w.lower for w in words]
    heading_spans, headings = _headings(source)
    skip = [any(lo <= w.start < hi for lo, hi in heading_spans) for w in words]
    places = _places(words, lowered, skip, folded, reporting, lexicon)
    commodities = _commodities(words, lowered, skip)
    markers = _markers(words, lowered, skip)
    units = _units(source, words, skip)
    from trafficking_route_mapper.geodata.draft_roles import assign_roles  # it reads Units

    firsts = [u.first for u in units]
    for mention in places:
        _unit_at(units, firsts, mention.word).places.append(mention)
    for c in commodities:
        _unit_at(units, firsts, c.word).commodities.append(c)
    for m in markers:
        _unit_at(units, firsts, m.word).markers.append(m)
    for unit in units:
        assign_roles(unit, words, lowered)
    return Reading(source, words, [u for u in units if u.first <= u.last], reporting, headings)


def _headings(source: SourceText) -> tuple[list[tuple[int, int]], dict[str, str]]:
    """The folded ranges of the heading lines (not read for mentions), and each heading's key
    with the heading as printed."""
    spans: list[tuple[int, int]] = []
    headings: dict[str, str] = {}
    for m in heading_lines(source.text):
        line = m.group().strip()
        spans.append((bisect.bisect_left(source.where, m.start()),
                      bisect.bisect_left(source.where, m.end())))
        headings.setdefault(heading_key(line), line)
    return spans, headings


def _unit_at(units: list[Unit], firsts: list[int], word: int) -> Unit:
    """The unit a word stands in (``firsts``: each unit's first word)."""
    return units[max(bisect.bisect_right(firsts, word) - 1, 0)]


def _places(words: list[Word], lowered: list[str], skip: list[bool], folded: str,
            reporting: Place, lexicon: Lexicon) -> list[PlaceMention]:
    gaz = lexicon.gazetteer
    out: list[PlaceMention] = []
    i, n = 0, len(words)
    while i < n:
        if skip[i] or not words[i].is_word:
            i += 1
            continue
        found = None
        for k in range(min(lexicon.longest_name, n - i), 0, -1):
            j = i + k - 1
            if not words[j].is_word:
                continue
            text = folded[words[i].start:words[j].end]
            if not _plausible_name(words[i:j + 1]):
                continue
            key = normalize(text)
            if key and key in gaz:
                place = gaz.resolve(key)
                if place.kind == "corridor" or words[i].text[0].isupper() or (k > 1 and any(
                        w.text[0].isupper() for w in words[i:j + 1] if w.is_word)):
                    found = PlaceMention(words[i].start, words[j].end, i, j, place, "name")
                    break
            form = lexicon.demonyms.get(key)
            if form is not None and words[i].text[0].isupper():
                found = PlaceMention(words[i].start, words[j].end, i, j, gaz.get(form),
                                     "demonym")
                break
        if found is None and lowered[i] == "the" and i + 1 < n and lowered[i + 1] in (
                "country", "port"):
            found = _anaphora(i, words, lowered, out, reporting, gaz)
        if found is None:
            i += 1
            continue
        if found.how == "name" and found.place.kind == "city":
            found.place = _port_of(found, words, lowered, gaz)
        out.append(found)
        i = found.last + 1
    return out


def _plausible_name(ws: Sequence[Word]) -> bool:
    """Not a bare code in capitals (``ARE``, ``BEL``: Natural Earth's codes are names too) or a
    word of a heading-like run of capitals, unless it is a well-known abbreviation."""
    if len(ws) == 1 and ws[0].text.isupper() and len(ws[0].text) <= 3:
        return ws[0].text in ("US", "UK", "USA", "UAE", "DRC", "EU")
    return True


def _anaphora(i: int, words: list[Word], lowered: list[str], before: list[PlaceMention],
              reporting: Place, gaz: Gazetteer) -> PlaceMention | None:
    """"the country" (the reporting country) and "the port" (the port named last)."""
    if lowered[i + 1] == "country":
        nxt = lowered[i + 2] if i + 2 < len(words) else ""
        if nxt in ("of", "'s") or words[i + 1].text == "Country":
            return None
        return PlaceMention(words[i].start, words[i + 1].end, i, i + 1, reporting, "anaphora")
    nxt = lowered[i + 2] if i + 2 < len(words) else ""
    if nxt in ("of", "authorities", "authority"):
        return None
    for m in reversed(before[-12:]):
        if m.place.kind == "port":
            return PlaceMention(words[i].start, words[i + 1].end, i, i + 1, m.place, "anaphora")
    return None


def _port_of(mention: PlaceMention, words: list[Word], lowered: list[str], gaz: Gazetteer) -> Place:
    """A city the text calls a port ("the port of Antwerp", "Antwerp, Europe's second-largest
    port") is its port, where the gazetteer has one named "Port of <city>"."""
    name = f"Port of {mention.place.name}"
    if name not in gaz:
        return mention.place
    lo, hi = max(0, mention.word - 3), min(len(words), mention.last + 6)
    if "port" in lowered[lo:mention.word] or "port" in lowered[mention.last + 1:hi]:
        return gaz.resolve(name)
    return mention.place


def _scan(lowered: Sequence[str], skip: Sequence[bool], phrases: dict[str, list[tuple[str, ...]]]
          ) -> Iterator[tuple[int, int, tuple[str, ...]]]:
    """(first word, last word, phrase) of each phrase of ``phrases`` in the text, longest first
    at each word, never overlapping, outside the skipped words."""
    i = 0
    while i < len(lowered):
        parts = None if skip[i] else _match_at(lowered, i, phrases)
        if parts is None:
            i += 1
            continue
        yield i, i + len(parts) - 1, parts
        i += len(parts)


def _commodities(words: list[Word], lowered: list[str], skip: list[bool]) -> list[CommodityMention]:
    out = []
    for i, j, parts in _scan(lowered, skip, _COMMODITY_PHRASES):
        term = " ".join(parts)
        out.append(CommodityMention(words[i].start, words[j].end, i, _TERM_COMMODITY[parts], term,
                                    term in WEAK_TERMS))
    return out


def _markers(words: list[Word], lowered: list[str], skip: list[bool]) -> list[Marker]:
    out = []
    for kind, table, phrases in _MARKER_PHRASES:
        for i, j, parts in _scan(lowered, skip, phrases):
            text = " ".join(parts)
            out.append(Marker(words[i].start, words[j].end, i, j, kind, table[text], text))
    out.sort(key=lambda m: (m.word, -m.last))
    return out


def _units(source: SourceText, words: list[Word], skip: list[bool]) -> list[Unit]:
    """Sentences, cut again at ``;`` and at ``, but``; never across a paragraph or section."""
    paragraph_starts = [bisect.bisect_left(source.where, m.end())
                        for m in re.finditer(r"\n[ \t]*\n", source.text)]
    section_starts = [s.start for s in source.sections]
    paragraph = [bisect.bisect_right(paragraph_starts, w.start) for w in words]
    section = [bisect.bisect_right(section_starts, w.start) - 1 for w in words]
    units: list[Unit] = []
    first = 0

    def close(last: int) -> None:
        nonlocal first
        while first <= last and skip[first]:
            first += 1
        if first <= last:
            k = section[first]
            units.append(Unit(words[first].start, words[last].end, first, last, paragraph[first],
                              source.sections[k].key if k >= 0 else None))
        first = last + 1

    for i, w in enumerate(words):
        if i + 1 == len(words):
            close(i)
            break
        nxt = words[i + 1]
        if (skip[i + 1] != skip[i] or paragraph[i + 1] != paragraph[i]
                or section[i + 1] != section[i]) or (w.text in ".?!" and (nxt.text[0].isupper() or not nxt.is_word)
              and not (i > 0 and words[i - 1].lower in ABBREVIATIONS)) or w.text == ";" or (w.text == "," and nxt.lower == "but"):
            close(i)
    return units
