"""What the draft review page shows (rendered by :mod:`maps.draft_page`): the report's text cut
into pieces marked as place, commodity, cue or hedge, each piece tied to the sentence it belongs
to, and each proposed route with its YAML as the analyst would accept it (without ``draft:``)."""

from __future__ import annotations

import itertools
from typing import Any

from trafficking_route_mapper.geodata.draft_catalogue import Draft, dump


def review_data(draft: Draft, yaml_name: str) -> dict[str, Any]:
    """What the review page shows: the text cut into marked pieces, and the proposals."""
    reading, proposals, routes = draft.reading, draft.proposals, draft.data["routes"]
    text = reading.source.text
    where = reading.source.where
    marks: list[tuple[int, int, str]] = []  # text offsets [start, end), kind
    for unit in reading.units:
        marks += [(where[m.start], where[m.end - 1] + 1, "place") for m in unit.places
                  if not m.actor and not m.gloss]
        marks += [(where[c.start], where[c.end - 1] + 1, "commodity") for c in unit.commodities]
        marks += [(where[mk.start], where[mk.end - 1] + 1,
                   "cue" if mk.kind in ("cue", "mode", "transit-word") else "hedge")
                  for mk in unit.markers]
    units = {id(u): k for k, u in enumerate(reading.units)}
    sentence_of: dict[int, list[int]] = {}
    for k, p in enumerate(proposals):
        for u in p.units:
            sentence_of.setdefault(units[id(u)], []).append(k)
    cuts = {0, len(text)}
    spans = [(where[u.start], where[u.end - 1] + 1, units[id(u)]) for u in reading.units
             if units[id(u)] in sentence_of]
    for lo, hi, _ in marks:
        cuts |= {lo, hi}
    for lo, hi, _ in spans:
        cuts |= {lo, hi}
    points = sorted(cuts)
    pieces = []
    marks.sort()
    for a, b in itertools.pairwise(points):
        kind = next((k for lo, hi, k in marks if lo <= a and b <= hi), "")
        sentence = next((s for lo, hi, s in spans if lo <= a and b <= hi), -1)
        pieces.append([text[a:b], kind, sentence])
    out_routes = []
    for k, (p, route) in enumerate(zip(proposals, routes, strict=True)):
        accepted = {key: value for key, value in route.items() if key != "draft"}
        out_routes.append({
            "id": route["id"], "label": route["label"], "confidence": p.confidence,
            "reason": route["draft"]["reason"],
            "sentences": sorted({units[id(u)] for u in p.units}),
            "yaml": dump([accepted]),
            "index": k,
        })
    return {"title": f"Review the draft {yaml_name}", "file": yaml_name,
            "head": dump({"source": draft.data["source"]}), "pieces": pieces, "routes": out_routes}


