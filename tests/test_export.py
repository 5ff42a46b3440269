"""The GIS exports: valid RFC 7946 GeoJSON, a GeoPackage QGIS opens, flow CSVs for arc maps.

The built-in catalogue is exported once per module; small synthetic frames cover what it lacks
(a route across the antimeridian).
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
import json
import math
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, route
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import PRECISION, Atlas, Point
from trafficking_route_mapper.maps import antimeridian, export, gpkg
from trafficking_route_mapper.maps.export import write_exports

GEOJSONHINT = REPO / "node_modules" / ".bin" / "geojsonhint"

# --- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(builtin_atlas: Atlas, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    write_exports(builtin_atlas, folder)
    return folder


#: simplestyle-spec's line properties, after every feature's own (maps.geojson.simplestyle)
SIMPLESTYLE = ("stroke", "stroke-width", "stroke-opacity")


def test_every_feature_carries_the_maps_style(exported: Path, builtin_atlas: Atlas) -> None:
    colours = dict(zip(builtin_atlas.commodities[C.COMMODITY],
                       builtin_atlas.commodities[C.COMMODITY_COLOUR], strict=True))
    for feature in _load(exported / export.ROUTES_GEOJSON)["features"]:
        props = feature["properties"]
        assert props["stroke"] == colours[props[C.COMMODITY]]
        assert props["stroke-width"] == 2
        assert props["stroke-opacity"] == 1.0


def _geojson_files(folder: Path) -> list[Path]:
    return [folder / export.ROUTES_GEOJSON,
            *sorted((folder / export.COMMODITY_FOLDER).glob("*.geojson"))]


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _positions(geometry: dict[str, Any] | None) -> Iterator[list[float]]:
    if geometry is None:
        return
    for line in geometry["coordinates"]:
        yield from line


def _drawn_leg_count(atlas: Atlas) -> int:
    return int(atlas.leg_table[C.LEG_DRAWN].sum())


def _one_leg_template(atlas: Atlas) -> str:
    """The id of a built-in route with exactly one leg, drawn: a template for synthetic routes."""
    legs = atlas.leg_table
    counts = legs.groupby(C.ROUTE_ID)[C.LEG_DRAWN].agg(["size", "all"])
    return str(counts[(counts["size"] == 1) & counts["all"]].index[0])


def _synthetic_atlas(atlas: Atlas, lines: dict[str, list[Point] | None]) -> Atlas:
    """Routes copied from a one-leg template, with the given ids and lines (None: not drawn)."""
    import pandas as pd

    template = _one_leg_template(atlas)

    def rows(table: Any) -> list[dict[str, Any]]:
        return table[table[C.ROUTE_ID] == template].to_dict(orient="records")  # type: ignore[no-any-return]

    (route,), (leg,) = rows(atlas.route_table), rows(atlas.leg_table)
    stages = rows(atlas.stages)
    statement = route[C.STATEMENT_ID]
    evidence = atlas.evidence[atlas.evidence[C.STATEMENT_ID] == statement].to_dict(orient="records")
    (statement_row,) = atlas.statements[atlas.statements[C.STATEMENT_ID] == statement].to_dict(
        orient="records")
    tables: dict[str, list[dict[str, Any]]] = {"routes": [], "stages": [], "legs": [],
                                               "evidence": [], "statements": []}
    coords: list[Point] = []
    for route_id, line in sorted(lines.items()):  # each a statement of its own
        tables["statements"].append({**statement_row, C.STATEMENT_ID: route_id,
                                     C.ROUTE_IDS: [route_id]})
        tables["routes"].append({**route, C.ROUTE_ID: route_id, C.STATEMENT_ID: route_id})
        tables["stages"] += [{**st, C.ROUTE_ID: route_id} for st in stages]
        tables["evidence"] += [{**ev, C.STATEMENT_ID: route_id} for ev in evidence]
        start = len(coords)
        coords += line or []
        tables["legs"].append({**leg, C.ROUTE_ID: route_id, C.LEG_DRAWN: line is not None,
                               C.LEG_COORD_START: start, C.LEG_COORD_STOP: len(coords)})

    def frame(name: str, like: Any) -> Any:
        return pd.DataFrame(tables[name], columns=list(like.columns)).astype(like.dtypes.to_dict())

    return dataclasses.replace(
        atlas, statements=frame("statements", atlas.statements),
        route_table=frame("routes", atlas.route_table),
        stages=frame("stages", atlas.stages), leg_table=frame("legs", atlas.leg_table),
        evidence=frame("evidence", atlas.evidence),
        coords=np.array(coords, dtype=float).reshape(-1, 2))


def _hint(path: Path) -> list[Any]:
    """geojsonhint's findings for a file (errors and messages alike), as parsed JSON."""
    if not GEOJSONHINT.exists():
        pytest.fail(f"{GEOJSONHINT} is missing: run `make test` (its system-deps step installs "
                    "it) or `npm install --no-save @mapbox/geojsonhint@3.0.0` in the repository")
    if shutil.which("node") is None:
        pytest.fail("node is not on PATH; geojsonhint needs Node.js")
    done = subprocess.run([str(GEOJSONHINT), "--format", "json", str(path)],
                          capture_output=True, text=True, timeout=60, check=False)
    if not done.stdout.strip():
        assert done.returncode == 0, done.stderr
        return []
    findings: list[Any] = json.loads(done.stdout)
    return findings


# --- GeoJSON -------------------------------------------------------------------------------------


def test_every_file_passes_geojsonhint(exported: Path, builtin_atlas: Atlas) -> None:
    files = _geojson_files(exported)
    assert len(files) == 1 + builtin_atlas.route_table[C.COMMODITY].nunique()
    for path in files:
        assert _hint(path) == [], path.name


def test_collection_has_schema_version_and_no_crs(exported: Path) -> None:
    for path in _geojson_files(exported):
        data = _load(path)
        assert data["type"] == "FeatureCollection"
        assert data["schema_version"] == export.SCHEMA_VERSION
        assert "crs" not in data
        for feature in data["features"]:
            assert "crs" not in feature
            assert feature["properties"]["schema_version"] == export.SCHEMA_VERSION


def test_every_route_is_one_feature_in_documented_order(exported: Path, builtin_atlas: Atlas
                                                        ) -> None:
    features = _load(exported / export.ROUTES_GEOJSON)["features"]
    assert [f["id"] for f in features] == list(builtin_atlas.route_table[C.ROUTE_ID])
    for feature in features:
        assert list(feature) == ["type", "id", "geometry", "properties"]
        assert tuple(feature["properties"]) == (*export.GEOJSON_PROPERTIES, *SIMPLESTYLE)
        assert feature["properties"][C.ROUTE_ID] == feature["id"]
        for stage in feature["properties"][export.STAGES]:
            assert tuple(stage) == export.STAGE_KEYS
        for leg in feature["properties"][export.LEGS]:
            assert tuple(leg) == export.LEG_KEYS
        for evidence in feature["properties"][export.EVIDENCE]:
            assert tuple(evidence) == export.EVIDENCE_KEYS


def test_commodity_files_partition_the_routes(exported: Path, builtin_atlas: Atlas) -> None:
    for commodity, rows in builtin_atlas.route_table.groupby(C.COMMODITY):
        data = _load(exported / export.COMMODITY_FOLDER / f"{commodity}.geojson")
        assert [f["id"] for f in data["features"]] == sorted(rows[C.ROUTE_ID])
        assert {f["properties"][C.COMMODITY] for f in data["features"]} == {commodity}


def test_coordinates_in_range_at_five_decimals(exported: Path) -> None:
    for path in _geojson_files(exported):
        for feature in _load(path)["features"]:
            points = list(_positions(feature["geometry"]))
            points += [s[C.STAGE_POINT] for s in feature["properties"][export.STAGES]
                       if s[C.STAGE_POINT] is not None]
            for lon, lat in points:
                assert -180.0 <= lon <= 180.0, (feature["id"], lon)
                assert -90.0 <= lat <= 90.0, (feature["id"], lat)
                assert round(lon, PRECISION) == lon
                assert round(lat, PRECISION) == lat


def test_pyogrio_reads_every_file_back(exported: Path) -> None:
    for path in _geojson_files(exported):
        expected = [f["id"] for f in _load(path)["features"]]
        back = pyogrio.read_dataframe(path)
        assert len(back) == len(expected), path.name
        assert list(back["id"]) == expected, path.name
        assert str(back.crs) == "EPSG:4326"


def test_stages_round_trip_in_order(exported: Path, builtin_atlas: Atlas) -> None:
    features = {f["id"]: f for f in _load(exported / export.ROUTES_GEOJSON)["features"]}
    keys = (C.STAGE_NAME, C.STAGE_KIND, C.STAGE_ROLE, C.STAGE_STATED, C.STAGE_PLACE)
    iso3 = dict(zip(builtin_atlas.places[C.PLACE_KEY], builtin_atlas.places[C.PLACE_ISO3],
                    strict=True))
    for route_id in builtin_atlas.route_table[C.ROUTE_ID]:
        r = route(builtin_atlas, route_id)
        written = features[route_id]["properties"][export.STAGES]
        assert [tuple(s[k] for k in keys) for s in written] == \
            [tuple(s[k] for k in keys) for s in r.stages], route_id
        assert [s[C.STAGE_ISO3] for s in written] == [
            list(iso3[s[C.STAGE_PLACE]]) if s[C.STAGE_PLACE] else [] for s in r.stages]


def test_geometry_matches_the_atlas(exported: Path, builtin_atlas: Atlas) -> None:
    """Built-in routes stay within ±180, so every part is the atlas's drawn leg, rounded."""
    features = {f["id"]: f for f in _load(exported / export.ROUTES_GEOJSON)["features"]}
    for route_id in builtin_atlas.route_table[C.ROUTE_ID]:
        lines = route(builtin_atlas, route_id).lines
        if not lines:
            continue
        expected = [[[round(x, 5), round(y, 5)] for x, y in line] for line in lines]
        assert features[route_id]["geometry"]["coordinates"] == expected


def test_undrawn_routes_stay_features_with_null_geometry(exported: Path, builtin_atlas: Atlas
                                                         ) -> None:
    routes = builtin_atlas.routes
    undrawn = sorted(routes[routes.geometry.isna()][C.ROUTE_ID])
    # the catalogue's routes with an unstated end and one place (the NPS statement's two)
    assert len(undrawn) == 6
    text = (exported / export.ROUTES_GEOJSON).read_text(encoding="utf-8")
    lines = {json.loads(line.rstrip(","))["id"]: line for line in text.splitlines()[1:-1]}
    for route_id in undrawn:
        assert '"geometry":null' in lines[route_id]
    features = _load(exported / export.ROUTES_GEOJSON)["features"]
    assert sorted(f["id"] for f in features if f["geometry"] is None) == undrawn


def test_geojson_bytes_are_compact_and_stable(exported: Path, builtin_atlas: Atlas,
                                              tmp_path: Path) -> None:
    write_exports(builtin_atlas, tmp_path)
    first = sorted(p.relative_to(exported) for p in exported.rglob("*") if p.is_file())
    second = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert first == second
    for rel in first:
        assert (exported / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel
    raw = (exported / export.ROUTES_GEOJSON).read_bytes()
    assert raw.endswith(b"]}\n")
    assert b"NaN" not in raw
    assert b"\\u" not in raw  # non-ASCII written as UTF-8 ("→" in paths), not escaped
    assert "→".encode() in raw
    assert b": " not in raw.split(b'"features"')[0]


def test_returns_sorted_written_paths(builtin_atlas: Atlas, tmp_path: Path
                                      ) -> None:
    paths = write_exports(builtin_atlas, tmp_path)
    assert paths == sorted(paths)
    assert set(paths) == {p for p in tmp_path.rglob("*") if p.is_file()}
    names = {p.relative_to(tmp_path).as_posix() for p in paths}
    assert {"routes.geojson", "routes.gpkg", "flows.csv", "flowmap/locations.csv",
            "flowmap/flows.csv"} <= names


# --- the antimeridian ----------------------------------------------------------------------------


def test_route_across_the_antimeridian_is_split(builtin_atlas: Atlas, tmp_path: Path) -> None:
    atlas = _synthetic_atlas(builtin_atlas, {
        "synthetic-eastward": [(170.0, 10.0), (190.0, 20.0)],
        "synthetic-westward": [(-170.0, -30.0), (-175.0, -31.0), (-185.0, -33.0)],
        "synthetic-beyond": [(185.0, 0.0), (190.0, 5.0)],
        "synthetic-unstated": None,
    })
    write_exports(atlas, tmp_path)
    path = tmp_path / export.ROUTES_GEOJSON
    assert _hint(path) == []
    features = {f["id"]: f for f in _load(path)["features"]}

    east = features["synthetic-eastward"]["geometry"]
    assert east["type"] == "MultiLineString"
    assert east["coordinates"] == [[[170.0, 10.0], [180.0, 15.0]],
                                   [[-180.0, 15.0], [-170.0, 20.0]]]
    west = features["synthetic-westward"]["geometry"]["coordinates"]
    assert west == [[[-170.0, -30.0], [-175.0, -31.0], [-180.0, -32.0]],
                    [[180.0, -32.0], [175.0, -33.0]]]
    assert features["synthetic-beyond"]["geometry"]["coordinates"] == [[[-175.0, 0.0],
                                                                        [-170.0, 5.0]]]
    assert features["synthetic-unstated"]["geometry"] is None

    back = pyogrio.read_dataframe(path)
    assert sorted(back["id"]) == sorted(features)

    with (tmp_path / export.FLOWS_CSV).open(encoding="utf-8", newline="") as f:
        rows = {r[C.ROUTE_ID]: r for r in csv.DictReader(f)}
    assert (rows["synthetic-eastward"]["from_lon"], rows["synthetic-eastward"]["to_lon"]) == \
        ("170.00000", "-170.00000")
    assert "synthetic-unstated" not in rows
    # FlowmapBlue's ids are the legs' place keys
    _, locations = _csv(tmp_path / export.FLOWMAP_FOLDER / "locations.csv")
    legs = atlas.leg_table
    assert [loc["id"] for loc in locations] == sorted(
        set(legs[C.LEG_FROM_PLACE]) | set(legs[C.LEG_TO_PLACE]))

    gpkg = pyogrio.read_dataframe(tmp_path / export.ROUTES_GPKG, layer=export.ROUTES_LAYER)
    bounds = gpkg.geometry.dropna().total_bounds
    assert bounds[0] >= -180.0
    assert bounds[2] <= 180.0
    east_gpkg = gpkg[gpkg[C.ROUTE_ID] == "synthetic-eastward"].geometry.iloc[0]
    assert [list(part.coords) for part in east_gpkg.geoms] == [[(170.0, 10.0), (180.0, 15.0)],
                                                               [(-180.0, 15.0), (-170.0, 20.0)]]


_steps = st.lists(st.tuples(st.floats(-179.0, 179.0), st.floats(-10.0, 10.0)),
                  min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(start=st.floats(-500.0, 500.0), steps=_steps)
def test_split_keeps_length_and_joins_at_the_antimeridian(start: float,
                                                          steps: list[tuple[float, float]]
                                                          ) -> None:
    line: list[Point] = [(start, 0.0)]
    for dx, dy in steps:
        x, y = line[-1]
        line.append((x + dx, max(-89.0, min(89.0, y + dy))))
    parts = antimeridian.split_antimeridian(line)

    for part in parts:
        assert len(part) >= 2
        assert all(-180.0 <= x <= 180.0 for x, _ in part)

    def length(points: list[Point]) -> float:
        return sum(math.dist(a, b) for a, b in itertools.pairwise(points))

    assert math.isclose(sum(length(p) for p in parts), length(line), rel_tol=1e-9,
                        abs_tol=1e-6)
    for before, after in itertools.pairwise(parts):
        (x0, y0), (x1, y1) = before[-1], after[0]
        assert abs(x0) == 180.0
        assert x1 == -x0
        assert y0 == y1
    assert _same_meridian(parts[0][0][0], line[0][0])
    assert _same_meridian(parts[-1][-1][0], line[-1][0])


def _same_meridian(a: float, b: float) -> bool:
    turns = (a - b) / 360.0
    return abs(turns - round(turns)) < 1e-9

# --- GeoPackage ----------------------------------------------------------------------------------


def test_gpkg_layers_and_geometry_types(exported: Path) -> None:
    layers = {str(name): str(kind)
              for name, kind in pyogrio.list_layers(exported / export.ROUTES_GPKG)}
    assert layers == {"routes": "MultiLineString", "places": "MultiPolygon",
                      "place_points": "Point", "corridors": "MultiLineString",
                      "agreement": "MultiLineString", "legs": "MultiLineString",
                      "hubs": "Point", "layer_styles": "None"}  # QGIS's styles: attributes


def test_gpkg_routes_read_back(exported: Path, builtin_atlas: Atlas) -> None:
    routes = pyogrio.read_dataframe(exported / export.ROUTES_GPKG, layer=export.ROUTES_LAYER)
    atlas_routes = builtin_atlas.routes
    assert list(routes[C.ROUTE_ID]) == list(atlas_routes[C.ROUTE_ID])
    assert [c for c in routes.columns if c != "geometry"] == list(export.GEOJSON_PROPERTIES)
    assert str(routes.crs) == "EPSG:4326"
    assert routes.geometry.isna().sum() == atlas_routes.geometry.isna().sum()
    assert set(routes.geometry.dropna().geom_type) == {"MultiLineString"}
    features = {f["id"]: f["properties"] for f in _load(exported / export.ROUTES_GEOJSON)["features"]}
    by_id = {r[C.ROUTE_ID]: r for r in atlas_routes.to_dict(orient="records")}
    for row in routes.to_dict(orient="records"):
        original = by_id[row[C.ROUTE_ID]]
        for key in export.NESTED_PROPERTIES:
            # a JSON column (gpkg_data_columns): pyogrio reads the value itself back
            assert row[key] == features[row[C.ROUTE_ID]][key], (row[C.ROUTE_ID], key)
        assert row[C.LABEL] == original[C.LABEL]
        if original[C.GEOMETRY] is not None:
            assert math.isclose(row["geometry"].length, original[C.GEOMETRY].length,
                                rel_tol=1e-6)


def test_gpkg_place_layers_read_back(exported: Path, builtin_atlas: Atlas) -> None:
    places = builtin_atlas.places
    for layer, (kinds, geometry_type) in gpkg.PLACE_LAYERS.items():
        data = pyogrio.read_dataframe(exported / export.ROUTES_GPKG, layer=layer)
        expected = sorted(places[places["kind"].isin(list(kinds))]["place"])
        assert list(data["place"]) == expected, layer
        assert [c for c in data.columns if c != "geometry"] == list(gpkg.PLACE_COLUMNS)
        if expected:
            assert set(data.geometry.geom_type) == {geometry_type}, layer
        for row in data.to_dict(orient="records"):
            assert isinstance(row["iso3"], list)  # JSON columns, read back as lists
            assert isinstance(row["members"], list)
    assert len(pyogrio.read_dataframe(exported / export.ROUTES_GPKG, layer="places")) > 0


# --- CSV -----------------------------------------------------------------------------------------


def _csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def test_flows_csv_one_row_per_drawn_leg(exported: Path, builtin_atlas: Atlas) -> None:
    header, rows = _csv(exported / export.FLOWS_CSV)
    assert header == ["route_id", "statement_id", "flow_id", "commodity", "leg", "from", "to",
                      "from_lon", "from_lat", "to_lon", "to_lat", "mode", "stated", "routing",
                      "source_id", "edition", "year", "link_id", "count"]
    assert len(rows) == _drawn_leg_count(builtin_atlas)
    for row in rows:
        leg = route(builtin_atlas, row[C.ROUTE_ID]).legs[int(row["leg"])]
        assert leg[C.LEG_DRAWN]
        assert (row["from"], row["to"], row["mode"], row["routing"]) == \
            (leg[C.LEG_FROM], leg[C.LEG_TO], leg[C.LEG_MODE], leg[C.LEG_ROUTING])
        assert row["stated"] == ("true" if leg[C.LEG_STATED] else "false")
        # one report: a stated leg's link is stated by it (1), an inferred one by none (0)
        assert row["count"] == ("1" if leg[C.LEG_STATED] else "0")
        assert (row["source_id"], row["edition"], row["year"]) == (
            "oci-2021-belgium", "2021", "2021")
        assert row["link_id"].startswith(row[C.COMMODITY] + ":")
        for key in ("from_lon", "to_lon"):
            assert -180.0 <= float(row[key]) <= 180.0
        for key in ("from_lat", "to_lat"):
            assert -90.0 <= float(row[key]) <= 90.0


REGION_GATEWAYS = {"Central Africa": (9.69, 4.05), "South America": (-46.30, -23.96)}


def test_flows_csv_ends_are_the_stage_points(exported: Path, builtin_atlas: Atlas) -> None:
    _, rows = _csv(exported / export.FLOWS_CSV)
    first = {r[C.ROUTE_ID]: r for r in reversed(rows)}  # the first drawn leg of each route
    for route_id in builtin_atlas.route_table[C.ROUTE_ID]:
        r = route(builtin_atlas, route_id)
        if route_id not in first or r.stages[0][C.STAGE_KIND] == "corridor":
            continue
        if not r.legs[0][C.LEG_DRAWN]:
            continue
        origin = r.point(0, builtin_atlas)
        assert origin is not None
        if r.legs[0][C.LEG_ROUTING] == "sea-lanes" and r.stages[0][C.STAGE_KIND] == "region":
            origin = REGION_GATEWAYS[r.stages[0][C.STAGE_NAME]]  # a region's sea leg: its port
        csv_row = first[route_id]
        assert (float(csv_row["from_lon"]), float(csv_row["from_lat"])) == \
            (round(origin[0], 5), round(origin[1], 5))


def test_flowmap_files_are_consistent(exported: Path, builtin_atlas: Atlas) -> None:
    places = builtin_atlas.places
    loc_header, locations = _csv(exported / export.FLOWMAP_FOLDER / "locations.csv")
    flow_header, flows = _csv(exported / export.FLOWMAP_FOLDER / "flows.csv")
    assert loc_header == ["id", "name", "lat", "lon"]
    assert flow_header == ["origin", "dest", "count"]
    ids = [loc["id"] for loc in locations]
    assert ids == sorted(set(ids))
    assert set(ids) <= set(places["place"])  # every leg end is a place of the atlas
    for flow in flows:
        assert flow["origin"] in ids
        assert flow["dest"] in ids
    # count: the statements with a drawn leg between the two places, however many
    # commodities a statement names; stated and inferred legs apart, and by commodity
    legs = builtin_atlas.leg_table[builtin_atlas.leg_table[C.LEG_DRAWN]]
    owner = builtin_atlas.route_table.set_index(C.ROUTE_ID)
    expected: dict[tuple[bool, str], dict[tuple[str, str], set[str]]] = {}
    for route_id, a, b, stated in zip(legs[C.ROUTE_ID], legs[C.LEG_FROM_PLACE],
                                      legs[C.LEG_TO_PLACE], legs[C.LEG_STATED], strict=True):
        for key in ((bool(stated), ""), (bool(stated), owner.at[route_id, C.COMMODITY])):
            expected.setdefault(key, {}).setdefault((a, b), set()).add(
                owner.at[route_id, C.STATEMENT_ID])

    def counts(rows: list[dict[str, str]]) -> dict[tuple[str, str], int]:
        return {(f["origin"], f["dest"]): int(f["count"]) for f in rows}

    def wanted(key: tuple[bool, str]) -> dict[tuple[str, str], int]:
        return {pair: len(st) for pair, st in expected.get(key, {}).items()}

    assert counts(flows) == wanted((True, ""))
    _, inferred = _csv(exported / export.FLOWMAP_FOLDER / "inferred-flows.csv")
    assert counts(inferred) == wanted((False, ""))
    assert inferred  # the corridors' waypoints
    by_commodity = sorted((exported / export.FLOWMAP_FOLDER / "by-commodity").glob("*.csv"))
    assert sorted(p.stem for p in by_commodity) == sorted(c for stated, c in expected if stated and c)
    for path in by_commodity:
        assert counts(_csv(path)[1]) == wanted((True, path.stem))
    assert sum(int(f["count"]) for f in flows) < _drawn_leg_count(builtin_atlas)
    pairs = [(f["origin"], f["dest"]) for f in flows]
    assert pairs == sorted(set(pairs))
    names = dict(zip(places["place"], places["name"], strict=True))
    for loc in locations:
        assert loc["name"] == names[loc["id"]]
        assert -90.0 <= float(loc["lat"]) <= 90.0
        assert -180.0 <= float(loc["lon"]) <= 180.0


def test_the_kepler_config_names_only_columns_of_flows_csv(exported: Path,
                                                          builtin_atlas: Atlas) -> None:
    config = json.loads((exported / "kepler.json").read_text(encoding="utf-8"))
    header, rows = _csv(exported / export.FLOWS_CSV)
    assert config["version"] == "v1"
    (layer,) = config["config"]["visState"]["layers"]
    assert layer["type"] == "arc"
    named = {*layer["config"]["columns"].values(), layer["visualChannels"]["colorField"]["name"],
             layer["visualChannels"]["sizeField"]["name"],
             *(f["name"] for f in config["config"]["visState"]["interactionConfig"]["tooltip"][
                 "fieldsToShow"][layer["config"]["dataId"]])}
    assert named <= set(header)
    # one colour per commodity in flows.csv, in sorted order (kepler.gl's ordinal domain)
    colours = dict(zip(builtin_atlas.commodities[C.COMMODITY],
                       builtin_atlas.commodities[C.COMMODITY_COLOUR], strict=True))
    present = sorted({row[C.COMMODITY] for row in rows})
    assert layer["config"]["visConfig"]["colorRange"]["colors"] == [colours[c] for c in present]
