"""How close a draft is to a finished catalogue of the same report: recall and precision by leg.

A **leg** is a commodity and an ordered pair of placed stages (``any_of`` expanded), as the map
draws it. Legs with an end the report does not state (``stated: false``: another source) are
left out of the finished side, since no reading of the text can find them; the comparison says
how many. A draft leg **matches** a finished leg when the commodities match and each end is the
same place or one contains the other (Antwerp is in Belgium, Albania in the Balkans). Two
commodity relations are reported:

* ``commodity``: the same commodity id;
* ``market``: the same criminal market (heroin with heroin, ivory with live animals).

Recall is the share of finished legs some draft leg matches; precision the share of draft legs
that match some finished leg.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from trafficking_route_mapper.geodata.gazetteer import Place
from trafficking_route_mapper.geodata.resolve import ResolvedRoute
from trafficking_route_mapper.routes import commodities as registry


@dataclass(frozen=True)
class Leg:
    commodity: str
    start: str  # place names, for messages and sorting
    end: str
    route: str
    start_place: Place
    end_place: Place

    @property
    def text(self) -> str:
        return f"{self.commodity}: {self.start} → {self.end}"


@dataclass(frozen=True)
class Score:
    relation: str
    recall: float
    precision: float
    matched_finished: int
    finished: int
    matched_draft: int
    draft: int
    misses: tuple[Leg, ...]
    extras: tuple[Leg, ...]


@dataclass(frozen=True)
class Comparison:
    scores: tuple[Score, ...]
    unstated_legs: int  # finished legs with an end from another source, left out

    def report(self) -> str:
        lines = []
        for s in self.scores:
            lines.append(f"by {s.relation:<9} recall {s.recall:6.1%} "
                         f"({s.matched_finished}/{s.finished} finished legs)   precision "
                         f"{s.precision:6.1%} ({s.matched_draft}/{s.draft} draft legs)")
        if self.unstated_legs:
            lines.append(f"({self.unstated_legs} finished legs with an end from another source "
                         "left out: the text does not state them)")
        strict = self.scores[0]
        lines.append(f"\nmisses by {strict.relation} ({len(strict.misses)}): finished legs no "
                     "draft leg matches")
        lines += [f"  - {leg.text}   [{leg.route}]" for leg in strict.misses] or ["  none"]
        lines.append(f"extras by {strict.relation} ({len(strict.extras)}): draft legs no "
                     "finished leg matches")
        lines += [f"  - {leg.text}   [{leg.route}]" for leg in strict.extras] or ["  none"]
        return "\n".join(lines)


def legs_of(routes: Iterable[ResolvedRoute], stated_only: bool = True) -> tuple[list[Leg], int]:
    """The distinct legs of ``routes`` and the number left out for an unstated end."""
    seen: dict[tuple[str, str, str], Leg] = {}
    left_out: set[tuple[str, str, str]] = set()
    for rr in routes:
        placed = [s for s in rr.stages if s.places and s.role != "within"]
        for a, b in itertools.pairwise(placed):
            for commodity in rr.route.commodity_ids:
                for p in a.places:
                    for q in b.places:
                        key = (commodity, p.key, q.key)
                        if stated_only and not (a.stage.stated and b.stage.stated):
                            left_out.add(key)
                            continue
                        seen.setdefault(key, Leg(commodity, p.name, q.name, rr.route.id, p, q))
    return (sorted(seen.values(), key=lambda leg: (leg.commodity, leg.start, leg.end, leg.route)),
            len(left_out - set(seen)))


def _related(a: Place, b: Place) -> bool:
    return a.key == b.key or _covers(a, b) or _covers(b, a)


def _covers(area: Place, place: Place) -> bool:
    if area.kind not in ("country", "region") or not area.members:
        return False
    members = {place.country} if place.country else set(place.members)
    return bool(members) and members <= set(area.members)


def _same(a: str, b: str, relation: str) -> bool:
    if relation == "commodity":
        return a == b
    return registry.commodity(a).market.id == registry.commodity(b).market.id


def _matches(x: Leg, y: Leg, relation: str) -> bool:
    return (_same(x.commodity, y.commodity, relation) and _related(x.start_place, y.start_place)
            and _related(x.end_place, y.end_place))


def compare(draft: Sequence[ResolvedRoute], finished: Sequence[ResolvedRoute]) -> Comparison:
    draft_legs, _ = legs_of(draft, stated_only=False)
    finished_legs, unstated = legs_of(finished)
    scores = []
    for relation in ("commodity", "market"):
        hit_f = [f for f in finished_legs if any(_matches(d, f, relation) for d in draft_legs)]
        hit_d = [d for d in draft_legs if any(_matches(d, f, relation) for f in finished_legs)]
        scores.append(Score(
            relation,
            len(hit_f) / len(finished_legs) if finished_legs else 1.0,
            len(hit_d) / len(draft_legs) if draft_legs else 1.0,
            len(hit_f), len(finished_legs), len(hit_d), len(draft_legs),
            tuple(f for f in finished_legs if f not in hit_f),
            tuple(d for d in draft_legs if d not in hit_d)))
    return Comparison(tuple(scores), unstated)
