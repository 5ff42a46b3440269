"""Changes between editions of one country's profile: new, gone, persisting, shifted, not
assessed.

Part of :mod:`geodata.agreement` (which defines each kind of change).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trafficking_route_mapper.geodata import columns as C

if TYPE_CHECKING:
    from trafficking_route_mapper.geodata.agreement import _Builder


def changes(bd: _Builder) -> list[tuple[Any, ...]]:
    """One row per flow compared (:data:`~geodata.columns.CHANGE_COLUMNS`), sorted."""
    by_country: dict[str, list[str]] = defaultdict(list)
    for sid, country in bd.reporting.items():
        by_country[country].append(sid)
    flows_of = bd.routes_of
    rows: list[tuple[Any, ...]] = []
    for country in sorted(by_country):
        editions: dict[tuple[int, str], list[str]] = defaultdict(list)
        for sid in by_country[country]:
            year = bd.year[sid]
            editions[(year if year is not None else 10_000, bd.editions[sid])].append(sid)
        steps = sorted(editions)
        for before, after in itertools.pairwise(steps):
            old = [r for sid in editions[before] for r in flows_of[sid]]
            new = [r for sid in editions[after] for r in flows_of[sid]]
            rows += _compare(bd, country, before, after, old, new)
    rows.sort(key=lambda row: (row[0], bd.commodities.order[row[2]],
                               C.CHANGE_KINDS.index(row[6]), row[7], row[8], row[11], row[12]))
    return rows

def _compare(bd: _Builder, country: str, before: tuple[int, str], after: tuple[int, str],
             old: Sequence[int], new: Sequence[int]) -> list[tuple[Any, ...]]:
    related, ends = bd.related_stages, bd.ends
    market = bd.commodities.market

    def same_end(x: list[str], y: list[str]) -> bool:
        return x == y or any(a and b and b in related[a][0] for a in x for b in y)

    by_market: dict[str, list[int]] = defaultdict(list)
    for r in old:
        by_market[market[bd.route_commodity[r]]].append(r)

    def matched(r: int, q: int) -> bool:
        (o1, d1, _), (o2, d2, _) = ends[r], ends[q]
        return (bd.commodities.match(bd.route_commodity[r], bd.route_commodity[q])
                and same_end(o1, o2) and same_end(d1, d2))

    rows = []
    used_old: set[int] = set()
    for q in new:
        pairs = [r for r in by_market[market[bd.route_commodity[q]]] if matched(r, q)]
        used_old.update(pairs)
        commodity = bd.route_commodity[q]
        if pairs:
            same = [r for r in pairs if ends[r][2] == ends[q][2]]
            change = "persisting" if same else "shifted"
            rows.append(_change_row(bd, country, before, after, change,
                                         same or pairs, [q]))
        else:
            assessed = before[0] >= bd.commodities.since[commodity]
            rows.append(_change_row(bd, country, before, after,
                                         "new" if assessed else "not-assessed", [], [q]))
    for r in old:
        if r in used_old:
            continue
        assessed = after[0] >= bd.commodities.since[bd.route_commodity[r]]
        rows.append(_change_row(bd, country, before, after,
                                     "gone" if assessed else "not-assessed", [r], []))
    return rows

def _change_row(bd: _Builder, country: str, before: tuple[int, str], after: tuple[int, str],
                change: str, old: list[int], new: list[int]) -> tuple[Any, ...]:
    r = (new or old)[0]
    origin, destination, _ = bd.ends[r]

    def names(stage: list[str]) -> str:
        return " or ".join(bd.places.name[k] if k else C.UNSTATED_NAME for k in stage)

    def path(routes: list[int]) -> str:
        return " | ".join(sorted({str(bd.route_path[q]) for q in routes}))

    sid = bd.route_source[r]
    return (
        bd.reporting_iso3[sid], bd.atlas.country_name(country), bd.route_commodity[r],
        bd.commodities.market[bd.route_commodity[r]], before[1], after[1], change,
        names(origin), names(destination), path(old), path(new),
        sorted(bd.route_id[q] for q in old), sorted(bd.route_id[q] for q in new),
        bd._phrases(old), bd._phrases(new),
    )
