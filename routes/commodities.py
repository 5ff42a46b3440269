"""The closed vocabularies: criminal markets and the commodities that move in them.

Markets and categories follow the Global Organized Crime Index (2021 edition): ten criminal
markets in four categories. Commodities are finer, where reports distinguish them (cannabis
resin from herbal cannabis, ivory from live animals); each belongs to exactly one market.
A catalogue naming anything else is rejected with the closest known ids.

The registry is also where each commodity gets its colour and its place in display order (the
order of :data:`COMMODITIES`): the Atlas carries both to every renderer.

Colour encodes the criminal market, from Paul Tol's colour-blind-safe "muted" scheme (with a
neutral dark grey for arms trafficking, the tenth market). Commodities of one market share its
hue and differ in shade, so an analyst reads "drugs: heroin" from the hue and the layer name.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from trafficking_route_mapper.routes.errors import UnknownCommodityError

Category = Literal["People", "Trade", "Environment", "Drugs"]
CATEGORIES: tuple[Category, ...] = ("People", "Trade", "Environment", "Drugs")


@dataclass(frozen=True)
class Market:
    id: str
    label: str
    category: Category
    colour: str  # the market's base colour, "#RRGGBB"


@dataclass(frozen=True)
class Commodity:
    id: str
    label: str
    market: Market
    colour: str  # "#RRGGBB": the market's hue, in this commodity's shade

    @property
    def category(self) -> Category:
        return self.market.category


def _markets(*rows: tuple[str, str, Category, str]) -> dict[str, Market]:
    return {mid: Market(mid, label, cat, colour) for mid, label, cat, colour in rows}


#: Markets, with base colours from Paul Tol's "muted" scheme (https://personal.sron.nl/~pault/).
MARKETS: dict[str, Market] = _markets(
    ("human-trafficking", "Human trafficking", "People", "#CC6677"),
    ("human-smuggling", "Human smuggling", "People", "#DDCC77"),
    ("arms-trafficking", "Arms trafficking", "Trade", "#555555"),
    ("flora-crimes", "Flora crimes", "Environment", "#44AA99"),
    ("fauna-crimes", "Fauna crimes", "Environment", "#999933"),
    ("non-renewable-resource-crimes", "Non-renewable resource crimes", "Environment", "#88CCEE"),
    ("heroin-trade", "Heroin trade", "Drugs", "#882255"),
    ("cocaine-trade", "Cocaine trade", "Drugs", "#332288"),
    ("cannabis-trade", "Cannabis trade", "Drugs", "#117733"),
    ("synthetic-drug-trade", "Synthetic drug trade", "Drugs", "#AA4499"),
)

#: Shade steps for the 1st, 2nd, 3rd... commodity of a market: 0 = the base colour,
#: negative = darker (mixed with black), positive = lighter (mixed with white).
_SHADES = (0.0, -0.3, 0.3, -0.5, 0.5)


def _mix(hex_colour: str, amount: float) -> str:
    rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    target = 255 if amount > 0 else 0
    mixed = [round(c + (target - c) * abs(amount)) for c in rgb]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def _commodities(*rows: tuple[str, str, str]) -> dict[str, Commodity]:
    seen: dict[str, int] = {}
    out = {}
    for cid, label, mid in rows:
        k = seen.get(mid, 0)
        seen[mid] = k + 1
        market = MARKETS[mid]
        out[cid] = Commodity(cid, label, market, _mix(market.colour, _SHADES[k % len(_SHADES)]))
    return out


COMMODITIES: dict[str, Commodity] = _commodities(
    ("trafficked-persons", "Trafficked persons", "human-trafficking"),
    ("smuggled-migrants", "Smuggled migrants", "human-smuggling"),
    ("firearms", "Firearms", "arms-trafficking"),
    ("timber", "Timber", "flora-crimes"),
    ("plants", "Plants", "flora-crimes"),
    ("medicinal-herbs", "Medicinal herbs", "flora-crimes"),
    ("ivory", "Ivory", "fauna-crimes"),
    ("live-animals", "Live animals", "fauna-crimes"),
    ("wildlife-products", "Other wildlife products", "fauna-crimes"),
    ("diamonds", "Diamonds", "non-renewable-resource-crimes"),
    ("gold", "Gold", "non-renewable-resource-crimes"),
    ("fuel", "Oil and fuel", "non-renewable-resource-crimes"),
    ("minerals", "Other minerals", "non-renewable-resource-crimes"),
    ("heroin", "Heroin", "heroin-trade"),
    ("cocaine", "Cocaine", "cocaine-trade"),
    ("cannabis", "Cannabis (form not stated)", "cannabis-trade"),
    ("herbal-cannabis", "Herbal cannabis", "cannabis-trade"),
    ("cannabis-resin", "Cannabis resin", "cannabis-trade"),
    ("synthetic-drugs", "Synthetic drugs", "synthetic-drug-trade"),
    ("nps", "New psychoactive substances", "synthetic-drug-trade"),
)


def commodity(commodity_id: str) -> Commodity:
    """Look a commodity up by id; an unknown id raises with suggestions and the valid ids."""
    try:
        return COMMODITIES[commodity_id]
    except KeyError:
        known = sorted(COMMODITIES)
        close = difflib.get_close_matches(commodity_id, known, n=3, cutoff=0.5)
        raise UnknownCommodityError(commodity_id, close, known) from None
