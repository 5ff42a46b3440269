"""The closed vocabularies: criminal markets and the commodities that move in them.

Markets and categories follow the Global Organized Crime Index: the ten criminal markets of its
2021 edition in four categories, and the five its 2023 edition added (extortion and protection
racketeering; trade in counterfeit goods; illicit trade in excisable goods; cyber-dependent
crimes; financial crimes), fifteen markets in six categories. Each market says the edition it
was first assessed in, so that a comparison of editions can tell "not assessed" from "gone".
The Index counts money laundering under resilience, not as a market; proceeds a report says
are moved or laundered abroad are filed here under financial crimes (``criminal-proceeds``),
so that such a flow can be mapped. Commodities are finer, where reports distinguish them (cannabis
resin from herbal cannabis, ivory from live animals); each belongs to exactly one market.
A catalogue naming anything else is rejected with the closest known ids.

The registry is also where each commodity gets its colour and its place in display order (the
order of :data:`COMMODITIES`): the Atlas carries both to every renderer.

Colour encodes the criminal market: the 2021 markets take Paul Tol's "muted" scheme (with a
neutral dark grey for arms trafficking, the tenth market), the 2023 markets colours from his
"bright" and "light" schemes. Commodities of one market share its hue and differ in shade, so
an analyst reads "drugs: heroin" from the hue and the layer name.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from trafficking_route_mapper.routes.errors import UnknownCommodityError

Category = Literal["People", "Trade", "Environment", "Drugs", "Cyber crimes", "Financial crimes"]
CATEGORIES: tuple[Category, ...] = ("People", "Trade", "Environment", "Drugs", "Cyber crimes",
                                    "Financial crimes")


@dataclass(frozen=True)
class Market:
    id: str
    label: str
    category: Category
    colour: str  # the market's base colour, "#RRGGBB"
    since: int  # the Index edition that first assessed it (2021 or 2023)


@dataclass(frozen=True)
class Commodity:
    id: str
    label: str
    market: Market
    colour: str  # "#RRGGBB": the market's hue, in this commodity's shade

    @property
    def category(self) -> Category:
        return self.market.category

    @property
    def general(self) -> bool:
        """Whether this is its market's commodity of unstated form ("cannabis", against "cannabis
        resin"): the same flow as any commodity of the market, when reports are compared."""
        return self.id in GENERAL


#: The commodities that stand for their whole market where a report is less specific than
#: another (geodata.agreement matches "cannabis" with "cannabis resin" and "herbal cannabis").
GENERAL = frozenset({"cannabis", "synthetic-drugs", "counterfeit-goods"})


def _markets(*rows: tuple[str, str, Category, str, int]) -> dict[str, Market]:
    return {row[0]: Market(*row) for row in rows}


#: Markets in the Index's order, with base colours from Paul Tol's schemes
#: (https://personal.sron.nl/~pault/).
MARKETS: dict[str, Market] = _markets(
    ("human-trafficking", "Human trafficking", "People", "#CC6677", 2021),
    ("human-smuggling", "Human smuggling", "People", "#DDCC77", 2021),
    ("extortion-and-protection-racketeering", "Extortion and protection racketeering", "People",
     "#EE8866", 2023),
    ("arms-trafficking", "Arms trafficking", "Trade", "#555555", 2021),
    ("trade-in-counterfeit-goods", "Trade in counterfeit goods", "Trade", "#4477AA", 2023),
    ("illicit-trade-in-excisable-goods", "Illicit trade in excisable goods", "Trade", "#BBCC33",
     2023),
    ("flora-crimes", "Flora crimes", "Environment", "#44AA99", 2021),
    ("fauna-crimes", "Fauna crimes", "Environment", "#999933", 2021),
    ("non-renewable-resource-crimes", "Non-renewable resource crimes", "Environment", "#88CCEE",
     2021),
    ("heroin-trade", "Heroin trade", "Drugs", "#882255", 2021),
    ("cocaine-trade", "Cocaine trade", "Drugs", "#332288", 2021),
    ("cannabis-trade", "Cannabis trade", "Drugs", "#117733", 2021),
    ("synthetic-drug-trade", "Synthetic drug trade", "Drugs", "#AA4499", 2021),
    ("cyber-dependent-crimes", "Cyber-dependent crimes", "Cyber crimes", "#77AADD", 2023),
    ("financial-crimes", "Financial crimes", "Financial crimes", "#AA3377", 2023),
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
    ("extortion", "Extortion and protection racketeering", "extortion-and-protection-racketeering"),
    ("firearms", "Firearms", "arms-trafficking"),
    ("counterfeit-goods", "Counterfeit goods", "trade-in-counterfeit-goods"),
    ("counterfeit-medicines", "Counterfeit and falsified medicines", "trade-in-counterfeit-goods"),
    ("cigarettes", "Cigarettes and tobacco", "illicit-trade-in-excisable-goods"),
    ("alcohol", "Alcohol", "illicit-trade-in-excisable-goods"),
    ("excise-fuel", "Fuel (excise fraud)", "illicit-trade-in-excisable-goods"),
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
    ("cybercrime", "Cyber-dependent crime", "cyber-dependent-crimes"),
    ("fraud", "Fraud and other financial crimes", "financial-crimes"),
    ("criminal-proceeds", "Criminal proceeds (money moved or laundered)", "financial-crimes"),
)


def commodity(commodity_id: str) -> Commodity:
    """Look a commodity up by id; an unknown id raises with suggestions and the valid ids."""
    try:
        return COMMODITIES[commodity_id]
    except KeyError:
        known = sorted(COMMODITIES)
        close = difflib.get_close_matches(commodity_id, known, n=3, cutoff=0.5)
        raise UnknownCommodityError(commodity_id, close, known) from None
