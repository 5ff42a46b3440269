"""Colour that survives colour blindness (issue #15): the market palette measured with
colour-science (benchmarks.colour_maths), the pattern that tells one market's commodities apart
measured in the pixels Chromium draws.

The floors: every two markets differ by CIEDE2000 >= 10 under normal vision and simulated
deuteranopia, protanopia and tritanopia (Machado et al. 2009, severity 1); every line colour has
a WCAG contrast >= 3 against every base-map colour it is drawn on; two commodities of one colour
differ in pattern.
"""

from __future__ import annotations

import base64
import io
import itertools
from pathlib import Path
from typing import Any

import matplotlib.image as mpimg
import numpy as np
import pytest
from scipy import ndimage

from benchmarks import palette
from benchmarks.colour_maths import (
    MIN_CONTRAST,
    MIN_DELTA_E,
    VISIONS,
    base_colours,
    contrast,
    pair_delta_e,
)
from tests.test_maps_browser import Page, browser  # noqa: F401 -- the module's fixture
from trafficking_route_mapper.routes.commodities import COMMODITIES, MARKETS, PATTERNS


def test_the_maths_gives_the_issues_figures() -> None:
    # the shades before #15, as issue #15 measured them under deuteranopia: 1.1 and 1.2
    trafficked_persons, cannabis_resin = "#CC6677", "#58A070"
    firearms, heroin = "#555555", "#882255"
    assert round(pair_delta_e(trafficked_persons, cannabis_resin)["deutan"], 1) == 1.1
    assert round(pair_delta_e(firearms, heroin)["deutan"], 1) == 1.2
    # and a difference no deficiency hides
    assert min(pair_delta_e("#000000", "#FFFFFF").values()) == pytest.approx(100, abs=0.01)


def test_base_colours_are_every_base_map_a_line_is_drawn_on() -> None:
    bases = base_colours()
    assert bases["offline land (init.js)"] == "#f4f2ee"
    assert bases["offline sea (routes.css)"] == "#dfe9f0"
    assert bases["online sea (CARTO Positron)"] == "#d4dadc"
    assert len(bases) == 6


@pytest.mark.parametrize("vision", VISIONS)
def test_every_two_markets_differ_by_delta_e_10(vision: str) -> None:
    short = []
    for a, b in itertools.combinations(MARKETS.values(), 2):
        d = pair_delta_e(a.colour, b.colour)[vision]
        if d < MIN_DELTA_E:
            short.append(f"{a.id} {a.colour} / {b.id} {b.colour}: {d:.1f}")
    assert short == []


def test_every_line_colour_has_contrast_3_against_every_base_colour() -> None:
    faint = [f"{m.id} {m.colour} on {name} {base}: {contrast(m.colour, base):.2f}"
             for m in MARKETS.values() for name, base in base_colours().items()
             if contrast(m.colour, base) < MIN_CONTRAST]
    assert faint == []


def test_every_two_commodities_differ_in_colour_or_in_pattern() -> None:
    alike = []
    for a, b in itertools.combinations(COMMODITIES.values(), 2):
        if a.pattern != b.pattern:
            continue
        if min(pair_delta_e(a.colour, b.colour).values()) < MIN_DELTA_E:
            alike.append(f"{a.id} / {b.id}")
    assert alike == []
    # colour is the market: one colour a market, and the patterns number its commodities
    for market in MARKETS.values():
        members = [c for c in COMMODITIES.values() if c.market is market]
        assert {c.colour for c in members} == {market.colour}
        assert [c.pattern for c in members] == list(range(len(members)))


def test_pattern_ink_stands_out_from_its_line() -> None:
    ink = {1: "#FFFFFF", 2: "#FFFFFF", 3: "#111111"}  # assets/draw.js TRM.strokePattern
    for c in COMMODITIES.values():
        if c.pattern:
            assert contrast(ink[c.pattern], c.colour) >= MIN_CONTRAST, c.id
    assert len(PATTERNS) == 4


def test_the_palette_script_targets_every_market() -> None:
    assert list(palette.TARGETS) == list(MARKETS)


# --- in Chromium: the pattern is drawn, inside the line, with its dashes --------------------------

def _page(tmp_path: Path, inferred: bool) -> Path:
    """Four commodities, four patterns: timber (0), plants (1) and medicinal herbs (2) of flora
    crimes, other minerals (3, non-renewable resources), each on its own line into Belgium."""
    from tests.builders import minimal_route, write_catalogue
    from trafficking_route_mapper.geodata.assemble import build_atlas
    from trafficking_route_mapper.geodata.resolve import validate
    from trafficking_route_mapper.maps import pages

    origins = {"timber": "Spain", "plants": "Morocco", "medicinal-herbs": "Greece",
               "minerals": "Sweden"}
    routes = []
    for commodity, origin in origins.items():
        start: dict[str, Any] = {"place": origin}
        if inferred:
            start.update(stated=False, source="UNODC, World Drug Report 2024")
        routes.append(minimal_route(
            id=f"{commodity}-route", flow=f"{commodity}-flow", commodity=commodity,
            label=f"{commodity} from {origin}", stages=[start, {"place": "Belgium"}]))
    atlas = build_atlas(validate([write_catalogue(tmp_path, routes=routes)]))
    pages.write_pages(atlas, tmp_path / "out", offline=True)
    return tmp_path / "out" / "index.html"


def _canvases(chromium: Any, path: Path) -> dict[str, np.ndarray[Any, Any]]:
    """Each commodity's route canvas as RGBA (0-255), its pixels only."""
    page = Page(chromium, path, offline=True)
    urls = page.page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('canvas.trm-canvas[data-commodity]')]"
        ".map(c => [c.dataset.commodity, c.toDataURL('image/png')]))")
    assert page.errors == []
    page.page.close()
    out = {}
    for commodity, url in urls.items():
        png = base64.b64decode(url.split(",", 1)[1])
        out[commodity] = np.round(mpimg.imread(io.BytesIO(png), format="png") * 255)
    return out


def _ink(rgba: np.ndarray[Any, Any], colour: str, pattern: int) -> np.ndarray[Any, Any]:
    """Where a pattern's ink is: opaque pixels inside the line at least halfway from the line's
    colour to white (patterns 1, 2) or to the dark centre line's #111111 (pattern 3); an
    antialiased 1 px stripe is seldom pure white."""
    line = _rgb(colour)
    ink = _rgb("#111111" if pattern == 3 else "#FFFFFF")
    opaque = rgba[:, :, 3] >= 200
    toward = np.abs(rgba[:, :, :3] - line).sum(axis=2) / np.abs(ink - line).sum()
    nearer_ink = (np.abs(rgba[:, :, :3] - ink).sum(axis=2)
                  < np.abs(rgba[:, :, :3] - line).sum(axis=2))
    # inside the line: off the edge of what is drawn (the white casing, a pixel wide on each
    # side of a line on the pages, is no pattern)
    inside = ndimage.binary_erosion(rgba[:, :, 3] >= 128, structure=np.ones((3, 3)), iterations=1)
    out: np.ndarray[Any, Any] = opaque & (toward >= 0.5) & nearer_ink & inside
    return out


def _pieces(mask: np.ndarray[Any, Any]) -> list[int]:
    """Sizes of the connected pieces of a mask (8-connected)."""
    labels, n = ndimage.label(mask, structure=np.ones((3, 3)))
    return sorted(int(s) for s in np.bincount(labels.ravel())[1:]) if n else []


@pytest.fixture(scope="module")
def solid(browser: Any,  # noqa: F811
          tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _canvases(browser, _page(tmp_path_factory.mktemp("solid"), inferred=False))


@pytest.fixture(scope="module")
def dashed(browser: Any,  # noqa: F811
          tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _canvases(browser, _page(tmp_path_factory.mktemp("dashed"), inferred=True))


@pytest.mark.browser
def test_each_pattern_is_drawn_inside_its_line(solid: dict[str, Any]) -> None:
    colour_px = {c: int((np.abs(px[:, :, :3] - _rgb(COMMODITIES[c].colour)).max(axis=2) <= 2)
                        .sum()) for c, px in solid.items()}
    # every line is drawn (the page frames them in the map the panels leave free: short)
    assert all(n > 100 for n in colour_px.values()), colour_px
    # the line itself, without the pixel of white casing on each side
    drawn = {c: int(ndimage.binary_erosion(px[:, :, 3] >= 128, structure=np.ones((3, 3))).sum())
             for c, px in solid.items()}
    # plain: no ink of any pattern
    flora = COMMODITIES["timber"].colour
    assert not (_ink(solid["timber"], flora, 1) | _ink(solid["timber"], flora, 3)).any()
    # a white centre stripe, a dark centre line: a few long pieces along the line, a fifth of
    # its pixels or more
    for commodity in ("plants", "minerals"):
        ink = _ink(solid[commodity], COMMODITIES[commodity].colour, COMMODITIES[commodity].pattern)
        pieces = _pieces(ink)
        assert ink.sum() >= 0.2 * drawn[commodity], (commodity, int(ink.sum()), drawn)
        assert len(pieces) <= 10, (commodity, pieces)
        assert pieces[-1] >= 50, (commodity, pieces)
    # white dots: many small pieces, about one every 11 px of line
    ink = _ink(solid["medicinal-herbs"], flora, 2)
    dots = _pieces(ink)
    assert len(dots) >= 15, dots
    assert max(dots) <= 12, dots
    assert ink.sum() <= 0.15 * drawn["medicinal-herbs"]
    # the ink is inside the line: every ink pixel touches the line's colour within 2 px
    for commodity, pattern in (("plants", 1), ("medicinal-herbs", 2), ("minerals", 3)):
        px = solid[commodity]
        near_colour = ndimage.binary_dilation(
            np.abs(px[:, :, :3] - _rgb(COMMODITIES[commodity].colour)).max(axis=2) <= 40,
            iterations=2)
        assert not (_ink(px, COMMODITIES[commodity].colour, pattern) & ~near_colour).any()


@pytest.mark.browser
def test_a_dashed_line_stays_dashed_under_its_pattern(dashed: dict[str, Any]) -> None:
    # the dashes (every drawn pixel, line and ink) are as many with a pattern as without:
    # the pattern never fills a gap. Lines differ in length; compare dashes per 100 px drawn.
    per_length = {}
    for commodity, px in dashed.items():
        drawn = px[:, :, 3] >= 128
        per_length[commodity] = len(_pieces(drawn)) / drawn.sum() * 100
        assert len(_pieces(drawn)) >= 15, commodity  # dashed, not one piece
    plain = per_length["timber"]
    for commodity in ("plants", "medicinal-herbs", "minerals"):
        assert per_length[commodity] == pytest.approx(plain, rel=0.35), per_length
    # and the dots sit in the dashes, about one a dash
    dots = len(_pieces(_ink(dashed["medicinal-herbs"], COMMODITIES["medicinal-herbs"].colour, 2)))
    dashes = len(_pieces(dashed["medicinal-herbs"][:, :, 3] >= 128))
    assert 0.7 * dashes <= dots <= 1.3 * dashes, (dots, dashes)


def _rgb(hex_colour: str) -> np.ndarray[Any, Any]:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])


# --- in the PNGs: the same patterns, drawn by maps.static_draw ------------------------------------

def _png_leg(commodity: str, stated: bool) -> np.ndarray[Any, Any]:
    """One horizontal leg of ``commodity`` drawn as the PNGs draw legs, as RGB (0-255)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from trafficking_route_mapper.maps import static_draw, static_frame

    fig = Figure(figsize=(4, 1), dpi=static_frame.LANDSCAPE[2], facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 40)
    ax.set_ylim(-5, 5)
    ax.set_axis_off()
    c = COMMODITIES[commodity]
    key = static_draw.Key(colours={commodity: c.colour}, labels={commodity: c.label},
                          order={commodity: 0}, patterns={commodity: c.pattern})
    leg = static_draw.Leg(commodity, stated, "A", "B", np.array([[2.0, 0.0], [38.0, 0.0]]))
    ext = static_frame.Extent(0, 40, -5, 5)
    static_draw.draw_legs(ax, [leg], ext, 4 * 72 / 40, key)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[:, :, :3].astype(float)  # type: ignore[attr-defined]


@pytest.mark.parametrize("stated", [True, False])
def test_png_lines_carry_the_pattern(stated: bool) -> None:
    inks = {}
    for commodity in ("timber", "plants", "medicinal-herbs", "minerals"):
        px = _png_leg(commodity, stated)
        rgba = np.dstack([px, np.full(px.shape[:2], 255.0)])
        c = COMMODITIES[commodity]
        # the line's middle rows, left of the arrowhead halfway (its white edge is no pattern);
        # on a dashed leg only the columns where a dash is drawn (between, white is the paper)
        mid = rgba.shape[0] // 2
        row = rgba[mid - 1:mid + 2, 60:280]
        band = rgba[mid - 4:mid + 5, 60:280, :3]
        drawn_columns = (np.abs(band - _rgb(c.colour)).max(axis=2) <= 60).any(axis=0)
        ink = _ink(row, c.colour, c.pattern or 1)
        inks[commodity] = len(_pieces(ink & drawn_columns[None, :]))
    assert inks["timber"] == 0, inks  # plain: nothing inside
    # a stripe, a dark line: along the whole line, or along each dash
    assert 1 <= inks["plants"] <= 2 if stated else inks["plants"] >= 5, inks
    assert inks["medicinal-herbs"] >= 5, inks  # dots, one every 16.5 pt
    assert 1 <= inks["minerals"] <= 2 if stated else inks["minerals"] >= 5, inks
