"""The gold of the built-in catalogue: every flow the Belgium profile states, in the report's
order, and how the catalogue codes it. The catalogue must code each exactly once (one
statement per sentence, its alternatives and commodities in one entry) and nothing else.

Each gold flow is (commodities, places of each stage), a stage's places as a set of place keys
(several: the report names alternatives; empty: the report leaves that end unstated). The list
is this project's reading of the report, written down so that editing the catalogue cannot lose
a flow without a test failing.
"""

from __future__ import annotations

from collections import Counter

import pytest

from trafficking_route_mapper.geodata.resolve import ResolvedRoute

Gold = tuple[frozenset[str], tuple[frozenset[str], ...]]


def _flow(commodities: str, *stages: str) -> Gold:
    """``"ivory live-animals"``, then one argument per stage: place keys separated by spaces,
    ``""`` for an unstated end."""
    return (frozenset(commodities.split()),
            tuple(frozenset(stage.split()) for stage in stages))


#: In the report's order: PEOPLE, TRADE, ENVIRONMENT, DRUGS (and CRIMINAL ACTORS, which adds the
#: export of synthetic drugs by Dutch groups).
GOLD: tuple[Gold, ...] = (
    # PEOPLE
    _flow("trafficked-persons", "country:NGA country:MAR country:HUN", "country:BEL"),
    _flow("smuggled-migrants", "region:africa region:middle-east", "country:BEL", ""),
    # TRADE
    _flow("firearms", "country:BEL", ""),
    _flow("firearms", "region:balkans", "country:BEL"),
    _flow("firearms", "", "port:BEANR", ""),
    # ENVIRONMENT
    _flow("diamonds", "", "city:antwerp"),
    _flow("ivory live-animals wildlife-products", "country:COD country:GIN country:LBR",
          "country:BEL", "region:asia region:north-america region:middle-east"),
    _flow("plants", "country:THA", "country:BEL"),
    _flow("medicinal-herbs", "region:asia region:north-america", "country:BEL"),
    _flow("timber", "region:central-africa", "port:BEANR"),
    # DRUGS
    _flow("cocaine", "region:south-america", "port:BEANR", "country:NLD region:europe"),
    _flow("nps synthetic-drugs", "", "country:BEL", ""),
    _flow("synthetic-drugs", "country:CHN", "country:BEL"),
    _flow("synthetic-drugs", "country:BEL", ""),
    _flow("heroin", "corridor:balkan-route corridor:southern-route corridor:northern-route",
          "country:BEL"),
    _flow("cannabis", "country:BEL", "region:europe"),
    _flow("herbal-cannabis", "country:ESP country:NLD region:north-africa", "country:BEL"),
    _flow("cannabis-resin", "country:MAR", "country:ESP", "country:FRA", "country:BEL"),
)


def _coded(rr: ResolvedRoute) -> Gold:
    return (frozenset(rr.route.commodity_ids),
            tuple(frozenset(p.key for p in s.places) for s in rr.stages))


def test_the_gold_has_no_flow_twice() -> None:
    assert [g for g, n in Counter(GOLD).items() if n > 1] == []


@pytest.mark.parametrize("gold", GOLD, ids=lambda g: "+".join(sorted(g[0])))
def test_every_flow_of_the_report_is_coded_once(builtin_resolved: list[ResolvedRoute],
                                                gold: Gold) -> None:
    coded = [rr.route.id for rr in builtin_resolved if _coded(rr) == gold]
    assert len(coded) == 1, (gold, coded)


def test_the_catalogue_codes_nothing_else(builtin_resolved: list[ResolvedRoute]) -> None:
    extra = [rr.route.id for rr in builtin_resolved if _coded(rr) not in GOLD]
    assert extra == []
    assert len(builtin_resolved) == len(GOLD)
