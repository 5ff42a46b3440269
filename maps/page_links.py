"""The links of a map page: what the page draws once per link, how wide, with whose evidence;
the page's reports and editions, and its conflict marks (:mod:`geodata.agreement` defines
links, corroboration and conflicts; :mod:`maps.page_keys` the keys).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas, wrap_lon

if TYPE_CHECKING:
    from trafficking_route_mapper.maps.page_data import PageRoute

#: Corroboration at and past which a link is drawn at its widest (the legend's last width).
WIDEST = 4


@dataclass
class PageLinks:
    links: list[dict[str, Any]]
    index: dict[int, int]  # atlas link row -> position in ``links``
    reports: list[dict[str, Any]]
    report_index: dict[str, int]  # source id -> position in ``reports``
    conflicts: list[dict[str, Any]]
    editions: list[str] | None


def page_links(atlas: Atlas, routes: Sequence[PageRoute]) -> PageLinks:
    """The links the page's routes draw, in link order, and what the page says of each."""
    ag = atlas.agreement
    table = ag.links
    rows = sorted({link for route in routes for link in route.links})
    index = {row: i for i, row in enumerate(rows)}
    ids = table[C.LINK_ID].tolist()
    at = {lid: i for i, lid in enumerate(ids)}
    said = table[C.LINK_REPORTS].tolist()
    sources = sorted({route.report for route in routes} | {s for row in rows for s in said[row]})
    reports = _reports(atlas, sources)
    report_index = {r["id"]: i for i, r in enumerate(reports)}
    drawn_as, kinds = table[C.LINK_DRAWN_AS].tolist(), table[C.LINK_CONFLICTS].tolist()
    own, matched = table[C.LINK_ROUTES].tolist(), table[C.LINK_MATCHED_ROUTES].tolist()
    on_page = {route.entry["id"]: i for i, route in enumerate(routes)}
    statements = _statements(atlas, report_index, on_page)
    links = []
    for row in rows:
        entry: dict[str, Any] = {"id": ids[row], "n": [report_index[s] for s in said[row]]}
        finer = [index[at[lid]] for lid in drawn_as[row] if at[lid] in index]
        if finer:
            entry["f"] = finer
        if kinds[row]:
            entry["x"] = kinds[row]
        if len(said[row]) > 1:
            entry["e"] = statements(own[row], matched[row], set(said[row]))
        links.append(entry)
    editions = sorted({r["edition"] for r in reports}, key=lambda e: (len(e), e))
    return PageLinks(links, index, reports, report_index, _conflicts(atlas, index, at),
                     editions if len(editions) > 1 else None)


def _reports(atlas: Atlas, sources: Sequence[str]) -> list[dict[str, Any]]:
    t = atlas.reports.set_index(C.SOURCE_ID)
    out = []
    for sid in sources:
        url, note = t.at[sid, C.SOURCE_URL], t.at[sid, C.SOURCE_NOTE]
        out.append({"id": sid, "title": str(t.at[sid, C.SOURCE_TITLE]),
                    "url": url if isinstance(url, str) and url else None,
                    "note": note if isinstance(note, str) and note else None,
                    "edition": atlas.agreement.editions[sid],
                    "country": str(t.at[sid, C.REPORTING_COUNTRY_NAME])})
    return out


def _statements(atlas: Atlas, report_index: dict[str, int], on_page: dict[str, int]) -> Any:
    """A function giving, for a link's routes, one entry per statement of a corroborating
    report: {r: the route's index} for a route of the page (whose details the page has), else
    {s (report), label, role, path, ev (its evidence phrases)}."""
    rt = atlas.route_table
    route_at = {rid: i for i, rid in enumerate(rt[C.ROUTE_ID])}
    cols = {k: rt[k].tolist() for k in (C.STATEMENT_ID, C.SOURCE_ID, C.LABEL, C.PATH,
                                         C.REPORTING_ROLE)}
    phrase = atlas.evidence[C.EVIDENCE_PHRASE].tolist()

    def statements(own: list[str], matched: list[str], said: set[str]) -> list[dict[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        for rid in (*own, *matched):
            i = route_at[rid]
            source = cols[C.SOURCE_ID][i]
            if source not in said or cols[C.STATEMENT_ID][i] in seen:
                continue
            if rid in on_page:
                seen[cols[C.STATEMENT_ID][i]] = {"r": on_page[rid], "s": report_index[source],
                                                 "label": cols[C.LABEL][i]}
                continue
            seen[cols[C.STATEMENT_ID][i]] = {
                "s": report_index[source], "label": cols[C.LABEL][i], "path": cols[C.PATH][i],
                "role": cols[C.REPORTING_ROLE][i],
                "ev": [phrase[e] for e in atlas.evidence_rows(i)]}
        ordered = sorted(seen.values(), key=lambda e: (e["s"], e["label"]))
        for entry in ordered:
            if "r" in entry:
                del entry["label"]  # the page has it (ROUTE.label)
        return ordered

    return statements


def _conflicts(atlas: Atlas, index: dict[int, int], at: dict[str, int]) -> list[dict[str, Any]]:
    """One mark per conflict on a link of the page: at the middle of the link's line."""
    ag = atlas.agreement
    legs = atlas.leg_table
    start, stop = legs[C.LEG_COORD_START].to_numpy(), legs[C.LEG_COORD_STOP].to_numpy()
    out = []
    table = ag.conflicts  # column lists: to_dict("records") took 1 s a page at 30,000 rows
    for kind, lid, text in zip(table[C.CONFLICT_KIND].tolist(), table[C.LINK_ID].tolist(),
                               table[C.CONFLICT_DESCRIPTION].tolist(), strict=True):
        link = at[lid]
        if link not in index:
            continue
        k = int(ag.link_legs[link])
        line = atlas.coords[start[k]:stop[k]]
        mid = line[len(line) // 2] if len(line) else None
        out.append({"kind": kind, "k": index[link], "text": text,
                    "at": None if mid is None else [round(float(wrap_lon(mid[0])), 4),
                                                    round(float(mid[1]), 4)]})
    return out
