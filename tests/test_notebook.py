"""The notebook API: an Atlas in a few lines, a folium map that shows inline and takes more
layers, the route layer on a map of one's own; and the README's example, run as written."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import folium
import pytest

from tests.conftest import REPO
from tests.test_maps_browser import Page, browser  # noqa: F401  (the module-scoped fixture)
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas
from trafficking_route_mapper.maps.layer import RouteLayer, route_map


def test_route_map_is_a_folium_map_that_renders_inline(builtin_atlas: Atlas) -> None:
    m = route_map(builtin_atlas)
    assert isinstance(m, folium.Map)
    inline = m._repr_html_()  # what Jupyter shows: an iframe holding the whole page
    assert "<iframe" in inline
    assert "trm-data" in inline
    assert "TRM.init" in inline


def test_the_route_layer_goes_on_any_folium_map(builtin_atlas: Atlas, tmp_path: Path) -> None:
    m = folium.Map(location=[20, 0], zoom_start=2, tiles=None)
    RouteLayer(builtin_atlas.subset("heroin")).add_to(m)
    folium.Marker([50.85, 4.35], tooltip="Brussels").add_to(m)
    path = tmp_path / "map.html"
    m.save(str(path))
    html = path.read_text(encoding="utf-8")
    data = re.search(r'id="trm-data">(.*?)</script>', html, re.S)
    assert data is not None
    assert '"heroin-into-belgium"' in data.group(1)


def test_a_route_layer_needs_an_atlas_or_data() -> None:
    with pytest.raises(TypeError, match="needs an atlas"):
        RouteLayer()


@pytest.mark.browser
def test_a_notebook_map_with_a_marker_draws_in_chromium(browser: Any,  # noqa: F811
                                                        builtin_atlas: Atlas,
                                                        tmp_path: Path) -> None:
    m = route_map(builtin_atlas, offline=True)
    folium.CircleMarker([50.85, 4.35], radius=9, color="#000").add_to(m)
    path = tmp_path / "notebook.html"
    m.save(str(path))
    page = Page(browser, path, offline=True)
    assert page.requests == []
    assert page.errors == []
    drawn = page.drawn_ids()
    routes = builtin_atlas.routes
    assert drawn == set(routes[routes.geometry.notna()][C.ROUTE_ID])
    assert page.page.locator("path.leaflet-interactive").count() >= 1  # the marker too


def test_the_readme_notebook_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert len(examples) == 2  # the notebook, then routes per origin country from the export
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    for example in examples:
        exec(compile(textwrap.dedent(example), "README.md", "exec"), namespace)
    assert isinstance(namespace["m"], folium.Map)
    assert (tmp_path / "routes.html").exists()
    per_origin = namespace["per_origin"]
    # origins, not transits: Morocco is an origin of cannabis resin, France only its transit;
    # Afghanistan starts the Balkan route, Germany and Austria are its waypoints, never origins
    assert per_origin["MAR"] >= 1
    assert per_origin["AFG"] >= 1
    for transit in ("FRA", "DEU", "AUT"):
        assert transit not in per_origin.index
    assert set(namespace["countries"]["iso3"]) == set(per_origin.index) & set(
        namespace["atlas"].country_shapes["iso3"].dropna())
