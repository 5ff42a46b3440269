"""Valid but hostile text in every output other than the pages (which the browser tests cover):
matplotlib math markup in PNG text, spreadsheet formulas in CSV cells.

The catalogue here is test data, not report content: fictional places inside Belgium.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from tests.builders import minimal_route, minimal_source, stages, write_catalogue
from trafficking_route_mapper.geodata.assemble import build_atlas
from trafficking_route_mapper.geodata.resolve import validate
from trafficking_route_mapper.maps.export import write_exports
from trafficking_route_mapper.maps.static import write_pngs

FORMULAS = ['=HYPERLINK("http://example.invalid","x")', "+1 Harbour", "-2 Quay", "@SUM Docks"]
MATH = ["$\\frac{1}{0}$ Port", "Cost $$ Town", "Odd $ Village"]


def _city(name: str, lon: float) -> dict[str, Any]:
    return {"kind": "city", "name": name, "country": "Belgium", "lon": lon, "lat": 50.6,
            "source": "test data"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    names = FORMULAS + MATH
    places = [_city(name, 3.3 + 0.3 * i) for i, name in enumerate(names)]
    routes = [minimal_route(id=f"route-{i}", label=f"{name} label $x^2$",
                            stages=stages(name, "Netherlands")) for i, name in enumerate(names)]
    path = write_catalogue(folder, routes=routes, places=places,
                           source=minimal_source(title="A $\\sqrt{-1}$ report $$"))
    resolved = validate([path])
    atlas = build_atlas(resolved)
    write_exports(atlas, folder / "out")
    write_pngs(atlas, folder / "out")
    return folder / "out"


def test_math_markup_in_text_does_not_break_the_pngs(built: Path) -> None:
    written = sorted(p.name for p in (built / "png").glob("*.png"))
    assert written == ["firearms.png", "overview.png"]
    assert all((built / "png" / name).stat().st_size > 10_000 for name in written)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_formula_text_is_neutralised_in_csv_cells(built: Path) -> None:
    origins = {row["from"] for row in _rows(built / "flows.csv")}
    assert origins == {"'" + name for name in FORMULAS} | set(MATH)
    names = {row["name"] for row in _rows(built / "flowmap" / "locations.csv")}
    assert {"'" + name for name in FORMULAS} <= names


def test_numbers_are_not_neutralised(built: Path) -> None:
    rows = _rows(built / "flows.csv")
    assert all(not row["from_lon"].startswith("'") for row in rows)
    assert float(rows[0]["from_lat"]) == 50.6


def test_the_geojson_keeps_the_text_exactly(built: Path) -> None:
    features = json.loads((built / "routes.geojson").read_text(encoding="utf-8"))["features"]
    assert sorted(f["properties"]["stages"][0]["name"] for f in features) == sorted(FORMULAS + MATH)
    assert features[0]["properties"]["source_title"] == "A $\\sqrt{-1}$ report $$"
