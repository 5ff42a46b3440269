"""QGIS styles stored in the GeoPackage (the ``layer_styles`` table QGIS reads and writes), so
that the layers open in QGIS looking like the HTML map.

* ``routes``: a categorised renderer on ``commodity``, each commodity its colour, 0.6 mm lines;
* ``legs``: rule-based, two rules per commodity: stated legs solid, inferred ones dashed
  (``"stated"`` true or false), 0.6 mm;
* ``agreement``: categorised on ``commodity``, lines wider with ``corroboration`` (a data-defined
  width: 0.4 mm plus 0.3 mm a report, up to 1.6 mm);
* ``hubs`` and ``place_points``: white circles with a dark outline, as on the map;
* ``places``: outlines only, grey dashes; ``corridors``: grey dashed lines.

A style is QGIS's own QML (``styleQML``), one per layer, marked as the default; no SLD. The
table follows QGIS's schema and is registered in ``gpkg_contents`` as an attributes table, with
``update_time`` pinned like the layers' dates (byte-stable files).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

from trafficking_route_mapper.geodata import columns as C

LAYER_STYLES = "layer_styles"
STYLE_NAME = "trafficking-route-mapper"
LINE_MM = 0.6


def _rgba(colour: str, alpha: int = 255) -> str:
    return ",".join(str(int(colour[i:i + 2], 16)) for i in (1, 3, 5)) + f",{alpha}"


def _options(values: dict[str, str]) -> str:
    return "".join(f'<Option type="QString" name={quoteattr(k)} value={quoteattr(v)}/>'
                   for k, v in values.items())


def _line(name: str, colour: str, width: float = LINE_MM, dashed: bool = False,
          width_expression: str | None = None) -> str:
    values = {"line_color": _rgba(colour), "line_width": f"{width:g}", "line_width_unit": "MM",
              "line_style": "dash" if dashed else "solid", "capstyle": "round",
              "joinstyle": "round"}
    defined = ""
    if width_expression is not None:
        defined = ('<data_defined_properties><Option type="Map">'
                   '<Option type="QString" name="name" value=""/>'
                   '<Option type="Map" name="properties"><Option type="Map" name="outlineWidth">'
                   '<Option type="bool" name="active" value="true"/>'
                   f'<Option type="QString" name="expression" value={quoteattr(width_expression)}/>'
                   '<Option type="int" name="type" value="3"/></Option></Option>'
                   '<Option type="QString" name="type" value="collection"/></Option>'
                   '</data_defined_properties>')
    return (f'<symbol type="line" name={quoteattr(name)} alpha="1" clip_to_extent="1" '
            'force_rhr="0"><layer class="SimpleLine" enabled="1" locked="0" pass="0">'
            f'<Option type="Map">{_options(values)}</Option>{defined}</layer></symbol>')


def _marker(name: str) -> str:
    values = {"name": "circle", "color": "255,255,255,255", "outline_color": "34,34,34,255",
              "outline_width": "0.5", "outline_width_unit": "MM", "size": "3.5",
              "size_unit": "MM"}
    return (f'<symbol type="marker" name={quoteattr(name)} alpha="1" clip_to_extent="1" '
            'force_rhr="0"><layer class="SimpleMarker" enabled="1" locked="0" pass="0">'
            f'<Option type="Map">{_options(values)}</Option></layer></symbol>')


def _fill(name: str) -> str:
    values = {"color": "0,0,0,0", "style": "no", "outline_color": "102,102,102,255",
              "outline_style": "dash", "outline_width": "0.3", "outline_width_unit": "MM"}
    return (f'<symbol type="fill" name={quoteattr(name)} alpha="1" clip_to_extent="1" '
            'force_rhr="0"><layer class="SimpleFill" enabled="1" locked="0" pass="0">'
            f'<Option type="Map">{_options(values)}</Option></layer></symbol>')


def _qml(renderer: str) -> str:
    return ("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            f'<qgis version="3.28.0" styleCategories="Symbology">{renderer}</qgis>\n')


def _single(symbol: str) -> str:
    return _qml(f'<renderer-v2 type="singleSymbol" symbollevels="0" forceraster="0" '
                f'enableorderby="0"><symbols>{symbol}</symbols></renderer-v2>')


def _categorised(commodities: Sequence[tuple[str, str, str]],
                 width_expression: str | None = None) -> str:
    categories = "".join(
        f'<category value={quoteattr(cid)} label={quoteattr(label)} symbol="{i}" render="true"/>'
        for i, (cid, label, _) in enumerate(commodities))
    symbols = "".join(_line(str(i), colour, width_expression=width_expression)
                      for i, (_, _, colour) in enumerate(commodities))
    return _qml(f'<renderer-v2 type="categorizedSymbol" attr="{C.COMMODITY}" symbollevels="0" '
                f'forceraster="0" enableorderby="0"><categories>{categories}</categories>'
                f'<symbols>{symbols}</symbols></renderer-v2>')


def _legs(commodities: Sequence[tuple[str, str, str]]) -> str:
    rules, symbols = [], []
    for i, (cid, label, colour) in enumerate(commodities):
        for j, (stated, how) in enumerate(((True, "stated"), (False, "inferred"))):
            k = 2 * i + j
            test = f'"{C.LEG_STATED}"' if stated else f'NOT "{C.LEG_STATED}"'
            expression = f"\"{C.COMMODITY}\" = '{cid}' AND {test}"
            rules.append(f'<rule key="r{k}" symbol="{k}" label={quoteattr(f"{label}, {how}")} '
                         f'filter={quoteattr(expression)}/>')
            symbols.append(_line(str(k), colour, dashed=not stated))
    return _qml('<renderer-v2 type="RuleRenderer" symbollevels="0" forceraster="0" '
                f'enableorderby="0"><rules key="root">{"".join(rules)}</rules>'
                f'<symbols>{"".join(symbols)}</symbols></renderer-v2>')


#: the data-defined width of a link, in mm, from its corroboration
AGREEMENT_WIDTH = f'0.4 + 0.3 * min(max("{C.LINK_CORROBORATION}", 1), 4)'


def styles(commodities: Sequence[tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    """Layer -> (geometry column, QML) for every styled layer; ``commodities`` are (id, label,
    colour) in display order."""
    grey = "#666666"
    return {
        "routes": ("geom", _categorised(commodities)),
        "legs": ("geom", _legs(commodities)),
        "agreement": ("geom", _categorised(commodities, AGREEMENT_WIDTH)),
        "hubs": ("geom", _single(_marker("0"))),
        "place_points": ("geom", _single(_marker("0"))),
        "places": ("geom", _single(_fill("0"))),
        "corridors": ("geom", _single(_line("0", grey, 0.4, dashed=True))),
    }


def write_styles(path: Path, commodities: Sequence[tuple[str, str, str]], stamp: str) -> None:
    """Store :func:`styles` in ``path``'s ``layer_styles`` table (created as QGIS creates it)."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        with con:
            con.execute(
                f"CREATE TABLE IF NOT EXISTS {LAYER_STYLES} (id INTEGER PRIMARY KEY "
                "AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256), "
                "f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), "
                "styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, "
                "owner TEXT(30), ui TEXT(30), update_time DATETIME)")
            con.executemany(
                f"INSERT INTO {LAYER_STYLES} (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
                "owner, ui, update_time) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', NULL, ?)",
                [(layer, geom, STYLE_NAME, qml, f"{layer} as the HTML map draws it", stamp)
                 for layer, (geom, qml) in styles(commodities).items()])
            con.execute(
                "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, "
                "description, last_change) VALUES (?, 'attributes', ?, ?, ?)",
                (LAYER_STYLES, LAYER_STYLES, "QGIS styles of the layers (QML)", stamp))
    finally:
        con.close()
