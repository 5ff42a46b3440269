"""The closed vocabularies: criminal markets and the commodities that move in them.

Markets and categories follow the Global Organized Crime Index (2021 edition): ten criminal
markets in four categories. Commodities are finer, where reports distinguish them (cannabis
resin from herbal cannabis, ivory from live animals); each belongs to exactly one market.
A catalogue naming anything else is rejected with the closest known ids.
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


@dataclass(frozen=True)
class Commodity:
    id: str
    label: str
    market: Market

    @property
    def category(self) -> Category:
        return self.market.category


def _markets(*rows: tuple[str, str, Category]) -> dict[str, Market]:
    return {mid: Market(mid, label, cat) for mid, label, cat in rows}


MARKETS: dict[str, Market] = _markets(
    ("human-trafficking", "Human trafficking", "People"),
    ("human-smuggling", "Human smuggling", "People"),
    ("arms-trafficking", "Arms trafficking", "Trade"),
    ("flora-crimes", "Flora crimes", "Environment"),
    ("fauna-crimes", "Fauna crimes", "Environment"),
    ("non-renewable-resource-crimes", "Non-renewable resource crimes", "Environment"),
    ("heroin-trade", "Heroin trade", "Drugs"),
    ("cocaine-trade", "Cocaine trade", "Drugs"),
    ("cannabis-trade", "Cannabis trade", "Drugs"),
    ("synthetic-drug-trade", "Synthetic drug trade", "Drugs"),
)


def _commodities(*rows: tuple[str, str, str]) -> dict[str, Commodity]:
    return {cid: Commodity(cid, label, MARKETS[mid]) for cid, label, mid in rows}


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
