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
from trafficking_route_mapper.maps import static, static_draw
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


def test_one_png_per_commodity_with_drawn_routes(rendered: tuple[Path, list[Path]],
                                                 builtin_atlas: Atlas) -> None:
    folder, paths = rendered
    expected = {"overview", *_drawn_commodities(builtin_atlas)}
    assert {p.stem for p in paths} == expected
    assert paths == sorted(paths)
    assert all(p.parent == folder / static.PNG_FOLDER and p.suffix == ".png" for p in paths)
    assert {p.name for p in (folder / static.PNG_FOLDER).iterdir()} == \
        {f"{name}.png" for name in expected}
    # commodities whose routes all have an unstated end get no map
    undrawn = set(builtin_atlas.route_table[C.COMMODITY]) - _drawn_commodities(builtin_atlas)
    assert undrawn  # the built-in catalogue has some (diamonds, NPS)
    assert not any((folder / static.PNG_FOLDER / f"{c}.png").exists() for c in undrawn)


def test_pngs_are_a4_wide_at_150_dpi_or_more(rendered: tuple[Path, list[Path]]) -> None:
    _, paths = rendered
    for path in paths:
        height, width = _pixels(path).shape[:2]
        assert width >= A4_WIDTH_PX_AT_150_DPI, path.name
        assert 0.4 * width < height < 1.6 * width, path.name


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
    pixels = _pixels(folder / static.PNG_FOLDER / "overview.png")
    total = pixels.shape[0] * pixels.shape[1]
    assert _count_colour(pixels, static_draw.LAND) > 0.05 * total
    assert _count_colour(pixels, static_draw.SEA) > 0.05 * total


def test_pngs_are_byte_identical_across_builds(builtin_atlas: Atlas, tmp_path: Path) -> None:
    subset = builtin_atlas.subset("heroin")
    first = write_pngs(subset, tmp_path / "a")
    second = write_pngs(subset, tmp_path / "b")
    assert [p.name for p in first] == ["heroin.png", "overview.png"]
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
