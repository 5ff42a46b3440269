"""Conflicts between the reports of an atlas: direction, one side only, role.

Part of :mod:`geodata.agreement` (which defines each kind); this module finds them, from the
links and tables the agreement's builder has gathered.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trafficking_route_mapper.geodata.agreement import _Builder

#: The reporting country's role implied by a stage's position on another report's route.
IMPLIED_ROLE = {"origin": "source", "transit": "transit", "destination": "destination"}
FLOW_ROLES = frozenset(IMPLIED_ROLE.values())


def link_id(commodity: str, start: str, end: str) -> str:
    """A link's id: ``<commodity>:<from place key>><to place key>``."""
    return f"{commodity}:{start}>{end}"


def conflicts(bd: _Builder, reverse: list[list[int]]) -> tuple[list[tuple[Any, ...]],
                                                             dict[int, set[str]]]:
    """Every conflict (one row each, :data:`~geodata.columns.CONFLICT_COLUMNS`), and the
    kinds of conflict on each link (by link row)."""
    rows: list[tuple[Any, ...]] = []
    flagged: dict[int, set[str]] = defaultdict(set)
    order, said = bd.order, bd.said
    for i, opposite in enumerate(reverse):
        for j in opposite:
            if j < i or not said[i] or not said[j] or not (said[j] - said[i]):
                continue
            flagged[i].add("direction")
            flagged[j].add("direction")
            a_routes = sorted(bd.own_routes[i])
            b_routes = sorted(bd.own_routes[j])
            for report in sorted(said[i]):
                others = sorted(said[j] - {report})
                if not others:
                    continue
                rows.append((
                    "direction", link_id(*order[i]), order[i][0], report,
                    bd.reporting_iso3[report], others, link_id(*order[j]), None, None,
                    f"{report} states {bd.places.name[order[i][1]]} → "
                    f"{bd.places.name[order[i][2]]}; {', '.join(others)} the reverse",
                    [bd.route_id[r] for r in a_routes if bd.route_source[r] == report],
                    [bd.route_id[r] for r in b_routes if bd.route_source[r] in others],
                    bd._phrases(r for r in a_routes if bd.route_source[r] == report),
                    bd._phrases(r for r in b_routes if bd.route_source[r] in others),
                ))
    links_of_route = _links_of_routes(bd)
    linked = _linked(bd)
    roles = _roles(bd)

    @functools.cache
    def own_side(other: str, commodity: str) -> tuple[set[str], list[str], list[str]]:
        """What report ``other`` says of its own country for ``commodity`` (and its market's
        matching commodities): its roles, its routes, their evidence (once per pair)."""
        own = set().union(*(roles[other].get(c, set()) for c in
                            bd.commodities.matching(commodity, roles[other])))
        routes = [q for q in bd.routes_of[other]
                  if bd.commodities.match(commodity, bd.route_commodity[q])]
        return own, [bd.route_id[q] for q in routes], bd._phrases(routes)

    for r in range(len(bd.route_id)):
        source, commodity = bd.route_source[r], bd.route_commodity[r]
        home = bd.reporting[source]
        for s in range(bd.stage_at[r], bd.stage_at[r + 1]):
            key = bd.stage_place[s]
            country = bd.places.country(key) if key is not None else None
            role = bd.stage_role[s]
            if (country is None or country == home or role not in IMPLIED_ROLE
                    or not bd.stage_stated[s] or not bd.profiles.get(country)):
                continue
            others = _counterparts(bd, country, source)
            touching = [i for i in links_of_route[r]
                        if country in (bd.places.country(order[i][1]),
                                       bd.places.country(order[i][2]))]
            if not touching:
                continue
            silent = [o for o in others if not bd.commodities.matching(
                commodity, linked[o].get(home, ()))]
            what = bd.commodities.label[commodity].lower()
            name, home_name = bd.places.name[key], bd.atlas.country_name(home)
            if len(silent) == len(others):
                for i in touching:
                    flagged[i].add("one-sided")
                    rows.append((
                        "one-sided", link_id(*order[i]), commodity, source,
                        bd.reporting_iso3[source], others, None,
                        _iso3(bd, country), role,
                        f"{source} names {name} ({role}) on a {what} route; the profile of "
                        f"{bd.atlas.country_name(country)} ({', '.join(others)}) states "
                        f"no {what} flow linked to {home_name}",
                        [bd.route_id[r]], [], bd._phrases([r]), []))
            implied = IMPLIED_ROLE[role]
            for other in others:
                own, own_ids, own_phrases = own_side(other, commodity)
                if not own or implied in own:
                    continue
                for i in touching:
                    flagged[i].add("role")
                    rows.append((
                        "role", link_id(*order[i]), commodity, source,
                        bd.reporting_iso3[source], [other], None, _iso3(bd, country),
                        role,
                        f"{source} makes {bd.atlas.country_name(country)} the {role} "
                        f"of a {what} route; its own profile ({other}) gives it the role "
                        f"{' and '.join(sorted(own))} for {what}, never {implied}",
                        [bd.route_id[r]], own_ids, bd._phrases([r]), own_phrases))
    return rows, flagged

def _iso3(bd: _Builder, code: str) -> str:
    for sid in bd.profiles.get(code, ()):
        return str(bd.reporting_iso3[sid])
    return code

def _counterparts(bd: _Builder, country: str, source: str) -> list[str]:
    """The profiles of ``country`` a claim of report ``source`` is checked against: those
    of the same year, where there are any, else all."""
    profiles = bd.profiles[country]
    same = [p for p in profiles if bd.year[p] is not None and bd.year[p] == bd.year[source]]
    return same or list(profiles)

def _links_of_routes(bd: _Builder) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in bd.route_id]
    for i, routes in enumerate(bd.own_routes):
        for r in routes:
            out[r].append(i)
    return [sorted(set(x)) for x in out]

def _linked(bd: _Builder) -> dict[str, dict[str, set[str]]]:
    """Per report: country code -> the commodities of its routes naming that country or an
    area containing it."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in range(len(bd.route_id)):
        table = out[bd.route_source[r]]
        for s in range(bd.stage_at[r], bd.stage_at[r + 1]):
            key = bd.stage_place[s]
            if key is not None:
                for m in bd.places.members[key]:
                    table[m].add(bd.route_commodity[r])
    return out

def _roles(bd: _Builder) -> dict[str, dict[str, set[str]]]:
    """Per report: commodity -> the roles it gives its own country on routes of it."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r, role in enumerate(bd.route_role):
        if role in FLOW_ROLES:
            out[bd.route_source[r]][bd.route_commodity[r]].add(role)
    return out
