"""Input that used to be read wrongly without a word: cut files, other encodings, YAML tags,
hostile characters and oversized text in fields; and bad input at scale, which must cost about
what good input costs and be reported compactly."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tests.builders import line_of, minimal_route, stages, write_catalogue, write_text
from tests.test_catalogue import LINE_STAGE0, ROUTE, VALID_TEXT, only_problem, problems_of
from trafficking_route_mapper.geodata import gazetteer
from trafficking_route_mapper.geodata.resolve import validate
from trafficking_route_mapper.routes import reading
from trafficking_route_mapper.routes.errors import REPEATS_SHOWN, CatalogueError, Problem
from trafficking_route_mapper.routes.model import MAX_LINE, MAX_NAME


def _bytes(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_bytes(data)
    return path


# --- bytes that cut or garble a file ------------------------------------------------------------


def test_a_nul_byte_is_an_error_at_its_line_and_column_not_the_end_of_the_file(
    tmp_path: Path,
) -> None:
    text = VALID_TEXT.replace("  - place: Balkans\n", "  - place: Bal\x00kans\n")
    assert only_problem(write_text(tmp_path, text)) == Problem(
        str(tmp_path / "catalogue.yaml"), LINE_STAGE0, None, None,
        "column 15: U+0000 (NUL) is not allowed in a catalogue (a NUL byte usually means the file "
        "is cut off or is not text); remove it")


def test_every_forbidden_character_is_listed_at_once(tmp_path: Path) -> None:
    text = VALID_TEXT.replace("A test report", "A \x1btest\x07 report").replace(
        "Test publisher", "Test\x7f publisher")
    path = write_text(tmp_path, text)
    assert [(p.line, p.message.split(" is not")[0]) for p in problems_of([path])] == [
        (3, "column 12: U+001B (ESC)"), (3, "column 17: U+0007 (BEL)"),
        (4, "column 18: U+007F (DEL)"),
    ]


def test_tab_carriage_return_and_line_feed_are_allowed(tmp_path: Path) -> None:
    text = VALID_TEXT.replace("Most firearms seized", "Most firearms\tseized").replace("\n", "\r\n")
    (resolved,) = validate([_bytes(tmp_path, text.encode("utf-8"))])
    assert resolved.route.evidence[0].summary.startswith("Most firearms\tseized in Belgium")


@pytest.mark.parametrize(("codec", "bom", "expected"), [
    ("utf-16-le", b"", "the file looks like UTF-16 (little-endian) without a byte-order mark"),
    ("utf-16-be", b"", "the file looks like UTF-16 (big-endian) without a byte-order mark"),
    ("utf-16-le", codecs.BOM_UTF16_LE, "the file is UTF-16 (little-endian, with a byte-order mark)"),
    ("utf-16-be", codecs.BOM_UTF16_BE, "the file is UTF-16 (big-endian, with a byte-order mark)"),
    ("utf-32-le", b"", "the file looks like UTF-32 (little-endian) without a byte-order mark"),
    ("utf-32-le", codecs.BOM_UTF32_LE, "the file is UTF-32 (little-endian, with a byte-order mark)"),
])
def test_a_file_in_utf16_or_utf32_is_named_as_such(
    tmp_path: Path, codec: str, bom: bytes, expected: str,
) -> None:
    problem = only_problem(_bytes(tmp_path, bom + VALID_TEXT.encode(codec)))
    assert problem.message.startswith(expected)
    assert problem.message.endswith("save the catalogue as UTF-8 (in most editors: Save as… > "
                                    "Encoding: UTF-8)")


def test_a_windows_1252_file_shows_the_character_it_holds(tmp_path: Path) -> None:
    text = VALID_TEXT.replace("A test report", "A test report \u2013 draft")
    problem = only_problem(_bytes(tmp_path, text.encode("cp1252")))
    assert problem.line == 3
    assert problem.message.startswith(
        "not UTF-8 text: byte 0x96 at column 24 is not valid UTF-8; the file looks like "
        "Windows-1252 or Latin-1, where that byte is '\u2013'")


# --- YAML tags ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "tag"), [
    ("!!python/object/apply:os.system [ls]", "tag:yaml.org,2002:python/object/apply:os.system"),
    ("!!python/object/apply:os.system\n    - ls", "tag:yaml.org,2002:python/object/apply:os.system"),
    ("!!str Firearms", "tag:yaml.org,2002:str"),
    ("!custom Firearms", "!custom"),
    ("!!python/name:os.system x", "tag:yaml.org,2002:python/name:os.system"),
])
def test_every_yaml_tag_is_refused_the_same_way(tmp_path: Path, value: str, tag: str) -> None:
    path = write_text(tmp_path, VALID_TEXT.replace("Firearms from the Balkans", value))
    assert only_problem(path) == Problem(
        str(path), line_of(path, "label:"), None, None,
        f"YAML tags ({tag}) are not supported; a catalogue holds plain values: remove the tag")


def test_an_exclamation_mark_in_text_is_not_a_tag(tmp_path: Path) -> None:
    path = write_text(tmp_path, VALID_TEXT.replace("Firearms from the Balkans", "Guns, !really"))
    (resolved,) = validate([path])
    assert resolved.route.label == "Guns, !really"


def test_several_documents_in_one_file(tmp_path: Path) -> None:
    path = write_text(tmp_path, VALID_TEXT + "---\n" + VALID_TEXT)
    assert only_problem(path) == Problem(
        str(path), 22, None, None,
        "several YAML documents (---) in one file; a catalogue is one document")


# --- text fields ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value", "message"), [
    ("label", "Firearms \u202efrom\u202c the Balkans",
     "contains U+202E (RIGHT-TO-LEFT OVERRIDE) at character 10: a bidirectional control can make "
     "the text display in another order than it is stored; remove it"),
    ("label", "Firearms\x1b[31m", "contains U+001B (ESC) at character 9: control characters are "
     "not text; remove it"),
    ("label", "Firearms\nfrom the Balkans", "contains U+000A (LINE FEED) at character 9: a line break, but "
     "this field is one line; remove it"),
])
def test_hostile_characters_in_a_text_field(
    tmp_path: Path, field: str, value: str, message: str,
) -> None:
    path = write_catalogue(tmp_path, routes=[minimal_route(**{field: value})])
    problem = only_problem(path)
    assert (problem.line, problem.route, problem.field) == (line_of(path, f"{field}:"), ROUTE, field)
    assert problem.message.startswith(message + " (found ")


def test_an_invisible_character_in_a_place_name(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, routes=[minimal_route(stages=stages("Bal\u200bkans", "Belgium"))])
    problem = only_problem(path)
    assert (problem.line, problem.field) == (line_of(path, "place: Bal"), "stages[0].place")
    assert problem.message == (
        "contains U+200B (ZERO WIDTH SPACE) at character 4: an invisible character makes a name "
        "differ from the same name typed plainly; remove it (found 'Bal\\u200bkans')")


def test_a_zero_width_joiner_is_fine_in_prose_but_not_in_a_name(tmp_path: Path) -> None:
    route = minimal_route()
    route["evidence"][0]["summary"] = "Most firearms come\u200d from the Balkans;\tmany by road.\nSome by van."
    (resolved,) = validate([write_catalogue(tmp_path, routes=[route])])
    assert "\t" in resolved.route.evidence[0].summary


def test_escapes_in_double_quoted_yaml_are_checked_after_decoding(tmp_path: Path) -> None:
    path = write_text(tmp_path, VALID_TEXT.replace("label: Firearms from the Balkans",
                                                   'label: "Firearms \\u202e reversed \\a"'))
    problem = only_problem(path)
    assert problem.field == "label"
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in problem.message


@pytest.mark.parametrize(("field", "limit"), [("label", MAX_LINE), ("note", 2000)])
def test_text_longer_than_its_limit(tmp_path: Path, field: str, limit: int) -> None:
    path = write_catalogue(tmp_path, routes=[minimal_route(**{field: "x" * (limit + 1)})])
    problem = only_problem(path)
    assert problem.field == field
    assert problem.message.startswith(f"string should have at most {limit} characters (found 'xxx")
    assert problem.message.endswith("; shorten it (the README lists the limit of every text field)")


def test_a_megabyte_label_is_refused_quickly_and_shortly(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, routes=[minimal_route(label="x" * 1_000_000)])
    with pytest.raises(CatalogueError) as info:
        validate([path])
    assert len(str(info.value)) < 1000


def test_a_place_name_at_its_limit_is_accepted_by_the_model(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, routes=[minimal_route(stages=stages("B" * MAX_NAME, "Belgium"))])
    problem = only_problem(path)
    assert problem.message.startswith("unknown place 'BBBB")  # the name passed the model


# --- bad input at scale ---------------------------------------------------------------------------


def _many(tmp_path: Path, n: int, place: str = "Atlantis") -> Path:
    routes = [minimal_route(id=f"route-{i}", stages=stages(place, "Belgium")) for i in range(n)]
    return write_catalogue(tmp_path, routes=routes)


def test_one_problem_repeated_is_reported_compactly(tmp_path: Path) -> None:
    path = _many(tmp_path, 40)
    with pytest.raises(CatalogueError) as info:
        validate([path])
    assert len(info.value.problems) == 40, "every occurrence is kept for callers"
    text = str(info.value).splitlines()
    assert text[0] == "40 problems found:"
    assert len(text) == 1 + REPEATS_SHOWN + 1
    first_lines = [line_of(path, "- place: Atlantis", k) for k in range(1, 41)]
    assert text[1].startswith(f"  {path}:{first_lines[0]}: route 'route-0': stages[0].place: "
                              "unknown place 'Atlantis'")
    assert text[-1] == (f"  {path}: the same problem {40 - REPEATS_SHOWN} more times, at lines "
                        + ", ".join(str(n) for n in first_lines[REPEATS_SHOWN:REPEATS_SHOWN + 20])
                        + f", ...: {info.value.problems[0].message}")


def test_suggestions_for_one_unknown_name_are_computed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real = gazetteer.Gazetteer._closest

    def counting(self: gazetteer.Gazetteer, normalized: str, n: int) -> list[str]:
        calls.append(normalized)
        return real(self, normalized, n)

    monkeypatch.setattr(gazetteer.Gazetteer, "_closest", counting)
    with pytest.raises(CatalogueError):
        validate([_many(tmp_path, 200, "Balkns")])
    assert calls == ["balkns"]


def test_lines_are_found_in_one_pass_without_a_node_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Problems of three kinds (a type error, an unknown place, a duplicate id) in one file:
    one walk over its events finds all their lines, and no YAML node tree is built."""
    walks: list[int] = []
    real = reading._Walk.run

    def counting(self: reading._Walk, strict: bool) -> list[reading.ReadProblem]:
        walks.append(len(self.wanted))
        return real(self, strict)

    def no_tree(*args: object, **kwargs: object) -> None:
        raise AssertionError("a node tree was built")

    monkeypatch.setattr(reading._Walk, "run", counting)
    monkeypatch.setattr("yaml.CSafeLoader.get_single_node", no_tree)
    routes = [minimal_route(id=f"route-{i}") for i in range(300)]
    routes[10]["label"] = 5
    routes[200]["stages"] = stages("Atlantis", "Belgium")
    routes[3]["id"] = routes[250]["id"] = "dup-id"
    path = write_catalogue(tmp_path, routes=routes)
    problems = problems_of([path])
    assert [(p.line, p.field) for p in problems] == [
        (line_of(path, "label: 5"), "label"),
        (line_of(path, "place: Atlantis"), "stages[0].place"),
        (line_of(path, "id: dup-id", 2), "id"),
    ]
    assert problems[2].message == (f"duplicate route id 'dup-id' (first used at "
                                   f"{path}:{line_of(path, 'id: dup-id')}); ids must be unique")
    assert len(walks) == 1
