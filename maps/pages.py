"""The HTML maps: an overview with one toggleable layer per commodity, and one page per commodity.

Built on folium (the map, tiles and page skeleton) plus one element of ours that embeds the
routes as JSON and draws them with ``assets/routes.js`` (canvas layers, arrowheads, lanes for
shared legs, tooltips, popups with evidence, a grouped layer control, legend and search).

Safety: catalogue text never goes through a template. branca compiles the output of every
``MacroElement`` macro as a Jinja template again, so ``{{ 7*7 }}`` inside data would be
evaluated at build time; our element adds pre-rendered strings through :class:`_Raw`, whose
template only *prints* its text. In the page, data sits in a ``<script type="application/json">``
block with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, is read with ``JSON.parse``, and
reaches the DOM only through ``textContent``.

Determinism: folium's element ids are random; every element's id is reset from its position in
the tree before rendering, so the same input gives the same bytes.
"""

from __future__ import annotations

import base64
import functools
import html
import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from geodata import columns as C
from maps import style
from routes.commodities import CATEGORIES, COMMODITIES

log = logging.getLogger(__name__)

LEAFLET_JS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
#: CARTO "Positron" (light), named by URL so folium/xyzservices do not ask for an API key.
TILES = "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png"
TILES_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
    '&copy; <a href="https://carto.com/attributions">CARTO</a>'
)
#: Coordinates in the page: 4 decimals (about 11 m) is far below a pixel at any zoom a
#: route map is read at, and keeps the page smaller than the GeoJSON export.
PAGE_PRECISION = 4
#: Region and base-map polygons are context, drawn thin: coarser still.
AREA_SIMPLIFY_DEGREES = 0.08
AREA_PRECISION = 2
INDEX = "index.html"


def _asset(name: str) -> str:
    return (resources.files("maps") / "assets" / name).read_text(encoding="utf-8")


def json_for_script(value: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">`` (and is valid JSON)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# --- folium plumbing ---------------------------------------------------------------------------


def _raw_class() -> Any:
    from branca.element import Element
    from jinja2 import Template

    class _Raw(Element):
        """Output ``text`` verbatim: the template prints it, it is never compiled itself."""

        _template = Template("{{ this.text }}")

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    return _Raw


def _routes_element(payload: str, css: str, header: list[str], map_name_holder: Any) -> Any:
    from branca.element import MacroElement

    raw = _raw_class()

    class RouteLayers(MacroElement):
        """Adds the data block, stylesheet and drawing script, bypassing template macros."""

        def render(self, **kwargs: Any) -> None:  # type: ignore[override]
            figure: Any = self.get_root()
            for i, block in enumerate(header):
                figure.header.add_child(raw(block), name=f"trm_header_{i}")
            figure.header.add_child(raw(f"<style>{css}</style>"), name="trm_css")
            figure.html.add_child(
                raw(f'<script type="application/json" id="trm-data">{payload}</script>'),
                name="trm_data",
            )
            script = _asset("routes.js")
            init = (f"\nTRM.init({map_name_holder.get_name()}, "
                    "JSON.parse(document.getElementById('trm-data').textContent));\n")
            figure.script.add_child(raw(script + init), name="trm_script")

    return RouteLayers()  # type: ignore[no-untyped-call]


def _fix_ids(root: Any) -> None:
    """Replace folium's random element ids by ids derived from the tree position."""
    counter = 0

    def walk(element: Any) -> None:
        nonlocal counter
        element._id = f"{counter:03d}"
        counter += 1
        for child in list(element._children.values()):
            walk(child)

    walk(root)


def _leaflet_offline() -> list[str]:
    from xstatic.pkg import leaflet

    base = Path(leaflet.BASE_DIR)
    css = (base / "leaflet.css").read_text(encoding="utf-8")
    for image in ("layers.png", "layers-2x.png", "marker-icon.png"):
        data = base64.b64encode((base / "images" / image).read_bytes()).decode("ascii")
        css = css.replace(f"url(images/{image})", f"url(data:image/png;base64,{data})")
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    if "</script" in js.lower():
        raise RuntimeError("leaflet.js contains '</script' and cannot be inlined safely")
    return [f"<style>{css}</style>", f"<script>{js}</script>"]


# --- data for the page -------------------------------------------------------------------------


def _round_flat(coords: Sequence[Sequence[float]]) -> list[float]:
    flat: list[float] = []
    for x, y in coords:
        flat += [round(float(x), PAGE_PRECISION), round(float(y), PAGE_PRECISION)]
    return flat


def _lanes(frame: Any) -> dict[tuple[int, int], float]:
    """Side-by-side lane of every drawn leg that shares its two ends with other routes' legs."""
    bundles: dict[tuple[tuple[float, float], tuple[float, float]], list[tuple[str, int, int]]]
    bundles = defaultdict(list)
    for row_index, row in enumerate(frame.itertuples(index=False)):
        geom = row.geometry
        if geom is None:
            continue
        for part_index, part in enumerate(geom.geoms):
            a = (round(part.coords[0][0], 2), round(part.coords[0][1], 2))
            b = (round(part.coords[-1][0], 2), round(part.coords[-1][1], 2))
            key = (a, b) if a <= b else (b, a)
            bundles[key].append((getattr(row, C.ROUTE_ID), row_index, part_index))
    lanes: dict[tuple[int, int], float] = {}
    for members in bundles.values():
        members.sort()
        n = len(members)
        for k, (_, row_index, part_index) in enumerate(members):
            lanes[(row_index, part_index)] = k - (n - 1) / 2
    return lanes


def _area_feature(name: str, geom: Any) -> dict[str, Any]:
    """A coarse outline for context: simplified, rounded, without topology repair (cheap)."""
    import numpy as np
    import shapely

    simple = shapely.simplify(geom, AREA_SIMPLIFY_DEGREES, preserve_topology=False)
    simple = shapely.transform(simple, lambda xy: np.round(xy, AREA_PRECISION))
    return {"type": "Feature", "properties": {"name": name},
            "geometry": json.loads(shapely.to_geojson(simple))}


def _region_features(places: Any) -> dict[str, dict[str, Any]]:
    """Outline of every region place, computed once per build and shared by all pages."""
    return {row.place: _area_feature(row.name, row.geometry)
            for row in places.itertuples(index=False) if row.kind == "region"}


@functools.lru_cache(maxsize=1)
def _base_map() -> dict[str, Any]:
    import shapely

    from geodata.gazetteer import load_countries

    features = []
    for code, country in sorted(load_countries().items()):
        if code == "ATA":
            continue  # Antarctica: a white band at the bottom of every Mercator map
        geom = shapely.from_geojson(json.dumps(country.geometry))
        features.append(_area_feature(country.name, geom))
    return {"type": "FeatureCollection", "features": features}


def _stage_mode_pairs(row: Any) -> list[dict[str, Any]]:
    stages = getattr(row, C.STAGES)
    modes = getattr(row, C.MODES)
    out = []
    for i, stage in enumerate(stages):
        by = modes[i - 1] if 0 < i <= len(modes) and len(modes) == len(stages) - 1 else None
        out.append({
            "name": stage[C.STAGE_NAME], "kind": stage[C.STAGE_KIND], "role": stage[C.STAGE_ROLE],
            "stated": stage[C.STAGE_STATED], "note": stage[C.STAGE_NOTE],
            "source": stage[C.STAGE_SOURCE], "by": by if by and by != "unspecified" else None,
        })
    return out


def page_data(
    frame: Any,
    places: Any,
    title: str,
    offline: bool,
    pages: dict[str, str] | None = None,
    index: str | None = None,
    areas: dict[str, dict[str, Any]] | None = None,
    declared_hubs: Any | None = None,
) -> dict[str, Any]:
    """Everything the page script needs, as plain JSON-able data.

    ``declared_hubs`` (from :func:`geodata.frame.hubs_frame`) adds the hubs a catalogue names
    with its own evidence; hubs are also every place of the reporting country a route uses.
    """
    areas = _region_features(places) if areas is None else areas
    commodity_ids = sorted(set(frame[C.COMMODITY]), key=list(COMMODITIES).index)
    commodity_index = {cid: i for i, cid in enumerate(commodity_ids)}
    lanes = _lanes(frame)
    place_rows = {row.place: row for row in places.itertuples(index=False)}
    regions: dict[str, Any] = {}
    routes = []
    hub_routes: dict[str, list[int]] = defaultdict(list)
    reporting = sorted(set(frame[C.REPORTING_COUNTRY]))
    for row_index, row in enumerate(frame.itertuples(index=False)):
        stages = getattr(row, C.STAGES)
        legs_meta = [leg for leg in getattr(row, C.LEGS) if leg[C.LEG_DRAWN]]
        legs = []
        if row.geometry is not None:
            for part_index, (part, meta) in enumerate(zip(row.geometry.geoms, legs_meta, strict=True)):
                legs.append({"p": _round_flat(part.coords), "s": 1 if meta[C.LEG_STATED] else 0,
                             "m": meta[C.LEG_MODE], "o": lanes.get((row_index, part_index), 0.0),
                             "r": meta[C.LEG_ROUTING]})
        region_keys = []
        for stage in stages:
            key = stage[C.STAGE_PLACE]
            if stage[C.STAGE_KIND] == "region" and key in place_rows:
                regions[key] = areas[key]
                region_keys.append(key)
            if key in place_rows and _is_hub(place_rows[key], reporting):
                hub_routes[key].append(row_index)
        placed = [s for s in stages if s[C.STAGE_POINT] is not None]
        legnotes = [f"{leg[C.LEG_FROM]} → {leg[C.LEG_TO]}: {leg[C.LEG_NOTE]}"
                    for leg in getattr(row, C.LEGS) if leg[C.LEG_NOTE]]
        routes.append({
            "id": getattr(row, C.ROUTE_ID),
            "c": commodity_index[getattr(row, C.COMMODITY)],
            "label": getattr(row, C.LABEL),
            "path": getattr(row, C.PATH),
            "legs": legs,
            "open": [stages[0][C.STAGE_KIND] == "unstated", stages[-1][C.STAGE_KIND] == "unstated"],
            "regions": region_keys,
            "anchor": placed[0][C.STAGE_POINT] if placed else None,
            "d": {
                "stages": _stage_mode_pairs(row),
                "role": getattr(row, C.REPORTING_ROLE),
                "reporting": getattr(row, C.REPORTING_COUNTRY),
                "evidence": getattr(row, C.EVIDENCE),
                "actors": getattr(row, C.ACTORS),
                "note": getattr(row, C.NOTE),
                "title": getattr(row, C.SOURCE_TITLE),
                "url": getattr(row, C.SOURCE_URL),
                "legnotes": legnotes,
            },
        })
    counts = frame.groupby(C.COMMODITY).size().to_dict()
    drawn = frame[frame.geometry.notna()].groupby(C.COMMODITY).size().to_dict()
    commodities = [{
        "id": cid, "label": COMMODITIES[cid].label, "market": COMMODITIES[cid].market.label,
        "category": COMMODITIES[cid].category, "colour": style.colour(cid),
        "count": int(counts.get(cid, 0)), "drawn": int(drawn.get(cid, 0)),
        "page": (pages or {}).get(cid),
    } for cid in commodity_ids]
    hub_places: dict[str, dict[str, Any]] = {}
    for key in hub_routes:
        place = place_rows[key]
        hub_places[key] = {"name": place.name, "kind": place.kind, "lon": place.lon,
                           "lat": place.lat, "notes": []}
    shown = set(commodity_ids)
    if declared_hubs is not None:
        for hub in declared_hubs.itertuples(index=False):
            if hub.commodities and not set(hub.commodities) & shown:
                continue
            entry = hub_places.setdefault(hub.place, {"name": hub.name, "kind": hub.kind,
                                                      "lon": hub.lon, "lat": hub.lat, "notes": []})
            entry["notes"].append({
                "summary": hub.summary, "evidence": hub.evidence, "title": hub.source_title,
                "commodities": [COMMODITIES[c].label for c in hub.commodities],
            })
    hubs = [{**hub_places[key], "routes": sorted(set(hub_routes.get(key, [])))}
            for key in sorted(hub_places)]
    search_places = [{"name": r.name, "kind": r.kind, "lon": r.lon, "lat": r.lat}
                     for r in places.itertuples(index=False)]
    return {
        "title": title,
        "categories": list(CATEGORIES),
        "commodities": commodities,
        "routes": routes,
        "regions": regions,
        "hubs": hubs,
        "places": search_places,
        "reporting": ", ".join(reporting),
        "reportingNames": {code: _country_name(code) for code in reporting},
        "reportingName": ", ".join(_country_name(code) for code in reporting),
        "sources": sorted({f"{t} ({u})" if u else str(t) for t, u in
                           zip(frame[C.SOURCE_TITLE], frame[C.SOURCE_URL], strict=True)}),
        "width": style.line_width(int(frame.geometry.notna().sum())),
        "bounds": _bounds(frame),
        "base": _base_map() if offline else None,  # cached: same for every page
        "index": index,
    }


def _country_name(iso3: str) -> str:
    from geodata.gazetteer import load_countries

    for country in load_countries().values():
        if iso3 in (country.iso3, country.adm0_a3):
            return country.name
    return iso3


def _is_hub(place: Any, reporting: list[str]) -> bool:
    """A place of the reporting country: the country itself, its cities and ports."""
    return bool(set(place.iso3) & set(reporting)) and place.kind in {"country", "city", "port"}


def _bounds(frame: Any) -> list[list[float]] | None:
    drawn = frame[frame.geometry.notna()]
    if drawn.empty:
        return None
    minx, miny, maxx, maxy = drawn.total_bounds
    return [[round(float(miny), 3), round(float(minx), 3)], [round(float(maxy), 3), round(float(maxx), 3)]]


# --- pages -------------------------------------------------------------------------------------


def render_page(
    frame: Any,
    places: Any,
    title: str,
    offline: bool = False,
    pages: dict[str, str] | None = None,
    index: str | None = None,
    areas: dict[str, dict[str, Any]] | None = None,
    hubs: Any | None = None,
) -> str:
    """Render one map page to an HTML string."""
    import folium

    data = page_data(frame, places, title, offline, pages, index, areas, hubs)

    class RouteMap(folium.Map):
        default_js = [] if offline else [("leaflet", LEAFLET_JS_URL)]
        default_css = [] if offline else [("leaflet_css", LEAFLET_CSS_URL)]

    fmap = RouteMap(location=[30, 10], zoom_start=3, tiles=None, control_scale=True,
                    world_copy_jump=False, min_zoom=2, max_zoom=10)
    if not offline:
        folium.TileLayer(TILES, attr=TILES_ATTRIBUTION, name="Base map", control=False,
                         subdomains="abcd", max_zoom=19).add_to(fmap)
    header = [f"<title>{html.escape(title)}</title>"]
    if offline:
        header += _leaflet_offline()
    element = _routes_element(json_for_script(data), _asset("routes.css"), header, fmap)
    element.add_to(fmap)
    root = fmap.get_root()
    _fix_ids(root)
    text = root.render()
    if not isinstance(text, str):
        raise TypeError("folium returned no HTML")
    return text.rstrip() + "\n"


def write_pages(frame: Any, places: Any, folder: Path, offline: bool = False,
                hubs: Any | None = None) -> list[Path]:
    """Write ``index.html`` (every commodity) and ``commodity/<id>.html`` (one each)."""
    written: list[Path] = []
    commodity_ids = sorted(set(frame[C.COMMODITY]), key=list(COMMODITIES).index)
    pages = {cid: f"commodity/{cid}.html" for cid in commodity_ids}
    titles = sorted(set(frame[C.SOURCE_TITLE]))
    base_title = "Trafficking routes: " + "; ".join(titles)
    areas = _region_features(places)
    index = folder / INDEX
    index.write_text(render_page(frame, places, base_title, offline, pages, areas=areas,
                                 hubs=hubs), encoding="utf-8")
    written.append(index)
    (folder / "commodity").mkdir(exist_ok=True)
    for cid in commodity_ids:
        subset = frame[frame[C.COMMODITY] == cid]
        used = _places_used(subset)
        title = f"{COMMODITIES[cid].label}: {base_title}"
        path = folder / pages[cid]
        path.write_text(render_page(subset, places[places["place"].isin(used)], title, offline,
                                    {cid: f"{cid}.html"}, index="../" + INDEX, areas=areas,
                                    hubs=hubs),
                        encoding="utf-8")
        written.append(path)
    log.info("wrote %d map pages (%s)", len(written), "offline" if offline else "online tiles")
    return written


def _places_used(frame: Any) -> set[str]:
    used: set[str] = set()
    for stages in frame[C.STAGES]:
        used |= {s[C.STAGE_PLACE] for s in stages if s[C.STAGE_PLACE]}
    return used
