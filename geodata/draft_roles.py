"""Roles of the places a unit names (origin, transit, destination), from the cue words before
them: the step of :mod:`geodata.draft_text` that reads lists, glosses and demonyms."""

from __future__ import annotations

from trafficking_route_mapper.geodata.draft_lexicon import (
    ACTOR_NOUNS,
    BE_WORDS,
    CUES,
    FILLERS,
    OTHER_WORDS,
    PLACE_HEADS,
)
from trafficking_route_mapper.geodata.draft_text import PlaceMention, Unit, Word


def assign_roles(unit: Unit, words: list[Word], lowered: list[str]) -> None:
    """Give each place mention of ``unit`` the role of the cue that governs its list.

    A cue governs the places that follow it, across list words (``,`` ``and`` ``or`` ``such as``
    and the :data:`FILLERS`), until another cue, a word that is not a filler (three of them), or
    the end of the unit. A parenthesis right after a place glosses it and is skipped.
    """
    cue_at = {m.word: m for m in unit.markers if m.kind == "cue"}
    place_at = {m.word: m for m in unit.places}
    role: str | None = None
    cue_text: str | None = None
    gap = 0
    depth = 0
    gloss_depth = 0
    last_place_end = -10
    i = unit.first
    joiner = ""
    while i <= unit.last:
        w = lowered[i]
        if w == "(":
            depth += 1
            if last_place_end >= i - 1 and gloss_depth == 0:
                gloss_depth = depth
            i += 1
            continue
        if w == ")":
            if gloss_depth == depth:
                gloss_depth = 0
            depth = max(0, depth - 1)
            i += 1
            continue
        if gloss_depth and i not in place_at:
            i += 1
            continue
        mention = place_at.get(i)
        if mention is not None:
            if gloss_depth:
                mention.gloss = True
            else:
                _demonym_context(mention, unit, words, lowered)
                mention.other = any(x in OTHER_WORDS for x in lowered[max(unit.first, i - 3):i])
                mention.joiner = joiner
                if role in ("origin", "transit", "destination") and not mention.actor:
                    mention.role = role  # type: ignore[assignment]
                    mention.cue = cue_text
                gap = 0
                last_place_end = mention.last
            joiner = ""
            i = mention.last + 1
            continue
        cue = cue_at.get(i)
        if cue is not None and cue.text == "for" and last_place_end != i - 1:
            cue = None  # "for" is a destination only in "from X for Y", "leave X for Y"
        if cue is not None and cue.text in _ENTRY_CUES:
            _entry_predicate(unit, i)
        if cue is not None and not gloss_depth:
            before = lowered[i - 1] if i > unit.first else ""
            actor_before = before in ACTOR_NOUNS and cue.value == "origin"
            role = "none" if actor_before else cue.value
            cue_text = cue.text
            gap = 0
            joiner = ""
            i = cue.last + 1
            continue
        if w in ("and", "or", ","):
            joiner = w if w != "," or not joiner else joiner
        elif w not in FILLERS and words[i].is_word:
            gap += 1
            if gap > 2:
                role = None
        elif w in (".", ":", ";"):
            role = None
        i += 1


_ENTRY_CUES = frozenset(("port of entry", "ports of entry", "point of entry", "points of entry",
                         "entry point", "entry points", "gateway", "gateways"))


def _entry_predicate(unit: Unit, cue_word: int) -> None:
    """"X is (one of the main) ports of entry": the last place without a role before the cue
    is the entry point, a transit stage."""
    before = [m for m in unit.places if m.word < cue_word and not m.gloss and not m.actor
              and m.how != "demonym"]
    if before and before[-1].role is None and cue_word - before[-1].last <= 25:
        before[-1].role = "transit"
        before[-1].cue = "is a point of entry"


def _demonym_context(mention: PlaceMention, unit: Unit, words: list[Word],
                     lowered: list[str]) -> None:
    """What a demonym stands for: a place ("African countries", "Moroccan resin", victims who
    "are Nigerian"), or who acts ("Nigerian networks": no route)."""
    if mention.how != "demonym":
        return
    commodity_words = {c.word for c in unit.commodities}
    place_words = {m.word for m in unit.places}
    j = mention.last + 1
    while j <= unit.last and j < mention.last + 9:
        w = lowered[j]
        if w in PLACE_HEADS:
            return  # a place, governed by its cue like a name
        if j in commodity_words:
            if j <= mention.last + 3:
                mention.role = "origin"
                mention.cue = f"{words[mention.word].text} {words[j].text}"
            return
        if w in ACTOR_NOUNS:
            mention.actor = True
            return
        if w in (".", ";", "(", ")", ":") or (w in CUES and j not in place_words):
            break
        j += 1
    # predicative: "the victims are usually Nigerian, Moroccan and Hungarian"
    before = lowered[max(unit.first, mention.word - 6):mention.word]
    if any(b in BE_WORDS for b in before) and any(c.word < mention.word for c in unit.commodities):
        mention.role = "origin"
        mention.cue = "are " + words[mention.word].text
        return
    mention.actor = True  # a demonym with no place, commodity or role: not a route end
