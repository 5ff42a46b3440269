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

Colour encodes the criminal market, and only the market: fifteen colours chosen so that every
pair differs by CIEDE2000 >= 10 under normal vision and under simulated deuteranopia,
protanopia and tritanopia, each with a WCAG contrast ratio >= 3 against every base map a line
is drawn on (benchmarks/palette.py searched for them; tests/test_colour.py measures them). They
stay as near as that allows to the earlier hues from Paul Tol's schemes, arms trafficking a
dark grey. Hue alone cannot separate 29 commodities, nor can shades of one hue survive colour
blindness (issue #15: the earlier shades came down to ΔE 1.1 under deuteranopia), so the
commodities of one market share its colour exactly and differ by a second cue, a pattern drawn
inside the line (:data:`PATTERNS`), the n-th commodity of a market taking the n-th pattern.
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


#: The patterns drawn inside a line, over its colour and with its dashes (so that dashed still
#: means inferred), that tell the commodities of one market apart: by index, what
#: maps/assets/draw.js and maps/static_draw.py draw.
PATTERNS: tuple[str, ...] = ("plain", "white centre stripe", "white dots", "dark centre line")


@dataclass(frozen=True)
class Commodity:
    id: str
    label: str
    market: Market
    pattern: int  # index into PATTERNS: this commodity's place among its market's

    @property
    def colour(self) -> str:
        """"#RRGGBB": its market's colour (the pattern, not the colour, tells it from the
        market's other commodities)."""
        return self.market.colour

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


#: Markets in the Index's order, with their colours as benchmarks/palette.py chose them
#: (``.venv/bin/python -m benchmarks.palette``, seed 15; the colour before it, from Paul Tol's
#: schemes, https://personal.sron.nl/~pault/, is its target). Hard-coded: the search takes a
#: minute and needs colour-science, a dev dependency.
MARKETS: dict[str, Market] = _markets(
    ("human-trafficking", "Human trafficking", "People", "#C3427E", 2021),
    ("human-smuggling", "Human smuggling", "People", "#334200", 2021),
    ("extortion-and-protection-racketeering", "Extortion and protection racketeering", "People",
     "#E83034", 2023),
    ("arms-trafficking", "Arms trafficking", "Trade", "#3F3943", 2021),
    ("trade-in-counterfeit-goods", "Trade in counterfeit goods", "Trade", "#0029FD", 2023),
    ("illicit-trade-in-excisable-goods", "Illicit trade in excisable goods", "Trade", "#5D6252",
     2023),
    ("flora-crimes", "Flora crimes", "Environment", "#4F875B", 2021),
    ("fauna-crimes", "Fauna crimes", "Environment", "#5B780B", 2021),
    ("non-renewable-resource-crimes", "Non-renewable resource crimes", "Environment", "#6D78A5",
     2021),
    ("heroin-trade", "Heroin trade", "Drugs", "#A20334", 2021),
    ("cocaine-trade", "Cocaine trade", "Drugs", "#1A07AD", 2021),
    ("cannabis-trade", "Cannabis trade", "Drugs", "#286A69", 2021),
    ("synthetic-drug-trade", "Synthetic drug trade", "Drugs", "#9A5AE3", 2021),
    ("cyber-dependent-crimes", "Cyber-dependent crimes", "Cyber crimes", "#464E9D", 2023),
    ("financial-crimes", "Financial crimes", "Financial crimes", "#780266", 2023),
)

def _commodities(*rows: tuple[str, str, str]) -> dict[str, Commodity]:
    seen: dict[str, int] = {}
    out = {}
    for cid, label, mid in rows:
        k = seen.get(mid, 0)
        if k == len(PATTERNS):
            raise ValueError(f"market {mid!r} has more commodities than there are patterns "
                             f"({len(PATTERNS)}): add a pattern, or split the market")
        seen[mid] = k + 1
        out[cid] = Commodity(cid, label, MARKETS[mid], k)
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
