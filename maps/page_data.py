"""What a map page carries, made from the Atlas: route entries, lanes for shared legs, hubs,
region outlines, the base map; the keys are described in :mod:`maps.page_keys`.

Route entries are made once per build (:func:`prepare`) and shared by every page: the overview
holds all of them, a commodity page its own.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas, one_of
from trafficking_route_mapper.maps import style
from trafficking_route_mapper.maps.page_areas import region_features, within_areas
from trafficking_route_mapper.maps.page_links import page_links
from trafficking_route_mapper.maps.polyline import encode_each

#: Coordinates in the page: 4 decimals (about 11 m) is far below a pixel at any zoom a
#: route map is read at, and keeps the page smaller than the GeoJSON export.
PAGE_PRECISION = 4
#: Past this many routes a page is an atlas view: geodesic legs keep every 5th point (one per
#: ~500 km, within ~1.4 px of the geodesic at zoom 2) and arrowheads are drawn for the hovered
#: route only. Measured at 10,000 routes: page 41 -> 22 MB, drawn in 1.0 s instead of 2.1 s.
DENSE_ROUTES = 2000
DENSE_THINNING = 5

Bundle = tuple[tuple[float, float], tuple[float, float]]


@dataclass
class PageRoute:
    """One route's page entry, prepared once per build and shared by every page."""

    commodity: str
    entry: dict[str, Any]  # what the page script reads, less lanes, commodity and report index
    bundles: list[Bundle]  # per drawn leg: its two ends, rounded, in a canonical order
    links: list[int]  # per drawn leg: its row in the atlas's agreement links
    places: list[str]  # place keys of the route's stages
    report: str  # the source report's id
    sea: bool = False  # a drawn leg follows the shipping lanes
    #: per drawn leg: whether it runs against its bundle's canonical order (from the second
    #: end to the first), so that its lane is on the same side of the line as the others'
    against: list[bool] = field(default_factory=list)
    ends: list[str] = field(default_factory=list)  # place keys of its drawn line's ends
    through: list[str] = field(default_factory=list)  # and of the places the line passes


def thinning(routes: int) -> int:
    """Keep every how-many-th point of a geodesic leg in a build of ``routes`` routes."""
    return DENSE_THINNING if routes > DENSE_ROUTES else 1


def _thinned(points: Any, step: int) -> Any:
    """Every ``step``-th point of a leg, its last included: an (n, 2) array of [lon, lat]."""
    if step > 1 and len(points) > 2:
        points = np.concatenate((points[:-1:step], points[-1:]))
    return points


#: Keys of a stage object that are always written; the others only when set (30,000 stages
#: of an atlas carry ~1 MB of nulls).
_STAGE_REQUIRED = frozenset({"name", "kind", "role", "stated"})


def prepare(atlas: Atlas, thin: int | None = None) -> list[PageRoute]:
    """Page entries of every route of ``atlas``, coordinates rounded in one vectorised pass.

    Geodesic legs keep every ``thin``-th point (default: by the number of routes).
    """
    routes = atlas.route_table
    if thin is None:
        thin = thinning(len(routes))
    coords = atlas.coords
    ends = np.round(np.round(coords, PAGE_PRECISION), 2)
    r = {k: routes[k].tolist() for k in (C.ROUTE_ID, C.STATEMENT_ID, C.LABEL, C.PATH,
                                         C.REPORTING_ROLE, C.REPORTING_COUNTRY, C.ACTORS, C.NOTE,
                                         C.DRAFT_CONFIDENCE, C.DRAFT_REASON,
                                         C.SOURCE_ID, C.SOURCE_TITLE, C.SOURCE_URL, C.SOURCE_NOTE,
                                         C.COMMODITY, C.COMMODITY_LABEL)}
    st = {k: atlas.stages[k].tolist() for k in atlas.stages.columns}
    lg = {k: atlas.leg_table[k].tolist() for k in atlas.leg_table.columns}
    ev = {k: atlas.evidence[k].tolist() for k in atlas.evidence.columns}
    stage_at, leg_at = (atlas.offsets(t).tolist() for t in (atlas.stages, atlas.leg_table))
    points = {key: [float(lon), float(lat)] for key, lon, lat in zip(
        atlas.places[C.PLACE_KEY], atlas.places[C.PLACE_LON], atlas.places[C.PLACE_LAT],
        strict=True)}
    siblings: dict[str, list[str]] = defaultdict(list)
    for statement, label in zip(r[C.STATEMENT_ID], r[C.COMMODITY_LABEL], strict=True):
        siblings[statement].append(label)
    leg_links = atlas.agreement.leg_links.tolist()
    prepared = []
    lines: list[Any] = []  # every drawn leg's points, encoded at the end in one pass
    for i in range(len(routes)):
        stage_rows = range(stage_at[i], stage_at[i + 1])
        leg_rows = range(leg_at[i], leg_at[i + 1])
        legs, bundles, drawn_rows, links, against = [], [], [], [], []
        for k in leg_rows:
            if not lg[C.LEG_DRAWN][k]:
                continue
            links.append(leg_links[k])
            lo, hi = lg[C.LEG_COORD_START][k], lg[C.LEG_COORD_STOP][k]
            step = thin if lg[C.LEG_ROUTING][k] == "geodesic" else 1
            lines.append(_thinned(coords[lo:hi], step))
            legs.append({"p": "", "s": 1 if lg[C.LEG_STATED][k] else 0})
            drawn_rows.append(k)
            a = (float(ends[lo, 0]), float(ends[lo, 1]))
            b = (float(ends[hi - 1, 0]), float(ends[hi - 1, 1]))
            bundles.append((a, b) if a <= b else (b, a))
            against.append(b < a)
        kinds = [st[C.STAGE_KIND][s] for s in stage_rows]
        keys = [st[C.STAGE_PLACE][s] for s in stage_rows]
        placed = [key for key in keys if key is not None]
        within = st[C.STAGE_ROLE][stage_rows[0]] == "within"
        entry: dict[str, Any] = {
            "id": r[C.ROUTE_ID][i],
            "label": r[C.LABEL][i],
            "path": r[C.PATH][i],
            "legs": legs,
            "open": open_ends(lg, leg_rows, drawn_rows),
            "regions": [key for key, kind in zip(keys, kinds, strict=True)
                        if kind == "region" or (within and key is not None)],
            "anchor": points[placed[0]] if placed else None,
        }
        if within:
            entry["w"] = 0.0  # its place among the area's marks: see page_data()
        also = [label for label in siblings[r[C.STATEMENT_ID][i]]
                if label != r[C.COMMODITY_LABEL][i]]
        details: dict[str, Any] = {
            "stages": _stages(st, stage_rows),
            "role": r[C.REPORTING_ROLE][i],
            "reporting": r[C.REPORTING_COUNTRY][i],
            # an item's source only where it is not the route's own report
            "evidence": [_evidence(ev, e, r[C.SOURCE_ID][i]) for e in atlas.evidence_rows(i)],
            "actors": list(r[C.ACTORS][i]),
            "note": r[C.NOTE][i],
            "draft": (None if r[C.DRAFT_CONFIDENCE][i] is None else
                      [float(r[C.DRAFT_CONFIDENCE][i]), r[C.DRAFT_REASON][i]]),
            "legnotes": [f"{lg[C.LEG_FROM][k]} → {lg[C.LEG_TO][k]}: {lg[C.LEG_NOTE][k]}"
                         for k in leg_rows if lg[C.LEG_NOTE][k]],
        }
        if also:
            details["also"] = also
        entry["d"] = details
        sea = any(lg[C.LEG_ROUTING][k] == "sea-lanes" for k in drawn_rows)
        prepared.append(PageRoute(r[C.COMMODITY][i], entry, bundles, links, placed,
                                  r[C.SOURCE_ID][i], sea, against, *_ends(lg, drawn_rows)))
    drawn = (leg for route in prepared for leg in route.entry["legs"])
    for leg, text in zip(drawn, encode_each(lines, PAGE_PRECISION), strict=True):
        leg["p"] = text  # an encoded polyline (maps.polyline); page_data() indexes them
    return prepared


def _ends(lg: dict[str, list[Any]], drawn_rows: list[int]) -> tuple[list[str], list[str]]:
    """Place keys of the ends of a route's drawn line and of the places it passes through (a
    corridor's waypoints included), from its drawn legs: an end is a place no drawn leg arrives
    at, or none leaves from (every branch of a fan; beside an unstated end, the stated place its
    ring is drawn at)."""
    starts = [lg[C.LEG_FROM_PLACE][k] for k in drawn_rows]
    stops = [lg[C.LEG_TO_PLACE][k] for k in drawn_rows]
    every = [key for key in dict.fromkeys(starts + stops) if key is not None]
    ends = [key for key in every if key not in stops or key not in starts]
    return ends, [key for key in every if key not in ends]


def open_ends(lg: dict[str, list[Any]], leg_rows: range, drawn_rows: list[int]) -> list[list[int]]:
    """Where a ring marks an end the report leaves unstated: [drawn leg, 0 (its start) or
    1 (its end)], once per place that an unstated origin leads to or an unstated destination
    is reached from."""
    after = {lg[C.LEG_TO_PLACE][k] for k in leg_rows if lg[C.LEG_FROM_PLACE][k] is None}
    before = {lg[C.LEG_FROM_PLACE][k] for k in leg_rows if lg[C.LEG_TO_PLACE][k] is None}
    out: list[list[int]] = []
    for j, k in enumerate(drawn_rows):
        start, end = lg[C.LEG_FROM_PLACE][k], lg[C.LEG_TO_PLACE][k]
        if start in after:
            out.append([j, 0])
            after.discard(start)
        if end in before:
            out.append([j, 1])
            before.discard(end)
    return out


def _stages(st: dict[str, list[Any]], rows: range) -> list[dict[str, Any]]:
    """One object per stage of a route; a stage of several alternatives names them all
    ("Guinea or Liberia") and says how many (``any``)."""
    grouped: dict[int, list[int]] = {}
    for s in rows:
        grouped.setdefault(st[C.STAGE_INDEX][s], []).append(s)
    return [_stage(st, group) for group in grouped.values()]


def _stage(st: dict[str, list[Any]], group: list[int]) -> dict[str, Any]:
    s = group[0]
    by = st[C.STAGE_BY][s]
    names = [st[C.STAGE_NAME][g] for g in group]
    kinds = list(dict.fromkeys(st[C.STAGE_KIND][g] for g in group))
    item = {
        "name": one_of(names),
        "kind": ", ".join(kinds), "role": st[C.STAGE_ROLE][s],
        "stated": bool(st[C.STAGE_STATED][s]), "note": st[C.STAGE_NOTE][s],
        "source": st[C.STAGE_SOURCE][s],
        "by": by.replace("+", ", ") if by and by != "unspecified" else None,
        "any": len(group) if len(group) > 1 else None,
    }
    return {k: v for k, v in item.items() if v is not None or k in _STAGE_REQUIRED}


def _evidence(ev: dict[str, list[Any]], e: int, own: str) -> dict[str, Any]:
    item = {"section": ev[C.EVIDENCE_SECTION][e], "phrase": ev[C.EVIDENCE_PHRASE][e],
            "summary": ev[C.EVIDENCE_SUMMARY][e]}
    if item["section"] is None:
        del item["section"]  # a report without headings
    if ev[C.EVIDENCE_SOURCE][e] != own:
        item["source"] = ev[C.EVIDENCE_SOURCE][e]
    return item


def _centred(groups: Iterable[list[tuple[str, Any]]]) -> Iterator[tuple[Any, float]]:
    """Each member of each group with its offset from the group's centre (..., -0.5, 0.5, ...
    or ..., -1, 0, 1, ...), members ordered by route id, so that a route keeps its side from
    build to build. A member is (route id, what the offset is for)."""
    for group in groups:
        group.sort()
        for i, (_, target) in enumerate(group):
            yield target, i - (len(group) - 1) / 2


def lanes(routes: Sequence[PageRoute]) -> list[list[float]]:
    """Side-by-side lane of every drawn leg that shares its two ends with legs of other links,
    centred on the true line (:func:`_centred`): one lane per link (its routes' legs are drawn
    once, on the same lane), ordered by the first route id on it. Links in opposite directions
    between the same two ends share the bundle too; the page offsets a leg to the left of its
    own direction, so a leg running against the bundle's order takes the opposite offset."""
    members: dict[Bundle, dict[int, list[tuple[int, int]]]] = defaultdict(dict)
    first: dict[int, str] = {}
    for r, route in enumerate(routes):
        for k, (key, link) in enumerate(zip(route.bundles, route.links, strict=True)):
            members[key].setdefault(link, []).append((r, k))
            first[link] = min(first.get(link, route.entry["id"]), route.entry["id"])
    out = [[0.0] * len(route.bundles) for route in routes]
    groups = ([(first[link], legs) for link, legs in by_link.items()]
              for by_link in members.values() if len(by_link) > 1)
    for legs, offset in _centred(groups):
        for r, k in legs:
            against = routes[r].against
            out[r][k] = -offset if against and against[k] else offset
    return out


def _mark_lanes(routes: Sequence[PageRoute]) -> dict[int, float]:
    """The place of each flow-within-an-area's mark among the marks of its area, centred on
    the area's point as shared legs are (:func:`_centred`)."""
    by_area: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for i, route in enumerate(routes):
        if "w" in route.entry and route.places:
            by_area[route.places[0]].append((route.entry["id"], i))
    return dict(_centred(by_area.values()))


def page_data(atlas: Atlas, routes: Sequence[PageRoute], places: Any, title: str, *,
              pages: dict[str, str] | None = None, index: str | None = None,
              areas: dict[str, dict[str, Any]] | None = None,
              base: dict[str, Any] | None = None,
              agreement_page: str | None = None) -> dict[str, Any]:
    """Everything the page script needs, as plain JSON-able data (see :mod:`maps.page_keys`).

    Hubs are every place of a reporting country a route uses, and the hubs the catalogues
    declare with their own evidence (``atlas.hubs``).
    """
    areas = region_features(places, within_areas(atlas)) if areas is None else areas
    order = list(atlas.commodities[C.COMMODITY])
    commodity_ids = sorted({r.commodity for r in routes}, key=order.index)
    commodity_index = {cid: i for i, cid in enumerate(commodity_ids)}
    place_rows = {row.place: row for row in places.itertuples(index=False)}
    reporting = sorted({r.entry["d"]["reporting"] for r in routes})
    entries = []
    regions: dict[str, Any] = {}
    hub_routes: dict[str, list[int]] = defaultdict(list)
    links = page_links(atlas, routes)
    marks = _mark_lanes(routes)
    lines: dict[str, int] = {}  # each distinct line once (shared legs have the same)
    for i, (route, offsets) in enumerate(zip(routes, lanes(routes), strict=True)):
        legs = [{"g": lines.setdefault(leg["p"], len(lines)), "s": leg["s"], "o": lane,
                 "k": links.index[link]}
                for leg, lane, link in zip(route.entry["legs"], offsets, route.links, strict=True)]
        entry = {**route.entry, "c": commodity_index[route.commodity], "legs": legs,
                 "s": links.report_index[route.report]}
        if i in marks:
            entry["w"] = marks[i]
        entries.append(entry)
        for key in route.entry["regions"]:
            if key in areas:
                regions[key] = areas[key]
        for key in route.places:
            if key in place_rows and (_is_hub(place_rows[key], reporting) or "w" in route.entry):
                hub_routes[key].append(i)  # a flow within an area is listed at it
    counts = Counter(r.commodity for r in routes)
    drawn = Counter(r.commodity for r in routes if r.entry["legs"] or "w" in r.entry)
    table = atlas.commodities.set_index(C.COMMODITY)
    commodities = [{
        "id": cid, "label": table.at[cid, C.COMMODITY_LABEL],
        "market": table.at[cid, C.MARKET_LABEL], "category": table.at[cid, C.CATEGORY],
        "colour": table.at[cid, C.COMMODITY_COLOUR],
        "pattern": int(table.at[cid, C.COMMODITY_PATTERN]), "count": counts[cid],
        "drawn": drawn[cid],
        "page": (pages or {}).get(cid),
    } for cid in commodity_ids]
    labels = dict(zip(table.index, table[C.COMMODITY_LABEL], strict=True))
    hubs = _hubs(hub_routes, place_rows, atlas.hubs, set(commodity_ids), labels)
    return {
        "title": title,
        "categories": list(dict.fromkeys(atlas.commodities[C.CATEGORY])),
        "commodities": commodities,
        "routes": entries,
        "lines": list(lines),
        "precision": PAGE_PRECISION,
        "regions": regions,
        "hubs": list(hubs.values()),
        "labels": _labels(routes, place_rows, list(hubs)),
        "places": [{"name": r.name, "kind": r.kind, "lon": r.lon, "lat": r.lat}
                   for r in places.itertuples(index=False)],
        "reporting": ", ".join(reporting),
        "reportingNames": {code: atlas.country_name(code) for code in reporting},
        "reportingName": ", ".join(atlas.country_name(code) for code in reporting),
        "reports": links.reports,
        "sources": [(f"{r['title']} ({r['url']})" if r["url"] else r["title"])
                    + (f" (note: {r['note']})" if r["note"] else "") for r in links.reports],
        "links": links.links,
        "conflicts": links.conflicts,
        "editions": links.editions,
        "agreement": agreement_page,
        "width": style.line_width(sum(1 for r in routes if r.entry["legs"])),
        "dense": len(routes) > DENSE_ROUTES,
        "sea": any(r.sea for r in routes),
        "base": base,
        "index": index,
    }


def _labels(routes: Sequence[PageRoute], place_rows: dict[str, Any],
            hubs: list[str]) -> list[dict[str, Any]]:
    """A label candidate for every place a drawn route uses, by place key: the routes it ends
    and the routes it is a waypoint of (the page ranks them by the routes shown), and its hub
    where it has one (the hub's label, beside the hub's symbol, stands for it)."""
    ends: dict[str, list[int]] = defaultdict(list)
    through: dict[str, list[int]] = defaultdict(list)
    for i, route in enumerate(routes):
        # a flow within an area: its mark, at the area's point, is its end
        for key in route.places[:1] if "w" in route.entry else route.ends:
            if key in place_rows:
                ends[key].append(i)
        for key in route.through:
            if key in place_rows:
                through[key].append(i)
    out = []
    for key in sorted(ends.keys() | through.keys()):
        place = place_rows[key]
        label: dict[str, Any] = {"name": place.name, "kind": place.kind, "lon": place.lon,
                                 "lat": place.lat, "e": ends.get(key, []),
                                 "t": through.get(key, [])}
        if key in hubs:
            label["h"] = hubs.index(key)
        out.append(label)
    return out


def _hubs(hub_routes: dict[str, list[int]], place_rows: dict[str, Any], declared: Any,
          shown: set[str], labels: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Hubs by place key, in key order (the page's order)."""
    hubs: dict[str, dict[str, Any]] = {}
    for key in hub_routes:
        place = place_rows[key]
        hubs[key] = {"name": place.name, "kind": place.kind, "lon": place.lon, "lat": place.lat,
                     "notes": []}
    for hub in declared.itertuples(index=False):
        if hub.commodities and not set(hub.commodities) & shown:
            continue
        entry = hubs.setdefault(hub.place, {"name": hub.name, "kind": hub.kind,
                                            "lon": hub.lon, "lat": hub.lat, "notes": []})
        entry["notes"].append({
            "summary": hub.summary, "title": hub.source_title,
            "evidence": [{k: ev[k] for k in (C.EVIDENCE_SOURCE, C.EVIDENCE_SECTION,
                                             C.EVIDENCE_PHRASE, C.EVIDENCE_SUMMARY)
                          if ev[k] is not None} for ev in hub.evidence],
            "commodities": [labels[c] for c in hub.commodities],
        })
    return {key: {**hubs[key], "routes": sorted(set(hub_routes.get(key, [])))}
            for key in sorted(hubs)}


def _is_hub(place: Any, reporting: list[str]) -> bool:
    """A place of the reporting country: the country itself, its cities and ports."""
    return bool(set(place.iso3) & set(reporting)) and place.kind in {"country", "city", "port"}

