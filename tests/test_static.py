"""The static PNG maps: one per commodity with drawn routes plus an overview, A4 wide, stable.

Rendering the built-in catalogue takes a few seconds, so it happens once per module; the
byte-stability check renders a two-commodity subset twice instead of everything again.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pytest
from matplotlib import image as mpimg

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas
from trafficking_route_mapper.maps import static, static_draw, static_frame
from trafficking_route_mapper.maps.static import write_pngs

A4_WIDTH_PX_AT_150_DPI = 1240


@pytest.fixture(scope="module")
def rendered(builtin_atlas: Atlas, tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[Path, list[Path]]:
    folder = tmp_path_factory.mktemp("pngs")
    return folder, write_pngs(builtin_atlas, folder)


def _drawn_commodities(atlas: Atlas) -> set[str]:
    routes = atlas.routes
    return set(routes[routes.geometry.notna()][C.COMMODITY])


def _colour(atlas: Atlas, commodity: str) -> str:
    table = atlas.commodities
    return str(table[table[C.COMMODITY] == commodity][C.COMMODITY_COLOUR].iloc[0])


def _pixels(path: Path) -> np.ndarray[Any, np.dtype[np.float32]]:
    data: np.ndarray[Any, np.dtype[np.float32]] = mpimg.imread(path)
    return data


def _count_colour(pixels: np.ndarray[Any, np.dtype[np.float32]], hex_colour: str,
                  tolerance: float = 2.5 / 255) -> int:
    rgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    close = np.all(np.abs(pixels[:, :, :3] - rgb) <= tolerance, axis=2)
    return int(close.sum())


def test_one_png_per_commodity(rendered: tuple[Path, list[Path]],
                               builtin_atlas: Atlas) -> None:
    folder, paths = rendered
    expected = {"overview", *builtin_atlas.route_table[C.COMMODITY]}
    assert {p.stem for p in paths} == expected
    assert paths == sorted(paths)
    assert all(p.parent == folder / static.PNG_FOLDER and p.suffix == ".png" for p in paths)
    assert {p.name for p in (folder / static.PNG_FOLDER).iterdir()} == \
        {f"{name}.png" for name in expected}


def test_a_commodity_with_no_line_gets_a_map_of_its_place_and_statement(
        rendered: tuple[Path, list[Path]], builtin_atlas: Atlas) -> None:
    """Diamonds have a page but no drawable line (the origin is not stated): the PNG marks
    Antwerp, where the report puts them, and says what the report says."""
    folder, _ = rendered
    undrawn = set(builtin_atlas.route_table[C.COMMODITY]) - _drawn_commodities(builtin_atlas)
    assert "diamonds" in undrawn
    assert (folder / static.PNG_FOLDER / "diamonds.png").exists()
    fig = _figure(builtin_atlas, "diamonds")
    texts = _texts(fig)
    assert "Antwerp" in texts
    label = route_label(builtin_atlas, "diamonds-into-antwerp")
    assert label in " ".join(texts).replace("\n", " ")
    ax = fig.axes[0]
    marked = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [(round(float(x), 2), round(float(y), 2)) for line in marked
            for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)] == [(4.4, 51.22)]


def _frame_cm(path: Path) -> tuple[float, float]:
    from PIL import Image

    with Image.open(path) as image:
        dpi = image.info["dpi"][0]
        return image.size[0] / dpi * 2.54, image.size[1] / dpi * 2.54


def test_pngs_are_150_dpi_or_more_at_a4_width(rendered: tuple[Path, list[Path]]) -> None:
    _, paths = rendered
    for path in paths:
        width = _pixels(path).shape[1]
        assert width >= A4_WIDTH_PX_AT_150_DPI, path.name


def test_a_frame_is_landscape_or_portrait_by_extent_and_never_page_tall(
        rendered: tuple[Path, list[Path]]) -> None:
    """Every map between 4:3 landscape and 3:4 portrait, and 21.3 cm tall at most: the timber
    map (one route, Douala to Antwerp) was 21 x 26.8 cm."""
    folder, paths = rendered
    for path in paths:
        width, height = _frame_cm(path)
        assert 3 / 4 - 0.01 <= height / width <= 4 / 3 + 0.01, path.name
        assert height <= 21.4, path.name
    timber = _frame_cm(folder / static.PNG_FOLDER / "timber.png")  # taller than wide
    overview = _frame_cm(folder / static.PNG_FOLDER / "overview.png")  # wider than tall
    assert timber[1] > timber[0]
    assert overview[0] > overview[1]


def test_each_map_draws_its_commodity_colour(rendered: tuple[Path, list[Path]],
                                             builtin_atlas: Atlas) -> None:
    folder, _ = rendered
    drawn = _drawn_commodities(builtin_atlas)
    for commodity in sorted(drawn):
        pixels = _pixels(folder / static.PNG_FOLDER / f"{commodity}.png")
        assert _count_colour(pixels, _colour(builtin_atlas, commodity)) > 200, commodity
        for other in drawn - {commodity}:  # other commodities' lines are not on this map
            colour = _colour(builtin_atlas, other)
            if colour == _colour(builtin_atlas, commodity):
                continue  # a commodity of the same market: its colour, another pattern
            if colour[1:3] == colour[3:5] == colour[5:7]:
                continue  # a grey (arms) is also in anti-aliased text and borders
            assert _count_colour(pixels, colour) < 200, (commodity, other)
    overview = _pixels(folder / static.PNG_FOLDER / "overview.png")
    for commodity in drawn:
        assert _count_colour(overview, _colour(builtin_atlas, commodity)) > 200, commodity


def test_base_map_has_land_and_sea(rendered: tuple[Path, list[Path]]) -> None:
    folder, _ = rendered
    pixels = _pixels(folder / static.PNG_FOLDER / "heroin.png")  # no region tints the land
    total = pixels.shape[0] * pixels.shape[1]
    assert _count_colour(pixels, static_draw.LAND) > 0.05 * total
    assert _count_colour(pixels, static_draw.SEA) > 0.05 * total


def test_pngs_are_byte_identical_across_builds(builtin_atlas: Atlas, tmp_path: Path) -> None:
    subset = builtin_atlas.subset("heroin")
    first = write_pngs(subset, tmp_path / "a")
    second = write_pngs(subset, tmp_path / "b")
    assert [p.name for p in first] == ["heroin.png", "overview.png"]
    diamonds = builtin_atlas.subset("diamonds")  # a map with no line
    assert write_pngs(diamonds, tmp_path / "c")[0].read_bytes() == \
        write_pngs(diamonds, tmp_path / "d")[0].read_bytes()
    assert [p.name for p in second] == [p.name for p in first]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
        assert b"Software" not in a.read_bytes()[:4096]


def test_rendering_leaves_matplotlib_settings_alone(builtin_atlas: Atlas, tmp_path: Path) -> None:
    subset = builtin_atlas.subset("cocaine")
    backend = matplotlib.get_backend()
    with matplotlib.rc_context({"lines.linewidth": 7.0, "font.family": "serif"}):
        write_pngs(subset, tmp_path)
        assert matplotlib.rcParams["lines.linewidth"] == 7.0
        assert matplotlib.rcParams["font.family"] == ["serif"]
        assert matplotlib.rcParams["lines.scale_dashes"] is True
    assert matplotlib.get_backend() == backend


def test_copy_pngs_to_artifacts(rendered: tuple[Path, list[Path]], artifacts: Path) -> None:
    """Leave the overview and one commodity map where people can look at them."""
    folder, _ = rendered
    for name in ("overview.png", "heroin.png"):
        source = folder / static.PNG_FOLDER / name
        target = artifacts / f"static-{name}"
        shutil.copyfile(source, target)
        assert target.read_bytes() == source.read_bytes()


# --- what a map says: regions, rings, corridors, sources, projection -----------------------------


def route_label(atlas: Atlas, route_id: str) -> str:
    rt = atlas.route_table
    return str(rt[rt[C.ROUTE_ID] == route_id][C.LABEL].iloc[0])


_COUNTRIES: list[Any] = []
_SPECS: dict[int, dict[str, Any]] = {}


def _figure(atlas: Atlas, stem: str, **changes: Any) -> Any:
    import dataclasses

    if not _COUNTRIES:
        _COUNTRIES.append(static_frame.valid_countries(atlas.country_shapes))
    if id(atlas) not in _SPECS:
        _SPECS[id(atlas)] = {s: (spec, t, u) for s, spec, t, u in static.map_specs(atlas)}
    spec, title, subtitle = _SPECS[id(atlas)][stem]
    fig = static.figure(dataclasses.replace(spec, **changes), static.map_key(atlas),
                        _COUNTRIES[0], title, subtitle)
    fig.canvas.draw()
    return fig


def _texts(fig: Any) -> list[str]:
    """Every text the figure draws: its own, its axes', its legend's."""
    texts = [t.get_text() for t in fig.texts] + [t.get_text() for t in fig.axes[0].texts]
    return texts + [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def _rgb_at(fig: Any, lon: float, lat: float) -> tuple[int, int, int]:
    buffer = np.asarray(fig.canvas.buffer_rgba())
    x, y = fig.axes[0].transData.transform((lon, lat))
    row = buffer.shape[0] - round(y)
    r, g, b = buffer[row, round(x), :3]
    return int(r), int(g), int(b)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def test_a_region_end_is_a_tinted_area_with_its_name(builtin_atlas: Atlas) -> None:
    """Ivory goes on to "Asia": Mongolia, far from every line, is tinted, not the plain land
    colour it has on the same map without its regions; the name is written at its point."""
    fig = _figure(builtin_atlas, "ivory")
    plain = _figure(builtin_atlas, "ivory", areas=[])
    mongolia = (103.0, 47.0)
    assert _hex(_rgb_at(plain, *mongolia)) == static_draw.LAND
    tinted = _rgb_at(fig, *mongolia)
    assert sum(abs(a - b) for a, b in zip(tinted, _rgb_at(plain, *mongolia), strict=True)) >= 15
    assert tinted[0] > tinted[2]  # towards the region tint, a brown
    assert static_draw.region_text("Asia") in _texts(fig)
    assert "Asia" not in _texts(fig)  # not also named as a point where its line ends


def test_unstated_ends_have_their_ring_and_a_legend_row(builtin_atlas: Atlas) -> None:
    """Smuggled migrants come to Belgium, their destination beyond it not stated: a ring at
    Belgium in the commodity's colour, and the legend says what a ring is."""
    fig = _figure(builtin_atlas, "smuggled-migrants")
    colour = _colour(builtin_atlas, "smuggled-migrants").lower()
    rings = [line for line in fig.axes[0].get_lines() if line.get_marker() == "o"
             and str(line.get_markeredgecolor()).lower() == colour]
    places = builtin_atlas.places.set_index(C.PLACE_KEY)
    belgium = (places.at["country:BEL", C.PLACE_LON], places.at["country:BEL", C.PLACE_LAT])
    assert [(float(line.get_xdata()[0]), float(line.get_ydata()[0])) for line in rings] == \
        [pytest.approx(belgium, abs=1e-4)]
    assert any(t.startswith("Ring: the report does not state") for t in _texts(fig))


def test_the_source_line_cites_every_source_the_map_relies_on(builtin_atlas: Atlas) -> None:
    """The heroin routes are inferred from UNODC's reports on the three corridors, the cocaine
    origin from the World Drug Report: each map cites each, as well as the report."""
    stages = builtin_atlas.stages
    for stem, route_id in (("heroin", "heroin-into-belgium"),
                           ("cocaine", "cocaine-through-antwerp"), ("overview", None)):
        text = " ".join(" ".join(_texts(_figure(builtin_atlas, stem))).split())
        rows = stages if route_id is None else stages[stages[C.ROUTE_ID] == route_id]
        cited = set(rows[C.STAGE_SOURCE].dropna())
        assert cited, stem
        for source in cited:
            assert " ".join(source.split()) in text, (stem, source)
        assert "Global Organized Crime Index: Belgium country profile" in text


def test_the_heroin_routes_are_named_on_the_map(builtin_atlas: Atlas) -> None:
    fig = _figure(builtin_atlas, "heroin")
    named = [t for t in fig.axes[0].texts if t.get_text().endswith(" route")]
    assert sorted(t.get_text() for t in named) == ["Balkan route", "Northern route",
                                                    "Southern route"]
    frame = fig.axes[0].get_window_extent()
    for text in named:
        assert frame.contains(*text.get_window_extent().get_points().mean(axis=0))


def test_the_projection_is_stated(builtin_atlas: Atlas) -> None:
    fig = _figure(builtin_atlas, "timber")
    text = " ".join(" ".join(_texts(fig)).split())
    middle = sum(fig.axes[0].get_ylim()) / 2
    assert f"Projection: equirectangular, true to scale along {middle:.0f}°N" in text


def test_a_region_name_near_the_frame_edge_stays_whole(builtin_atlas: Atlas) -> None:
    """South America's point is near the cocaine map's west edge: its name is moved in, not
    cut ("UTH AMERICA")."""
    fig = _figure(builtin_atlas, "cocaine")
    ax = fig.axes[0]
    frame = ax.get_window_extent()
    names = [t for t in ax.texts
             if t.get_text() in {static_draw.region_text(n) for n in ("South America", "Europe")}]
    assert len(names) == 2
    for text in names:
        box = text.get_window_extent()
        assert frame.x0 <= box.x0, text.get_text()
        assert box.x1 <= frame.x1, text.get_text()
