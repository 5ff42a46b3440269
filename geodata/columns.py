"""Names of the Atlas's columns: the hand-off tables every renderer reads.

Renderers, exports and tests import these instead of spelling strings. The route, stage, leg
and evidence names are also the GeoJSON property names (see the README's schema table).
"""

from __future__ import annotations

# --- routes: one row per route, sorted by route id ----------------------------------------------
# A route is one statement's flow of one commodity: a statement naming three commodities is
# three routes, ids "<statement>--<commodity>"; a statement of one commodity is one route with
# the statement's id. Routes sorted by id are grouped by statement, in statement order.
ROUTE_ID = "route_id"
STATEMENT_ID = "statement_id"  # the catalogue entry's id
FLOW_ID = "flow_id"
COMMODITY = "commodity"
COMMODITY_LABEL = "commodity_label"
MARKET = "market"
MARKET_LABEL = "market_label"
CATEGORY = "category"
LABEL = "label"
PATH = "path"  # "Morocco → Spain → France → Belgium"; "Guinea or Liberia → Belgium"; "within Sahel"
REPORTING_COUNTRY = "reporting_country"  # ISO 3166 alpha-3 (or Natural Earth's code)
REPORTING_ROLE = "reporting_role"
ACTORS = "actors"  # list of str
NOTE = "note"
#: a route proposed by ``build_maps.py draft`` and not yet reviewed: the drafter's confidence
#: (0 to 1) and its reason; None for a route an analyst coded or accepted
DRAFT_CONFIDENCE = "draft_confidence"
DRAFT_REASON = "draft_reason"
SOURCE_ID = "source_id"
SOURCE_TITLE = "source_title"
SOURCE_URL = "source_url"
SOURCE_NOTE = "source_note"  # how the catalogue was coded (from a secondary text...), or None
CATALOGUE = "catalogue"  # file name the route came from
GEOMETRY = "geometry"  # routes: MultiLineString of the drawn legs; legs: LineString; or None

ROUTE_COLUMNS: tuple[str, ...] = (
    ROUTE_ID, STATEMENT_ID, FLOW_ID, COMMODITY, COMMODITY_LABEL, MARKET, MARKET_LABEL, CATEGORY, LABEL, PATH,
    REPORTING_COUNTRY, REPORTING_ROLE, ACTORS, NOTE, DRAFT_CONFIDENCE, DRAFT_REASON, SOURCE_ID,
    SOURCE_TITLE, SOURCE_URL, SOURCE_NOTE, CATALOGUE,
)

# --- stages: one row per place of a stage of a route, in order --------------------------------------
# A stage naming alternatives (any_of) has a row per alternative, with the same STAGE_INDEX;
# a "within" route has one stage, of role "within".
STAGE_INDEX = "stage"  # 0-based position in the route
STAGE_OPTION = "option"  # 0-based position among the stage's alternatives (0 if it has one)
STAGE_NAME = "name"
STAGE_KIND = "kind"  # country, region, city, port, corridor, unstated
STAGE_ISO3 = "iso3"  # (exports) ISO 3166 alpha-3 codes the place covers; a region lists its members
STAGE_ROLE = "role"  # origin, transit, destination, within
STAGE_STATED = "stated"
STAGE_PLACE = "place"  # place key, e.g. "region:balkans" (None if unstated)
STAGE_POINT = "point"  # (exports) [lon, lat] representative point (None if unstated)
STAGE_BY = "by"  # modes of the legs arriving here, as LEG_MODE writes them ("road+sea")
STAGE_SOURCE = "source"  # citation of an inferred stage (or a corridor's definition)
STAGE_NOTE = "note"

STAGE_COLUMNS: tuple[str, ...] = (
    ROUTE_ID, STAGE_INDEX, STAGE_OPTION, STAGE_PLACE, STAGE_NAME, STAGE_KIND, STAGE_ROLE, STAGE_STATED,
    STAGE_BY, STAGE_SOURCE, STAGE_NOTE,
)

# --- legs: one row per leg between consecutive places (corridors expanded), in order --------------
# Between two stages, a leg from each place of the first to each place of the second: a fan,
# not a bundle of copies. A "within" route has one leg, undrawn, from its area to itself.
LEG_INDEX = "leg"  # 0-based position in the route
LEG_FROM = "from"  # name
LEG_TO = "to"
LEG_FROM_PLACE = "from_place"  # place key (None where that end is unstated)
LEG_TO_PLACE = "to_place"
#: road, rail, land, sea, air or unspecified; several modes joined by "+" in that order
#: (``by: [sea, road]`` is "road+sea")
LEG_MODE = "mode"
LEG_STATED = "stated"
LEG_DRAWN = "drawn"  # False where an end is unstated
LEG_ROUTING = "routing"  # geodesic, sea-lanes, geodesic-fallback, within, none
LEG_NOTE = "note"
#: Rows of :attr:`geodata.atlas.Atlas.coords` holding the leg's line: [start, stop).
LEG_COORD_START = "coord_start"
LEG_COORD_STOP = "coord_stop"

LEG_COLUMNS: tuple[str, ...] = (
    ROUTE_ID, LEG_INDEX, LEG_FROM_PLACE, LEG_TO_PLACE, LEG_FROM, LEG_TO, LEG_MODE, LEG_STATED,
    LEG_DRAWN, LEG_ROUTING, LEG_NOTE, LEG_COORD_START, LEG_COORD_STOP,
)

# --- evidence: one row per evidence item of a statement, in statement order -------------------------
EVIDENCE_INDEX = "item"
EVIDENCE_SOURCE = "source"  # the report's source id
EVIDENCE_SECTION = "section"  # the report's heading; None where the report has none
EVIDENCE_PHRASE = "phrase"
EVIDENCE_SUMMARY = "summary"

# where the phrase stands in the report's text, when the build was given it (--source-text);
# else None. Offsets in Unicode code points of the text (W3C TextPositionSelector); exact,
# prefix and suffix as the text prints them (W3C TextQuoteSelector)
EVIDENCE_START = "start"
EVIDENCE_END = "end"
EVIDENCE_EXACT = "exact"
EVIDENCE_PREFIX = "prefix"
EVIDENCE_SUFFIX = "suffix"

EVIDENCE_ANCHOR_COLUMNS: tuple[str, ...] = (
    EVIDENCE_START, EVIDENCE_END, EVIDENCE_EXACT, EVIDENCE_PREFIX, EVIDENCE_SUFFIX,
)

EVIDENCE_COLUMNS: tuple[str, ...] = (
    STATEMENT_ID, EVIDENCE_INDEX, EVIDENCE_SOURCE, EVIDENCE_SECTION, EVIDENCE_PHRASE,
    EVIDENCE_SUMMARY, *EVIDENCE_ANCHOR_COLUMNS,
)

# --- statements: one row per catalogue entry, sorted by id --------------------------------------
COMMODITIES = "commodities"  # list of commodity ids, as the statement names them
ROUTE_IDS = "route_ids"  # list: the statement's routes, one per commodity

STATEMENT_COLUMNS: tuple[str, ...] = (
    STATEMENT_ID, FLOW_ID, LABEL, PATH, COMMODITIES, ROUTE_IDS, REPORTING_COUNTRY,
    REPORTING_ROLE, SOURCE_ID, CATALOGUE,
)

# --- places: every place the routes use (corridor waypoints included), sorted by key --------------
PLACE_KEY = "place"
PLACE_NAME = "name"
PLACE_KIND = "kind"
PLACE_ISO3 = "iso3"  # list of ISO 3166 alpha-3 codes
PLACE_MEMBERS = "members"  # list of Natural Earth ADM0_A3 codes covered
PLACE_SOURCE = "source"
PLACE_LOCODE = "locode"
PLACE_LON = "lon"  # representative point
PLACE_LAT = "lat"

PLACE_COLUMNS: tuple[str, ...] = (
    PLACE_KEY, PLACE_NAME, PLACE_KIND, PLACE_ISO3, PLACE_MEMBERS, PLACE_SOURCE, PLACE_LOCODE,
    PLACE_LON, PLACE_LAT,
)

# --- hubs: places of a reporting country a report names as centres of a market --------------------
HUB_PLACE = "place"
HUB_NAME = "name"
HUB_KIND = "kind"
HUB_LON = "lon"
HUB_LAT = "lat"
HUB_COMMODITIES = "commodities"  # list of commodity ids; empty: every commodity
HUB_SUMMARY = "summary"
HUB_EVIDENCE = "evidence"  # list of objects: source, section, phrase, summary, anchor
HUB_SOURCE_TITLE = "source_title"

HUB_COLUMNS: tuple[str, ...] = (
    HUB_PLACE, HUB_NAME, HUB_KIND, HUB_LON, HUB_LAT, HUB_COMMODITIES, HUB_SUMMARY, HUB_EVIDENCE,
    HUB_SOURCE_TITLE,
)

# --- commodities: every commodity of the atlas, in display order ----------------------------------
COMMODITY_COLOUR = "colour"  # "#RRGGBB": its market's colour
#: Index into routes.commodities.PATTERNS: the pattern inside the line that tells the commodity
#: from its market's others (0 plain, 1 white centre stripe, 2 white dots, 3 dark centre line)
COMMODITY_PATTERN = "pattern"
#: True for a market's commodity of unstated form ("cannabis"): it matches any commodity of its
#: market when reports are compared (geodata.agreement)
COMMODITY_GENERAL = "general"
MARKET_SINCE = "market_since"  # the Index edition (year) that first assessed the market

COMMODITY_COLUMNS: tuple[str, ...] = (
    COMMODITY, COMMODITY_LABEL, MARKET, MARKET_LABEL, CATEGORY, COMMODITY_COLOUR,
    COMMODITY_PATTERN, COMMODITY_GENERAL, MARKET_SINCE,
)

# --- reports: the source reports, one row per catalogue ---------------------------------------------
REPORT_PUBLISHER = "publisher"
REPORT_EDITION = "edition"
REPORT_YEAR = "year"
REPORT_SHA256 = "sha256"
REPORTING_COUNTRY_NAME = "reporting_country_name"

REPORT_COLUMNS: tuple[str, ...] = (
    SOURCE_ID, SOURCE_TITLE, REPORT_PUBLISHER, REPORT_EDITION, REPORT_YEAR, SOURCE_URL,
    REPORT_SHA256, REPORTING_COUNTRY, REPORTING_COUNTRY_NAME, SOURCE_NOTE, CATALOGUE,
)

# --- countries: every country of the gazetteer (base maps, names) ---------------------------------
COUNTRY_CODE = "adm0_a3"  # Natural Earth's code, never -99
COUNTRY_ISO3 = "iso3"  # ISO 3166 alpha-3, None for a few territories
COUNTRY_NAME = "name"

COUNTRY_COLUMNS: tuple[str, ...] = (COUNTRY_CODE, COUNTRY_ISO3, COUNTRY_NAME)


# === agreement between reports (geodata.agreement): links, conflicts, changes ===================
# --- links: one row per link, sorted by link id ---------------------------------------------------
LINK_ID = "link_id"  # "<commodity>:<from place>><to place>"
LINK_FROM_KIND, LINK_TO_KIND = "from_kind", "to_kind"
LINK_FROM_ISO3, LINK_TO_ISO3 = "from_iso3", "to_iso3"  # lists
LINK_CORROBORATION = "corroboration"
LINK_COUNTRIES = "countries"  # distinct reporting countries among the corroborating reports
LINK_REPORTS = "reports"  # source ids of the corroborating reports (stated), sorted
LINK_INFERRED_REPORTS = "inferred_reports"  # reports with this link only inferred, not stated
LINK_EDITIONS = "editions"  # editions of the corroborating reports
LINK_ROUTES = "route_ids"  # routes with a leg on exactly this link
LINK_MATCHED_ROUTES = "matched_route_ids"  # routes stating a matching other link
LINK_DRAWN_AS = "drawn_as"  # finer links of the same commodity this one is drawn as
LINK_DIRECTION = "direction"  # links stating the reverse flow (other reports)
LINK_CONFLICTS = "conflicts"  # kinds of conflict on the link: direction, one-sided, role

LINK_COLUMNS: tuple[str, ...] = (
    LINK_ID, COMMODITY, COMMODITY_LABEL, MARKET, MARKET_LABEL, LEG_FROM,
    LEG_FROM_PLACE, LINK_FROM_KIND, LINK_FROM_ISO3, LEG_TO, LEG_TO_PLACE, LINK_TO_KIND, LINK_TO_ISO3,
    LINK_CORROBORATION, LINK_COUNTRIES, LINK_REPORTS, LINK_INFERRED_REPORTS, LINK_EDITIONS, LINK_ROUTES, LINK_MATCHED_ROUTES,
    LINK_DRAWN_AS, LINK_DIRECTION, LINK_CONFLICTS,
)

# --- conflicts: one row per conflict, sorted by kind, link and report ------------------------------
CONFLICT_KIND = "kind"
CONFLICT_REPORT = "report"  # the source id of the claim
CONFLICT_OTHER_REPORTS = "other_reports"  # the other side: the reports that disagree or stay silent
CONFLICT_OTHER_LINK = "other_link_id"  # a direction conflict's reverse link
CONFLICT_ABOUT = "about"  # ISO3 (or Natural Earth code) of the country the claim concerns
CONFLICT_ABOUT_ROLE = "about_role"  # the country's place on the claiming route: origin, transit...
CONFLICT_DESCRIPTION = "description"
CONFLICT_ROUTES = "routes"  # the claim's routes
CONFLICT_OTHER_ROUTES = "other_routes"
CONFLICT_EVIDENCE = "evidence"  # the claim's evidence phrases
CONFLICT_OTHER_EVIDENCE = "other_evidence"

CONFLICT_COLUMNS: tuple[str, ...] = (
    CONFLICT_KIND, LINK_ID, COMMODITY, CONFLICT_REPORT, REPORTING_COUNTRY, CONFLICT_OTHER_REPORTS, CONFLICT_OTHER_LINK, CONFLICT_ABOUT,
    CONFLICT_ABOUT_ROLE, CONFLICT_DESCRIPTION, CONFLICT_ROUTES, CONFLICT_OTHER_ROUTES, CONFLICT_EVIDENCE, CONFLICT_OTHER_EVIDENCE,
)

# --- changes: one row per flow compared between consecutive editions -------------------------------
CHANGE = "change"  # new, gone, persisting, shifted, not-assessed
CHANGE_BEFORE, CHANGE_AFTER = "edition_before", "edition_after"
CHANGE_ORIGIN, CHANGE_DESTINATION = "origin", "destination"
CHANGE_PATH_BEFORE, CHANGE_PATH_AFTER = "path_before", "path_after"
CHANGE_ROUTES_BEFORE, CHANGE_ROUTES_AFTER = "route_ids_before", "route_ids_after"
CHANGE_EVIDENCE_BEFORE, CHANGE_EVIDENCE_AFTER = "evidence_before", "evidence_after"

CHANGE_COLUMNS: tuple[str, ...] = (
    REPORTING_COUNTRY, REPORTING_COUNTRY_NAME, COMMODITY, MARKET, CHANGE_BEFORE, CHANGE_AFTER, CHANGE,
    CHANGE_ORIGIN, CHANGE_DESTINATION, CHANGE_PATH_BEFORE, CHANGE_PATH_AFTER, CHANGE_ROUTES_BEFORE, CHANGE_ROUTES_AFTER, CHANGE_EVIDENCE_BEFORE,
    CHANGE_EVIDENCE_AFTER,
)
CHANGE_KINDS = ("new", "gone", "shifted", "persisting", "not-assessed")

UNSTATED_NAME = "not stated"
