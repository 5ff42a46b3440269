"""Legs and hubs as GIS layers: legs.geojson and the GeoPackage's legs and hubs layers."""

from __future__ import annotations

import json
from pathlib import Path

import pyogrio
import pytest

from tests.test_export import _hint
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas
from trafficking_route_mapper.maps.export import write_exports
from trafficking_route_mapper.maps.leg_export import LEG_PROPERTIES, LEGS_GEOJSON


@pytest.fixture(scope="module")
def exported(fixture_atlas: Atlas, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("legs")
    write_exports(fixture_atlas, out)
    return out


def test_legs_geojson_is_one_valid_feature_per_drawn_leg(exported: Path,
                                                         fixture_atlas: Atlas) -> None:
    path = exported / LEGS_GEOJSON
    assert _hint(path) == []
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    legs = fixture_atlas.leg_table
    drawn = legs[legs[C.LEG_DRAWN]]
    assert [f["id"] for f in features] == [f"{r}/{k}" for r, k in zip(
        drawn[C.ROUTE_ID], drawn[C.LEG_INDEX], strict=True)]
    for feature in features:
        props = feature["properties"]
        assert tuple(props) == (*LEG_PROPERTIES, "stroke", "stroke-width", "stroke-opacity")
        # wider the more reports state the leg; inferred legs fainter
        assert props["stroke-width"] == 1 + min(max(props[C.LINK_CORROBORATION], 1), 4)
        assert props["stroke-opacity"] == (1.0 if props[C.LEG_STATED] else 0.6)
        assert feature["geometry"]["type"] == "MultiLineString"
    by_id = {f["id"]: f["properties"] for f in features}
    resin = by_id["cannabis-resin-morocco-spain-belgium/0"]
    assert (resin[C.LEG_FROM], resin[C.LINK_FROM_ISO3], resin[C.LEG_TO]) == (
        "Morocco", ["MAR"], "Spain")
    assert resin[C.LINK_CORROBORATION] == 2  # Morocco's profile states it too
    assert (resin[C.REPORT_EDITION], resin[C.REPORT_YEAR]) == ("2021", 2021)
    assert resin[C.LEG_MODE] == "unspecified"
    assert resin["by"] == []
    balkans = by_id["heroin-balkans-belgium/0"]
    assert balkans[C.LINK_FROM_KIND] == "region"
    assert "ALB" in balkans[C.LINK_FROM_ISO3]


def test_the_geopackage_has_legs_and_hubs_layers(exported: Path, fixture_atlas: Atlas,
                                                 builtin_atlas: Atlas, tmp_path: Path) -> None:
    gpkg = exported / "routes.gpkg"
    legs = pyogrio.read_dataframe(gpkg, layer="legs")
    assert len(legs) == int(fixture_atlas.leg_table[C.LEG_DRAWN].sum())
    assert legs.geometry.notna().all()
    first = legs.iloc[0]
    assert (first[C.ROUTE_ID], first[C.LEG_INDEX]) == ("cannabis-morocco-spain-belgium", 0)
    assert list(first[C.LINK_FROM_ISO3]) == ["MAR"]  # a JSON column, read back as a list
    assert bool(first[C.LEG_STATED]) is True
    from trafficking_route_mapper.maps.gpkg import write_gpkg

    path = write_gpkg(builtin_atlas, tmp_path / "routes.gpkg")
    hubs = pyogrio.read_dataframe(path, layer="hubs")
    assert sorted(hubs[C.HUB_PLACE]) == sorted(builtin_atlas.hubs[C.HUB_PLACE])
    assert set(hubs.geometry.geom_type) == {"Point"}
    evidence = hubs[C.HUB_EVIDENCE].iloc[0]
    assert evidence[0]["phrase"]
    assert list(hubs[C.HUB_COMMODITIES].iloc[0]) == list(builtin_atlas.hubs[
        C.HUB_COMMODITIES].iloc[0])


def test_every_layer_is_described_and_its_json_columns_are_typed(exported: Path) -> None:
    """GDAL reads the JSON columns as its JSON subtype (from gpkg_data_columns, MIME type
    application/json) and every layer has a description in gpkg_contents."""
    import sqlite3

    from trafficking_route_mapper.maps.gpkg import DESCRIPTIONS, json_columns

    gpkg = exported / "routes.gpkg"
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert layers == {*DESCRIPTIONS, "layer_styles"}
    for layer, columns in json_columns().items():
        info = pyogrio.read_info(gpkg, layer=layer)
        subtypes = dict(zip(info["fields"], info["ogr_subtypes"], strict=True))
        assert {c: subtypes[c] for c in columns} == dict.fromkeys(columns, "OFSTJSON"), layer
        assert info["layer_metadata"]["DESCRIPTION"] == DESCRIPTIONS[layer]
        assert "OFSTJSON" not in {subtypes[c] for c in subtypes if c not in columns}
        # and pyogrio, reading the subtype, hands back the lists and objects themselves
        frame = pyogrio.read_dataframe(gpkg, layer=layer, max_features=5)
        for column in columns:
            for value in frame[column].dropna():
                assert isinstance(value, (list, dict)), (layer, column, value)
    with sqlite3.connect(gpkg) as con:
        (registered,) = con.execute(
            "SELECT count(*) FROM gpkg_extensions WHERE table_name = 'gpkg_data_columns' "
            "AND extension_name = 'gpkg_schema'").fetchone()
    assert registered == 1


def test_each_layer_has_a_qgis_style_that_reads_back(exported: Path,
                                                    fixture_atlas: Atlas) -> None:
    """The styles QGIS finds in layer_styles: one default per drawn layer, well-formed QML
    whose colours are the map's and whose rules and fields name columns the layer has."""
    import re
    import sqlite3
    import xml.etree.ElementTree as ET

    gpkg = exported / "routes.gpkg"
    with sqlite3.connect(gpkg) as con:
        rows = con.execute("SELECT f_table_name, f_geometry_column, styleQML, useAsDefault "
                           "FROM layer_styles ORDER BY id").fetchall()
    colours = dict(zip(fixture_atlas.commodities[C.COMMODITY],
                       fixture_atlas.commodities[C.COMMODITY_COLOUR], strict=True))
    present = set(fixture_atlas.route_table[C.COMMODITY])
    assert {r[0] for r in rows} == {"routes", "legs", "agreement", "hubs", "place_points",
                                    "places", "corridors"}
    for layer, geometry, qml, default in rows:
        info = pyogrio.read_info(gpkg, layer=layer)
        assert geometry == info["geometry_name"]
        assert default == 1
        root = ET.fromstring(qml.split("\n", 1)[1])  # after the DOCTYPE line
        renderer = root.find("renderer-v2")
        assert renderer is not None
        fields = set(info["fields"])
        if renderer.get("type") == "categorizedSymbol":
            assert renderer.get("attr") in fields
            values = [c.get("value") for c in renderer.iter("category")]
            assert set(values) == present
            for category in renderer.iter("category"):
                symbol = renderer.find(f"symbols/symbol[@name='{category.get('symbol')}']")
                assert symbol is not None
                colour = symbol.find(".//Option[@name='line_color']")
                assert colour is not None
                rgb = [int(x) for x in colour.get("value", "").split(",")[:3]]
                hex_colour = colours[category.get("value")]
                assert rgb == [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
        if renderer.get("type") == "RuleRenderer":
            rules = list(renderer.iter("rule"))
            assert len(rules) == 2 * len(present)
            for rule in rules:
                assert set(re.findall(r'"([^"]+)"', rule.get("filter", ""))) <= fields
                symbol = renderer.find(f"symbols/symbol[@name='{rule.get('symbol')}']")
                assert symbol is not None
                style = symbol.find(".//Option[@name='line_style']")
                assert style is not None
                assert style.get("value") == ("dash" if "NOT" in rule.get("filter", "")
                                              else "solid")
        for expression in root.iter("Option"):
            if expression.get("name") == "expression":
                assert set(re.findall(r'"([^"]+)"', expression.get("value", ""))) <= fields
