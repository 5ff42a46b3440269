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

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from trafficking_route_mapper.geodata import columns as C

if TYPE_CHECKING:
    import pandas as pd

    from trafficking_route_mapper.geodata.atlas import Atlas

AREA_KINDS = frozenset({"country", "region"})
POINT_KINDS = frozenset({"country", "city", "port"})  # a place in one country
#: The reporting country's role implied by a stage's position on another report's route.
IMPLIED_ROLE = {"origin": "source", "transit": "transit", "destination": "destination"}
FLOW_ROLES = frozenset(IMPLIED_ROLE.values())

# --- links: one row per link, sorted by link id ---------------------------------------------------
LINK_ID = "link_id"  # "<commodity>:<from place>><to place>"
FROM_KIND, TO_KIND = "from_kind", "to_kind"
FROM_ISO3, TO_ISO3 = "from_iso3", "to_iso3"  # lists
CORROBORATION = "corroboration"
COUNTRIES = "countries"  # distinct reporting countries among the corroborating reports
REPORTS = "reports"  # source ids of the corroborating reports (stated), sorted
INFERRED_REPORTS = "inferred_reports"  # reports with this link only inferred, not stated
EDITIONS = "editions"  # editions of the corroborating reports
OWN_ROUTES = "route_ids"  # routes with a leg on exactly this link
MATCHED_ROUTES = "matched_route_ids"  # routes stating a matching other link
DRAWN_AS = "drawn_as"  # finer links of the same commodity this one is drawn as
DIRECTION = "direction"  # links stating the reverse flow (other reports)
CONFLICTS = "conflicts"  # kinds of conflict on the link: direction, one-sided, role

LINK_COLUMNS: tuple[str, ...] = (
    LINK_ID, C.COMMODITY, C.COMMODITY_LABEL, C.MARKET, C.MARKET_LABEL, C.LEG_FROM,
    C.LEG_FROM_PLACE, FROM_KIND, FROM_ISO3, C.LEG_TO, C.LEG_TO_PLACE, TO_KIND, TO_ISO3,
    CORROBORATION, COUNTRIES, REPORTS, INFERRED_REPORTS, EDITIONS, OWN_ROUTES, MATCHED_ROUTES,
    DRAWN_AS, DIRECTION, CONFLICTS,
)

# --- conflicts: one row per conflict, sorted by kind, link and report ------------------------------
KIND = "kind"
REPORT = "report"  # the source id of the claim
OTHER_REPORTS = "other_reports"  # the other side: the reports that disagree or stay silent
OTHER_LINK = "other_link_id"  # a direction conflict's reverse link
ABOUT = "about"  # ISO3 (or Natural Earth code) of the country the claim concerns
ABOUT_ROLE = "about_role"  # the country's place on the claiming route: origin, transit...
DESCRIPTION = "description"
ROUTES = "routes"  # the claim's routes
OTHER_ROUTES = "other_routes"
EVIDENCE = "evidence"  # the claim's evidence phrases
OTHER_EVIDENCE = "other_evidence"

CONFLICT_COLUMNS: tuple[str, ...] = (
    KIND, LINK_ID, C.COMMODITY, REPORT, C.REPORTING_COUNTRY, OTHER_REPORTS, OTHER_LINK, ABOUT,
    ABOUT_ROLE, DESCRIPTION, ROUTES, OTHER_ROUTES, EVIDENCE, OTHER_EVIDENCE,
)

# --- changes: one row per flow compared between consecutive editions -------------------------------
CHANGE = "change"  # new, gone, persisting, shifted, not-assessed
BEFORE, AFTER = "edition_before", "edition_after"
ORIGIN, DESTINATION = "origin", "destination"
PATH_BEFORE, PATH_AFTER = "path_before", "path_after"
ROUTES_BEFORE, ROUTES_AFTER = "route_ids_before", "route_ids_after"
EVIDENCE_BEFORE, EVIDENCE_AFTER = "evidence_before", "evidence_after"

CHANGE_COLUMNS: tuple[str, ...] = (
    C.REPORTING_COUNTRY, C.REPORTING_COUNTRY_NAME, C.COMMODITY, C.MARKET, BEFORE, AFTER, CHANGE,
    ORIGIN, DESTINATION, PATH_BEFORE, PATH_AFTER, ROUTES_BEFORE, ROUTES_AFTER, EVIDENCE_BEFORE,
    EVIDENCE_AFTER,
)
CHANGE_ORDER = ("new", "gone", "shifted", "persisting", "not-assessed")


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

    def link_index(self, link_ids: Iterable[str]) -> list[int]:
        at = {lid: i for i, lid in enumerate(self.links[LINK_ID])}
        return [at[lid] for lid in link_ids]


def edition_label(edition: Any, year: Any) -> str:
    if isinstance(edition, str) and edition:
        return edition
    return str(int(year)) if isinstance(year, (int, np.integer)) else ""


def link_id(commodity: str, start: str, end: str) -> str:
    return f"{commodity}:{start}>{end}"


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

    def matching(self, commodity: str, among: Iterable[str]) -> list[str]:
        return [c for c in among if self.match(commodity, c)]


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

    # -- evidence -------------------------------------------------------------------------------

    def _phrases(self, routes: Iterable[int]) -> list[str]:
        ev = self.atlas.evidence
        phrase = ev[C.EVIDENCE_PHRASE]
        seen: dict[int, None] = {}
        for r in routes:
            for e in self.atlas.evidence_rows(r):
                seen.setdefault(e, None)
        return [f"{self.route_source_of_evidence(e)}: {phrase.iat[e]}" for e in seen]

    def route_source_of_evidence(self, e: int) -> str:
        return str(self.atlas.evidence[C.EVIDENCE_SOURCE].iat[e])

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
        related = self.places.related({p for _, a, b in order for p in (a, b)})
        by_start: dict[str, list[int]] = defaultdict(list)
        for i, (_, a, _) in enumerate(order):
            by_start[a].append(i)
        matches = [self._matches(i, related, by_start, reverse=False) for i in range(n)]
        reverse = [self._matches(i, related, by_start, reverse=True) for i in range(n)]
        conflicts, flagged = self._conflicts(reverse)
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
            links=_frame(rows, LINK_COLUMNS),
            conflicts=_frame(sorted(conflicts, key=lambda c: (c[0], c[1], c[3], c[7] or "")),
                             CONFLICT_COLUMNS),
            changes=_frame(self._changes(), CHANGE_COLUMNS),
            leg_links=leg_links,
            link_legs=link_legs,
            editions=self.editions,
        )

    def _matches(self, i: int, related: dict[str, tuple[frozenset[str], frozenset[str]]],
                 by_start: dict[str, list[int]], *, reverse: bool) -> list[int]:
        """The other links matching link ``i`` (or, ``reverse``, matching it backwards)."""
        commodity, a, b = self.order[i]
        if reverse:
            a, b = b, a
        ends = related[b][0]
        out = []
        for start in sorted(related[a][0]):
            for j in by_start.get(start, ()):
                c, _, end = self.order[j]
                if j != i and end in ends and self.commodities.match(commodity, c):
                    out.append(j)
        return sorted(out)

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

    # -- conflicts ------------------------------------------------------------------------------

    def _conflicts(self, reverse: list[list[int]]) -> tuple[list[tuple[Any, ...]], dict[int, set[str]]]:
        rows: list[tuple[Any, ...]] = []
        flagged: dict[int, set[str]] = defaultdict(set)
        order, said = self.order, self.said
        for i, opposite in enumerate(reverse):
            for j in opposite:
                if j < i or not said[i] or not said[j] or not (said[j] - said[i]):
                    continue
                flagged[i].add("direction")
                flagged[j].add("direction")
                a_routes = sorted(self.own_routes[i])
                b_routes = sorted(self.own_routes[j])
                for report in sorted(said[i]):
                    others = sorted(said[j] - {report})
                    if not others:
                        continue
                    rows.append((
                        "direction", link_id(*order[i]), order[i][0], report,
                        self.reporting_iso3[report], others, link_id(*order[j]), None, None,
                        f"{report} states {self.places.name[order[i][1]]} → "
                        f"{self.places.name[order[i][2]]}; {', '.join(others)} the reverse",
                        [self.route_id[r] for r in a_routes if self.route_source[r] == report],
                        [self.route_id[r] for r in b_routes if self.route_source[r] in others],
                        self._phrases(r for r in a_routes if self.route_source[r] == report),
                        self._phrases(r for r in b_routes if self.route_source[r] in others),
                    ))
        links_of_route = self._links_of_routes()
        linked = self._linked()
        roles = self._roles()
        for r in range(len(self.route_id)):
            source, commodity = self.route_source[r], self.route_commodity[r]
            home = self.reporting[source]
            for s in range(self.stage_at[r], self.stage_at[r + 1]):
                key = self.stage_place[s]
                country = self.places.country(key) if key is not None else None
                role = self.stage_role[s]
                if (country is None or country == home or role not in IMPLIED_ROLE
                        or not self.stage_stated[s] or not self.profiles.get(country)):
                    continue
                others = self._counterparts(country, source)
                touching = [i for i in links_of_route[r]
                            if country in (self.places.country(order[i][1]),
                                           self.places.country(order[i][2]))]
                if not touching:
                    continue
                silent = [o for o in others if not self.commodities.matching(
                    commodity, linked[o].get(home, ()))]
                what = self.commodities.label[commodity].lower()
                name, home_name = self.places.name[key], self.atlas.country_name(home)
                if len(silent) == len(others):
                    for i in touching:
                        flagged[i].add("one-sided")
                        rows.append((
                            "one-sided", link_id(*order[i]), commodity, source,
                            self.reporting_iso3[source], others, None,
                            self._iso3(country), role,
                            f"{source} names {name} ({role}) on a {what} route; the profile of "
                            f"{self.atlas.country_name(country)} ({', '.join(others)}) states "
                            f"no {what} flow linked to {home_name}",
                            [self.route_id[r]], [], self._phrases([r]), []))
                implied = IMPLIED_ROLE[role]
                for other in others:
                    own = set().union(*(roles[other].get(c, set()) for c in
                                        self.commodities.matching(commodity, roles[other])))
                    if not own or implied in own:
                        continue
                    own_routes = [q for q in self.routes_of[other]
                                  if self.commodities.match(commodity, self.route_commodity[q])]
                    for i in touching:
                        flagged[i].add("role")
                        rows.append((
                            "role", link_id(*order[i]), commodity, source,
                            self.reporting_iso3[source], [other], None, self._iso3(country),
                            role,
                            f"{source} makes {self.atlas.country_name(country)} the {role} "
                            f"of a {what} route; its own profile ({other}) gives it the role "
                            f"{' and '.join(sorted(own))} for {what}, never {implied}",
                            [self.route_id[r]], [self.route_id[q] for q in own_routes],
                            self._phrases([r]), self._phrases(own_routes)))
        return rows, flagged

    def _iso3(self, code: str) -> str:
        for sid in self.profiles.get(code, ()):
            return str(self.reporting_iso3[sid])
        return code

    def _counterparts(self, country: str, source: str) -> list[str]:
        """The profiles of ``country`` a claim of report ``source`` is checked against: those
        of the same year, where there are any, else all."""
        profiles = self.profiles[country]
        same = [p for p in profiles if self.year[p] is not None and self.year[p] == self.year[source]]
        return same or list(profiles)

    def _links_of_routes(self) -> list[list[int]]:
        out: list[list[int]] = [[] for _ in self.route_id]
        for i, routes in enumerate(self.own_routes):
            for r in routes:
                out[r].append(i)
        return [sorted(set(x)) for x in out]

    def _linked(self) -> dict[str, dict[str, set[str]]]:
        """Per report: country code -> the commodities of its routes naming that country or an
        area containing it."""
        out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for r in range(len(self.route_id)):
            table = out[self.route_source[r]]
            for s in range(self.stage_at[r], self.stage_at[r + 1]):
                key = self.stage_place[s]
                if key is not None:
                    for m in self.places.members[key]:
                        table[m].add(self.route_commodity[r])
        return out

    def _roles(self) -> dict[str, dict[str, set[str]]]:
        """Per report: commodity -> the roles it gives its own country on routes of it."""
        out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for r, role in enumerate(self.route_role):
            if role in FLOW_ROLES:
                out[self.route_source[r]][self.route_commodity[r]].add(role)
        return out

    # -- changes between editions ---------------------------------------------------------------

    def _changes(self) -> list[tuple[Any, ...]]:
        by_country: dict[str, list[str]] = defaultdict(list)
        for sid, country in self.reporting.items():
            by_country[country].append(sid)
        flows_of = self.routes_of
        rows: list[tuple[Any, ...]] = []
        for country in sorted(by_country):
            editions: dict[tuple[int, str], list[str]] = defaultdict(list)
            for sid in by_country[country]:
                year = self.year[sid]
                editions[(year if year is not None else 10_000, self.editions[sid])].append(sid)
            steps = sorted(editions)
            for before, after in zip(steps, steps[1:], strict=False):
                old = [r for sid in editions[before] for r in flows_of[sid]]
                new = [r for sid in editions[after] for r in flows_of[sid]]
                rows += self._compare(country, before, after, old, new)
        rows.sort(key=lambda row: (row[0], self.commodities.order[row[2]],
                                   CHANGE_ORDER.index(row[6]), row[7], row[8], row[11], row[12]))
        return rows

    def _ends(self, r: int) -> tuple[list[str], list[str], list[tuple[str, ...]]]:
        stages: dict[int, list[str]] = defaultdict(list)
        for s in range(self.stage_at[r], self.stage_at[r + 1]):
            key = self.stage_place[s]
            stages[self.stage_index[s]].append(key if key is not None else "")
        ordered = [stages[k] for k in sorted(stages)]
        return ordered[0], ordered[-1], [tuple(x) for x in ordered[1:-1]]

    def _compare(self, country: str, before: tuple[int, str], after: tuple[int, str],
                 old: Sequence[int], new: Sequence[int]) -> list[tuple[Any, ...]]:
        keys = {p for r in (*old, *new) for stage in self._ends(r)[:2] for p in stage if p}
        keys |= {p for r in (*old, *new) for stage in self._ends(r)[2] for p in stage if p}
        related = self.places.related(keys)

        def same_end(x: list[str], y: list[str]) -> bool:
            return any(a and b and b in related[a][0] for a in x for b in y) or x == y

        def matched(r: int, q: int) -> bool:
            (o1, d1, _), (o2, d2, _) = self._ends(r), self._ends(q)
            return (self.commodities.match(self.route_commodity[r], self.route_commodity[q])
                    and same_end(o1, o2) and same_end(d1, d2))

        rows = []
        used_old: set[int] = set()
        for q in new:
            pairs = [r for r in old if matched(r, q)]
            used_old.update(pairs)
            commodity = self.route_commodity[q]
            if pairs:
                same = [r for r in pairs if self._ends(r)[2] == self._ends(q)[2]]
                change = "persisting" if same else "shifted"
                rows.append(self._change_row(country, before, after, change,
                                             same or pairs, [q]))
            else:
                assessed = before[0] >= self.commodities.since[commodity]
                rows.append(self._change_row(country, before, after,
                                             "new" if assessed else "not-assessed", [], [q]))
        for r in old:
            if r in used_old:
                continue
            assessed = after[0] >= self.commodities.since[self.route_commodity[r]]
            rows.append(self._change_row(country, before, after,
                                         "gone" if assessed else "not-assessed", [r], []))
        return rows

    def _change_row(self, country: str, before: tuple[int, str], after: tuple[int, str],
                    change: str, old: list[int], new: list[int]) -> tuple[Any, ...]:
        r = (new or old)[0]
        origin, destination, _ = self._ends(r)

        def names(stage: list[str]) -> str:
            return " or ".join(self.places.name[k] if k else C.UNSTATED_NAME for k in stage)

        def path(routes: list[int]) -> str:
            return " | ".join(sorted({str(self.atlas.route_table[C.PATH].iat[q]) for q in routes}))

        sid = self.route_source[r]
        return (
            self.reporting_iso3[sid], self.atlas.country_name(country), self.route_commodity[r],
            self.commodities.market[self.route_commodity[r]], before[1], after[1], change,
            names(origin), names(destination), path(old), path(new),
            sorted(self.route_id[q] for q in old), sorted(self.route_id[q] for q in new),
            self._phrases(old), self._phrases(new),
        )


def _frame(rows: Sequence[tuple[Any, ...]], order: Sequence[str]) -> Any:
    from trafficking_route_mapper.geodata.assemble import frame

    return frame({c: [row[i] for row in rows] for i, c in enumerate(order)}, order)
