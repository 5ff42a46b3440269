"""``build_maps.py draft``: a draft catalogue from a report's text, its comparison with a
finished catalogue, and the review page (in headless Chromium).

Short texts written inline here are test text, written for these tests (not from any report).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ATLAS_FIXTURES, REPO, SEED_TEXT
from tests.test_maps_browser import browser  # noqa: F401 -- the module's fixture
from trafficking_route_mapper.build_maps import main
from trafficking_route_mapper.geodata.draft_compare import compare
from trafficking_route_mapper.geodata.resolve import validate
from trafficking_route_mapper.routes.evidence import SourceText
from trafficking_route_mapper.routes.load import builtin_catalogues

DRAFT_FIXTURES = REPO / "tests" / "fixtures" / "drafts"


def _draft(tmp_path: Path, text: str | Path, country: str, *more: str) -> dict[str, Any]:
    if isinstance(text, str):
        path = tmp_path / "report.txt"
        path.write_text(text, encoding="utf-8")
    else:
        path = text
    out = tmp_path / "draft.yaml"
    assert main(["draft", str(path), "--reporting-country", country, "-o", str(out), "-q",
                 *more]) == 0
    data: dict[str, Any] = yaml.safe_load(out.read_text(encoding="utf-8"))
    return data


def _legs(data: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(commodity, from, to) of every leg between named stages of a draft."""
    out = set()
    for route in data["routes"]:
        named = [s.get("any_of") or [s["place"]] for s in route["stages"] if not s.get("unstated")]
        for c in route.get("commodities") or [route["commodity"]]:
            for a, b in itertools.pairwise(named):
                out |= {(c, x, y) for x in a for y in b}
    return out


TEST_TEXT = """\
TEST TEXT - written for the tests of trafficking-route-mapper, not taken from any report.

DRUGS
Cocaine arrives from Colombia and Ecuador in containers through the port of Rotterdam.
Most cannabis resin is Moroccan and is trafficked by road through Spain and France.
There is no evidence that heroin from Afghanistan reaches the country.
Nigerian networks dominate the retail market for cocaine.
Its proximity to Germany makes it a hub for synthetic drugs.

TRADE
Firearms are exported to Albania and Serbia.
"""


def test_a_draft_reads_cues_lists_demonyms_and_the_implied_end(tmp_path: Path) -> None:
    data = _draft(tmp_path, TEST_TEXT, "Netherlands")
    legs = _legs(data)
    assert {("cocaine", "Colombia", "Port of Rotterdam"),
            ("cocaine", "Ecuador", "Port of Rotterdam")} <= legs  # a list after "from"
    # "Moroccan" resin is an origin; "through Spain and France" is Spain, then France; the
    # reporting country is the implied destination
    assert {("cannabis-resin", "Morocco", "Spain"), ("cannabis-resin", "Spain", "France"),
            ("cannabis-resin", "France", "Netherlands")} <= legs
    # the reporting country is the implied source of an export
    assert {("firearms", "Netherlands", "Albania"), ("firearms", "Netherlands", "Serbia")} <= legs
    places = {p for leg in legs for p in leg[1:]}
    assert "Nigeria" not in places  # an actor's nationality is not a route
    assert "Germany" not in places  # named for geography
    assert "Afghanistan" not in places  # negated
    for route in data["routes"]:
        assert 0 < route["draft"]["confidence"] <= 1
        assert route["draft"]["reason"]
        assert all(ev["summary"].startswith("DRAFT:") for ev in route["evidence"])
    by_road = next(r for r in data["routes"] if r["commodity"] == "cannabis-resin")
    assert [s.get("by") for s in by_road["stages"][1:]] == ["road"] * 3
    sea = next(r for r in data["routes"] if r["commodity"] == "cocaine")
    assert sea["stages"][-1].get("by") == "sea"


def test_every_phrase_is_the_texts_own_words_at_its_offset(tmp_path: Path) -> None:
    texts = sorted(DRAFT_FIXTURES.glob("*.txt")) + sorted(ATLAS_FIXTURES.glob("*.txt"))
    if SEED_TEXT.is_file():
        texts.append(SEED_TEXT)
    checked = 0
    for k, text in enumerate(texts):
        source = SourceText.read(text)
        folder = tmp_path / str(k)
        folder.mkdir()
        country = _country_of(text)
        data = _draft(folder, text, country)
        for route in data["routes"]:
            for ev in route["evidence"]:
                assert len(ev["phrase"].split()) <= 20
                starts = {a.start for a in source.occurrences(ev["phrase"], ev.get("section"))}
                assert ev["offset"] in starts, (text.name, ev)
                checked += 1
    assert checked > 40  # 45 without the Belgium report (absent beside a plain clone)


def _country_of(text: Path) -> str:
    if text == SEED_TEXT:
        return "Belgium"
    cat = yaml.safe_load(text.with_suffix(".yaml").read_text(encoding="utf-8"))
    return str(cat["source"]["reporting_country"])


def test_the_same_text_gives_the_same_bytes(tmp_path: Path) -> None:
    outs = []
    for k in range(2):
        folder = tmp_path / str(k)
        folder.mkdir()
        _draft(folder, TEST_TEXT, "Netherlands")
        outs.append(((folder / "draft.yaml").read_bytes(), (folder / "draft.html").read_bytes()))
    assert outs[0] == outs[1]


@pytest.mark.skipif(not SEED_TEXT.is_file(), reason="the Belgium report is in ../shared")
def test_on_the_belgium_profile_recall_and_precision_meet_the_targets(tmp_path: Path,
                                                                        capsys: Any) -> None:
    _draft(tmp_path, SEED_TEXT, "Belgium")
    result = compare(validate([tmp_path / "draft.yaml"]), validate(builtin_catalogues()))
    strict = result.scores[0]
    assert strict.recall >= 0.85
    assert strict.precision >= 0.70
    # the same figures on the command line, with misses and extras listed
    main(["draft", str(SEED_TEXT), "--reporting-country", "Belgium", "-q",
          "--compare", str(builtin_catalogues()[0])])
    out = capsys.readouterr().out
    assert f"recall {strict.recall:6.1%}" in out
    assert "misses by commodity" in out
    assert "extras by commodity" in out


def _pooled(tmp_path: Path, pattern: str) -> tuple[float, float, int]:
    """(recall, precision, finished legs) by commodity, pooled over the texts of ``pattern``."""
    hit_f = total_f = hit_d = total_d = 0
    for k, cat in enumerate(sorted(DRAFT_FIXTURES.glob(pattern))):
        folder = tmp_path / str(k)
        folder.mkdir()
        _draft(folder, cat.with_suffix(".txt"), _country_of(cat.with_suffix(".txt")))
        strict = compare(validate([folder / "draft.yaml"]), validate([cat])).scores[0]
        hit_f, total_f = hit_f + strict.matched_finished, total_f + strict.finished
        hit_d, total_d = hit_d + strict.matched_draft, total_d + strict.draft
    return hit_f / total_f, hit_d / total_d, total_f


def test_the_test_texts_meet_the_targets_together(tmp_path: Path) -> None:
    """Beyond Belgium: on the author's fictional test profiles (tests/fixtures/drafts/*-test),
    pooled, the same targets as on the Belgium profile."""
    recall, precision, legs = _pooled(tmp_path, "*-test.yaml")
    assert legs >= 50
    assert recall >= 0.85
    assert precision >= 0.70


def test_blind_texts_keep_the_figures_measured_on_them(tmp_path: Path) -> None:
    """On the profiles written without the rules in view (*-blind), pooled: recall 68.2% and
    precision 74.4% when they were added (README); a change to the rules may not lose ground."""
    recall, precision, legs = _pooled(tmp_path, "*-blind.yaml")
    assert legs >= 80
    assert recall >= 0.68
    assert precision >= 0.74


def test_compare_counts_containment_and_lists_misses(tmp_path: Path) -> None:
    """A draft leg Africa -> Belgium matches a finished leg Nigeria -> Belgium (containment)."""
    text = ("TEST TEXT - written for the tests.\n\nPEOPLE\nVictims of human trafficking come "
            "from African countries.\nFirearms come from Serbia.\n")
    _draft(tmp_path, text, "Belgium")
    source = SourceText.read(tmp_path / "report.txt")
    finished = tmp_path / "finished.yaml"
    finished.write_text(yaml.safe_dump({
        "source": {"id": "test-finished", "title": "Test fixture: finished", "publisher": "tests",
                   "sha256": source.sha256, "reporting_country": "Belgium"},
        "routes": [{"id": "people", "flow": "people", "commodity": "trafficked-persons",
                    "label": "test", "reporting_role": "destination",
                    "stages": [{"place": "Nigeria"}, {"place": "Belgium"}],
                    "evidence": [{"phrase": "come from African countries", "summary": "test"}]},
                   {"id": "guns", "flow": "guns", "commodity": "firearms", "label": "test",
                    "reporting_role": "destination",
                    "stages": [{"place": "Croatia"}, {"place": "Belgium"}],
                    "evidence": [{"phrase": "Firearms come from Serbia.", "summary": "test"}]}]}),
        encoding="utf-8")
    result = compare(validate([tmp_path / "draft.yaml"]), validate([finished]))
    strict = result.scores[0]
    assert (strict.matched_finished, strict.finished) == (1, 2)
    assert [leg.text for leg in strict.misses] == ["firearms: Croatia → Belgium"]
    assert [leg.text for leg in strict.extras] == ["firearms: Serbia → Belgium"]


def test_bad_input_is_named_and_nothing_is_written(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "draft.yaml"
    out.write_text("kept", encoding="utf-8")
    text = tmp_path / "report.txt"
    text.write_text("DRUGS\nCocaine comes from Peru.\n", encoding="utf-8")
    status = main(["draft", str(text), "--reporting-country", "Belgum", "-o", str(out)])
    err = capsys.readouterr().err
    assert status == 2
    assert "--reporting-country" in err
    assert "Belgium" in err  # the suggestion
    assert "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "kept"
    status = main(["draft", str(tmp_path / "missing.txt"), "--reporting-country", "Belgium",
                   "-o", str(out), "--compare", str(tmp_path / "nope.yaml")])
    err = capsys.readouterr().err
    assert status == 2
    assert "missing.txt" in err  # every problem at once
    assert "nope.yaml" in err


@pytest.mark.browser
def test_the_review_page_accepts_edits_rejects_and_downloads(
        browser: Any, tmp_path: Path) -> None:  # noqa: F811
    hostile = TEST_TEXT + "\nCIVIL SOCIETY\nA note </script><b>{{ 7*7 }}</b> on firearms from Peru.\n"
    data = _draft(tmp_path, hostile, "Netherlands")
    page = browser.new_page(accept_downloads=True)
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file:") else None)
    page.goto((tmp_path / "draft.html").as_uri())
    assert errors == []
    assert requests == []
    cards = page.locator(".trm-card")
    assert cards.count() == len(data["routes"])
    # the text with its marks; hostile text is shown as text
    assert page.locator(".trm-text .trm-place").count() >= 8
    assert page.locator(".trm-text .trm-commodity").count() >= 5
    assert "</script><b>{{ 7*7 }}</b>" in page.inner_text(".trm-text")
    assert page.locator(".trm-text b").count() == 0
    # a card shows its sentence
    cards.nth(0).locator(".trm-show").click()
    assert page.locator(".trm-sentence.trm-current").count() >= 1
    # accept two, edit one of them, reject one
    cards.nth(0).locator(".trm-accept").click()
    cards.nth(1).locator(".trm-accept").click()
    cards.nth(2).locator(".trm-reject").click()
    cards.nth(1).locator(".trm-edit").click()
    area = cards.nth(1).locator("textarea")
    area.fill(area.input_value().replace("Draft: ", "Reviewed: ", 1))
    assert "2 accepted, 1 rejected" in page.inner_text("header")
    with page.expect_download() as info:
        page.click("#trm-download")
    saved = tmp_path / "reviewed.yaml"
    info.value.save_as(saved)
    reviewed = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert [r["id"] for r in reviewed["routes"]] == [data["routes"][0]["id"],
                                                      data["routes"][1]["id"]]
    assert reviewed["routes"][1]["label"].startswith("Reviewed:")
    assert all("draft" not in r for r in reviewed["routes"])  # accepted: no longer drafts
    assert reviewed["source"] == data["source"]
    # the downloaded catalogue passes --check against the text
    assert main(["--check", "--catalogue", str(saved), "--source-text",
                 str(tmp_path / "report.txt"), "-q"]) == 0
    page.close()


@pytest.mark.browser
def test_a_drafted_route_carries_a_draft_badge_on_the_map(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    from tests.test_maps_browser import Page

    data = _draft(tmp_path, TEST_TEXT, "Netherlands")
    out = tmp_path / "maps"
    assert main(["-c", str(tmp_path / "draft.yaml"), "-o", str(out), "--offline", "--no-static",
                 "-q", "-j", "1"]) == 0
    route = next(r for r in data["routes"] if r.get("commodity") == "cannabis-resin")
    page = Page(browser, out / "index.html", offline=True)
    assert page.errors == []
    x, y = page.route_point(f"{route['id']}")
    page.page.mouse.click(x, y)
    popup = page.page.locator(".leaflet-popup-content .trm-popup")
    popup.wait_for(timeout=3000)
    badge = popup.locator(".trm-draft-badge")
    assert badge.inner_text() == f"DRAFT {round(route['draft']['confidence'] * 100)}%"
    assert route["draft"]["reason"] in popup.locator(".trm-draft").inner_text()
    # and the export says so too
    import json

    features = json.loads((out / "routes.geojson").read_text(encoding="utf-8"))["features"]
    mine = next(f for f in features if f["properties"]["statement_id"] == route["id"])
    assert mine["properties"]["draft_confidence"] == route["draft"]["confidence"]
