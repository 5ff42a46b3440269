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

import numpy as np

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


def _cells(column: str, values: list[Any]) -> list[Any]:
    """One column's CSV cells, converted column by column (a column holds one type, told by
    its first value that is not None)."""
    kind = next((v for v in values if v is not None), None)
    if isinstance(kind, list):
        sep = " | " if column in _EVIDENCE_COLUMNS else "; "
        return [text_cell(sep.join(map(str, v))) if v else "" for v in values]
    if isinstance(kind, (bool, np.bool_)):
        return ["true" if v else "false" for v in values]
    if isinstance(kind, str):
        return [text_cell(v) if isinstance(v, str) else "" for v in values]
    return ["" if v is None else v for v in values]


def _rows(table: Any, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    cells = [_cells(c, table[c].tolist()) for c in columns]
    return list(zip(*cells, strict=True)) if cells else []


def agreement_links(atlas: Atlas) -> Any:
    """The links as agreement.csv and the GeoPackage's agreement layer have them: the
    columns of :data:`AGREEMENT_COLUMNS`, the list of conflict kinds as one flag per kind."""
    links = atlas.agreement.links
    table = links[[c for c in AGREEMENT_COLUMNS if c in links.columns]].copy()
    for kind, flag in zip(CONFLICT_KINDS, FLAG_COLUMNS, strict=True):
        table[flag] = [kind in kinds for kinds in links[C.LINK_CONFLICTS]]
    return table


def write_agreement_csvs(atlas: Atlas, folder: Path) -> list[Path]:
    """agreement.csv (one row per link), conflicts.csv and changes.csv (header only when
    there is nothing to list)."""
    ag = atlas.agreement
    links = agreement_links(atlas)
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

def link_evidence(atlas: Atlas) -> list[list[str]]:
    """Per link: "<report id>: <phrase>" of every statement on it or on a link matching it
    that a report states, sorted."""
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
        out.append(sorted(f"{source[e]}: {phrase[e]}" for e in seen))
    return out


def _records(table: Any, keys: dict[str, str]) -> list[dict[str, Any]]:
    """Rows of ``table`` as {key: value} for the columns ``keys`` maps to (column lists, not
    DataFrame.to_dict, which boxes each value: 20 s at 30,000 rows)."""
    columns = {key: table[column].tolist() for key, column in keys.items()}
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(),
                                                                       strict=True)]


class _Phrases:
    """Evidence strings, each stored once in the page (a phrase is quoted by every link and
    conflict it supports) and referred to by index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def refs(self, items: list[str]) -> list[int]:
        return [self.index.setdefault(item, len(self.index)) for item in items]


def agreement_data(atlas: Atlas, map_page: str = "index.html") -> dict[str, Any]:
    """What agreement.html shows, as JSON-able data (evidence as indexes into ``phrases``)."""
    ag = atlas.agreement
    reports = atlas.reports
    phrases = _Phrases()
    names = dict(zip(reports[C.SOURCE_ID], reports[C.REPORTING_COUNTRY_NAME], strict=True))
    links = _records(ag.links, {
        "id": C.LINK_ID, "commodity": C.COMMODITY_LABEL, "market": C.MARKET_LABEL,
        "from": C.LEG_FROM, "to": C.LEG_TO, "n": C.LINK_CORROBORATION,
        "countries": C.LINK_COUNTRIES, "reports": C.LINK_REPORTS,
        "inferred": C.LINK_INFERRED_REPORTS, "conflicts": C.LINK_CONFLICTS,
        "drawnAs": C.LINK_DRAWN_AS})
    for link, evidence in zip(links, link_evidence(atlas), strict=True):
        link["evidence"] = phrases.refs(evidence)
    conflicts = _records(ag.conflicts, {
        "kind": C.CONFLICT_KIND, "link": C.LINK_ID, "commodity": C.COMMODITY,
        "report": C.CONFLICT_REPORT, "other": C.CONFLICT_OTHER_REPORTS,
        "description": C.CONFLICT_DESCRIPTION, "evidence": C.CONFLICT_EVIDENCE,
        "otherEvidence": C.CONFLICT_OTHER_EVIDENCE})
    labels = dict(zip(atlas.commodities[C.COMMODITY], atlas.commodities[C.COMMODITY_LABEL],
                      strict=True))
    for conflict in conflicts:
        conflict["commodity"] = labels[conflict["commodity"]]  # the page shows labels
        conflict["country"] = str(names.get(conflict["report"], ""))
        conflict["evidence"] = phrases.refs(conflict["evidence"])
        conflict["otherEvidence"] = phrases.refs(conflict["otherEvidence"])
    changes = _records(ag.changes, {
        "country": C.REPORTING_COUNTRY_NAME, "commodity": C.COMMODITY, "before": C.CHANGE_BEFORE,
        "after": C.CHANGE_AFTER, "change": C.CHANGE, "origin": C.CHANGE_ORIGIN,
        "destination": C.CHANGE_DESTINATION, "pathBefore": C.CHANGE_PATH_BEFORE,
        "pathAfter": C.CHANGE_PATH_AFTER, "evidenceBefore": C.CHANGE_EVIDENCE_BEFORE,
        "evidenceAfter": C.CHANGE_EVIDENCE_AFTER})
    for change in changes:
        change["commodity"] = labels[change["commodity"]]
        change["evidenceBefore"] = phrases.refs(change["evidenceBefore"])
        change["evidenceAfter"] = phrases.refs(change["evidenceAfter"])
    return {
        "title": "Agreement between reports",
        "map": map_page,
        "reports": [{"id": sid, "title": title, "country": country, "edition": ag.editions[sid]}
                    for sid, title, country in zip(reports[C.SOURCE_ID], reports[C.SOURCE_TITLE],
                                                   reports[C.REPORTING_COUNTRY_NAME], strict=True)],
        "links": links,
        "conflicts": conflicts,
        "changes": changes,
        "phrases": list(phrases.index),
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
