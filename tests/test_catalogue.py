"""Tests for loading and validating catalogues (:mod:`routes.load`, :mod:`geodata.resolve`).

Every bad input is asserted by the problem it produces: file, line (exact, where the test wrote
the input), route id, field and message. Inputs are small catalogues written into ``tmp_path``
by :mod:`tests.builders`, or literal YAML where the line numbers matter.
"""

from __future__ import annotations

import copy
import functools
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import (
    MINI_REPORT,
    catalogue_doc,
    dump,
    line_of,
    minimal_route,
    minimal_source,
    sha256_text,
    stages,
    write_catalogue,
    write_text,
)
from tests.conftest import SEED_TEXT
from trafficking_route_mapper.geodata import places
from trafficking_route_mapper.geodata.resolve import ResolvedRoute, validate
from trafficking_route_mapper.routes.commodities import COMMODITIES
from trafficking_route_mapper.routes.errors import CatalogueError, Problem
from trafficking_route_mapper.routes.evidence import SourceText
from trafficking_route_mapper.routes.load import builtin_catalogues, load_catalogue, load_catalogues
from trafficking_route_mapper.routes.model import MAX_PHRASE_WORDS

ROUTE = "firearms-balkans-belgium"

#: The same catalogue as ``write_catalogue(tmp_path)``, spelled out so line numbers are visible.
VALID_TEXT = """\
source:
  id: test-report
  title: A test report
  publisher: Test publisher
  year: 2021
  sha256: f73d13146b017a8c117c8f3e5bf4d142b04ecc890bd9920929cf0d6ae35085d9
  reporting_country: Belgium
routes:
- id: firearms-balkans-belgium
  flow: firearms-into-belgium
  commodity: firearms
  label: Firearms from the Balkans
  reporting_role: destination
  stages:
  - place: Balkans
  - place: Belgium
    by: road
  evidence:
  - section: TRADE
    phrase: Firearms seized in Belgium are primarily from the Balkan region.
    summary: Most firearms seized in Belgium come from the Balkans.
"""
#: Lines of VALID_TEXT, named.
LINE_YEAR, LINE_SHA, LINE_ROUTE, LINE_STAGES, LINE_STAGE0 = 5, 6, 9, 14, 15


@pytest.fixture(autouse=True, scope="module")
def _one_builtin_gazetteer() -> Iterator[None]:
    """Build the built-in gazetteer once for this module instead of once per ``validate``.

    ``validate`` only ever extends a copy of it (``gazetteer.extended``), so sharing it between
    tests is safe; it keeps the hundreds of property-test examples fast.
    """
    with mock.patch.object(places, "builtin", functools.lru_cache(maxsize=1)(places.builtin)):
        yield


def problems_of(paths: Sequence[Path], texts: Sequence[SourceText] = ()) -> list[Problem]:
    """The problems ``validate`` raises with (failing the test if it does not raise)."""
    with pytest.raises(CatalogueError) as info:
        validate(paths, texts)
    return list(info.value.problems)


def only_problem(path: Path, texts: Sequence[SourceText] = ()) -> Problem:
    problems = problems_of([path], texts)
    assert len(problems) == 1, problems
    return problems[0]


def route_problem(path: Path, fragment: str, field: str, message: str, nth: int = 1) -> Problem:
    """The problem expected for route ``ROUTE`` on the line holding ``fragment``."""
    return Problem(str(path), line_of(path, fragment, nth), ROUTE, field, message)


# --- the valid baseline -----------------------------------------------------------------------


def test_builder_writes_the_spelled_out_catalogue(tmp_path: Path) -> None:
    assert write_catalogue(tmp_path).read_text(encoding="utf-8") == VALID_TEXT


def test_minimal_catalogue_validates(tmp_path: Path) -> None:
    (resolved,) = validate([write_text(tmp_path, VALID_TEXT)])
    assert resolved.route.id == ROUTE
    assert [p.key for s in resolved.stages for p in s.places] == ["region:balkans", "country:BEL"]
    assert [s.role for s in resolved.stages] == ["origin", "destination"]
    assert resolved.reporting_country.key == "country:BEL"


def test_load_catalogue_returns_routes_with_their_index(tmp_path: Path) -> None:
    cat = load_catalogue(write_text(tmp_path, VALID_TEXT))
    assert [(i, r.id) for i, r in cat.routes] == [(0, ROUTE)]
    assert cat.lines.line(("routes", 0, "stages", 1, "by")) == 17


# --- reading the file --------------------------------------------------------------------------


def test_plain_words_stay_strings_as_in_yaml_1_2(tmp_path: Path) -> None:
    """No YAML 1.1 surprises: ``No`` and ``off`` are words, not booleans (the "Norway problem")."""
    text = VALID_TEXT.replace("label: Firearms from the Balkans", "label: No").replace(
        "flow: firearms-into-belgium", "flow: off")
    (_, route), = load_catalogue(write_text(tmp_path, text)).routes
    assert (route.label, route.flow) == ("No", "off")


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID_TEXT.encode("utf-8"))
    assert load_catalogue(path).source.id == "test-report"


def test_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    path = write_text(tmp_path, VALID_TEXT.replace("  - place: Belgium\n", "  - place: [Belgium\n"))
    problem = only_problem(path)
    assert (problem.file, problem.line, problem.route, problem.field) == (str(path), 17, None, None)
    assert problem.message.startswith("YAML syntax error: ")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path = write_text(tmp_path, text)
    assert only_problem(path) == Problem(
        str(path), None, None, None, "file is empty; expected a mapping with 'source' and 'routes'"
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [("- source\n- routes\n", "a list"), ("a catalogue\n", "a string"), ("42\n", "a number")],
)
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str, found: str) -> None:
    path = write_text(tmp_path, text)
    assert only_problem(path) == Problem(
        str(path), 1, None, None,
        f"expected a mapping with 'source' and 'routes' at the top level, found {found}",
    )


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert only_problem(path) == Problem(
        str(path), None, None, None, "file not found; expected a catalogue YAML file"
    )


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert only_problem(tmp_path) == Problem(
        str(tmp_path), None, None, None, "is a directory; expected a catalogue YAML file"
    )


def test_non_utf8_bytes(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(VALID_TEXT.replace("Belgium\n", "Belgi\xeb\n", 1).encode("latin-1"))
    assert only_problem(path) == Problem(
        str(path), 7, None, None,
        "not UTF-8 text: byte 0xEB at column 27 is not valid UTF-8; the file looks like "
        "Windows-1252 or Latin-1, where that byte is 'ë'; save the catalogue as UTF-8 (in most "
        "editors: Save as… > Encoding: UTF-8)",
    )


def test_anchors_and_aliases_are_rejected(tmp_path: Path) -> None:
    text = VALID_TEXT.replace("  - place: Balkans\n", "  - &origin\n    place: Balkans\n")
    text += "- *origin\n"
    path = write_text(tmp_path, text)
    assert only_problem(path) == Problem(
        str(path), 15, None, None, "anchors and aliases (& and *) are not supported"
    )


def test_merge_keys_are_rejected(tmp_path: Path) -> None:
    text = VALID_TEXT.replace("  - place: Belgium\n", "  - <<: {place: Belgium}\n")
    path = write_text(tmp_path, text)
    assert only_problem(path) == Problem(str(path), 16, None, None, "merge keys (<<) are not supported")


def test_duplicate_keys_are_rejected(tmp_path: Path) -> None:
    text = VALID_TEXT.replace("  commodity: firearms\n", "  commodity: firearms\n  commodity: gold\n")
    path = write_text(tmp_path, text)
    assert only_problem(path) == Problem(
        str(path), 12, None, None, "duplicate key 'commodity' in the same mapping"
    )


def test_an_integer_of_5000_digits_is_out_of_range_at_its_line(tmp_path: Path) -> None:
    path = write_text(tmp_path, VALID_TEXT.replace("year: 2021", "year: 1" + "0" * 5000))
    assert only_problem(path) == Problem(
        str(path), LINE_YEAR, None, "source.year",
        "input should be less than or equal to 2100 (found a number too long to show)",
    )


def test_an_integer_too_long_to_show_is_a_problem(tmp_path: Path) -> None:
    path = write_text(tmp_path, VALID_TEXT.replace("year: 2021", "year: 0x1" + "f" * 5000))
    assert only_problem(path) == Problem(
        str(path), LINE_YEAR, None, "source.year",
        "input should be less than or equal to 2100 (found a number too long to show)",
    )


# --- structure and types -------------------------------------------------------------------------


def test_stages_given_as_a_string(tmp_path: Path) -> None:
    path = write_text(
        tmp_path,
        VALID_TEXT.replace(
            "  stages:\n  - place: Balkans\n  - place: Belgium\n    by: road\n", "  stages: Belgium\n"
        ),
    )
    assert only_problem(path) == Problem(
        str(path), LINE_STAGES, ROUTE, "stages",
        "input should be a valid list (found 'Belgium'); write a YAML list, one '- ' item per line",
    )


def test_year_given_as_a_string(tmp_path: Path) -> None:
    path = write_text(tmp_path, VALID_TEXT.replace("year: 2021", 'year: "2021"'))
    assert only_problem(path) == Problem(
        str(path), LINE_YEAR, None, "source.year",
        "input should be a valid integer (found '2021'); write the value without quotes",
    )


def test_empty_value_is_reported_with_its_fix(tmp_path: Path) -> None:
    path = write_text(tmp_path, VALID_TEXT.replace("  label: Firearms from the Balkans", "  label:"))
    assert only_problem(path) == Problem(
        str(path), 12, ROUTE, "label",
        "input should be a valid string (found None); the value is empty: fill it in or remove the key",
    )


def test_missing_required_route_field(tmp_path: Path) -> None:
    path = write_text(tmp_path, VALID_TEXT.replace("  flow: firearms-into-belgium\n", ""))
    assert only_problem(path) == Problem(
        str(path), LINE_ROUTE, ROUTE, "flow", "missing required field 'flow'"
    )


def test_missing_source_block(tmp_path: Path) -> None:
    text = VALID_TEXT[VALID_TEXT.index("routes:"):]
    path = write_text(tmp_path, text)
    assert only_problem(path) == Problem(str(path), 1, None, "source", "missing required field 'source'")


def test_unknown_stage_field_suggests_the_right_one(tmp_path: Path) -> None:
    path = write_text(tmp_path, VALID_TEXT.replace("- place: Balkans", "- plcae: Balkans"))
    assert only_problem(path) == Problem(
        str(path), LINE_STAGE0, ROUTE, "stages[0].plcae",
        "unknown field 'plcae'; did you mean 'place'?; "
        "expected one of: place, any_of, unstated, by, stated, source, note",
    )


def test_unknown_top_level_field_suggests_the_right_one(tmp_path: Path) -> None:
    path = write_text(tmp_path, VALID_TEXT + "place: []\n")
    assert only_problem(path) == Problem(
        str(path), 22, None, "place",
        "unknown field 'place'; did you mean 'places'?; expected one of: source, places, hubs, routes",
    )


def test_route_id_must_be_a_slug(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, routes=[minimal_route(id="Firearms Balkans")])
    assert only_problem(path) == Problem(
        str(path), LINE_ROUTE, "Firearms Balkans", "id",
        "expected a lowercase slug of letters, digits and hyphens (e.g. 'heroin-balkan-route') "
        "(found 'Firearms Balkans')",
    )


def test_fewer_than_two_stages(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, routes=[minimal_route(stages=stages("Belgium"))])
    problem = only_problem(path)
    assert (problem.file, problem.line, problem.route, problem.field) == (
        str(path), LINE_STAGES, ROUTE, "stages")
    assert "at least 2 items" in problem.message
    assert problem.message.endswith(
        "; a route needs an origin and a destination ('unstated: true' marks an end "
        "the report does not name)"
    )


def test_empty_evidence_list(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, routes=[minimal_route(evidence=[])])
    problem = only_problem(path)
    assert (problem.file, problem.line, problem.route, problem.field) == (
        str(path), line_of(path, "evidence: []"), ROUTE, "evidence")
    assert "at least 1 item" in problem.message
    assert problem.message.endswith("; cite at least one passage: section, phrase and summary")


def test_absent_evidence(tmp_path: Path) -> None:
    route = minimal_route()
    del route["evidence"]
    path = write_catalogue(tmp_path, routes=[route])
    assert only_problem(path) == Problem(
        str(path), LINE_ROUTE, ROUTE, "evidence", "missing required field 'evidence'"
    )


# --- rules across the fields of a route ---------------------------------------------------------


def test_unknown_commodity_suggests_the_closest(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, routes=[minimal_route(commodity="cocain")])
    assert only_problem(path) == route_problem(
        path, "commodity: cocain", "commodity",
        "unknown commodity 'cocain'; did you mean 'cocaine' or 'heroin'? "
        f"(known: {', '.join(sorted(COMMODITIES))})",
    )


def test_phrase_over_the_word_limit(tmp_path: Path) -> None:
    phrase = " ".join(f"word{i}" for i in range(MAX_PHRASE_WORDS + 1))
    evidence = [{"section": "TRADE", "phrase": phrase, "summary": "Too long."}]
    path = write_catalogue(tmp_path, routes=[minimal_route(evidence=evidence)])
    assert only_problem(path) == route_problem(
        path, "phrase:", "evidence[0].phrase",
        "phrase has 21 words; expected at most 20 "
        "(a short verbatim locator, not a quotation of the passage)",
    )


def test_phrase_of_exactly_the_word_limit_is_accepted(tmp_path: Path) -> None:
    phrase = " ".join(f"word{i}" for i in range(MAX_PHRASE_WORDS))
    evidence = [{"section": "TRADE", "phrase": phrase, "summary": "Just short enough."}]
    (resolved,) = validate([write_catalogue(tmp_path, routes=[minimal_route(evidence=evidence)])])
    assert resolved.route.evidence[0].phrase == phrase


def test_inferred_stage_needs_a_source(tmp_path: Path) -> None:
    route = minimal_route(stages=[{"place": "Balkans", "stated": False}, {"place": "Belgium"}])
    path = write_catalogue(tmp_path, routes=[route])
    assert only_problem(path) == route_problem(
        path, "- place: Balkans", "stages[0].source",
        "an inferred stage (stated: false) needs 'source': the citation it is inferred from",
    )


def test_inferred_stage_with_a_source_is_accepted(tmp_path: Path) -> None:
    route = minimal_route(
        stages=[{"place": "Balkans", "stated": False, "source": "UNODC 2021"}, {"place": "Belgium"}]
    )
    (resolved,) = validate([write_catalogue(tmp_path, routes=[route])])
    assert resolved.stages[0].stage.stated is False


def test_unstated_stage_in_the_middle(tmp_path: Path) -> None:
    route = minimal_route(stages=stages("Balkans", None, "Belgium"))
    path = write_catalogue(tmp_path, routes=[route])
    assert only_problem(path) == route_problem(
        path, "- unstated: true", "stages[1].unstated",
        "only the first (origin) or last (destination) stage may be unstated",
    )


def test_unstated_ends_are_accepted(tmp_path: Path) -> None:
    route = minimal_route(stages=stages(None, "Belgium", None))
    (resolved,) = validate([write_catalogue(tmp_path, routes=[route])])
    assert [s.places for s in resolved.stages][::2] == [(), ()]


def test_every_stage_unstated(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, routes=[minimal_route(stages=stages(None, None))])
    assert only_problem(path) == route_problem(
        path, "stages:", "stages", "every stage is unstated; a route needs at least one named place"
    )


def test_stage_both_named_and_unstated(tmp_path: Path) -> None:
    route = minimal_route(stages=[{"place": "Balkans", "unstated": True}, {"place": "Belgium"}])
    path = write_catalogue(tmp_path, routes=[route])
    assert only_problem(path) == route_problem(
        path, "unstated: true", "stages[0].unstated",
        "a stage is either a named place or unstated, not both",
    )


def test_mode_on_the_origin(tmp_path: Path) -> None:
    route = minimal_route(stages=[{"place": "Balkans", "by": "road"}, {"place": "Belgium"}])
    path = write_catalogue(tmp_path, routes=[route])
    assert only_problem(path) == route_problem(
        path, "by: road", "stages[0].by",
        "the origin has no incoming leg; move 'by: road' to the next stage",
    )


def test_evidence_naming_another_source(tmp_path: Path) -> None:
    evidence = [{"section": "TRADE", "phrase": "x", "summary": "y", "source": "another-report"}]
    path = write_catalogue(tmp_path, routes=[minimal_route(evidence=evidence)])
    assert only_problem(path) == route_problem(
        path, "source: another-report", "evidence[0].source",
        "unknown source 'another-report'; this catalogue's source is 'test-report'",
    )


# --- duplicate route ids ------------------------------------------------------------------------


def test_duplicate_route_id_within_a_file(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, routes=[minimal_route(), minimal_route()])
    assert only_problem(path) == route_problem(
        path, "- id:", "id",
        f"duplicate route id {ROUTE!r} (first used at {path}:{LINE_ROUTE}); ids must be unique",
        nth=2,
    )


def test_duplicate_route_id_across_files(tmp_path: Path) -> None:
    first = write_catalogue(tmp_path, name="first.yaml")
    second = write_catalogue(tmp_path, name="second.yaml")
    assert problems_of([first, second]) == [
        Problem(str(second), LINE_ROUTE, ROUTE, "id",
                f"duplicate route id {ROUTE!r} (first used at {first}:{LINE_ROUTE}); "
                "ids must be unique")
    ]


# --- places ------------------------------------------------------------------------------------


def test_unknown_place_suggests_the_closest(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, routes=[minimal_route(stages=stages("Balkns", "Belgium"))])
    assert only_problem(path) == route_problem(
        path, "- place: Balkns", "stages[0].place",
        "unknown place 'Balkns'; did you mean 'Balkans' (a region of 11 countries)?"
    )


def test_unknown_reporting_country(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, source=minimal_source(reporting_country="Belgum"))
    problem = only_problem(path)
    assert (problem.line, problem.route, problem.field) == (7, None, "source.reporting_country")
    assert problem.message.startswith("unknown place 'Belgum'; did you mean 'Belgium'")


def test_reporting_country_must_be_a_country(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, source=minimal_source(reporting_country="Balkans"))
    assert only_problem(path) == Problem(
        str(path), 7, None, "source.reporting_country", "'Balkans' is a region; expected a country"
    )


@pytest.mark.parametrize(
    ("first", "second", "name_before"),
    [("Belgium", "Belgium", "Belgium"), ("Netherlands", "Holland", "Netherlands"),
     ("Liège", "liege", "Liège")],
)
def test_same_place_twice_in_a_row(
    tmp_path: Path, first: str, second: str, name_before: str
) -> None:
    path = write_catalogue(tmp_path, routes=[minimal_route(stages=stages(first, second))])
    assert only_problem(path) == route_problem(
        path, f"- place: {second}", "stages[1].place",
        f"{second!r} is the same place as the stage before ({name_before}); "
        "a leg must go somewhere: remove the repeated stage",
        nth=2 if first == second else 1,
    )


def test_stage_repeating_where_a_corridor_ends(tmp_path: Path) -> None:
    route = minimal_route(stages=stages("Balkan route", "Germany"))
    path = write_catalogue(tmp_path, routes=[route])
    assert only_problem(path) == route_problem(
        path, "- place: Germany", "stages[1].place",
        "'Germany' and the stage before (Balkan route) meet at the same place (Germany), a "
        "corridor's end; a leg must go somewhere: remove the repeated stage or name a corridor "
        "that does not end there",
    )


def test_same_place_apart_is_accepted(tmp_path: Path) -> None:
    route = minimal_route(stages=stages("Belgium", "Netherlands", "Belgium"))
    (resolved,) = validate([write_catalogue(tmp_path, routes=[route])])
    assert [s.role for s in resolved.stages] == ["origin", "transit", "destination"]


# --- evidence against the source text ---------------------------------------------------------


@pytest.fixture
def mini_text(tmp_path: Path) -> SourceText:
    path = tmp_path / "report.txt"
    path.write_text(MINI_REPORT, encoding="utf-8")
    return SourceText.read(path)


def evidence_catalogue(tmp_path: Path, section: str, phrase: str) -> Path:
    evidence = [{"section": section, "phrase": phrase, "summary": "A summary."}]
    return write_catalogue(tmp_path, source=minimal_source(sha256=sha256_text(MINI_REPORT)),
                           routes=[minimal_route(evidence=evidence)])


def test_evidence_found_in_its_section(tmp_path: Path, mini_text: SourceText) -> None:
    path = evidence_catalogue(tmp_path, "trade", "Firearms seized in Belgium are primarily")
    (resolved,) = validate([path], [mini_text])
    assert resolved.route.id == ROUTE


def test_evidence_matches_across_line_breaks(tmp_path: Path, mini_text: SourceText) -> None:
    path = evidence_catalogue(tmp_path, "DRUGS", "via the Balkan route, the southern route")
    assert len(validate([path], [mini_text])) == 1


def test_evidence_phrase_missing_from_the_text(tmp_path: Path, mini_text: SourceText) -> None:
    path = evidence_catalogue(tmp_path, "TRADE", "Firearms come from the moon.")
    assert only_problem(path, [mini_text]) == route_problem(
        path, "phrase:", "evidence[0].phrase",
        "phrase 'Firearms come from the moon.' is not in section 'TRADE' of the source text; "
        "copy the words exactly as the report prints them",
    )


def test_evidence_phrase_in_another_section(tmp_path: Path, mini_text: SourceText) -> None:
    phrase = "Firearms seized in Belgium are primarily from the Balkan region."
    path = evidence_catalogue(tmp_path, "DRUGS", phrase)
    assert only_problem(path, [mini_text]) == route_problem(
        path, "phrase:", "evidence[0].phrase",
        f"phrase {phrase!r} is not in section 'DRUGS' of the source text; "
        "it stands in section 'TRADE'",
    )


def test_evidence_section_not_a_heading(tmp_path: Path, mini_text: SourceText) -> None:
    path = evidence_catalogue(tmp_path, "PEOPLE", "Firearms seized in Belgium")
    assert only_problem(path, [mini_text]) == route_problem(
        path, "section: PEOPLE", "evidence[0].section",
        "section 'PEOPLE' is not a heading of the source text; expected one of: DRUGS, TRADE",
    )


def test_source_text_of_another_edition(tmp_path: Path, mini_text: SourceText) -> None:
    path = write_text(tmp_path, VALID_TEXT)
    assert problems_of([path], [mini_text])[0] == Problem(
        str(path), LINE_SHA, None, "source.sha256",
        f"the source text given has SHA-256 {sha256_text(MINI_REPORT)}, not the catalogue's "
        f"{minimal_source()['sha256']}: is it the same edition of the report?",
    )


# --- catalogue-declared places ------------------------------------------------------------------


GHENT: dict[str, Any] = {
    "kind": "city", "name": "Ghent", "aliases": ["Gent"], "country": "Belgium",
    "lon": 3.71667, "lat": 51.05, "source": "GeoNames 2797656",
}
BENELUX: dict[str, Any] = {
    "kind": "region", "name": "Benelux", "members": ["Belgium", "Holland", "Luxembourg"],
    "source": "Treaty establishing the Benelux Economic Union (1958)",
}
RHINE: dict[str, Any] = {
    "kind": "corridor", "name": "Rhine corridor", "waypoints": ["Switzerland", "Germany", "Holland"],
    "source": "A test corridor",
}


def test_declared_city_with_swapped_coordinates(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, places=[dict(GHENT, lon=51.05, lat=3.71667)])
    problem = only_problem(path)
    assert (problem.file, problem.line, problem.route, problem.field) == (
        str(path), line_of(path, "lon: 51.05"), None, "places[0].lon")
    assert problem.message.startswith("'Ghent' at lon 51.05, lat 3.71667 lies ")
    assert problem.message.endswith(
        " degrees outside Belgium; expected a point inside its country (are lon and lat swapped?)"
    )


def test_declared_places_resolve_and_serve_routes(tmp_path: Path) -> None:
    routes = [
        minimal_route(id="into-ghent", stages=stages("Benelux", "Gent")),
        minimal_route(id="along-the-rhine", stages=stages("Rhine corridor", "ghent")),
    ]
    path = write_catalogue(tmp_path, routes=routes, places=[GHENT, BENELUX, RHINE])
    by_id = {r.route.id: r for r in validate([path])}
    benelux, ghent = (s.places[0] for s in by_id["into-ghent"].stages)
    assert benelux is not None
    assert ghent is not None
    assert (benelux.key, benelux.kind, benelux.members) == (
        "region:benelux", "region", ("BEL", "LUX", "NLD"))
    assert (ghent.key, ghent.kind, ghent.country, ghent.point) == (
        "city:ghent", "city", "BEL", (3.71667, 51.05))
    rhine = by_id["along-the-rhine"].stages[0].places[0]
    assert rhine is not None
    assert rhine.waypoints == ("country:CHE", "country:DEU", "country:NLD")


def test_declared_places_do_not_leak_into_other_catalogues(tmp_path: Path) -> None:
    declaring = write_catalogue(tmp_path, places=[GHENT], name="declaring.yaml")
    using = write_catalogue(tmp_path, routes=[minimal_route(id="other", stages=stages("Balkans", "Ghent"))],
                            name="using.yaml")
    assert problems_of([declaring, using]) == [
        Problem(str(using), line_of(using, "- place: Ghent"), "other", "stages[1].place",
                f"unknown place 'Ghent' in this catalogue: {declaring}:"
                f"{line_of(declaring, 'name: Ghent')} declares it, but a catalogue's own places "
                "serve that catalogue only; declare it here too (the same declaration)")
    ]


@pytest.mark.parametrize(
    ("place", "message"),
    [
        (dict(GHENT, name="Antwerp", aliases=[]),
         "'Antwerp': the name 'antwerp' already means 'Antwerp' (city:antwerp); "
         "use that place or choose another name"),
        (dict(BENELUX, name="Balkans"),
         "'Balkans': the name 'balkans' already means 'Balkans' (region:balkans); "
         "use that place or choose another name"),
        (dict(GHENT, aliases=["Holland"]),
         "'Ghent': the name 'holland' already means 'Netherlands' (country:NLD); "
         "use that place or choose another name"),
        (dict(GHENT, name="Antwerp harbour", aliases=[], kind="port", locode="BEANR"),
         "'Antwerp harbour': the key 'port:BEANR' is already taken by 'Port of Antwerp'"),
        (dict(GHENT, name="!!!", aliases=[]),
         "'!!!': a name needs letters or digits to be matched on (names: '!!!')"),
    ],
    ids=["city", "region", "alias", "locode", "no-letters"],
)
def test_declared_name_clashing_with_a_builtin(
    tmp_path: Path, place: dict[str, Any], message: str
) -> None:
    path = write_catalogue(tmp_path, places=[place])
    assert only_problem(path) == Problem(
        str(path), line_of(path, "name:"), None, "places[0].name", message
    )


def test_declared_region_members_must_be_known_countries(tmp_path: Path) -> None:
    members = ["Belgium", "Balkans", "Netherlands", "Luxemburg"]
    path = write_catalogue(tmp_path, places=[dict(BENELUX, members=members)])
    assert problems_of([path]) == [
        Problem(str(path), line_of(path, "- Balkans"), None, "places[0].members[1]",
                "'Balkans' is a region; region members are countries"),
        Problem(str(path), line_of(path, "- Luxemburg"), None, "places[0].members[3]",
                "unknown place 'Luxemburg'; did you mean 'Luxembourg'?"),
    ]


def test_declared_corridor_with_a_repeated_waypoint(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, places=[dict(RHINE, waypoints=["Germany", "Germany"])])
    assert only_problem(path) == Problem(
        str(path), line_of(path, "name:"), None, "places[0].name",
        "corridor 'Rhine corridor': waypoint 'Germany' repeats the one before; "
        "a leg must go somewhere: remove the repeated waypoint",
    )


def test_declared_place_of_unknown_kind(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, places=[dict(GHENT, kind="town")])
    assert only_problem(path) == Problem(
        str(path), line_of(path, "- kind:"), None, "places[0]",
        "unknown place kind 'town'; expected one of 'city', 'port', 'region', 'corridor'",
    )


def test_declared_place_with_a_misspelt_field(tmp_path: Path) -> None:
    place = {("contry" if k == "country" else k): v for k, v in GHENT.items()}
    path = write_catalogue(tmp_path, places=[place])
    assert problems_of([path]) == [
        Problem(str(path), line_of(path, "- kind:"), None, "places[0].country",
                "missing required field 'country'"),
        Problem(str(path), line_of(path, "contry:"), None, "places[0].contry",
                "unknown field 'contry'; did you mean 'country'?; expected one of: "
                "kind, name, country, lon, lat, locode, aliases, source"),
    ]


# --- every problem of a file at once -------------------------------------------------------------


def test_every_problem_of_a_file_is_reported_together(tmp_path: Path) -> None:
    routes = [
        minimal_route(id="a-commodity", commodity="cocain"),
        minimal_route(id="b-place", stages=stages("Balkns", "Belgium")),
        minimal_route(id="c-stages", stages="Belgium"),
        minimal_route(id="d-origin-mode", stages=[{"place": "Balkans", "by": "sea"}, {"place": "Belgium"}]),
        minimal_route(id="e-twice", stages=stages("Netherlands", "Holland")),
    ]
    path = write_catalogue(tmp_path, routes=routes)
    found = [(p.route, p.field) for p in problems_of([path])]
    assert found == [
        ("a-commodity", "commodity"),
        ("b-place", "stages[0].place"),
        ("c-stages", "stages"),
        ("d-origin-mode", "stages[0].by"),
        ("e-twice", "stages[1].place"),
    ]


def test_a_broken_source_block_does_not_hide_the_routes(tmp_path: Path) -> None:
    routes = [minimal_route(commodity="cocain"), minimal_route(id="second", stages="Belgium")]
    path = write_catalogue(tmp_path, source=minimal_source(year="2021"), routes=routes)
    found = [(p.line, p.route, p.field) for p in problems_of([path])]
    assert found == [
        (LINE_YEAR, None, "source.year"),
        (line_of(path, "commodity: cocain"), ROUTE, "commodity"),
        (line_of(path, "stages: Belgium"), "second", "stages"),
    ]


def test_problems_of_several_files_in_one_error(tmp_path: Path) -> None:
    bad_yaml = write_text(tmp_path, "routes: [\n", "a.yaml")
    bad_place = write_catalogue(tmp_path, routes=[minimal_route(stages=stages("Balkns", "Belgium"))],
                                name="b.yaml")
    with pytest.raises(CatalogueError) as info:
        validate([bad_yaml, bad_place, tmp_path / "c.yaml"])
    assert [p.file for p in info.value.problems] == [str(bad_yaml), str(bad_place), str(tmp_path / "c.yaml")]
    text = str(info.value)
    assert text.splitlines()[0] == "3 problems found:"
    assert f"  {bad_place}:15: route {ROUTE!r}: stages[0].place: unknown place 'Balkns'" in text


# --- property: any input gives a result or a CatalogueError, nothing else -------------------------


@pytest.fixture(scope="module")
def fuzz_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file the property tests overwrite, example after example."""
    return tmp_path_factory.mktemp("fuzz") / "catalogue.yaml"


def validates_or_reports(path: Path, text: str) -> None:
    """``text`` as a catalogue either validates or raises CatalogueError, nothing else."""
    path.write_text(text, encoding="utf-8")
    problems: Sequence[Problem] = ()
    try:
        validate([path])
    except CatalogueError as err:
        problems = err.problems
        if not problems:
            pytest.fail("a CatalogueError must carry at least one problem")
    assert all(p.file == str(path) and p.message for p in problems)


#: Reproducible (derandomized, no example database) and quick: 150 examples per property.
_FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow])
_KEYS = st.sampled_from(["source", "routes", "places", "id", "stages", "place", "evidence", "kind",
                         "name", "lon", "lat", "members", "waypoints", "by", "stated", "unstated"])
_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
            | st.sampled_from(["Belgium", "Balkans", "Holland", "Balkan route", "cocaine", "road"]))
_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(_KEYS | st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@_FUZZ
@given(text=st.text())
def test_arbitrary_text(fuzz_file: Path, text: str) -> None:
    validates_or_reports(fuzz_file, text)


@_FUZZ
@given(doc=_TREES)
def test_arbitrary_yaml_structures(fuzz_file: Path, doc: Any) -> None:
    validates_or_reports(fuzz_file, yaml.safe_dump(doc))


_BASE_DOC = catalogue_doc(
    routes=[minimal_route(), minimal_route(id="rhine", stages=stages("Rhine corridor", "Ghent"))],
    places=[GHENT, BENELUX, RHINE],
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


_DOC_PATHS = [p for p in _paths(_BASE_DOC) if p]


def _mutate(doc: Any, path: tuple[Any, ...], value: Any, delete: bool) -> None:
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value


@_FUZZ
@given(edits=st.lists(st.tuples(st.sampled_from(_DOC_PATHS), _TREES, st.booleans()),
                      min_size=1, max_size=3))
def test_mutated_valid_catalogue(
    fuzz_file: Path, edits: list[tuple[tuple[Any, ...], Any, bool]]
) -> None:
    doc = copy.deepcopy(_BASE_DOC)
    for path, value, delete in edits:
        try:
            _mutate(doc, path, value, delete)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced this path
    validates_or_reports(fuzz_file, dump(doc))


def test_the_unmutated_base_document_is_valid(fuzz_file: Path) -> None:
    fuzz_file.write_text(dump(_BASE_DOC), encoding="utf-8")
    assert [r.route.id for r in validate([fuzz_file])] == [ROUTE, "rhine"]


def test_load_catalogues_collects_instead_of_raising(tmp_path: Path) -> None:
    result = load_catalogues([tmp_path / "missing.yaml", write_text(tmp_path, VALID_TEXT)])
    assert [c.path.name for c in result.catalogues] == ["catalogue.yaml"]
    assert [p.message for p in result.problems] == ["file not found; expected a catalogue YAML file"]


# --- the built-in catalogue ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def builtin_by_id(builtin_resolved: list[ResolvedRoute]) -> dict[str, ResolvedRoute]:
    return {r.route.id: r for r in builtin_resolved}


def names(route: ResolvedRoute) -> list[str | None]:
    return [", ".join(p.name for p in s.places) if s.places else None for s in route.stages]


def test_builtin_catalogue_is_the_belgium_profile() -> None:
    assert [p.name for p in builtin_catalogues()] == ["belgium.yaml"]


def test_builtin_evidence_stands_in_the_seed_text() -> None:
    if not SEED_TEXT.exists():
        pytest.skip(f"the report text {SEED_TEXT} is not in this checkout")
    text = SourceText.read(SEED_TEXT)
    resolved = validate(builtin_catalogues(), [text])
    assert {r.catalogue.source.sha256 for r in resolved} == {text.sha256}
    for r in resolved:
        for ev in r.route.evidence:
            assert text.find(ev.section, ev.phrase), (r.route.id, ev.phrase)


def test_builtin_heroin_routes(builtin_by_id: dict[str, ResolvedRoute]) -> None:
    route = builtin_by_id["heroin-into-belgium"]
    assert route.route.commodity == "heroin"
    assert [[p.key for p in s.places] for s in route.stages] == [
        ["corridor:balkan-route", "corridor:southern-route", "corridor:northern-route"],
        ["country:BEL"]]


def test_builtin_cannabis_resin_by_road(builtin_by_id: dict[str, ResolvedRoute]) -> None:
    route = builtin_by_id["cannabis-resin-morocco-spain-france-belgium"]
    assert route.route.commodity == "cannabis-resin"
    assert names(route) == ["Morocco", "Spain", "France", "Belgium"]
    assert [s.stage.by for s in route.stages] == ["unspecified", "unspecified", "road", "road"]


def test_builtin_timber_by_sea_to_antwerp(builtin_by_id: dict[str, ResolvedRoute]) -> None:
    route = builtin_by_id["timber-central-africa-antwerp"]
    assert route.route.commodity == "timber"
    assert [p.key for s in route.stages for p in s.places] == ["region:central-africa", "port:BEANR"]
    assert route.stages[-1].stage.by == "sea"


def test_builtin_wildlife_statement(builtin_by_id: dict[str, ResolvedRoute]) -> None:
    """One sentence of the report: three commodities, three origins, three destinations."""
    route = builtin_by_id["wildlife-via-belgium"]
    assert route.route.commodity_ids == ("ivory", "live-animals", "wildlife-products")
    assert [[p.key for p in s.places] for s in route.stages] == [
        ["country:COD", "country:GIN", "country:LBR"], ["country:BEL"],
        ["region:asia", "region:north-america", "region:middle-east"]]


def test_builtin_phrases_are_short(builtin_resolved: list[ResolvedRoute]) -> None:
    long = [(r.route.id, ev.phrase) for r in builtin_resolved for ev in r.route.evidence
            if len(ev.phrase.split()) > MAX_PHRASE_WORDS]
    assert long == []


def test_builtin_statements_are_one_per_flow(builtin_resolved: list[ResolvedRoute]) -> None:
    """Each statement codes one sentence of the report: no flow is split into copies."""
    sizes = Counter(r.route.flow for r in builtin_resolved)
    assert {flow: n for flow, n in sizes.items() if n != 1} == {}


def test_builtin_inferred_stages_have_a_source(builtin_resolved: list[ResolvedRoute]) -> None:
    inferred = [(r.route.id, s.stage.source) for r in builtin_resolved for s in r.stages
                if not s.stage.stated]
    assert inferred, "the built-in catalogue has inferred stages (cocaine from South America)"
    assert [i for i in inferred if not (i[1] and i[1].strip())] == []
