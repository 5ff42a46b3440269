"""The routes of an Atlas as a folium element, and a ready map for notebooks.

    from trafficking_route_mapper.geodata.pipeline import load_atlas
    from trafficking_route_mapper.maps.layer import RouteLayer, route_map

    atlas = load_atlas()
    m = route_map(atlas)              # a folium.Map: shows inline in Jupyter
    folium.Marker([50.85, 4.35]).add_to(m)   # and takes further folium layers

    m2 = folium.Map(tiles="OpenStreetMap")
    RouteLayer(atlas).add_to(m2)      # or add the routes to a map of your own

:class:`RouteLayer` is a ``branca`` ``MacroElement`` in folium's plugin style. Safety: catalogue
text never goes through a template. branca compiles the output of every element's macros as a
Jinja template again, so ``{{ 7*7 }}`` inside data would be evaluated at build time; this
element adds pre-rendered strings through :class:`_Raw`, whose template only *prints* its
text. In the page, data sits in ``<script type="application/json">`` blocks with ``<``, ``>``,
``&``, U+2028 and U+2029 escaped, is read with ``JSON.parse``, and reaches the DOM only through
``textContent``. One RouteLayer per map (its data blocks have fixed ids).
"""

from __future__ import annotations

import base64
import functools
import html
from importlib import resources
from pathlib import Path
from typing import Any

from branca.element import Element, MacroElement
from jinja2 import Template

from trafficking_route_mapper.geodata.atlas import Atlas

#: The page script, in the order its files are inlined (see assets/base.js).
SCRIPTS = ("base.js", "strokes.js", "draw.js", "regions.js", "hit.js", "popup.js", "links.js",
           "panels.js", "places.js", "table.js", "view.js", "init.js")
#: CARTO "Positron" (light), named by URL so folium/xyzservices do not ask for an API key.
TILES = "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png"
TILES_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
    '&copy; <a href="https://carto.com/attributions">CARTO</a>'
)


def asset(name: str) -> str:
    return (resources.files("trafficking_route_mapper.maps") / "assets" / name).read_text(
        encoding="utf-8")


@functools.lru_cache(maxsize=1)
def script() -> str:
    """The page script: its files, in order."""
    return "\n".join(asset(name) for name in SCRIPTS)


def json_bytes_for_script(value: Any) -> bytes:
    """JSON that is safe inside ``<script type="application/json">`` (and is valid JSON).

    ``<``, ``>`` and ``&`` become ``\\u003c`` and friends so no ``</script>`` or ``<!--`` can
    end the block; U+2028 and U+2029 are escaped for old JavaScript parsers. orjson with sorted
    keys: byte-stable, and ten times faster than ``json`` on an atlas page.
    """
    import orjson

    text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY)
    for raw, escaped in ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"),
                         ("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029")):
        if raw in text:
            text = text.replace(raw, escaped)
    return text


def json_for_script(value: Any) -> str:
    """:func:`json_bytes_for_script` as text."""
    return json_bytes_for_script(value).decode("utf-8")


class _Raw(Element):
    """Output ``text`` verbatim: the template prints it, it is never compiled itself."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class RouteLayer(MacroElement):
    """The routes of an atlas (or of page data already made, ``data``) on a folium map: one
    canvas layer per commodity, the layer control, legend, search, hubs and popups.

    ``data`` may also be a placeholder string that the caller replaces in the rendered HTML
    (the page writer does, to join tens of MB of JSON as bytes); ``details`` then too.
    """

    _template = Template("")

    def __init__(self, atlas: Atlas | None = None, *, title: str | None = None,
                 data: dict[str, Any] | str | None = None, details: str | None = None,
                 header: tuple[str, ...] = ()) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "RouteLayer"
        if data is None:
            if atlas is None:
                raise TypeError("RouteLayer needs an atlas or page data")
            from trafficking_route_mapper.maps.pages import atlas_page_data

            data = atlas_page_data(atlas, title=title)
        if isinstance(data, dict):
            routes = [dict(route) for route in data["routes"]]
            details = json_for_script([route.pop("d") for route in routes])
            data = json_for_script({**data, "routes": routes})
        self._data = data
        self._details = details
        self._header = header

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        figure: Any = self.get_root()
        if self._parent is None:
            raise TypeError("add the RouteLayer to a folium.Map before rendering it")
        map_name = self._parent.get_name()
        for i, block in enumerate(self._header):
            figure.header.add_child(_Raw(block), name=f"trm_header_{i}")
        figure.header.add_child(_Raw(f"<style>{asset('routes.css')}</style>"), name="trm_css")
        figure.html.add_child(
            _Raw(f'<script type="application/json" id="trm-data">{self._data}</script>'),
            name="trm_data")
        init = (f"\nTRM.init({map_name}, "
                "JSON.parse(document.getElementById('trm-data').textContent));\n")
        figure.script.add_child(_Raw(script() + init), name="trm_script")
        if self._details is not None:
            figure.html.add_child(_Raw(
                f'<script type="application/json" id="trm-details">{self._details}</script>'),
                name="trm_details")


def leaflet_inline() -> tuple[str, ...]:
    """Leaflet's stylesheet (its images as data URIs) and script, to inline into a page."""
    from xstatic.pkg import leaflet

    base = Path(leaflet.BASE_DIR)
    css = (base / "leaflet.css").read_text(encoding="utf-8")
    for image in ("layers.png", "layers-2x.png", "marker-icon.png"):
        data = base64.b64encode((base / "images" / image).read_bytes()).decode("ascii")
        css = css.replace(f"url(images/{image})", f"url(data:image/png;base64,{data})")
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    if "</script" in js.lower():
        raise RuntimeError("leaflet.js contains '</script' and cannot be inlined safely")
    return (f"<style>{css}</style>", f"<script>{js}</script>")


@functools.lru_cache(maxsize=1)
def tile_provider() -> Any:
    """:data:`TILES` as an xyzservices provider: given a URL string, folium first looks it up
    among the thousand providers xyzservices knows by name (6 ms a page, most of a small
    commodity page's time); given a provider, it only builds the same URL from it."""
    import xyzservices

    return xyzservices.TileProvider(name="trm-base-map", url=TILES, attribution=TILES_ATTRIBUTION,
                                    subdomains="abcd", max_zoom=19)


def base_folium_map(offline: bool) -> Any:
    """The folium map every page starts from: nothing to fetch from a CDN (the caller inlines
    Leaflet, :func:`leaflet_inline`, so a page works where a CDN is unreachable) and, online,
    CARTO's light tiles as the only request, over the embedded country layer that shows
    wherever a tile fails."""
    import folium

    class RouteMap(folium.Map):
        # folium reads these per instance: empty, the page fetches nothing from a CDN
        default_js = []  # noqa: RUF012
        default_css = []  # noqa: RUF012

    fmap = RouteMap(location=[30, 10], zoom_start=3, tiles=None, control_scale=True,
                    world_copy_jump=False, min_zoom=2, max_zoom=10)
    if not offline:
        folium.TileLayer(tile_provider(), attr=TILES_ATTRIBUTION, name="Base map",
                         control=False, subdomains="abcd", max_zoom=19).add_to(fmap)
    return fmap


def route_map(atlas: Atlas, *, offline: bool = False, title: str | None = None) -> Any:
    """A ``folium.Map`` of ``atlas``'s routes: shows inline in Jupyter, saves with ``.save()``,
    and takes further folium layers. Leaflet is inlined and an embedded country layer drawn;
    online, web tiles cover it (``offline``: no tiles, no request at all)."""
    from trafficking_route_mapper.maps.pages import atlas_page_data

    fmap = base_folium_map(offline)
    data = atlas_page_data(atlas, title=title)
    header = [f"<title>{html.escape(data['title'])}</title>", *leaflet_inline()]
    RouteLayer(data=data, header=tuple(header)).add_to(fmap)
    return fmap
