"""The HTML maps: an overview with one toggleable layer per commodity, and one page per commodity.

Built on folium (the map, tiles and page skeleton) plus :class:`maps.layer.RouteLayer`, which
embeds the routes as JSON and draws them with the page script in ``assets/`` (canvas layers,
arrowheads, lanes for shared legs, tooltips, popups with evidence, a grouped layer control,
legend and search). What the page carries is :mod:`maps.page_data`; how text is kept from
running as code, :mod:`maps.layer`.

Determinism: folium's element ids are random; every element's id is reset from its position in
the tree before rendering, so the same input gives the same bytes.
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas
from trafficking_route_mapper.maps.page_areas import base_map, region_features, within_areas
from trafficking_route_mapper.maps.page_data import PageRoute, page_data, prepare, thinning

log = logging.getLogger(__name__)

INDEX = "index.html"
AGREEMENT_HTML = "agreement.html"
#: Stands for the JSON data while folium renders the page (cannot occur in escaped JSON or in
#: our own markup, which the render check enforces).
_DATA_SLOT = "<!--trm:data-->"


def _title(atlas: Atlas) -> str:
    return "Trafficking routes: " + "; ".join(sorted(set(atlas.route_table[C.SOURCE_TITLE])))


def atlas_page_data(atlas: Atlas, *, title: str | None = None) -> dict[str, Any]:
    """The page data of every route of ``atlas`` (for one page: :mod:`maps.layer`)."""
    return page_data(atlas, prepare(atlas), atlas.places, title or _title(atlas),
                     base=base_map(atlas))


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


def render_page(atlas: Atlas, title: str | None = None, offline: bool = False) -> str:
    """One map page of every route of ``atlas``, as HTML text."""
    data = atlas_page_data(atlas, title=title)
    return _render(data, offline).decode("utf-8")


def _render(data: dict[str, Any], offline: bool) -> bytes:
    """A whole page of ``data`` (see :mod:`maps.page_keys`).

    The data (tens of MB for an atlas) joins the page as bytes after folium has rendered it,
    so that neither branca's string building nor a str copy of it ever holds it. Each route's
    popup details (stages, evidence, actors: half of an atlas page) go last, in a block of
    their own after the drawing script: the browser draws the routes while it is still reading
    them (10,000 routes: painted 0.92-1.02 s after navigation instead of 1.2-1.3 s), and the
    script parses them when the first popup opens.
    """
    from trafficking_route_mapper.maps.layer import json_bytes_for_script

    head, tail = _skeleton(offline)
    title = f"<title>{html.escape(data['title'])}</title>".encode()
    routes = [dict(route) for route in data["routes"]]
    details = [route.pop("d") for route in routes]
    return b"".join((head.replace(_TITLE_SLOT, title, 1),
                     json_bytes_for_script({**data, "routes": routes}), tail,
                     b'<script type="application/json" id="trm-details">',
                     json_bytes_for_script(details), b"</script>\n</html>\n"))


#: Stands for the page's title in the skeleton (:func:`_skeleton`).
_TITLE_SLOT = b"<!--trm:title-->"


@functools.lru_cache(maxsize=2)
def _skeleton(offline: bool) -> tuple[bytes, bytes]:
    """The page folium renders, cut where the data and the details go: the same for every
    page but for the title, so rendered once per process (20 ms a page, half a small
    commodity page's time)."""
    from trafficking_route_mapper.maps.layer import RouteLayer, base_folium_map, leaflet_inline

    fmap = base_folium_map(offline)
    header = [_TITLE_SLOT.decode(), *leaflet_inline()]
    RouteLayer(data=_DATA_SLOT, header=tuple(header)).add_to(fmap)
    root = fmap.get_root()
    _fix_ids(root)
    text = root.render()
    if not isinstance(text, str) or text.count(_DATA_SLOT) != 1:
        raise TypeError("folium returned no HTML with one data slot")
    # the page's language, for screen readers and hyphenation (folium's page names none)
    if not text.startswith("<!DOCTYPE html>\n<html>"):
        raise TypeError("folium's page does not start with <!DOCTYPE html> and <html>")
    text = text.replace("<html>", '<html lang="en">', 1)
    head, tail = text.rstrip().split(_DATA_SLOT)
    if not tail.endswith("</html>") or head.count(_TITLE_SLOT.decode()) != 1:
        raise TypeError("folium returned no HTML with one title and ending with </html>")
    return head.encode("utf-8"), tail[: -len("</html>")].encode("utf-8")


def write_pages(atlas: Atlas, folder: Path, offline: bool = False) -> list[Path]:
    """Write ``index.html`` (every commodity), ``commodity/<id>.html`` (one each) and
    ``agreement.html`` (the links, conflicts and changes between reports)."""
    return [path for step in page_steps(atlas, folder, offline) for path in step()]


def page_steps(atlas: Atlas, folder: Path, offline: bool = False,
               parts: int = 1) -> list[Callable[[], list[Path]]]:
    """:func:`write_pages` as ``parts`` independent steps (:mod:`geodata.parallel`): with more
    than one, the overview is one step and the commodity pages are dealt into the others,
    sharing page entries prepared here, once (a single step prepares them itself). Same bytes
    either way."""
    from trafficking_route_mapper.geodata.parallel import chunks

    commodity_ids = atlas.commodity_ids()
    pages = {cid: f"commodity/{cid}.html" for cid in commodity_ids}
    labels = dict(zip(atlas.commodities[C.COMMODITY], atlas.commodities[C.COMMODITY_LABEL],
                      strict=True))
    base_title = _title(atlas)
    places = atlas.places
    # thinning follows the whole build, so a commodity page draws what the overview draws
    thin = thinning(len(atlas.route_table))
    (folder / "commodity").mkdir(parents=True, exist_ok=True)
    # folium's page, rendered here once: steps forked from this process (and the next build
    # of a --watch) find it made
    _skeleton(offline)

    @functools.cache
    def shared() -> tuple[list[PageRoute], dict[str, dict[str, Any]], dict[str, Any] | None]:
        return (prepare(atlas, thin), region_features(places, within_areas(atlas)),
                base_map(atlas))

    def overview() -> list[Path]:
        from trafficking_route_mapper.maps.agreement import write_agreement_page

        routes, areas, base = shared()
        index = folder / INDEX
        index.write_bytes(_render(page_data(atlas, routes, places, base_title, pages=pages,
                                            areas=areas, base=base,
                                            agreement_page=AGREEMENT_HTML), offline))
        return [index, write_agreement_page(atlas, folder)]

    def commodity_page(cid: str) -> Path:
        routes, areas, base = shared()
        subset = [r for r in routes if r.commodity == cid]
        used = {key for r in subset for key in r.places}
        data = page_data(atlas, subset, places[places[C.PLACE_KEY].isin(used)],
                         f"{labels[cid]}: {base_title}", pages={cid: f"{cid}.html"},
                         index="../" + INDEX, areas=areas, base=base,
                         agreement_page="../" + AGREEMENT_HTML)
        path = folder / pages[cid]
        path.write_bytes(_render(data, offline))
        return path

    def done(written: list[Path]) -> list[Path]:
        log.info("wrote %d map page%s (%s)", len(written), "" if len(written) == 1 else "s",
                 "offline" if offline else "online tiles")
        return written

    def everything() -> list[Path]:
        return done([*overview(), *(commodity_page(cid) for cid in commodity_ids)])

    def commodities_only(ids: Sequence[str]) -> Callable[[], list[Path]]:
        return lambda: done([commodity_page(cid) for cid in ids])

    if parts <= 1 or not commodity_ids:
        return [everything]
    shared()  # before the steps are handed to workers, so they share one copy
    return [lambda: done(overview()),
            *(commodities_only(ids) for ids in chunks(commodity_ids, parts))]
