"""The draft catalogue as YAML: routes, verbatim evidence with offsets, the source block.

See :mod:`geodata.draft` for how routes are proposed. Every evidence phrase is the text's own
words (at most :data:`routes.model.MAX_PHRASE_WORDS`) with its ``offset`` and ``section``; every
summary is :data:`SUMMARY_PLACEHOLDER`, marked as a placeholder for the analyst.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from trafficking_route_mapper.geodata.draft import Proposal, Stage, inside, propose
from trafficking_route_mapper.geodata.draft_text import Lexicon, Reading, read
from trafficking_route_mapper.geodata.gazetteer import Place, slug
from trafficking_route_mapper.routes import commodities as registry
from trafficking_route_mapper.routes.evidence import SourceText
from trafficking_route_mapper.routes.model import MAX_PHRASE_WORDS

#: The summary of every drafted evidence item: a placeholder, marked as one.
SUMMARY_PLACEHOLDER = "DRAFT: summary to be written by the analyst."


@dataclass(frozen=True)
class DraftSource:
    """What the draft's ``source:`` block says; the analyst completes it."""

    reporting_country: str
    id: str | None = None
    title: str | None = None
    publisher: str | None = None
    edition: str | None = None
    year: int | None = None
    url: str | None = None


# --- evidence ----------------------------------------------------------------------------------

def evidence_of(proposal: Proposal, reading: Reading) -> list[dict[str, Any]]:
    """Verbatim phrases (at most MAX_PHRASE_WORDS words) covering what the proposal rests on."""
    out: list[dict[str, Any]] = []
    words = reading.words
    for unit in sorted(proposal.units, key=lambda u: u.start):
        idx = list(range(unit.first, unit.last + 1))
        need = sorted({i for i in idx if words[i].is_word and any(
            lo < words[i].end and words[i].start < hi for lo, hi in proposal.spans)})
        counted = [i for i in idx if words[i].is_word]
        if len(counted) <= MAX_PHRASE_WORDS:
            windows = [(counted[0], counted[-1])]
        else:
            windows = _windows(counted, need)
        for a, b in windows:
            b = _trim(words, a, b)
            phrase, offset = reading.phrase(words[a].start, words[b].end)
            item: dict[str, Any] = {}
            if unit.section is not None:
                item["section"] = reading.headings.get(unit.section, unit.section)
            item.update(phrase=phrase, offset=offset, summary=SUMMARY_PLACEHOLDER)
            out.append(item)
    return out


def _windows(counted: list[int], need: list[int]) -> list[tuple[int, int]]:
    """Runs of at most MAX_PHRASE_WORDS words covering every needed word."""
    pos = {w: k for k, w in enumerate(counted)}
    out: list[tuple[int, int]] = []
    k = 0
    need_pos = [pos[i] for i in need if i in pos] or [0]
    while k < len(need_pos):
        start = need_pos[k]
        end = start
        while k < len(need_pos) and need_pos[k] - start < MAX_PHRASE_WORDS:
            end = need_pos[k]
            k += 1
        # widen to the full window, centred on what it covers
        spare = MAX_PHRASE_WORDS - (end - start + 1)
        lo = max(0, start - spare // 2)
        hi = min(len(counted) - 1, lo + MAX_PHRASE_WORDS - 1)
        lo = max(0, min(lo, start), hi - MAX_PHRASE_WORDS + 1)
        if out and counted[lo] <= out[-1][1]:
            lo = pos[out[-1][1]] + 1
        out.append((counted[lo], counted[hi]))
    return out


def _trim(words: Sequence[Any], a: int, b: int) -> int:
    """The last word of a phrase ending at ``b``, with a trailing full stop kept."""
    if b + 1 < len(words) and words[b + 1].text in ".;" :
        return b + 1 if words[b + 1].text == "." else b
    return b


# --- the catalogue -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Draft:
    """A drafted catalogue: its data, the same as YAML text, and what it was drafted from."""

    data: dict[str, Any]  # {"source": ..., "routes": [...]}
    yaml: str
    proposals: list[Proposal]
    reading: Reading


def draft_catalogue(text: SourceText, name: str, lexicon: Lexicon, source: DraftSource) -> Draft:
    """The draft catalogue of ``text`` (read from the file ``name``)."""
    reporting = lexicon.gazetteer.resolve(source.reporting_country)
    reading = read(text, reporting, lexicon)
    proposals = propose(reading)
    head = _source_block(source, name, text.sha256, reporting)
    routes = [_route(p, reading, k, reporting) for k, p in enumerate(proposals)]
    data = {"source": head, "routes": routes}
    return Draft(data, dump(data), proposals, reading)


def _source_block(source: DraftSource, name: str, sha256: str, reporting: Place) -> dict[str, Any]:
    block: dict[str, Any] = {
        "id": source.id or f"draft-{slug(reporting.name)}" + (
            f"-{slug(source.edition)}" if source.edition else ""),
        "title": source.title or f"Draft catalogue of {name}",
        "publisher": source.publisher or "not stated (set by the analyst)",
    }
    for key in ("edition", "year", "url"):
        value = getattr(source, key)
        if value is not None:
            block[key] = value
    block["sha256"] = sha256
    block["reporting_country"] = reporting.name
    block["note"] = (f"Drafted by build_maps.py draft from {name}: every route is a "
                     "proposal (see its draft: field) to be accepted, fixed or rejected by an "
                     "analyst, and every summary is a placeholder.")
    return block


def _route(p: Proposal, reading: Reading, k: int, reporting: Place) -> dict[str, Any]:
    named = [s for s in p.stages if s.places]
    first, last = named[0].places[0], named[-1].places[0]
    ids = p.commodities
    rid = f"draft-{k + 1:03d}-{ids[0]}-{slug(first.name)}-{slug(last.name)}"[:80].rstrip("-")
    route: dict[str, Any] = {"id": rid, "flow": rid}
    if len(ids) == 1:
        route["commodity"] = ids[0]
    else:
        route["commodities"] = ids
    labels = [registry.commodity(c).label for c in ids]
    path = " → ".join(" / ".join(pl.name for pl in s.places) if s.places else "?" for s in p.stages)
    route["label"] = f"Draft: {', '.join(labels)}: {path}"[:300]
    route["reporting_role"] = _reporting_role(p.stages, reporting)
    route["stages"] = [_stage(s) for s in p.stages]
    route["evidence"] = evidence_of(p, reading)
    route["draft"] = {"confidence": p.confidence,
                      "reason": "; ".join(dict.fromkeys(p.reasons))[:2000]}
    return route


def _reporting_role(stages: Sequence[Stage], rc: Place) -> str:
    """Where the reporting country (or a place in it) stands on the route: at the end, the
    destination; at the start, the source; elsewhere, or nowhere, transit."""
    at = [k for k, s in enumerate(stages) if any(inside(p, rc) for p in s.places)]
    if at and at[-1] == len(stages) - 1:
        return "destination"
    return "source" if at and at[0] == 0 else "transit"


def _stage(s: Stage) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if s.unstated or not s.places:
        out["unstated"] = True
    elif len(s.places) == 1:
        out["place"] = s.places[0].name
    else:
        out["any_of"] = [p.name for p in s.places]
    if s.mode is not None and not out.get("unstated"):
        out["by"] = s.mode
    return out


def dump(data: Any) -> str:
    """YAML text, the same bytes for the same data."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)


