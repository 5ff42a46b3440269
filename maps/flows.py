"""``flows.csv`` and FlowmapBlue's ``flowmap/locations.csv`` and ``flowmap/flows.csv``.

``flows.csv`` has the columns of :data:`FLOW_COLUMNS`: ``leg`` is the 0-based index into the
route's ``legs`` list (undrawn legs keep their index but have no row), coordinates are the drawn
leg's first and last points with longitudes wrapped into [-180, 180], ``stated`` is
``true``/``false``, ``source_id``, ``edition`` and ``year`` are the route's report's (for
kepler.gl's time filter), ``link_id`` the leg's link (:mod:`geodata.agreement`) and ``count``
the number of reports that state that link or one matching it (its corroboration: 1 for a leg
of one report, 0 for a leg no report states, only infers), the weight of a kepler.gl arc layer
(``kepler.json``). kepler.gl pairs ``from_lat``/``from_lon`` and ``to_lat``/``to_lon`` by
itself.

Text cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return: a place named ``=HYPERLINK(...)``) are written with a
leading apostrophe (:func:`text_cell`, OWASP's advice against CSV injection); numeric columns
are never changed.

FlowmapBlue's two files use the Atlas's place keys as location ids (``country:BEL``,
``region:balkans``, ``port:BEANR``): they are unique and stable across builds, unlike names.
Flows are aggregated by (origin, dest): ``count`` is the number of statements (catalogue
entries: one passage of a report, of any report of the build) with a *stated* drawn leg between
the two places, whatever the number of commodities or alternatives a statement names: one
sentence counts once. Inferred legs are counted apart, in ``flowmap/inferred-flows.csv``, and
each commodity's stated flows in ``flowmap/by-commodity/<commodity>.csv`` (with the same
locations file). Rows are sorted; line ends are ``\\n``.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import PRECISION, Atlas, Point, wrap_lon
from trafficking_route_mapper.maps.export import FLOWMAP_FOLDER, FLOWS_CSV, report_editions

COUNT = "count"
FROM_LON, FROM_LAT, TO_LON, TO_LAT = "from_lon", "from_lat", "to_lon", "to_lat"
FLOW_COLUMNS: tuple[str, ...] = (
    C.ROUTE_ID, C.STATEMENT_ID, C.FLOW_ID, C.COMMODITY, C.LEG_INDEX, C.LEG_FROM, C.LEG_TO, FROM_LON, FROM_LAT,
    TO_LON, TO_LAT, C.LEG_MODE, C.LEG_STATED, C.LEG_ROUTING, C.SOURCE_ID, C.REPORT_EDITION,
    C.REPORT_YEAR, C.LINK_ID, COUNT,
)
# FlowmapBlue's own column names
LOCATION_COLUMNS: tuple[str, ...] = ("id", "name", "lat", "lon")
FLOWMAP_COLUMNS: tuple[str, ...] = ("origin", "dest", COUNT)

#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """A text cell a spreadsheet shows as text: one starting like a formula gets a leading
    apostrophe (OWASP's advice), which Excel, LibreOffice and Google Sheets do not display.
    Only text columns pass through here; numbers (a longitude of -3.7) are left as they are."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _fmt(x: float) -> str:
    """``x`` with PRECISION decimals (correctly rounded), never as ``-0.00000``."""
    text = f"{x:.{PRECISION}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def _csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_flows(atlas: Atlas, folder: Path) -> list[Path]:
    routes = atlas.route_table
    route_values = {k: routes[k].tolist() for k in (C.STATEMENT_ID, C.FLOW_ID, C.COMMODITY,
                                                   C.SOURCE_ID)}
    editions = {sid: ("" if e is None else e, "" if y is None else y)
                for sid, (e, y) in report_editions(atlas).items()}
    ag = atlas.agreement
    link_ids = ag.links[C.LINK_ID].tolist()
    corroboration = ag.links[C.LINK_CORROBORATION].tolist()
    leg_links = ag.leg_links.tolist()
    legs = atlas.leg_table
    owner = atlas.route_index(legs[C.ROUTE_ID]).tolist()
    columns = {k: legs[k].tolist() for k in legs.columns}
    coords = atlas.coords
    rows: list[list[Any]] = []
    # (stated, commodity or "" for all) -> (origin, dest) -> statements
    pairs: dict[tuple[bool, str], dict[tuple[str, str], set[str]]] = defaultdict(
        lambda: defaultdict(set))
    names: dict[str, str] = {}
    for k, drawn in enumerate(columns[C.LEG_DRAWN]):
        if not drawn:
            continue
        line = coords[columns[C.LEG_COORD_START][k]:columns[C.LEG_COORD_STOP][k]]
        start = (wrap_lon(float(line[0, 0])), float(line[0, 1]))
        end = (wrap_lon(float(line[-1, 0])), float(line[-1, 1]))
        frm, to = columns[C.LEG_FROM][k], columns[C.LEG_TO][k]
        statement = route_values[C.STATEMENT_ID][owner[k]]
        rows.append([
            columns[C.ROUTE_ID][k], statement, route_values[C.FLOW_ID][owner[k]],
            route_values[C.COMMODITY][owner[k]], columns[C.LEG_INDEX][k], text_cell(frm),
            text_cell(to), _fmt(start[0]), _fmt(start[1]), _fmt(end[0]), _fmt(end[1]),
            columns[C.LEG_MODE][k], "true" if columns[C.LEG_STATED][k] else "false",
            columns[C.LEG_ROUTING][k], route_values[C.SOURCE_ID][owner[k]],
            *editions[route_values[C.SOURCE_ID][owner[k]]], link_ids[leg_links[k]],
            corroboration[leg_links[k]],
        ])
        origin, dest = columns[C.LEG_FROM_PLACE][k], columns[C.LEG_TO_PLACE][k]
        names.setdefault(origin, frm)
        names.setdefault(dest, to)
        stated = bool(columns[C.LEG_STATED][k])
        for key in ((stated, ""), (stated, route_values[C.COMMODITY][owner[k]])):
            pairs[key][(origin, dest)].add(statement)
    points: dict[str, Point] = {
        key: (float(lon), float(lat)) for key, lon, lat in zip(
            atlas.places[C.PLACE_KEY], atlas.places[C.PLACE_LON], atlas.places[C.PLACE_LAT],
            strict=True)}
    location_rows = [[key, text_cell(name), _fmt(points[key][1]), _fmt(wrap_lon(points[key][0]))]
                     for key, name in sorted(names.items())]
    def flow_rows(key: tuple[bool, str]) -> list[list[Any]]:
        return [[o, d, len(n)] for (o, d), n in sorted(pairs.get(key, {}).items())]

    outputs = {
        folder / FLOWS_CSV: _csv_bytes(FLOW_COLUMNS, rows),
        folder / FLOWMAP_FOLDER / "locations.csv": _csv_bytes(LOCATION_COLUMNS, location_rows),
        folder / FLOWMAP_FOLDER / "flows.csv": _csv_bytes(FLOWMAP_COLUMNS, flow_rows((True, ""))),
        folder / FLOWMAP_FOLDER / "inferred-flows.csv": _csv_bytes(FLOWMAP_COLUMNS,
                                                                  flow_rows((False, ""))),
        **{folder / FLOWMAP_FOLDER / "by-commodity" / f"{cid}.csv":
           _csv_bytes(FLOWMAP_COLUMNS, flow_rows((True, cid)))
           for cid in sorted({c for stated, c in pairs if stated and c})},
    }
    for path, data in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return list(outputs)
