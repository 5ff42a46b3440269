"""Draft a catalogue from a report's text: proposed routes for an analyst to accept, fix or reject.

``build_maps.py draft REPORT.txt --reporting-country NAME -o draft.yaml`` reads the text with
:mod:`geodata.draft_text` and proposes one route per statement it understands:

1. **Units.** Sentences, cut again at ``;`` and ``, but``.
2. **Commodities.** Every commodity term of the unit (the registry's vocabulary with synonyms).
   Where a unit names several commodities each followed by its own places ("plants from A and
   medicinal herbs from B"), each gets its own route. A unit with no commodity term takes the
   commodities of the one before it in the paragraph ("Firearms ... They are smuggled in by
   road"), at a lower confidence.
3. **Places and roles.** A place (a gazetteer name or alias, a demonym with ``countries``, "the
   country" for the reporting country, "the port" for the port named last) takes its role from
   the cue before its list: origin (from, originating in...), transit (via, through, ports of
   entry...), destination (to, destined for, for markets in...). Demonyms of actors ("Nigerian
   networks", "criminals from the Netherlands") and places named for geography ("proximity to",
   "unlike") are not route ends. A demonym before a commodity ("Moroccan resin") or said of it
   ("the victims are Nigerian") is an origin.
4. **The chain.** Origins → transits (in the text's order; "through A and B" is A then B) →
   destinations. The reporting country is the implied end: the destination of a flow with only
   origins, the source of one with only destinations, the transit of one with both where the
   unit names it. A place of the reporting country named as an entry point earlier in the
   paragraph stands for it ("the port of Antwerp ... Timber is shipped from Central Africa").
   A leg into an area that contains its start is dropped unless the text says "other" or
   "elsewhere" ("headed for Europe" from Antwerp is not a leg; "other European countries" is).
5. **Confidence.** 0.9, less for an inherited commodity, an implied end, a hedge ("believed",
   "reportedly"), a past flow ("in the past", "historically"); a negation ("no evidence that",
   "not") takes it below :data:`MIN_CONFIDENCE` and the proposal is dropped. The ``reason``
   says which cues made the route and what lowered it.
6. **Merging.** Within a paragraph, a proposal whose places all stand in another of the same
   commodities becomes evidence of that one; a unit that only adds a mode ("They are smuggled
   in by road") adds it to the route before.

Every route is marked ``draft: {confidence, reason}``; every evidence phrase is the text's own
words (at most 20, :data:`routes.model.MAX_PHRASE_WORDS`) with its ``offset`` and ``section``;
every summary is a marked placeholder for the analyst, never prose presented as theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from trafficking_route_mapper.geodata.draft_lexicon import ARRIVALS, WEAK_TERMS
from trafficking_route_mapper.geodata.draft_text import (
    CommodityMention,
    PlaceMention,
    Reading,
    Unit,
)
from trafficking_route_mapper.geodata.gazetteer import Place

#: Proposals below this confidence are not written.
MIN_CONFIDENCE = 0.35
BASE_CONFIDENCE = 0.9
PENALTIES = {"inherited commodity": 0.15, "implied end": 0.1, "category word": 0.05,
             "hedged": 0.15, "past": 0.5, "negated": 0.6, "reporting country not placed": 0.2}
_MODES = {"road", "rail", "land", "sea", "air"}


@dataclass
class Stage:
    places: list[Place]
    mode: str | None = None
    unstated: bool = False


@dataclass
class Proposal:
    commodities: list[str]
    stages: list[Stage]
    units: list[Unit]
    spans: list[tuple[int, int]]  # folded ranges of the words the proposal rests on
    paragraph: int
    reasons: list[str] = field(default_factory=list)
    penalties: list[str] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        value = BASE_CONFIDENCE - sum(PENALTIES[p] for p in dict.fromkeys(self.penalties))
        return round(max(0.0, value), 2)

    def named(self) -> set[str]:
        return {p.key for s in self.stages for p in s.places}


def propose(reading: Reading) -> list[Proposal]:
    """The proposals for one report, in the order of the text."""
    out: list[Proposal] = []
    previous: dict[int, list[str]] = {}  # paragraph -> commodities of the last unit naming any
    entry: dict[tuple[int, str], Place] = {}  # (paragraph, commodity) -> entry point in the RC
    last_named: dict[str | None, list[str]] = {}
    for unit in reading.units:
        segments = _segments(unit, reading, previous, last_named.setdefault(unit.section, []))
        if unit.commodities:
            previous[unit.paragraph] = [c for seg in segments for c in seg[0]]
        made = False
        for commodity_ids, mentions, inherited, weak in segments:
            proposal = _chain(unit, reading, commodity_ids, mentions, entry)
            if proposal is None:
                continue
            if inherited:
                proposal.penalties.append("inherited commodity")
                proposal.reasons.append("commodity taken from the sentence before")
            if weak:
                proposal.penalties.append("category word")
            _qualify(proposal, unit)
            made = True
            out.append(proposal)
        if not made:
            _add_mode(out, unit, reading)
    return [p for p in _merged(out) if p.confidence >= MIN_CONFIDENCE]


def _segments(unit: Unit, reading: Reading, previous: dict[int, list[str]],
              last_named: list[str]
              ) -> list[tuple[list[str], list[PlaceMention], bool, bool]]:
    """(commodities, places, inherited, weak) for each commodity run of the unit and the places
    after it; a unit with no commodity term takes the paragraph's last."""
    places = [m for m in unit.places if not m.gloss]
    cued = [m for m in places if m.role is not None and not inside(m.place, reading.reporting)]
    resolved: list[tuple[CommodityMention, str]] = []
    for c in unit.commodities:
        cid = c.commodity
        if c.weak:
            candidates = WEAK_TERMS[c.term]
            ahead = [d.commodity for d in unit.commodities
                     if not d.weak and c.word < d.word <= c.word + 8 and d.commodity in candidates]
            cid = ahead[0] if ahead else next(
                (x for x in reversed(last_named) if x in candidates), cid)
        else:
            last_named.append(cid)
        resolved.append((c, cid))
    if not resolved:
        inherited = previous.get(unit.paragraph)
        return [(inherited, places, True, False)] if inherited and cued else []
    runs: list[tuple[list[str], int, bool]] = []  # commodities, first word, all weak
    for c, cid in resolved:
        starts_new = not runs or any(runs[-1][1] <= m.word < c.word for m in cued)
        if starts_new:
            runs.append(([cid], c.word, c.weak))
        else:
            ids, first, weak = runs[-1]
            if cid not in ids:
                ids.append(cid)
            runs[-1] = (ids, first, weak and c.weak)
    out = []
    for k, (ids, first, weak) in enumerate(runs):
        end = runs[k + 1][1] if k + 1 < len(runs) else unit.last + 1
        lo = first if k else unit.first
        mine = [m for m in places if lo <= m.word < end or (k == 0 and m.word < first)
                or m.place.key == reading.reporting.key]
        if k and not any(m in cued for m in mine):
            continue
        out.append((ids, mine, False, weak))
    return out


def inside(place: Place, area: Place) -> bool:
    """Whether ``place`` is ``area`` or lies in it (a city or port of a country, a country of a
    region)."""
    if place.key == area.key:
        return True
    if place.country is not None:
        return place.country in area.members
    return bool(place.members) and area.kind in ("country", "region") and set(
        place.members) <= set(area.members) and place.kind != "region"


def _contains(area: Place, place: Place) -> bool:
    """Whether ``area`` strictly contains ``place``."""
    if area.key == place.key or area.kind not in ("country", "region"):
        return False
    if place.country is not None:
        return place.country in area.members
    return bool(place.members) and set(place.members) < set(area.members)


def _chain(unit: Unit, reading: Reading, commodity_ids: list[str],
           mentions: Sequence[PlaceMention], entry: dict[tuple[int, str], Place]
           ) -> Proposal | None:
    rc = reading.reporting
    origins: list[PlaceMention] = []
    transits: list[list[PlaceMention]] = []
    destinations: list[PlaceMention] = []
    rc_named = False
    rc_roles: set[str] = set()
    rc_mentions = [m for m in mentions if m.place.key == rc.key]
    rc_role = _rc_role(rc_mentions)
    if rc_role is not None and rc_role.role == "destination" and any(
            m.role == "destination" and m.word > rc_role.word and m.place.key != rc.key
            for m in mentions):
        rc_role.role = "transit"  # "arrives in the Netherlands and moves on to Germany"
    for m in mentions:
        if m.place.key == rc.key:
            rc_named = True
            if m.role is not None:
                rc_roles.add(m.role)
            if m is not rc_role:
                continue
        if m.role is None:
            continue
        if m.role == "origin":
            origins.append(m)
        elif m.role == "destination":
            destinations.append(m)
        elif transits and m.cue == transits[-1][-1].cue and m.joiner in ("and", "or", ","):
            transits[-1].append(m)
        else:
            transits.append([m])
    if not (origins or transits or destinations):
        return None
    reasons = []
    penalties: list[str] = []
    for label, group in (("origin", origins), ("destination", destinations)):
        if group:
            reasons.append(f"{_names(group)} as {label} ('{group[0].cue}')")
    for group in transits:
        reasons.append(f"{_names(group)} as transit ('{group[0].cue}')")
    origins, destinations = _specific(origins), _specific(destinations)
    stages: list[Stage] = []
    if origins:
        stages.append(Stage(_unique(m.place for m in origins)))
    for group in transits:
        alternatives = any(m.joiner == "or" for m in group[1:])
        if alternatives or group[0].place.kind == "corridor":
            stages.append(Stage(_unique(m.place for m in group)))
        else:
            stages.extend(Stage([m.place]) for m in group)
    ends = _unique(m.place for m in destinations)
    kept = [p for p, m in zip(ends, _first_of(destinations, ends), strict=True)
            if not (stages and any(_contains(p, q) for q in stages[-1].places) and not m.other)]
    if len(kept) < len(ends):
        reasons.append("leg into an area containing its start left out")
    reaches_rc = any(inside(p, rc) for s in stages for p in s.places) or any(
        inside(p, rc) for p in kept)
    transit_word = any(mk.kind == "transit-word" for mk in unit.markers) or "transit" in rc_roles
    if not reaches_rc:
        if origins and not kept:
            end = next((entry[(unit.paragraph, c)] for c in commodity_ids
                        if (unit.paragraph, c) in entry), None)
            if end is not None and origins:
                stages.append(Stage([end]))
                reasons.append(f"{end.name} (the entry point named before) as destination")
            else:
                stages.append(Stage([rc]))
                reasons.append(f"{rc.name}, the reporting country, as the implied destination")
            penalties.append("implied end")
        elif kept and not origins:
            if transits or "transit" in rc_roles or (transit_word and rc_named):
                stages.insert(0, Stage([], unstated=True)) if not transits or transits[0][
                    0].place.kind != "corridor" else None
                stages.append(Stage([rc]))
                reasons.append(f"{rc.name}, the reporting country, as transit")
            else:
                kept = [p for p, m in zip(kept, _first_of(destinations, kept), strict=True)
                        if m.other or not _contains(p, rc)]
                if not kept:
                    return None
                stages.insert(0, Stage([rc]))
                reasons.append(f"{rc.name}, the reporting country, as the implied source")
            penalties.append("implied end")
        elif kept and origins:
            arrival = any(reading.words[i].lower in ARRIVALS for i in range(unit.first, unit.last + 1))
            if rc_named or transit_word or arrival:
                stages.append(Stage([rc]))
                reasons.append(f"{rc.name}, the reporting country, as transit")
                penalties.append("implied end")
            else:
                penalties.append("reporting country not placed")
                reasons.append("the sentence does not say where the reporting country stands")
        elif transits:  # transits only
            if transits[0][0].place.kind != "corridor":
                stages.insert(0, Stage([], unstated=True))
            stages.append(Stage([rc]))
            reasons.append(f"{rc.name}, the reporting country, as the implied destination")
            penalties.append("implied end")
    else:
        for group in transits:
            for m in group:
                if inside(m.place, rc) and not origins:
                    for c in commodity_ids:
                        entry.setdefault((unit.paragraph, c), m.place)
        if not origins and stages and stages[0].places and (
                stages[0].places[0].kind != "corridor") and transits:
            stages.insert(0, Stage([], unstated=True))
    if kept:
        if not stages:  # only a destination: from where, the sentence does not say
            stages.append(Stage([], unstated=True))
        stages.append(Stage(kept))
    if sum(1 for s in stages if s.places) == 0:
        return None
    if len(stages) < 2:
        stages.append(Stage([], unstated=True))
    spans = [(m.start, m.end) for m in mentions if m.role is not None or m.place.key == rc.key]
    spans += [(c.start, c.end) for c in unit.commodities]
    spans += [(mk.start, mk.end) for mk in unit.markers if mk.kind in ("cue", "mode")]
    return Proposal(commodity_ids, _collapse(stages, rc), [unit], spans, unit.paragraph, reasons,
                    penalties)


_ENTER = ("enter", "enters", "entering", "entered")


def _rc_role(mentions: Sequence[PlaceMention]) -> PlaceMention | None:
    """The reporting country's mention that places it on the route, if one has a role: a
    destination before an origin before a transit ("destined for Belgium enters the country
    via"); "enters the country" makes it the destination."""
    for m in mentions:
        if m.role == "transit" and m.cue in _ENTER:
            m.role = "destination"
    for role in ("destination", "origin", "transit"):
        for m in mentions:
            if m.role == role:
                return m
    return None


def _specific(mentions: list[PlaceMention]) -> list[PlaceMention]:
    """A list without the areas it names examples of: "African countries, such as the DRC,
    Guinea and Liberia" are those three."""
    return [m for m in mentions if not any(_contains(m.place, o.place) for o in mentions)]


def _first_of(mentions: Sequence[PlaceMention], places: Sequence[Place]) -> list[PlaceMention]:
    return [next(m for m in mentions if m.place.key == p.key) for p in places]


def _collapse(stages: list[Stage], rc: Place) -> list[Stage]:
    """No two stages in a row with the same places, and no stage of the reporting country
    after one of its own places (the route has reached it: "via the port of Antwerp")."""
    out: list[Stage] = []
    for s in stages:
        if out and s.places and [p.key for p in s.places] == [p.key for p in out[-1].places]:
            continue
        if out and [p.key for p in s.places] == [rc.key] and out[-1].places and all(
                inside(p, rc) for p in out[-1].places):
            continue
        out.append(s)
    return out


def _unique(places: Any) -> list[Place]:
    seen: dict[str, Place] = {}
    for p in places:
        seen.setdefault(p.key, p)
    return list(seen.values())


def _names(mentions: Sequence[PlaceMention]) -> str:
    return ", ".join(dict.fromkeys(m.place.name for m in mentions))


def _qualify(proposal: Proposal, unit: Unit) -> None:
    """Modes, hedges, past and negation of the unit."""
    for mk in unit.markers:
        if mk.kind == "mode" and mk.value in _MODES:
            for s in proposal.stages[1:]:
                s.mode = s.mode or mk.value
    placed = [m.word for m in unit.places if m.role is not None]
    for kind, penalty in (("hedge", "hedged"), ("past", "past"), ("negation", "negated")):
        for mk in unit.markers:
            if mk.kind != kind:
                continue
            if kind == "negation" and not (placed and mk.word < max(placed)):
                continue  # "enters Germany from the Netherlands and does not stay"
            proposal.penalties.append(penalty)
            proposal.reasons.append(f"{penalty}: '{mk.text}'")
            break


def _add_mode(out: list[Proposal], unit: Unit, reading: Reading) -> None:
    """A unit that names no place but a mode ("They are smuggled in by road") adds the mode
    to the paragraph's last proposal, with its words as evidence."""
    modes = [mk for mk in unit.markers if mk.kind == "mode" and mk.value in _MODES]
    if not modes or not out or out[-1].paragraph != unit.paragraph or unit.places:
        return
    proposal = out[-1]
    if unit.commodities and not set(c.commodity for c in unit.commodities) & set(
            proposal.commodities) and not all(c.weak for c in unit.commodities):
        return
    for s in proposal.stages[1:]:
        if s.places:
            s.mode = s.mode or modes[0].value
    proposal.units.append(unit)
    proposal.spans += [(mk.start, mk.end) for mk in modes]
    proposal.reasons.append(f"mode '{modes[0].text}' from the next sentence")


def _merged(proposals: list[Proposal]) -> list[Proposal]:
    """A proposal whose places all stand in another of the same commodities in its paragraph
    is evidence of that one."""
    keep = list(proposals)
    for p in proposals:
        if p not in keep:
            continue
        for q in keep:
            if q is p or q.paragraph != p.paragraph or set(q.commodities) != set(p.commodities):
                continue
            if p.named() <= q.named() and (p.named() < q.named() or proposals.index(p) >
                                           proposals.index(q)):
                q.units += [u for u in p.units if u not in q.units]
                q.spans += p.spans
                q.reasons.append("with the evidence of a sentence naming fewer of its places")
                keep.remove(p)
                break
    return keep
