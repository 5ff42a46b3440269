"""Evidence anchored in the report's text: offsets and context (W3C Web Annotation selectors),
tolerance of typesetting, optional sections, the closest passage, pinned offsets, exports.

The report texts here are test data written for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.builders import minimal_route, minimal_source, sha256_text, write_catalogue
from tests.conftest import SEED_TEXT
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.assemble import build_atlas
from trafficking_route_mapper.geodata.resolve import validate
from trafficking_route_mapper.maps.export import write_exports
from trafficking_route_mapper.routes.errors import CatalogueError
from trafficking_route_mapper.routes.evidence import SourceText, normalize
from trafficking_route_mapper.routes.load import builtin_catalogues

#: A text with headings, typographic quotes, a hyphenated line break and a repeated phrase.
HEADED = (
    "TRADE\n"
    "Firearms seized in Belgium are primarily from the \u201cBalkan\u201d region. They are\n"
    "smuggled in by road. Belgian-\nproduced firearms are seized abroad.\n"
    "\n"
    "DRUGS\n"
    "Cocaine arrives in containers. Cocaine arrives in containers.\n"
)
#: A press release: no headings at all.
PLAIN = ("Police said on Monday that cocaine arrives in the port hidden in banana\n"
         "containers, and that most of it is destined for the Netherlands.\n")


def _catalogue(tmp_path: Path, text: str, *evidence: dict[str, Any]) -> Path:
    return write_catalogue(tmp_path, source=minimal_source(sha256=sha256_text(text)),
                           routes=[minimal_route(evidence=list(evidence))])


def _text(tmp_path: Path, text: str) -> SourceText:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return SourceText.read(path)


def _ev(phrase: str, section: str | None = None, **more: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"phrase": phrase, "summary": "A summary in the coder's words."}
    if section is not None:
        item["section"] = section
    return {**item, **more}


def _problems(paths: list[Path], text: SourceText) -> list[tuple[str | None, str]]:
    with pytest.raises(CatalogueError) as info:
        validate(paths, [text])
    return [(p.field, p.message) for p in info.value.problems]


def test_an_anchor_records_offsets_and_context(tmp_path: Path) -> None:
    text = _text(tmp_path, HEADED)
    phrase = 'primarily from the "Balkan" region.'  # plain quotes where the report prints curly
    (rr,) = validate([_catalogue(tmp_path, HEADED, _ev(phrase, "TRADE"))], [text])
    (anchor,) = rr.anchors
    assert anchor is not None
    assert HEADED[anchor.start:anchor.end] == anchor.exact
    assert anchor.exact == "primarily from the \u201cBalkan\u201d region."
    assert HEADED[:anchor.start].endswith(anchor.prefix)
    assert HEADED[anchor.end:].startswith(anchor.suffix)
    assert len(anchor.prefix) == len(anchor.suffix) == 32
    assert anchor.line == 2


def test_line_breaks_and_hyphenation_are_tolerated(tmp_path: Path) -> None:
    text = _text(tmp_path, HEADED)
    evidence = [_ev("They are smuggled in by road.", "TRADE"),
                _ev("Belgian-produced firearms are seized abroad.", "TRADE")]
    (rr,) = validate([_catalogue(tmp_path, HEADED, *evidence)], [text])
    first, second = rr.anchors
    assert first is not None
    assert second is not None
    assert first.exact == "They are\nsmuggled in by road."
    assert second.exact == "Belgian-\nproduced firearms are seized abroad."


def test_a_text_without_headings_is_checked_without_sections(tmp_path: Path) -> None:
    text = _text(tmp_path, PLAIN)
    evidence = _ev("most of it is destined for the Netherlands.")
    (rr,) = validate([_catalogue(tmp_path, PLAIN, evidence)], [text])
    (anchor,) = rr.anchors
    assert anchor is not None
    assert PLAIN[anchor.start:anchor.end] == "most of it is destined for the Netherlands."


def test_a_section_the_text_does_not_have_is_reported(tmp_path: Path) -> None:
    text = _text(tmp_path, PLAIN)
    found = _problems([_catalogue(tmp_path, PLAIN, _ev("cocaine arrives", "DRUGS"))], text)
    assert found == [("evidence[0].section",
                      "section 'DRUGS' is not a heading of the source text; the text has no "
                      "headings (lines in capitals): leave 'section' out")]


def test_a_phrase_not_found_is_reported_with_the_closest_passage(tmp_path: Path) -> None:
    text = _text(tmp_path, PLAIN)
    found = _problems([_catalogue(tmp_path, PLAIN, _ev("cocaine arrives in the port hidden in "
                                                       "apple containers"))], text)
    ((field, message),) = found
    assert field == "evidence[0].phrase"
    assert message.startswith("phrase 'cocaine arrives in the port hidden in apple containers' "
                              "is not in the source text; the closest passage (")
    assert "line 1) reads 'cocaine arrives in the port hidden in banana containers,'" in message


def test_a_phrase_in_another_section_says_which(tmp_path: Path) -> None:
    text = _text(tmp_path, HEADED)
    found = _problems([_catalogue(tmp_path, HEADED, _ev("Cocaine arrives in containers.",
                                                        "TRADE"))], text)
    assert found == [("evidence[0].phrase",
                      "phrase 'Cocaine arrives in containers.' is not in section 'TRADE' of the "
                      "source text; it stands in section 'DRUGS'")]


def test_an_offset_pins_one_occurrence_of_several(tmp_path: Path) -> None:
    text = _text(tmp_path, HEADED)
    phrase = "Cocaine arrives in containers."
    second = HEADED.rindex(phrase)
    (rr,) = validate([_catalogue(tmp_path, HEADED, _ev(phrase, "DRUGS", offset=second))], [text])
    (anchor,) = rr.anchors
    assert anchor is not None
    assert anchor.start == second
    first = HEADED.index(phrase)
    found = _problems([_catalogue(tmp_path, HEADED, _ev(phrase, "DRUGS", offset=3))], text)
    assert found == [("evidence[0].offset",
                      f"the phrase starts at offset {first}, {second} of the source text, not 3; "
                      "correct 'offset' or leave it out")]


def test_anchors_are_exported_as_web_annotation_selectors(tmp_path: Path) -> None:
    text = _text(tmp_path, PLAIN)
    phrase = "most of it is destined for the Netherlands."
    atlas = build_atlas(validate([_catalogue(tmp_path, PLAIN, _ev(phrase))], [text]))
    (row,) = atlas.evidence.to_dict(orient="records")
    assert row[C.EVIDENCE_SECTION] is None
    assert PLAIN[row[C.EVIDENCE_START]:row[C.EVIDENCE_END]] == row[C.EVIDENCE_EXACT] == phrase
    out = tmp_path / "out"
    write_exports(atlas, out)
    (feature,) = json.loads((out / "routes.geojson").read_text(encoding="utf-8"))["features"]
    (evidence,) = feature["properties"]["evidence"]
    anchor = evidence["anchor"]
    assert anchor["sha256"] == text.sha256
    quote, position = anchor["selector"]
    assert quote == {"type": "TextQuoteSelector", "exact": phrase,
                     "prefix": row[C.EVIDENCE_PREFIX], "suffix": row[C.EVIDENCE_SUFFIX]}
    assert position == {"type": "TextPositionSelector", "start": row[C.EVIDENCE_START],
                        "end": row[C.EVIDENCE_END]}


def test_without_a_text_the_anchor_is_null(tmp_path: Path) -> None:
    atlas = build_atlas(validate([write_catalogue(tmp_path)]))
    out = tmp_path / "out"
    write_exports(atlas, out)
    (feature,) = json.loads((out / "routes.geojson").read_text(encoding="utf-8"))["features"]
    assert [ev["anchor"] for ev in feature["properties"]["evidence"]] == [None]


def test_every_builtin_phrase_is_anchored_in_the_report() -> None:
    if not SEED_TEXT.exists():
        pytest.skip(f"the report text {SEED_TEXT} is not in this checkout")
    text = SourceText.read(SEED_TEXT)
    resolved = validate(builtin_catalogues(), [text])
    raw = SEED_TEXT.read_text(encoding="utf-8")
    for rr in resolved:
        assert len(rr.anchors) == len(rr.route.evidence)
        for ev, anchor in zip(rr.route.evidence, rr.anchors, strict=True):
            assert anchor is not None, (rr.route.id, ev.phrase)
            assert normalize(raw[anchor.start:anchor.end]) == normalize(ev.phrase)
        for hub in rr.hubs:
            assert all(a is not None for a in hub.anchors)
