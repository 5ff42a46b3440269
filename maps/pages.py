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
from collections import Counter, defaultdict, namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.maps import style
from trafficking_route_mapper.routes.commodities import CATEGORIES, COMMODITIES

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
#: Past this many routes a page is an atlas view: geodesic legs keep every 5th point (one per
#: ~500 km, within ~1.4 px of the geodesic at zoom 2) and arrowheads are drawn for the hovered
#: route only. Measured at 10,000 routes: page 41 -> 22 MB, drawn in 1.0 s instead of 2.1 s.
DENSE_ROUTES = 2000
DENSE_THINNING = 5
#: Region and base-map polygons are context, drawn thin: coarser still.
AREA_SIMPLIFY_DEGREES = 0.08
AREA_PRECISION = 2
INDEX = "index.html"
#: Stands for the JSON data while folium renders the page (cannot occur in escaped JSON or in
#: our own markup, which the render check enforces).
_DATA_SLOT = "<!--trm:data-->"


def _asset(name: str) -> str:
    return (resources.files("trafficking_route_mapper.maps") / "assets" / name).read_text(encoding="utf-8")


def json_for_script(value: Any) -> str:
    """:func:`json_bytes_for_script` as text."""
    return json_bytes_for_script(value).decode("utf-8")


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


# --- folium plumbing ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
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


@functools.lru_cache(maxsize=1)
def _tile_provider() -> Any:
    """:data:`TILES` as an xyzservices provider: given a URL string, folium first looks it up
    among the thousand providers xyzservices knows by name (6 ms a page, most of a small
    commodity page's time); given a provider, it only builds the same URL from it."""
    import xyzservices

    return xyzservices.TileProvider(name="trm-base-map", url=TILES, attribution=TILES_ATTRIBUTION,
                                    subdomains="abcd", max_zoom=19)


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


@dataclass
class _Route:
    """One route's page entry, prepared once per build and shared by every page."""

    commodity: str
    entry: dict[str, Any]  # what the page script reads, less lanes, commodity and report index
    bundles: list[tuple[tuple[float, float], tuple[float, float]]]  # per drawn leg
    places: list[str]  # gazetteer keys of the route's stages
    report: tuple[str, str | None]  # the source report's title and URL (one table per page)


def _prepare(frame: Any, thin: int | None = None) -> list[_Route]:
    """Page entries of every route of ``frame``, coordinates rounded in one vectorized pass.

    Geodesic legs keep every ``thin``-th point (default: by the size of ``frame``).
    """
    import shapely

    geoms = frame.geometry.values
    parts, owner = shapely.get_parts(geoms, return_index=True)
    coords, part_of = shapely.get_coordinates(parts, return_index=True)
    coords = np.round(coords, PAGE_PRECISION) + 0.0
    bounds = np.searchsorted(part_of, np.arange(len(parts) + 1))
    by_route: dict[int, list[tuple[Any, tuple[float, float], tuple[float, float]]]] = {}
    if thin is None:
        thin = _thinning(len(frame))
    ends = np.round(coords, 2)
    for k in range(len(parts)):
        lo, hi = int(bounds[k]), int(bounds[k + 1])
        start = (float(ends[lo, 0]), float(ends[lo, 1]))
        stop = (float(ends[hi - 1, 0]), float(ends[hi - 1, 1]))
        by_route.setdefault(int(owner[k]), []).append((coords[lo:hi], start, stop))
    prepared = []
    # plain Python lists per column: iterating a pandas column yields its items one call each
    rows = (_Row(*values) for values in zip(*(frame[c].tolist() for c in _ROW_COLUMNS),
                                            strict=True))
    for row_index, row in enumerate(rows):
        stages = getattr(row, C.STAGES)
        drawn = [leg for leg in getattr(row, C.LEGS) if leg[C.LEG_DRAWN]]
        flat = by_route.get(row_index, [])
        legs = [{"p": _thinned(p, thin if meta[C.LEG_ROUTING] == "geodesic" else 1),
                 "s": 1 if meta[C.LEG_STATED] else 0, "m": meta[C.LEG_MODE],
                 "r": meta[C.LEG_ROUTING]} for (p, _, _), meta in zip(flat, drawn, strict=True)]
        bundles = [(a, b) if a <= b else (b, a) for _, a, b in flat]
        placed = [st for st in stages if st[C.STAGE_POINT] is not None]
        legnotes = [f"{leg[C.LEG_FROM]} → {leg[C.LEG_TO]}: {leg[C.LEG_NOTE]}"
                    for leg in getattr(row, C.LEGS) if leg[C.LEG_NOTE]]
        entry = {
            "id": getattr(row, C.ROUTE_ID),
            "label": getattr(row, C.LABEL),
            "path": getattr(row, C.PATH),
            "legs": legs,
            "open": [stages[0][C.STAGE_KIND] == "unstated", stages[-1][C.STAGE_KIND] == "unstated"],
            "regions": [st[C.STAGE_PLACE] for st in stages if st[C.STAGE_KIND] == "region"],
            "anchor": placed[0][C.STAGE_POINT] if placed else None,
            "d": {
                "stages": _stage_mode_pairs(row),
                "role": getattr(row, C.REPORTING_ROLE),
                "reporting": getattr(row, C.REPORTING_COUNTRY),
                # an item's source only where it is not the route's own report
                "evidence": [{k: v for k, v in ev.items()
                              if k != "source" or v != getattr(row, C.SOURCE_ID)}
                             for ev in getattr(row, C.EVIDENCE)],
                "actors": getattr(row, C.ACTORS),
                "note": getattr(row, C.NOTE),
                "legnotes": legnotes,
            },
        }
        url = getattr(row, C.SOURCE_URL)
        prepared.append(_Route(getattr(row, C.COMMODITY), entry, bundles,
                               [st[C.STAGE_PLACE] for st in stages if st[C.STAGE_PLACE]],
                               (str(getattr(row, C.SOURCE_TITLE)),
                                url if isinstance(url, str) and url else None)))
    return prepared


#: The frame columns a page entry is made of (:func:`_prepare` reads them as plain lists).
_ROW_COLUMNS = (C.STAGES, C.LEGS, C.ROUTE_ID, C.LABEL, C.PATH, C.REPORTING_ROLE,
                C.REPORTING_COUNTRY, C.EVIDENCE, C.ACTORS, C.NOTE, C.SOURCE_ID, C.SOURCE_TITLE,
                C.SOURCE_URL, C.MODES, C.COMMODITY)
_Row = namedtuple("_Row", _ROW_COLUMNS)  # type: ignore[misc]


def _thinning(routes: int) -> int:
    """Keep every how-many-th point of a geodesic leg in a build of ``routes`` routes."""
    return DENSE_THINNING if routes > DENSE_ROUTES else 1


def _thinned(points: Any, step: int) -> Any:
    """Every ``step``-th point of a leg, its last included, flat: [lon, lat, lon, lat, ...].

    A numpy array: orjson writes it without a Python float object per coordinate.
    """
    if step > 1 and len(points) > 2:
        points = np.concatenate((points[:-1:step], points[-1:]))
    return points.ravel()


def _lanes(routes: Sequence[_Route]) -> list[list[float]]:
    """Side-by-side lane of every drawn leg that shares its two ends with other routes' legs.

    Lanes are centred on the true line (offsets ..., -0.5, 0.5, ... or ..., -1, 0, 1, ...) and
    ordered by route id, so a route keeps its side from build to build.
    """
    members: dict[tuple[tuple[float, float], tuple[float, float]], list[tuple[str, int, int]]]
    members = defaultdict(list)
    for r, route in enumerate(routes):
        for k, key in enumerate(route.bundles):
            members[key].append((route.entry["id"], r, k))
    lanes = [[0.0] * len(route.bundles) for route in routes]
    for group in members.values():
        if len(group) < 2:
            continue
        group.sort()
        n = len(group)
        for i, (_, r, k) in enumerate(group):
            lanes[r][k] = i - (n - 1) / 2
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
    from trafficking_route_mapper.geodata.gazetteer import load_countries

    features = []
    for code, country in sorted(load_countries().items()):
        if code == "ATA":
            continue  # Antarctica: a white band at the bottom of every Mercator map
        features.append(_area_feature(country.name, country.shape))
    return {"type": "FeatureCollection", "features": features}


def _stage_mode_pairs(row: Any) -> list[dict[str, Any]]:
    stages = getattr(row, C.STAGES)
    modes = getattr(row, C.MODES)
    out = []
    for i, stage in enumerate(stages):
        by = modes[i - 1] if 0 < i <= len(modes) and len(modes) == len(stages) - 1 else None
        item = {
            "name": stage[C.STAGE_NAME], "kind": stage[C.STAGE_KIND], "role": stage[C.STAGE_ROLE],
            "stated": stage[C.STAGE_STATED], "note": stage[C.STAGE_NOTE],
            "source": stage[C.STAGE_SOURCE], "by": by if by and by != "unspecified" else None,
        }
        # optional fields only when set: 30,000 stages of an atlas carry ~1 MB of nulls
        out.append({k: v for k, v in item.items() if v is not None or k in _STAGE_REQUIRED})
    return out


_STAGE_REQUIRED = frozenset({"name", "kind", "role", "stated"})


def page_data(
    routes: Sequence[_Route],
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
    commodity_ids = sorted({r.commodity for r in routes}, key=list(COMMODITIES).index)
    commodity_index = {cid: i for i, cid in enumerate(commodity_ids)}
    place_rows = {row.place: row for row in places.itertuples(index=False)}
    reporting = sorted({r.entry["d"]["reporting"] for r in routes})
    entries = []
    regions: dict[str, Any] = {}
    hub_routes: dict[str, list[int]] = defaultdict(list)
    reports = sorted({route.report for route in routes}, key=lambda r: (r[0], r[1] or ""))
    report_index = {report: i for i, report in enumerate(reports)}
    for i, (route, lanes) in enumerate(zip(routes, _lanes(routes), strict=True)):
        legs = [{**leg, "o": lane} for leg, lane in zip(route.entry["legs"], lanes, strict=True)]
        entries.append({**route.entry, "c": commodity_index[route.commodity], "legs": legs,
                        "s": report_index[route.report]})
        for key in route.entry["regions"]:
            if key in areas:
                regions[key] = areas[key]
        for key in route.places:
            if key in place_rows and _is_hub(place_rows[key], reporting):
                hub_routes[key].append(i)
    counts = Counter(r.commodity for r in routes)
    drawn = Counter(r.commodity for r in routes if r.entry["legs"])
    commodities = [{
        "id": cid, "label": COMMODITIES[cid].label, "market": COMMODITIES[cid].market.label,
        "category": COMMODITIES[cid].category, "colour": style.colour(cid),
        "count": counts[cid], "drawn": drawn[cid], "page": (pages or {}).get(cid),
    } for cid in commodity_ids]
    return {
        "title": title,
        "categories": list(CATEGORIES),
        "commodities": commodities,
        "routes": entries,
        "regions": regions,
        "hubs": _hubs(hub_routes, place_rows, declared_hubs, set(commodity_ids)),
        "places": [{"name": r.name, "kind": r.kind, "lon": r.lon, "lat": r.lat}
                   for r in places.itertuples(index=False)],
        "reporting": ", ".join(reporting),
        "reportingNames": {code: _country_name(code) for code in reporting},
        "reportingName": ", ".join(_country_name(code) for code in reporting),
        "reports": [{"title": title, "url": url} for title, url in reports],
        "sources": [f"{title} ({url})" if url else title for title, url in reports],
        "width": style.line_width(sum(1 for r in routes if r.entry["legs"])),
        "dense": len(routes) > DENSE_ROUTES,
        "bounds": _bounds(routes),
        "base": _base_map() if offline else None,  # cached: same for every page
        "index": index,
    }


def _hubs(hub_routes: dict[str, list[int]], place_rows: dict[str, Any], declared: Any | None,
          shown: set[str]) -> list[dict[str, Any]]:
    hubs: dict[str, dict[str, Any]] = {}
    for key in hub_routes:
        place = place_rows[key]
        hubs[key] = {"name": place.name, "kind": place.kind, "lon": place.lon, "lat": place.lat,
                     "notes": []}
    if declared is not None:
        for hub in declared.itertuples(index=False):
            if hub.commodities and not set(hub.commodities) & shown:
                continue
            entry = hubs.setdefault(hub.place, {"name": hub.name, "kind": hub.kind,
                                                "lon": hub.lon, "lat": hub.lat, "notes": []})
            entry["notes"].append({
                "summary": hub.summary, "evidence": hub.evidence, "title": hub.source_title,
                "commodities": [COMMODITIES[c].label for c in hub.commodities],
            })
    return [{**hubs[key], "routes": sorted(set(hub_routes.get(key, [])))} for key in sorted(hubs)]


def _country_name(iso3: str) -> str:
    from trafficking_route_mapper.geodata.gazetteer import load_countries

    for country in load_countries().values():
        if iso3 in (country.iso3, country.adm0_a3):
            return country.name
    return iso3


def _is_hub(place: Any, reporting: list[str]) -> bool:
    """A place of the reporting country: the country itself, its cities and ports."""
    return bool(set(place.iso3) & set(reporting)) and place.kind in {"country", "city", "port"}


def _bounds(routes: Sequence[_Route]) -> list[list[float]] | None:
    flat = [leg["p"] for route in routes for leg in route.entry["legs"]]
    if not flat:
        return None
    points = np.concatenate(flat).reshape(-1, 2)
    (west, south), (east, north) = points.min(axis=0), points.max(axis=0)
    return [[round(float(south), 3), round(float(west), 3)],
            [round(float(north), 3), round(float(east), 3)]]


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
    """Render one map page of ``frame``'s routes to an HTML string."""
    return _render(_prepare(frame), places, title, offline, pages, index, areas, hubs).decode()


def _render(
    routes: Sequence[_Route],
    places: Any,
    title: str,
    offline: bool,
    pages: dict[str, str] | None,
    index: str | None,
    areas: dict[str, dict[str, Any]] | None,
    hubs: Any | None,
) -> bytes:
    import folium

    data = page_data(routes, places, title, offline, pages, index, areas, hubs)

    class RouteMap(folium.Map):
        default_js = [] if offline else [("leaflet", LEAFLET_JS_URL)]
        default_css = [] if offline else [("leaflet_css", LEAFLET_CSS_URL)]

    fmap = RouteMap(location=[30, 10], zoom_start=3, tiles=None, control_scale=True,
                    world_copy_jump=False, min_zoom=2, max_zoom=10)
    if not offline:
        folium.TileLayer(_tile_provider(), attr=TILES_ATTRIBUTION, name="Base map",
                         control=False, subdomains="abcd", max_zoom=19).add_to(fmap)
    header = [f"<title>{html.escape(title)}</title>"]
    if offline:
        header += _leaflet_offline()
    # the data (tens of MB for an atlas) joins the page as bytes after rendering, so that
    # neither branca's string building nor a str copy of it ever holds it
    element = _routes_element(_DATA_SLOT, _asset("routes.css"), header, fmap)
    element.add_to(fmap)
    root = fmap.get_root()
    _fix_ids(root)
    text = root.render()
    if not isinstance(text, str) or text.count(_DATA_SLOT) != 1:
        raise TypeError("folium returned no HTML with one data slot")
    head, tail = text.rstrip().split(_DATA_SLOT)
    # Each route's popup details (stages, evidence, actors: half of an atlas page) go last, in
    # a block of their own after the drawing script: the browser draws the routes while it is
    # still reading them (10,000 routes: painted 0.92-1.02 s after navigation instead of
    # 1.2-1.3 s), and the script parses them when the first popup opens.
    details = [route.pop("d") for route in data["routes"]]
    if not tail.endswith("</html>"):
        raise TypeError("folium returned no HTML ending with </html>")
    tail = tail[: -len("</html>")]
    return b"".join((head.encode("utf-8"), json_bytes_for_script(data), tail.encode("utf-8"),
                     b'<script type="application/json" id="trm-details">',
                     json_bytes_for_script(details), b"</script>\n</html>\n"))


def write_pages(frame: Any, places: Any, folder: Path, offline: bool = False,
                hubs: Any | None = None) -> list[Path]:
    """Write ``index.html`` (every commodity) and ``commodity/<id>.html`` (one each)."""
    return [path for step in page_steps(frame, places, folder, offline, hubs) for path in step()]


def page_steps(frame: Any, places: Any, folder: Path, offline: bool = False,
               hubs: Any | None = None, parts: int = 1) -> list[Callable[[], list[Path]]]:
    """:func:`write_pages` as ``parts`` independent steps (:mod:`maps.workers`): with more than
    one, the overview is one step and the commodity pages are dealt into the others, sharing
    page entries prepared here, once (a single step prepares them itself). Same bytes either
    way."""
    from trafficking_route_mapper.maps.workers import chunks

    commodity_ids = sorted(set(frame[C.COMMODITY]), key=list(COMMODITIES).index)
    pages = {cid: f"commodity/{cid}.html" for cid in commodity_ids}
    base_title = "Trafficking routes: " + "; ".join(sorted(set(frame[C.SOURCE_TITLE])))
    # thinning follows the whole build, so a commodity page draws what the overview draws
    thin = _thinning(len(frame))
    (folder / "commodity").mkdir(parents=True, exist_ok=True)

    def overview(routes: Sequence[_Route], areas: dict[str, dict[str, Any]]) -> Path:
        index = folder / INDEX
        index.write_bytes(_render(routes, places, base_title, offline, pages, None, areas, hubs))
        return index

    def commodity_page(cid: str, routes: Sequence[_Route],
                       areas: dict[str, dict[str, Any]]) -> Path:
        subset = [r for r in routes if r.commodity == cid]
        used = {key for r in subset for key in r.places}
        title = f"{COMMODITIES[cid].label}: {base_title}"
        path = folder / pages[cid]
        path.write_bytes(_render(subset, places[places["place"].isin(used)], title, offline,
                                 {cid: f"{cid}.html"}, "../" + INDEX, areas, hubs))
        return path

    @functools.cache
    def shared() -> tuple[list[_Route], dict[str, dict[str, Any]]]:
        return _prepare(frame, thin), _region_features(places)

    def done(written: list[Path]) -> list[Path]:
        log.info("wrote %d map page%s (%s)", len(written), "" if len(written) == 1 else "s",
                 "offline" if offline else "online tiles")
        return written

    def everything() -> list[Path]:
        routes, areas = shared()
        return done([overview(routes, areas),
                     *(commodity_page(cid, routes, areas) for cid in commodity_ids)])

    def overview_only() -> list[Path]:
        return done([overview(*shared())])

    def commodities_only(ids: list[str]) -> Callable[[], list[Path]]:
        def run() -> list[Path]:
            routes, areas = shared()
            return done([commodity_page(cid, routes, areas) for cid in ids])
        return run

    if parts <= 1 or not commodity_ids:
        return [everything]
    shared()  # before the steps are handed to workers, so they share one copy
    return [overview_only, *(commodities_only(ids) for ids in chunks(commodity_ids, parts))]
