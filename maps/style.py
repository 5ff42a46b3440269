"""One visual vocabulary for every renderer: colours, line styles and widths.

Colour encodes the criminal market, from Paul Tol's colour-blind-safe "muted" scheme (with a
neutral dark grey for arms trafficking, the tenth market). Commodities of one market share its
hue and differ in shade, so an analyst reads "drugs: heroin" from the hue and the layer name.
Stated legs are solid; inferred legs (from another source, or a corridor's waypoints) are dashed.
"""

from __future__ import annotations

from trafficking_route_mapper.routes.commodities import COMMODITIES, MARKETS

#: Market -> base colour (Paul Tol, "muted", https://personal.sron.nl/~pault/).
MARKET_COLOURS: dict[str, str] = {
    "heroin-trade": "#882255",
    "cocaine-trade": "#332288",
    "cannabis-trade": "#117733",
    "synthetic-drug-trade": "#AA4499",
    "human-trafficking": "#CC6677",
    "human-smuggling": "#DDCC77",
    "arms-trafficking": "#555555",
    "flora-crimes": "#44AA99",
    "fauna-crimes": "#999933",
    "non-renewable-resource-crimes": "#88CCEE",
}
if set(MARKET_COLOURS) != set(MARKETS):  # a registry edit must cover both
    raise RuntimeError("maps.style.MARKET_COLOURS does not cover routes.commodities.MARKETS")

#: Shade steps for the 1st, 2nd, 3rd... commodity of a market: 0 = the base colour,
#: negative = darker (mixed with black), positive = lighter (mixed with white).
_SHADES = (0.0, -0.3, 0.3, -0.5, 0.5)

INFERRED_DASH = (6, 5)  # on, off in pixels
STATED_DASH = None


def _mix(hex_colour: str, amount: float) -> str:
    rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    target = 255 if amount > 0 else 0
    mixed = [round(c + (target - c) * abs(amount)) for c in rgb]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def _commodity_colours() -> dict[str, str]:
    seen: dict[str, int] = {}
    out = {}
    for cid, commodity in COMMODITIES.items():
        k = seen.get(commodity.market.id, 0)
        seen[commodity.market.id] = k + 1
        out[cid] = _mix(MARKET_COLOURS[commodity.market.id], _SHADES[k % len(_SHADES)])
    return out


COMMODITY_COLOURS: dict[str, str] = _commodity_colours()


def colour(commodity_id: str) -> str:
    return COMMODITY_COLOURS[commodity_id]


def line_width(route_count: int) -> float:
    """Wider lines for a few routes, hairlines for thousands (CPU stroking cost, clutter)."""
    if route_count <= 200:
        return 3.0
    if route_count <= 2000:
        return 2.0
    return 1.0
