"""Names reports use: the regions they name, current country names, suggestions that do not
change the meaning, and one name meaning one place across the catalogues of a build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.builders import line_of, minimal_route, minimal_source, write_catalogue
from trafficking_route_mapper.geodata import gazetteer, places
from trafficking_route_mapper.geodata.assemble import build_atlas
from trafficking_route_mapper.geodata.gazetteer import Gazetteer
from trafficking_route_mapper.geodata.resolve import validate
from trafficking_route_mapper.routes.errors import CatalogueError, UnknownPlaceError


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return places.builtin()


def members(gaz: Gazetteer, name: str) -> set[str]:
    return set(gaz.resolve(name).members)


EU27 = {"AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
        "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK",
        "SVN", "ESP", "SWE"}


def test_the_european_union_as_of_february_2020(gaz: Gazetteer) -> None:
    eu = gaz.resolve("EU")
    assert eu.name == "European Union"
    assert set(eu.members) == EU27
    assert "GBR" not in eu.members
    assert "1 February 2020" in (eu.source or "")
    assert gaz.resolve("European Union") is eu


def test_the_schengen_area_as_of_january_2025(gaz: Gazetteer) -> None:
    schengen = members(gaz, "Schengen area")
    assert schengen == (EU27 - {"CYP", "IRL"}) | {"ISL", "LIE", "NOR", "CHE"}
    assert len(schengen) == 29


@pytest.mark.parametrize(("name", "expected"), [
    ("Gulf states", {"BHR", "KWT", "OMN", "QAT", "SAU", "ARE"}),
    ("GCC", {"BHR", "KWT", "OMN", "QAT", "SAU", "ARE"}),
    ("the Sahel", {"BFA", "TCD", "MLI", "MRT", "NER"}),
    ("Horn of Africa", {"DJI", "ERI", "ETH", "SOM"}),
    ("Southern Cone", {"ARG", "CHL", "URY"}),
    ("Andean countries", {"BOL", "COL", "ECU", "PER"}),
    ("South Asia", {"AFG", "BGD", "BTN", "IND", "IRN", "LKA", "MDV", "NPL", "PAK"}),
])
def test_regions_reports_name(gaz: Gazetteer, name: str, expected: set[str]) -> None:
    assert members(gaz, name) == expected
    assert gaz.resolve(name).source


def test_sub_saharan_africa_is_africa_less_northern_africa(gaz: Gazetteer) -> None:
    ssa = members(gaz, "sub-Saharan Africa")
    assert ssa == members(gaz, "Africa") - members(gaz, "North Africa")
    assert {"NGA", "ZAF", "ETH", "SDS"} <= ssa
    assert not {"SDN", "EGY", "MAR"} & ssa


def test_the_caribbean_is_the_un_m49_subregion(gaz: Gazetteer) -> None:
    caribbean = members(gaz, "Caribbean")
    assert {"CUB", "JAM", "HTI", "DOM", "TTO"} <= caribbean
    assert not {"COL", "VEN", "MEX"} & caribbean


@pytest.mark.parametrize(("old", "current"), [
    ("Turkey", "Türkiye"), ("Czech Republic", "Czechia"), ("Swaziland", "Eswatini"),
    ("eSwatini", "Eswatini"), ("Macedonia", "North Macedonia"), ("Ivory Coast", "Côte d'Ivoire"),
    ("East Timor", "Timor-Leste"), ("W. Sahara", "Western Sahara"),
    ("Bosnia and Herz.", "Bosnia and Herzegovina"),
])
def test_countries_display_current_names_and_keep_the_old_ones(gaz: Gazetteer, old: str,
                                                               current: str) -> None:
    place = gaz.resolve(old)
    assert place.name == current
    assert gaz.resolve(current) is place


def test_a_leading_the_does_not_matter(gaz: Gazetteer) -> None:
    assert gaz.resolve("the Netherlands").key == "country:NLD"
    assert gaz.resolve("The Balkans").key == "region:balkans"


def _unknown(gaz: Gazetteer, name: str) -> UnknownPlaceError:
    with pytest.raises(UnknownPlaceError) as info:
        gaz.resolve(name)
    return info.value


def test_an_unknown_city_is_told_how_to_declare_it(gaz: Gazetteer) -> None:
    err = _unknown(gaz, "Istanbul")
    assert err.suggestions == ()  # not Pakistan, not Italy
    assert str(err) == "unknown place 'Istanbul'. " + gazetteer.DECLARE_HINT
    assert "kind: city" in str(err)


def test_a_region_suggested_for_a_region_says_its_extent(gaz: Gazetteer) -> None:
    err = _unknown(gaz, "West Asia")
    assert "East Asia" in err.suggestions
    assert "'East Asia' (a region of " in str(err)
    # none of them is a spelling of it: the message also says how to declare the region
    assert str(err).endswith(gazetteer.DECLARE_HINT)


def test_a_misspelt_region_is_suggested_without_the_declaration_hint(gaz: Gazetteer) -> None:
    err = _unknown(gaz, "Horn of Afrika")
    assert err.suggestions[0] == "Horn of Africa"
    assert gazetteer.DECLARE_HINT not in str(err)


def test_initials_are_suggested_first(gaz: Gazetteer) -> None:
    assert gaz.suggest("WB")[:1] == ["Western Balkans"]
    assert gaz.suggest("CAR")[:1] == ["Central African Republic"]


# --- one name, one place, across catalogues ------------------------------------------------------


GOLDEN: dict[str, Any] = {"kind": "region", "name": "Golden Crescent", "members": ["Afghanistan", "Iran", "Pakistan"],
          "source": "test data"}


def _declaring(tmp_path: Path, name: str, region: dict[str, Any], route_id: str) -> Path:
    return write_catalogue(
        tmp_path, name=name, places=[region],
        source=minimal_source(id=route_id + "-report"),
        routes=[minimal_route(id=route_id, stages=[{"place": "Golden Crescent"},
                                                   {"place": "Belgium"}])])


def test_identical_declarations_in_two_catalogues_merge(tmp_path: Path) -> None:
    a = _declaring(tmp_path, "a.yaml", GOLDEN, "first")
    b = _declaring(tmp_path, "b.yaml", GOLDEN, "second")
    atlas = build_atlas(validate([a, b]))
    assert (atlas.places["place"] == "region:golden-crescent").sum() == 1


def test_different_declarations_under_one_name_are_an_error_naming_both(tmp_path: Path) -> None:
    a = _declaring(tmp_path, "a.yaml", GOLDEN, "first")
    other = {**GOLDEN, "members": ["Afghanistan", "Pakistan"]}
    b = _declaring(tmp_path, "b.yaml", other, "second")
    with pytest.raises(CatalogueError) as info:
        validate([a, b])
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.field) == (
        str(b), line_of(b, "name: Golden Crescent"), "places[0].name")
    assert problem.message == (
        "'Golden Crescent' is declared here as a region of AFG, PAK, but 'Golden Crescent' at "
        f"{a}:{line_of(a, 'name: Golden Crescent')} is a region of AFG, IRN, PAK; one name means "
        "one place in a build: make the declarations identical or give one another name")


def test_an_alias_cannot_name_another_place_elsewhere(tmp_path: Path) -> None:
    a = _declaring(tmp_path, "a.yaml", GOLDEN, "first")
    crescent = {"kind": "region", "name": "Crescent", "aliases": ["Golden Crescent"],
                "members": ["Iran", "Iraq"], "source": "test data"}
    b = write_catalogue(tmp_path, name="b.yaml", places=[crescent],
                        source=minimal_source(id="b-report"),
                        routes=[minimal_route(id="second", stages=[{"place": "Crescent"},
                                                                   {"place": "Belgium"}])])
    with pytest.raises(CatalogueError) as info:
        validate([a, b])
    assert [p.file for p in info.value.problems] == [str(b)]
    assert "one name means one place in a build" in info.value.problems[0].message
