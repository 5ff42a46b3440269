"""Agreement between reports: links, corroboration, conflicts, and what changed between editions.

An atlas of many reports states some flows more than once: Belgium's profile says heroin comes
from the Balkans, Albania's that it leaves Albania for Western Europe. This module finds those
repetitions and disagreements in the Atlas's own tables (it reads nothing else), once per build
(:attr:`geodata.atlas.Atlas.agreement`), for every renderer.

Links
    A *link* is a leg as the atlas sees it: one commodity, from one place to another. Every
    leg with two placed ends (not the one leg of a flow within an area) belongs to exactly one
    link, the one with its commodity and its two place keys; legs of several routes (of one
    report or of many) on the same link are drawn once.

Matching
    Two links *match* (state the same flow) when

    * their commodities match: the same commodity, or two of one market where one is the
      market's commodity of unstated form (``cannabis`` matches ``cannabis-resin``; see
      :data:`routes.commodities.GENERAL`); and
    * each end matches: the same place, or one contains the other. An area (a country or a
      region) contains every place whose countries are all among its own: Albania is in the
      Balkans, the Balkans' members include the Western Balkans', Antwerp is in Belgium. Two
      cities, two ports, or two regions that only overlap, never match.

    Matching is not transitive (Antwerp and Ghent both match Belgium, not each other), so each
    link counts its own matches.

Corroboration
    The number of distinct reports (source ids) that *state* a link or a link matching it. A
    report is one edition of one profile: the 2021 and the 2023 Belgium profiles are two
    reports, and a link both state has corroboration 2 (``countries`` counts reporting
    countries instead: 1). A leg the report does not state (``stated: false``, a corridor's
    waypoints) does not corroborate: such reports are listed apart, as ``inferred_reports``.

Drawing
    A link *refined* by a finer link of the same commodity that another report states (each end
    the same place or inside it, one strictly) is drawn as that finer link where the finer one
    is shown: its reports count towards the finer link's width. ``drawn_as`` lists the refining
    links. Within one report, a coarse and a fine statement ("to Europe", "to the
    Netherlands") are both drawn: the report said both.

Conflicts (one row each in :attr:`Agreement.conflicts`)
    * ``direction``: a report states X -> Y, another report Y -> X (matching links, reversed).
    * ``one-sided``: report A names a country B on a route (as origin, transit or
      destination), B's own profile is in the atlas (of A's year where there is one, else any
      edition), and no route of B of a matching commodity names A's country (or an area
      containing it). The row is on each link of A's route with an end in B.
    * ``role``: report B's route puts country A in a position (first stage: source; last:
      destination; between: transit) that A's own profile gives itself for none of its routes
      of a matching commodity (A calls itself only a transit for cocaine; B calls A the
      destination of cocaine).

    Regions are not countries: a route naming "Western Europe" raises no one-sided or role
    conflict with Belgium's profile.

Changes between editions (:attr:`Agreement.changes`)
    Per reporting country with two editions or more (ordered by year), between consecutive
    editions: each route's *flow* is its commodity, its first stage and its last stage; the
    transit is the stages between. A flow of the later edition matching one of the earlier
    (commodities and both ends matching, as links do) is ``persisting`` with the same transit
    and ``shifted`` with another; one without a match is ``new``, and an earlier flow without
    one ``gone``, except that a market the other edition did not assess
    (:data:`~geodata.columns.MARKET_SINCE` after its year) makes it ``not-assessed``.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.conflicts import conflicts as find_conflicts
from trafficking_route_mapper.geodata.conflicts import link_id
from trafficking_route_mapper.geodata.editions import changes

if TYPE_CHECKING:
    import pandas as pd

    from trafficking_route_mapper.geodata.atlas import Atlas

AREA_KINDS = frozenset({"country", "region"})
POINT_KINDS = frozenset({"country", "city", "port"})  # a place in one country



@dataclass(frozen=True)
class Agreement:
    """What the reports of an atlas say together (see the module docstring)."""

    links: pd.DataFrame
    conflicts: pd.DataFrame
    changes: pd.DataFrame
    #: the row in ``links`` of each row of the atlas's ``leg_table`` (-1: no link)
    leg_links: npt.NDArray[np.intp]
    #: the row of ``leg_table`` each link is drawn and exported with: its first stated leg
    #: (in route order), else its first leg
    link_legs: npt.NDArray[np.intp]
    #: each report's edition label (its ``edition``, else its year, else ""), by source id
    editions: dict[str, str]


def edition_label(edition: Any, year: Any) -> str:
    if isinstance(edition, str) and edition:
        return edition
    return str(int(year)) if isinstance(year, (int, np.integer)) else ""


class _Places:
    """The containment relation between the places of an atlas."""

    def __init__(self, atlas: Atlas) -> None:
        p = atlas.places
        self.kind = dict(zip(p[C.PLACE_KEY], p[C.PLACE_KIND], strict=True))
        self.name = dict(zip(p[C.PLACE_KEY], p[C.PLACE_NAME], strict=True))
        self.iso3 = dict(zip(p[C.PLACE_KEY], p[C.PLACE_ISO3], strict=True))
        self.members: dict[str, frozenset[str]] = {
            key: frozenset(m) for key, m in zip(p[C.PLACE_KEY], p[C.PLACE_MEMBERS], strict=True)}

    def related(self, keys: Iterable[str]) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        """For each of ``keys``: (the keys among them it matches, the keys it is strictly
        inside)."""
        keys = sorted(set(keys))
        by_member: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            if self.kind[key] in AREA_KINDS:
                for m in self.members[key]:
                    by_member[m].append(key)
        up: dict[str, set[str]] = {}
        for key in keys:
            members = self.members[key]
            if not members:
                up[key] = set()
                continue
            rarest = min(members, key=lambda m: len(by_member.get(m, ())))
            up[key] = {q for q in by_member.get(rarest, ()) if q != key
                       and members <= self.members[q]}
        down: dict[str, set[str]] = defaultdict(set)
        for key, areas in up.items():
            for q in areas:
                down[q].add(key)
        out = {}
        for key in keys:
            strictly = frozenset(q for q in up[key] if key not in up.get(q, ()))
            out[key] = (frozenset({key} | up[key] | down[key]), strictly)
        return out

    def country(self, key: str) -> str | None:
        """The one country of a country, city or port (None for a region or corridor)."""
        if self.kind.get(key) in POINT_KINDS and len(self.members[key]) == 1:
            return next(iter(self.members[key]))
        return None


class _Commodities:
    def __init__(self, atlas: Atlas) -> None:
        t = atlas.commodities
        self.market = dict(zip(t[C.COMMODITY], t[C.MARKET], strict=True))
        self.general = dict(zip(t[C.COMMODITY], t[C.COMMODITY_GENERAL], strict=True))
        self.label = dict(zip(t[C.COMMODITY], t[C.COMMODITY_LABEL], strict=True))
        self.market_label = dict(zip(t[C.COMMODITY], t[C.MARKET_LABEL], strict=True))
        self.since = dict(zip(t[C.COMMODITY], t[C.MARKET_SINCE], strict=True))
        self.order = {c: i for i, c in enumerate(t[C.COMMODITY])}

    def match(self, a: str, b: str) -> bool:
        return a == b or (self.market[a] == self.market[b]
                          and bool(self.general[a] or self.general[b]))

    @functools.cache  # noqa: B019 -- one registry per build, a few dozen commodities
    def matching_set(self, commodity: str) -> frozenset[str]:
        """Every commodity of the atlas that matches ``commodity``."""
        return frozenset(c for c in self.market if self.match(commodity, c))

    def matching(self, commodity: str, among: Iterable[str]) -> list[str]:
        """Those of ``among`` that match ``commodity``, in their order."""
        same = self.matching_set(commodity)
        return [c for c in among if c in same]


def agreement_of(atlas: Atlas) -> Agreement:
    """The links, conflicts and changes of ``atlas`` (see the module docstring)."""
    return _Builder(atlas).build()


class _Builder:
    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self.places = _Places(atlas)
        self.commodities = _Commodities(atlas)
        rt = atlas.route_table
        self.route_id = rt[C.ROUTE_ID].tolist()
        self.route_commodity = rt[C.COMMODITY].tolist()
        self.route_source = rt[C.SOURCE_ID].tolist()
        self.route_role = rt[C.REPORTING_ROLE].tolist()
        reports = atlas.reports
        self.editions = {sid: edition_label(e, y) for sid, e, y in zip(
            reports[C.SOURCE_ID], reports[C.REPORT_EDITION], reports[C.REPORT_YEAR],
            strict=True)}
        self.year = {sid: (int(y) if isinstance(y, (int, np.integer)) else None)
                     for sid, y in zip(reports[C.SOURCE_ID], reports[C.REPORT_YEAR], strict=True)}
        codes = set(atlas.countries[C.COUNTRY_CODE])
        to_code = {iso3: code for code, iso3 in zip(
            atlas.countries[C.COUNTRY_CODE], atlas.countries[C.COUNTRY_ISO3], strict=True) if iso3}
        self.reporting = {sid: (rc if rc in codes else to_code.get(rc, rc)) for sid, rc in zip(
            reports[C.SOURCE_ID], reports[C.REPORTING_COUNTRY], strict=True)}
        self.reporting_iso3 = dict(zip(reports[C.SOURCE_ID], reports[C.REPORTING_COUNTRY],
                                       strict=True))
        self.routes_of: dict[str, list[int]] = defaultdict(list)
        for r, sid in enumerate(self.route_source):
            self.routes_of[sid].append(r)
        self.profiles: dict[str, list[str]] = defaultdict(list)
        for sid in sorted(self.reporting):
            self.profiles[self.reporting[sid]].append(sid)
        st = atlas.stages
        self.stage_at = atlas.offsets(st).tolist()
        self.stage_place = st[C.STAGE_PLACE].tolist()
        self.stage_role = st[C.STAGE_ROLE].tolist()
        self.stage_index = st[C.STAGE_INDEX].tolist()
        self.stage_stated = st[C.STAGE_STATED].tolist()
        self.route_path = rt[C.PATH].tolist()
        self.ev_phrase = atlas.evidence[C.EVIDENCE_PHRASE].tolist()
        self.ev_source = [str(x) for x in atlas.evidence[C.EVIDENCE_SOURCE]]

    # -- evidence -------------------------------------------------------------------------------

    def _phrases(self, routes: Iterable[int]) -> list[str]:
        """The evidence of ``routes`` (their statements'), each once: "<report id>: <phrase>"."""
        seen: dict[int, None] = {}
        for r in routes:
            for e in self.atlas.evidence_rows(r):
                seen.setdefault(e, None)
        return [f"{self.ev_source[e]}: {self.ev_phrase[e]}" for e in seen]

    @functools.cached_property
    def ends(self) -> list[tuple[list[str], list[str], list[tuple[str, ...]]]]:
        """Each route's first stage, last stage and the stages between, as place keys ("" for
        an unstated stage; a stage of alternatives lists them all)."""
        out = []
        for r in range(len(self.route_id)):
            stages: dict[int, list[str]] = {}
            for s in range(self.stage_at[r], self.stage_at[r + 1]):
                key = self.stage_place[s]
                stages.setdefault(self.stage_index[s], []).append(key if key is not None else "")
            ordered = [stages[k] for k in sorted(stages)]
            out.append((ordered[0], ordered[-1], [tuple(x) for x in ordered[1:-1]]))
        return out

    @functools.cached_property
    def related_stages(self) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        """:meth:`_Places.related` over every stage's place."""
        return self.places.related(p for p in self.stage_place if p is not None)

    # -- links ----------------------------------------------------------------------------------

    def build(self) -> Agreement:
        legs = self.atlas.leg_table
        owner = self.atlas.route_index(legs[C.ROUTE_ID]).tolist()
        starts, ends = legs[C.LEG_FROM_PLACE].tolist(), legs[C.LEG_TO_PLACE].tolist()
        stated = legs[C.LEG_STATED].tolist()
        routing = legs[C.LEG_ROUTING].tolist()
        keys: dict[tuple[str, str, str], int] = {}
        leg_links = np.full(len(legs), -1, dtype=np.intp)
        for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
            if a is None or b is None or routing[k] == "within":
                continue
            key = (self.route_commodity[owner[k]], a, b)
            leg_links[k] = keys.setdefault(key, len(keys))
        order = sorted(keys, key=lambda key: link_id(*key))
        renumber = np.empty(len(keys) + 1, dtype=np.intp)
        renumber[-1] = -1
        for new, key in enumerate(order):
            renumber[keys[key]] = new
        leg_links = renumber[leg_links]
        n = len(order)
        own_routes: list[set[int]] = [set() for _ in range(n)]
        said: list[set[str]] = [set() for _ in range(n)]  # stated by
        inferred: list[set[str]] = [set() for _ in range(n)]
        link_legs = np.full(n, -1, dtype=np.intp)
        for k, link in enumerate(leg_links.tolist()):
            if link < 0:
                continue
            if link_legs[link] < 0 or (stated[k] and not stated[link_legs[link]]):
                link_legs[link] = k
            r = owner[k]
            own_routes[link].add(r)
            (said if stated[k] else inferred)[link].add(self.route_source[r])
        self.order, self.own_routes, self.said = order, own_routes, said
        self.link_commodity = [key[0] for key in order]
        related = self.places.related({p for _, a, b in order for p in (a, b)})
        by_ends: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for i, (_, a, b) in enumerate(order):
            by_ends[a][b].append(i)
        near = {key: related[key][0] for key in related}
        pairs: dict[tuple[str, str], list[int]] = {}
        matches = [self._matches(i, near, by_ends, pairs, reverse=False) for i in range(n)]
        reverse = [self._matches(i, near, by_ends, pairs, reverse=True) for i in range(n)]
        conflicts, flagged = find_conflicts(self, reverse)
        rows = []
        for i, (commodity, a, b) in enumerate(order):
            group = [i, *matches[i]]
            reports = sorted(set().union(*(said[j] for j in group)))
            refined_by = [order[j] for j in matches[i] if order[j][0] == commodity
                          and said[j] - said[i] and self._finer(order[j], order[i], related)]
            kinds = sorted(flagged.get(i, ()))
            rows.append((
                link_id(commodity, a, b), commodity, self.commodities.label[commodity],
                self.commodities.market[commodity], self.commodities.market_label[commodity],
                self.places.name[a], a, self.places.kind[a], list(self.places.iso3[a]),
                self.places.name[b], b, self.places.kind[b], list(self.places.iso3[b]),
                len(reports), len({self.reporting[s] for s in reports}), reports,
                sorted(inferred[i] - said[i]),
                sorted({self.editions[s] for s in reports} - {""}),
                sorted(self.route_id[r] for r in own_routes[i]),
                sorted({self.route_id[r] for j in matches[i] if said[j]
                        for r in own_routes[j]}),
                sorted(link_id(*key) for key in refined_by),
                sorted(link_id(*order[j]) for j in reverse[i] if said[j] - said[i]),
                kinds,
            ))
        return Agreement(
            links=_frame(rows, C.LINK_COLUMNS),
            conflicts=_frame(sorted(conflicts, key=lambda c: (c[0], c[1], c[3], c[7] or "")),
                             C.CONFLICT_COLUMNS),
            changes=_frame(changes(self), C.CHANGE_COLUMNS),
            leg_links=leg_links,
            link_legs=link_legs,
            editions=self.editions,
        )

    def _matches(self, i: int, near: dict[str, frozenset[str]],
                 by_ends: dict[str, dict[str, list[int]]], pairs: dict[tuple[str, str], list[int]],
                 *, reverse: bool) -> list[int]:
        """The other links matching link ``i`` (or, ``reverse``, matching it backwards). The
        links whose ends match a pair of places are found once per pair (``pairs``), with a
        set intersection per matching start, and then filtered by commodity (6,300 links of a
        3,000-route atlas: both directions in 0.2 s, against 1.9 s testing every link from
        each matching start)."""
        commodity, a, b = self.order[i]
        if reverse:
            a, b = b, a
        found = pairs.get((a, b))
        if found is None:
            found = []
            ends = near[b]
            for start in near[a]:
                table = by_ends.get(start)
                if table:
                    for end in table.keys() & ends:
                        found += table[end]
            pairs[(a, b)] = found
        same, of = self.commodities.matching_set(commodity), self.link_commodity
        return sorted(j for j in found if j != i and of[j] in same)

    def _finer(self, fine: tuple[str, str, str], coarse: tuple[str, str, str],
               related: dict[str, tuple[frozenset[str], frozenset[str]]]) -> bool:
        """Whether link ``fine`` refines ``coarse``: each end the same or inside, one strictly."""
        strict = False
        for f, c in ((fine[1], coarse[1]), (fine[2], coarse[2])):
            if f == c:
                continue
            if c not in related[f][1]:
                return False
            strict = True
        return strict



def _frame(rows: Sequence[tuple[Any, ...]], order: Sequence[str]) -> Any:
    from trafficking_route_mapper.geodata.assemble import frame

    return frame({c: [row[i] for row in rows] for i, c in enumerate(order)}, order)
