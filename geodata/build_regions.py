"""Regenerate ``geodata/data/regions.geojson``: the built-in regions' points and unions.

Computing a region's union (Asia, Africa, Europe... fifty countries each) and representative
point at every build cost about 0.85 s, more than everything else the built-in build does but
the imports; the results depend only on ``regions.yaml`` and ``countries.geojson``, so they are
derived once, here, and shipped. Never edit the output by hand: run ``make geodata``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from trafficking_route_mapper.geodata import derive

OUTPUT = Path(__file__).with_name("data") / "regions.geojson"
PRECISION = 5


def build() -> dict[str, Any]:
    """The FeatureCollection of every built-in region, computed without the derived file."""
    import shapely

    from trafficking_route_mapper.geodata import datafiles, gazetteer, places

    gaz = gazetteer.Gazetteer(datafiles.load_countries())
    for adm0, names in datafiles.data_yaml("aliases.yaml").items():
        gaz.alias(f"country:{adm0}", names)
    features = []
    for entry in datafiles.data_yaml("regions.yaml"):
        place = places.region_from_definition(gaz, entry)
        point = gaz.region_point(place.members) if "anchor" not in entry else place.point
        geom = shapely.make_valid(gazetteer.union(place.members, gaz))
        geom = shapely.set_precision(geom, 10**-PRECISION)
        features.append({
            "type": "Feature",
            "properties": {"key": place.key, "name": place.name, "members": list(place.members),
                           "point": [point[0], point[1]]},
            "geometry": json.loads(shapely.to_geojson(geom)),
        })
    return {"type": "FeatureCollection", "features": features}


def write(collection: dict[str, Any], path: Path) -> None:
    """Compact, byte-stable JSON: sorted keys, one feature per line."""
    lines = [json.dumps(f, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
             for f in collection["features"]]
    path.write_text('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n",
                    encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    return derive.run(argv, __doc__, OUTPUT, lambda out: write(build(), out))


if __name__ == "__main__":
    sys.exit(main())
