"""The agreement outputs: ``agreement.csv``, ``conflicts.csv``, ``changes.csv`` and the
``agreement.html`` page, from :attr:`geodata.atlas.Atlas.agreement` (how links, corroboration,
conflicts and changes are defined: :mod:`geodata.agreement`).

CSV cells that hold lists join them with ``"; "`` (ISO3 codes, report and route ids, conflict
kinds); evidence joins its phrases with ``" | "``, each as ``<report id>: <phrase>``. Text
cells that a spreadsheet would read as a formula are prefixed as in ``flows.csv``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas
from trafficking_route_mapper.maps.flows import _csv_bytes, text_cell

AGREEMENT_CSV = "agreement.csv"
CONFLICTS_CSV = "conflicts.csv"
CHANGES_CSV = "changes.csv"
AGREEMENT_HTML = "agreement.html"

#: The conflict kinds, each a true/false column of agreement.csv.
CONFLICT_KINDS = ("direction", "one-sided", "role")
FLAG_COLUMNS = tuple(f"conflict_{kind.replace('-', '_')}" for kind in CONFLICT_KINDS)
#: agreement.csv: the links table, its list of conflict kinds as one flag column per kind.
AGREEMENT_COLUMNS: tuple[str, ...] = (
    *(c for c in C.LINK_COLUMNS if c != C.LINK_CONFLICTS), *FLAG_COLUMNS)
_EVIDENCE_COLUMNS = frozenset({C.CONFLICT_EVIDENCE, C.CONFLICT_OTHER_EVIDENCE, C.CHANGE_EVIDENCE_BEFORE,
                               C.CHANGE_EVIDENCE_AFTER})


def _cell(column: str, value: Any) -> Any:
    if isinstance(value, list):
        return text_cell((" | " if column in _EVIDENCE_COLUMNS else "; ").join(map(str, value)))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return text_cell(value)
    return "" if value is None else value


def _rows(table: Any, columns: tuple[str, ...]) -> list[list[Any]]:
    values = {c: table[c].tolist() for c in columns if c in table.columns}
    return [[_cell(c, values[c][i]) for c in columns] for i in range(len(table))]


def write_agreement_csvs(atlas: Atlas, folder: Path) -> list[Path]:
    """agreement.csv (one row per link), conflicts.csv and changes.csv (header only when
    there is nothing to list)."""
    ag = atlas.agreement
    links = ag.links.copy()
    for kind, flag in zip(CONFLICT_KINDS, FLAG_COLUMNS, strict=True):
        links[flag] = [kind in kinds for kinds in links[C.LINK_CONFLICTS]]
    outputs = {
        folder / AGREEMENT_CSV: _csv_bytes(AGREEMENT_COLUMNS, _rows(links, AGREEMENT_COLUMNS)),
        folder / CONFLICTS_CSV: _csv_bytes(C.CONFLICT_COLUMNS,
                                           _rows(ag.conflicts, C.CONFLICT_COLUMNS)),
        folder / CHANGES_CSV: _csv_bytes(C.CHANGE_COLUMNS, _rows(ag.changes, C.CHANGE_COLUMNS)),
    }
    for path, data in outputs.items():
        path.write_bytes(data)
    return list(outputs)


# --- the agreement page -------------------------------------------------------------------------

def link_evidence(atlas: Atlas) -> list[list[list[str]]]:
    """Per link: [report id, phrase] of every statement on it or on a link matching it that a
    report states, by report."""
    ag = atlas.agreement
    route_at = {rid: i for i, rid in enumerate(atlas.route_table[C.ROUTE_ID])}
    ev = atlas.evidence
    phrase, source = ev[C.EVIDENCE_PHRASE].tolist(), ev[C.EVIDENCE_SOURCE].tolist()
    out = []
    for own, matched, reports in zip(ag.links[C.LINK_ROUTES], ag.links[C.LINK_MATCHED_ROUTES],
                                     ag.links[C.LINK_REPORTS], strict=True):
        wanted = set(reports)
        seen: dict[int, None] = {}
        for rid in (*own, *matched):
            for e in atlas.evidence_rows(route_at[rid]):
                if source[e] in wanted:
                    seen.setdefault(e, None)
        out.append(sorted([source[e], phrase[e]] for e in seen))
    return out


def agreement_data(atlas: Atlas, map_page: str = "index.html") -> dict[str, Any]:
    """What agreement.html shows, as JSON-able data."""
    ag = atlas.agreement
    reports = atlas.reports
    links = ag.links
    evidence = link_evidence(atlas)
    names = {key: str(name) for key, name in zip(
        atlas.reports[C.SOURCE_ID], atlas.reports[C.REPORTING_COUNTRY_NAME], strict=True)}
    return {
        "title": "Agreement between reports",
        "map": map_page,
        "reports": [{"id": sid, "title": title, "country": country, "edition": ag.editions[sid]}
                    for sid, title, country in zip(reports[C.SOURCE_ID], reports[C.SOURCE_TITLE],
                                                   reports[C.REPORTING_COUNTRY_NAME], strict=True)],
        "links": [{
            "id": row[C.LINK_ID], "commodity": row[C.COMMODITY_LABEL], "market": row[C.MARKET_LABEL],
            "from": row[C.LEG_FROM], "to": row[C.LEG_TO], "n": row[C.LINK_CORROBORATION],
            "countries": row[C.LINK_COUNTRIES], "reports": row[C.LINK_REPORTS],
            "inferred": row[C.LINK_INFERRED_REPORTS], "conflicts": row[C.LINK_CONFLICTS],
            "drawnAs": row[C.LINK_DRAWN_AS], "evidence": evidence[i],
        } for i, row in enumerate(links.to_dict("records"))],
        "conflicts": [{
            "kind": row[C.CONFLICT_KIND], "link": row[C.LINK_ID], "commodity": row[C.COMMODITY],
            "report": row[C.CONFLICT_REPORT], "country": names.get(row[C.CONFLICT_REPORT], ""),
            "other": row[C.CONFLICT_OTHER_REPORTS], "description": row[C.CONFLICT_DESCRIPTION],
            "evidence": row[C.CONFLICT_EVIDENCE], "otherEvidence": row[C.CONFLICT_OTHER_EVIDENCE],
        } for row in ag.conflicts.to_dict("records")],
        "changes": [{
            "country": row[C.REPORTING_COUNTRY_NAME], "commodity": row[C.COMMODITY],
            "before": row[C.CHANGE_BEFORE], "after": row[C.CHANGE_AFTER], "change": row[C.CHANGE],
            "origin": row[C.CHANGE_ORIGIN], "destination": row[C.CHANGE_DESTINATION],
            "pathBefore": row[C.CHANGE_PATH_BEFORE], "pathAfter": row[C.CHANGE_PATH_AFTER],
            "evidenceBefore": row[C.CHANGE_EVIDENCE_BEFORE], "evidenceAfter": row[C.CHANGE_EVIDENCE_AFTER],
        } for row in ag.changes.to_dict("records")],
    }


def render_agreement(atlas: Atlas, map_page: str = "index.html") -> bytes:
    """agreement.html: sortable, filterable tables of links, conflicts and changes, each link
    opening the map at it. Self-contained (no network); data as JSON, shown with textContent."""
    from trafficking_route_mapper.maps.layer import asset, json_bytes_for_script

    data = agreement_data(atlas, map_page)
    title = html.escape(data["title"] + ": " + "; ".join(sorted(set(atlas.reports[C.SOURCE_TITLE]))))
    return b"".join((
        b'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        b'<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>{title}</title>\n<style>\n".encode(), asset("agreement.css").encode(),
        b"</style>\n</head>\n<body>\n<main id=\"trm-agreement\"></main>\n"
        b'<script type="application/json" id="trm-agreement-data">',
        json_bytes_for_script(data), b"</script>\n<script>\n", asset("agreement.js").encode(),
        b"</script>\n</body>\n</html>\n",
    ))


def write_agreement_page(atlas: Atlas, folder: Path) -> Path:
    path = folder / AGREEMENT_HTML
    path.write_bytes(render_agreement(atlas))
    return path
