"""Encoded polylines: the page's compact coordinates (maps/polyline.py, TRM.decodeLine)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.test_maps_browser import Page, browser, built  # noqa: F401  (fixtures)
from tests.test_pages import _data
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.maps import pages
from trafficking_route_mapper.maps.page_data import PAGE_PRECISION
from trafficking_route_mapper.maps.polyline import decode_line, encode_each, encode_lines

#: The worked example of Google's Encoded Polyline Algorithm Format page (precision 5).
GOOGLE_POINTS = [[-120.2, 38.5], [-120.95, 40.7], [-126.453, 43.252]]
GOOGLE_TEXT = "_p~iF~ps|U_ulLnnqC_mqNvxq`@"


def test_the_formats_own_example() -> None:
    assert encode_lines(np.array(GOOGLE_POINTS), [0, 3], 5) == [GOOGLE_TEXT]
    assert decode_line(GOOGLE_TEXT, 5) == pytest.approx(np.ravel(GOOGLE_POINTS).tolist())


def test_many_lines_in_one_pass_are_each_encoded_from_their_own_first_point() -> None:
    rng = np.random.default_rng(7)
    lines = [np.column_stack((rng.uniform(-540, 540, n), rng.uniform(-85, 85, n)))
             for n in (1, 2, 0, 17, 3, 250)]
    encoded = encode_each(lines, PAGE_PRECISION)
    assert encoded == [encode_lines(line, [0, len(line)], PAGE_PRECISION)[0] for line in lines]
    assert encoded[2] == ""
    for line, text in zip(lines, encoded, strict=True):
        # rounded to the precision, and no error added up along the line
        want = np.round(line, PAGE_PRECISION).ravel()
        assert np.abs(np.array(decode_line(text, PAGE_PRECISION)) - want).max(initial=0) < 1e-9


def test_large_steps_and_longitudes_past_180_keep_every_bit() -> None:
    # a step of 700 degrees is 7,000,000 at 4 decimals: more than 22 bits, five chunks
    line = np.array([[-179.9999, -85.0], [520.0001, 85.0], [0.0, 0.0], [0.0001, -0.0001]])
    text = encode_lines(line, [0, 4], PAGE_PRECISION)[0]
    assert decode_line(text, PAGE_PRECISION) == pytest.approx(line.ravel().tolist(), abs=1e-9)
    assert set(text) <= {chr(c) for c in range(63, 127)}  # nothing HTML or JSON must escape


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="starts"):
        encode_lines(np.zeros((3, 2)), [0, 2], 4)
    with pytest.raises(ValueError, match="finite"):
        encode_lines(np.array([[np.nan, 0.0]]), [0, 1], 4)
    with pytest.raises(ValueError, match="inside a point"):
        decode_line("_p~iF", 5)


def test_a_page_carries_each_shared_line_once(builtin_atlas) -> None:  # type: ignore[no-untyped-def]
    data = pages.atlas_page_data(builtin_atlas)
    used = [leg["g"] for r in data["routes"] for leg in r["legs"]]
    assert sorted(set(used)) == list(range(len(data["lines"])))  # every line used, none twice
    assert len(set(data["lines"])) == len(data["lines"])
    assert data["precision"] == PAGE_PRECISION
    # each leg's line is its atlas geometry, rounded (geodesic legs thinned only past 2,000)
    legs = builtin_atlas.leg_table
    drawn = legs[legs[C.LEG_DRAWN]]
    checked = 0
    for r in data["routes"]:
        rows = drawn[drawn[C.ROUTE_ID] == r["id"]]
        assert len(rows) == len(r["legs"])
        for (_, row), leg in zip(rows.iterrows(), r["legs"], strict=True):
            line = builtin_atlas.coords[row[C.LEG_COORD_START]:row[C.LEG_COORD_STOP]]
            got = decode_line(data["lines"][leg["g"]], PAGE_PRECISION)
            assert got == pytest.approx(np.round(line, 4).ravel().tolist(), abs=1e-9)
            checked += 1
    assert checked == len(used) > 20


@pytest.mark.browser
def test_the_page_decodes_what_python_encodes(browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    rng = np.random.default_rng(11)
    lines = [np.column_stack((rng.uniform(-540, 540, n), rng.uniform(-85, 85, n)))
             for n in (1, 2, 40, 300)]
    lines.append(np.array([[-179.9999, -85.0], [520.0001, 85.0], [0.0, 0.0]]))
    texts = encode_each(lines, PAGE_PRECISION)
    page = Page(browser, built["offline"], offline=True)
    try:
        decoded = page.page.evaluate(
            "([texts, p]) => texts.map(t => Array.from(TRM.decodeLine(t, p)))",
            [texts, PAGE_PRECISION])
        # and the page's own lines, as the map drew them
        own = page.page.evaluate(
            "() => window.trmApp.model.routes.flatMap(r => r.legs.map(l => [l.g, Array.from(l.p)]))")
    finally:
        page.page.close()
    for text, got in zip(texts, decoded, strict=True):
        assert got == pytest.approx(decode_line(text, PAGE_PRECISION), abs=1e-9)
    data = _data(built["offline"].read_text(encoding="utf-8"))
    assert len(own) > 20
    for g, p in own:
        assert p == pytest.approx(decode_line(data["lines"][g], data["precision"]), abs=1e-9)
