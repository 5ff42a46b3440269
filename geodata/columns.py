"""Names of the hand-off columns: one GeoDataFrame, one row per route.

Renderers, exports and tests import these instead of spelling strings. The same names become
the GeoJSON properties (see the README's schema table).
"""

from __future__ import annotations

ROUTE_ID = "route_id"
FLOW_ID = "flow_id"
COMMODITY = "commodity"
COMMODITY_LABEL = "commodity_label"
MARKET = "market"
MARKET_LABEL = "market_label"
CATEGORY = "category"
LABEL = "label"
PATH = "path"  # "Morocco → Spain → France → Belgium"
STAGES = "stages"  # list of dicts, see STAGE_* keys
MODES = "modes"  # one mode per leg
LEGS = "legs"  # list of dicts, see LEG_* keys; geometry parts are the drawn legs in order
REPORTING_COUNTRY = "reporting_country"  # ISO 3166 alpha-3
REPORTING_ROLE = "reporting_role"
EVIDENCE = "evidence"  # list of dicts: source, section, phrase, summary
ACTORS = "actors"
NOTE = "note"
SOURCE_ID = "source_id"
SOURCE_TITLE = "source_title"
SOURCE_URL = "source_url"
CATALOGUE = "catalogue"  # file name the route came from
GEOMETRY = "geometry"  # MultiLineString of the drawn legs (unwrapped longitudes), or None

STAGE_NAME = "name"
STAGE_KIND = "kind"  # country, region, city, port, corridor, unstated
STAGE_ISO3 = "iso3"
STAGE_ROLE = "role"  # origin, transit, destination
STAGE_STATED = "stated"
STAGE_PLACE = "place"  # gazetteer key, e.g. "region:balkans" (None if unstated)
STAGE_POINT = "point"  # [lon, lat] representative point (None if unstated)
STAGE_SOURCE = "source"  # citation of an inferred stage
STAGE_NOTE = "note"

LEG_FROM = "from"
LEG_TO = "to"
LEG_MODE = "mode"
LEG_STATED = "stated"
LEG_DRAWN = "drawn"  # False where an end is unstated
LEG_ROUTING = "routing"  # geodesic, sea-lanes, geodesic-fallback, none
LEG_NOTE = "note"

ROUTE_COLUMNS: tuple[str, ...] = (
    ROUTE_ID, FLOW_ID, COMMODITY, COMMODITY_LABEL, MARKET, MARKET_LABEL, CATEGORY, LABEL, PATH,
    STAGES, MODES, LEGS, REPORTING_COUNTRY, REPORTING_ROLE, EVIDENCE, ACTORS, NOTE,
    SOURCE_ID, SOURCE_TITLE, SOURCE_URL, CATALOGUE, GEOMETRY,
)

UNSTATED_NAME = "not stated"
