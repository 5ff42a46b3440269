"""``kepler.json``: a kepler.gl map configuration for ``flows.csv``.

An arc layer from each leg's start to its end, coloured by commodity in the HTML map's colours
and sized by ``count`` (the reports that state the leg's link), with a tooltip of the route,
statement, commodity, ends, mode, stated, report, edition and count. kepler.gl's "Load map
using config" (or ``KeplerGl(data={"flows": frame}, config=...)`` in keplergl for Jupyter)
applies it to the dataset whose id is ``flows``. The colours are given in the order kepler.gl
gives an ordinal field's values: sorted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas
from trafficking_route_mapper.maps.flows import COUNT, FROM_LAT, FROM_LON, TO_LAT, TO_LON

KEPLER_JSON = "kepler.json"
DATA_ID = "flows"
TOOLTIP: tuple[str, ...] = (
    C.ROUTE_ID, C.STATEMENT_ID, C.COMMODITY, C.LEG_FROM, C.LEG_TO, C.LEG_MODE, C.LEG_STATED,
    C.SOURCE_ID, C.REPORT_EDITION, C.REPORT_YEAR, COUNT,
)


def _rgb(colour: str) -> list[int]:
    return [int(colour[i:i + 2], 16) for i in (1, 3, 5)]


def kepler_config(atlas: Atlas) -> dict[str, Any]:
    """The configuration (kepler.gl's saved-map format, version v1)."""
    drawn = atlas.leg_table[atlas.leg_table[C.LEG_DRAWN]]
    present = set(atlas.route_table[C.COMMODITY].to_numpy()[atlas.route_index(drawn[C.ROUTE_ID])])
    ordered = [atlas.commodity_colours[c] for c in sorted(present)]
    layer = {
        "id": "trm-flows",
        "type": "arc",
        "config": {
            "dataId": DATA_ID,
            "label": "Legs by commodity",
            "color": _rgb(ordered[0]) if ordered else [85, 85, 85],
            "columns": {"lat0": FROM_LAT, "lng0": FROM_LON, "lat1": TO_LAT, "lng1": TO_LON},
            "isVisible": True,
            "visConfig": {
                "opacity": 0.8, "thickness": 2, "sizeRange": [1, 8], "targetColor": None,
                "colorRange": {"name": "trafficking-route-mapper commodities", "type": "custom",
                               "category": "Custom", "colors": ordered},
            },
        },
        "visualChannels": {
            "colorField": {"name": C.COMMODITY, "type": "string"}, "colorScale": "ordinal",
            "sizeField": {"name": COUNT, "type": "integer"}, "sizeScale": "linear",
        },
    }
    return {
        "version": "v1",
        "config": {
            "visState": {
                "filters": [],
                "layers": [layer],
                "interactionConfig": {"tooltip": {"enabled": True, "fieldsToShow": {
                    DATA_ID: [{"name": name, "format": None} for name in TOOLTIP]}}},
                "layerBlending": "normal",
                "splitMaps": [],
            },
            "mapState": {"latitude": 20.0, "longitude": 10.0, "zoom": 1.5, "bearing": 0,
                         "pitch": 0, "dragRotate": False},
            "mapStyle": {"styleType": "light"},
        },
    }


def write_kepler(atlas: Atlas, folder: Path) -> Path:
    path = folder / KEPLER_JSON
    path.write_text(json.dumps(kepler_config(atlas), indent=1, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path
