"""The data a map page carries, key by key: the one description of what the Python writes
(:mod:`maps.page_data`) and the page script reads (``assets/*.js``).

A page holds two JSON blocks: ``trm-data`` (read before drawing) and ``trm-details`` (each
route's popup details, one object per route in route order, read when the first popup opens).
A test checks that the writer emits exactly these keys and that the script reads each of them.
"""

from __future__ import annotations

#: ``trm-data``: the page.
PAGE: dict[str, str] = {
    "title": "the page's title (the reports' titles)",
    "categories": "market categories in display order (People, Trade, Environment, Drugs, "
                  "Cyber crimes, Financial crimes)",
    "commodities": "the page's commodities in display order: COMMODITY objects",
    "routes": "every route of the page, in route-id order: ROUTE objects",
    "lines": "every distinct line the legs draw, each an encoded polyline (Google's Encoded "
             "Polyline Algorithm Format, (lat, lon) pairs) at PAGE['precision'] decimals, "
             "longitudes continuous along the route (maps/polyline.py)",
    "precision": "decimals of the coordinates in PAGE['lines'] (4: about 11 m)",
    "regions": "place key -> GeoJSON Feature of a region's simplified outline, for the regions "
               "the routes name (drawn tinted, beneath the lines) and the areas flows stay "
               "within; properties: name, at ([lon, lat] its name is written at)",
    "hubs": "places of the reporting countries with what passes through them: HUB objects",
    "labels": "a label candidate for every place a drawn route uses: LABEL objects, in place-key "
              "order (the page labels them by priority, skipping those with no room)",
    "places": "every place the routes use, for the search box: {name, kind, lon, lat}",
    "reporting": "the reporting countries' codes, comma-separated",
    "reportingNames": "reporting country code -> display name",
    "reportingName": "the reporting countries' names, comma-separated",
    "reports": "the source reports of the page's routes and of the reports corroborating its "
               "links, by source id: REPORT objects; a route refers to one by index (ROUTE.s)",
    "sources": "each report as one line of text for the legend: 'title (url) (note: ...)'",
    "width": "line width in CSS pixels (thinner for larger pages)",
    "dense": "true past maps.page_data.DENSE_ROUTES routes: arrowheads on hover only",
    "sea": "true if a drawn leg follows the shipping lanes (the legend's sea row)",
    "base": "a FeatureCollection of simplified country outlines: the base map offline, "
            "beneath the tiles online (shown where a tile fails)",
    "index": "on a commodity page, the link back to the overview; else null",
    "links": "the links the page's legs lie on (a leg of one commodity between two places, "
             "whichever reports state it), in link-id order: LINK objects; a leg refers to one "
             "by index (LEG.k)",
    "conflicts": "conflicts between reports on the page's links: {kind (direction, one-sided, "
                 "role), k (index into PAGE['links']), text, at ([lon, lat] of the mark, the "
                 "middle of the link's line)}",
    "editions": "the editions of the page's reports, in order, where there are two or more "
                "(the page then offers to show one); else null",
    "agreement": "the link to agreement.html (the tables of links, conflicts and changes)",
}

#: One entry of PAGE["reports"].
REPORT: dict[str, str] = {
    "id": "source id",
    "title": "the report's title",
    "url": "its URL, or null",
    "note": "how it was coded (from a secondary text...), or null",
    "edition": "its edition label (the catalogue's edition, else its year, else '')",
    "country": "the reporting country's name",
}

#: One entry of PAGE["links"].
LINK: dict[str, str] = {
    "id": "link id: '<commodity>:<from place key>><to place key>'",
    "n": "indexes into PAGE['reports'] of the reports that state it or a matching link (its "
         "corroboration is how many of them the edition shown includes)",
    "f": "indexes of finer links that refine it (another report states the flow with a place "
         "inside one of its ends): where one is drawn, this one is not; absent if none",
    "x": "the kinds of conflict on the link; absent if none",
    "e": "where two reports or more state it: one entry per statement, {r (index into "
         "PAGE['routes']: a route of the page, whose details hold its evidence), s (report "
         "index)} or, for a route of another page, {s, label, path, role (the reporting "
         "country's), ev (its evidence phrases)}; absent otherwise",
}

#: One entry of PAGE["commodities"].
COMMODITY: dict[str, str] = {
    "id": "commodity id",
    "label": "commodity label",
    "market": "the market's label",
    "category": "the market's category",
    "colour": "line colour, #RRGGBB: the market's (every commodity of a market shares it)",
    "pattern": "what is drawn inside the line, over its colour and with its dashes, to tell "
               "the commodities of one market apart: 0 nothing, 1 a white centre stripe, 2 "
               "white dots, 3 a dark centre line (routes.commodities.PATTERNS)",
    "count": "routes of this commodity on the page",
    "drawn": "how many of them are drawn (a line, or the mark of a flow within an area)",
    "page": "link to the commodity's own page, or null",
}

#: One entry of PAGE["routes"].
ROUTE: dict[str, str] = {
    "id": "route id",
    "label": "route label",
    "path": "'Morocco → Spain → France → Belgium', 'Guinea or Liberia → Belgium', "
            "'within Sahel'",
    "legs": "drawn legs in order: LEG objects (a stage of several places fans out: a leg to "
            "each)",
    "open": "where a ring marks an unstated end: [[index into legs, 0 = its start or 1 = its "
            "end], ...]",
    "regions": "place keys of the region stages and of a flow's area (shaded on hover)",
    "anchor": "[lon, lat] of the first stated place (a route without a line is opened there)",
    "w": "on a flow that stays inside one area (no legs, drawn as a mark at its anchor): the "
         "mark's place among the marks of that area, in mark widths from the anchor (0, or "
         "-0.5, 0.5, ...); absent otherwise",
    "c": "index into PAGE['commodities']",
    "s": "index into PAGE['reports']",
}

#: One entry of ROUTE["legs"].
LEG: dict[str, str] = {
    "g": "index into PAGE['lines']: the leg's line (legs on the same line share it)",
    "s": "1 if stated by the report, 0 if inferred (drawn dashed)",
    "o": "lane: sideways offset in line widths where links share the leg's two ends",
    "k": "index into PAGE['links']: the leg's link (drawn once, however many routes state it)",
}

#: One entry of ``trm-details``.
DETAILS: dict[str, str] = {
    "stages": "the stages in order: {name, kind, role, stated, and where set: note, source, "
              "by (modes of the legs arriving, 'road, sea'), any (how many alternatives a "
              "stage names: 'Guinea or Liberia' is 2)}",
    "role": "the reporting country's role on the route",
    "reporting": "the reporting country's code",
    "evidence": "{phrase, summary, section where the report has headings, and source where it "
                "is not the route's report}",
    "actors": "actors as the report names them",
    "note": "the route's note, or null",
    "legnotes": "'from → to: note' for legs with a note (how a sea leg was drawn)",
    "draft": "[confidence, reason] of a route build_maps.py draft proposed, or null",
    "also": "the other commodities of the route's statement (one entry naming several: one "
            "evidence, a route per commodity); absent where it names one",
}

#: One entry of PAGE["hubs"].
HUB: dict[str, str] = {
    "name": "the place's name",
    "kind": "country, city or port",
    "lon": "longitude",
    "lat": "latitude",
    "notes": "what the reports say of the place: {summary, evidence, title, commodities}",
    "routes": "indexes into PAGE['routes'] of the routes through the place",
}

#: One entry of PAGE["labels"].
LABEL: dict[str, str] = {
    "name": "the place's name",
    "kind": "country, region, city or port (regions are labelled in their own style)",
    "lon": "longitude of the place's point",
    "lat": "latitude",
    "e": "indexes into PAGE['routes'] of the drawn routes the place is an end of (a place of "
         "their first or last stage)",
    "t": "indexes into PAGE['routes'] of the drawn routes passing through it",
    "h": "index into PAGE['hubs'] of the place's hub (its label is drawn beside the hub's "
         "symbol while hubs are shown); absent if none",
}
