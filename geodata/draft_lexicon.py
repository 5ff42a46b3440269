"""The drafter's general vocabulary: commodity terms with synonyms, and cue words for roles,
modes, hedges, past flows and negations (used by :mod:`geodata.draft_text`).

Nothing here names a place, an actor or a phrase of a particular report: places come from the
gazetteer and ``data/demonyms.yaml``; these are the words English reports use for goods and for
how goods move.
"""

from __future__ import annotations

# --- the commodity vocabulary ------------------------------------------------------------------

#: Words and phrases for each commodity of the registry (lower case; matched as whole words,
#: the longest first: "synthetic cannabinoids" is a synthetic drug, not cannabis). A term in
#: :data:`WEAK_TERMS` names its category rather than a commodity and defers to the nearest
#: commodity of that category stated before it in the same section.
COMMODITY_TERMS: dict[str, tuple[str, ...]] = {
    "trafficked-persons": ("human trafficking", "trafficking in persons", "trafficked persons",
                           "trafficking victims", "victims of trafficking", "victims",
                           "sexual exploitation", "labour exploitation", "labor exploitation",
                           "forced labour", "forced labor", "trafficked women",
                           "trafficked children"),
    "smuggled-migrants": ("human smuggling", "migrant smuggling", "people smuggling",
                          "smuggling of migrants", "smuggled migrants", "irregular migrants",
                          "migrants", "asylum seekers"),
    "extortion": ("extortion", "protection racketeering", "protection rackets"),
    "firearms": ("firearms", "firearm", "weapons", "arms trafficking", "arms", "guns",
                 "handguns", "rifles", "ammunition", "small arms"),
    "counterfeit-goods": ("counterfeit goods", "counterfeits", "counterfeit products",
                          "fake goods", "counterfeit clothing", "counterfeit electronics"),
    "counterfeit-medicines": ("counterfeit medicines", "falsified medicines", "fake medicines",
                              "counterfeit pharmaceuticals", "substandard medicines"),
    "cigarettes": ("cigarettes", "tobacco", "tobacco products", "cheap whites"),
    "alcohol": ("alcohol", "alcoholic beverages", "liquor", "spirits"),
    "excise-fuel": ("fuel smuggling", "smuggled fuel", "diesel", "petrol"),
    "timber": ("timber", "logs", "wood", "rosewood", "charcoal", "hardwood", "sandalwood"),
    "plants": ("plants", "flora", "orchids", "cacti", "succulents"),
    "medicinal-herbs": ("medicinal herbs", "medicinal plants", "traditional medicines"),
    "ivory": ("ivory", "elephant tusks", "tusks"),
    "live-animals": ("live animals", "live species", "live birds", "birds", "primates",
                     "primate species", "reptiles", "parrots", "exotic pets", "songbirds",
                     "live wildlife"),
    "wildlife-products": ("wildlife products", "wildlife", "fauna", "pangolin scales",
                          "pangolins", "rhino horn", "rhinoceros horn", "bushmeat",
                          "shark fins", "abalone", "sea cucumbers", "animal parts", "skins",
                          "eels", "glass eels", "elvers", "turtle shells", "totoaba"),
    "diamonds": ("diamonds", "rough diamonds", "gemstones"),
    "gold": ("gold",),
    "fuel": ("oil", "crude oil", "oil products", "fuel"),
    "minerals": ("minerals", "coltan", "tin", "tantalum", "tungsten", "cobalt", "copper",
                 "precious stones", "sand"),
    "heroin": ("heroin", "opiates", "opium"),
    "cocaine": ("cocaine", "crack cocaine", "coca paste", "cocaine base"),
    "cannabis": ("cannabis",),
    "herbal-cannabis": ("herbal cannabis", "cannabis herb", "marijuana", "marihuana", "weed",
                        "cannabis plants", "skunk"),
    "cannabis-resin": ("cannabis resin", "hashish", "hash", "resin"),
    "synthetic-drugs": ("synthetic drugs", "synthetic drug", "mdma", "ecstasy", "amphetamines",
                        "amphetamine", "methamphetamine", "crystal meth", "captagon",
                        "ketamine", "synthetic cannabinoids", "synthetic opioids", "fentanyl",
                        "tramadol", "precursors", "precursor chemicals"),
    "nps": ("new psychoactive substances", "nps", "psychoactive substances"),
    "cybercrime": ("cybercrime", "ransomware", "malware", "hacking"),
    "fraud": ("fraud", "scams", "financial fraud", "online fraud"),
    "criminal-proceeds": ("criminal proceeds", "illicit proceeds", "proceeds of crime",
                          "dirty money", "illicit funds", "laundered money", "illicit money"),
}

#: Terms that name a kind of goods rather than one commodity ("victims", "wildlife"): each takes
#: the last of its candidates named before it in the section ("victims" after "human
#: smuggling" are smuggled migrants), or else the commodity the term itself stands for.
WEAK_TERMS: dict[str, tuple[str, ...]] = {
    "victims": ("trafficked-persons", "smuggled-migrants"),
    "weapons": ("firearms",), "arms": ("firearms",),
    "wildlife": ("wildlife-products", "ivory", "live-animals"),
    "fauna": ("wildlife-products", "ivory", "live-animals"),
    "flora": ("plants", "timber", "medicinal-herbs"),
    "resin": ("cannabis-resin",), "fuel": ("fuel", "excise-fuel"),
}

# --- cue words ---------------------------------------------------------------------------------

_ORIGIN_CUES = (
    "from", "originating in", "originating from", "originate in", "originates in",
    "originated in", "sourced in", "produced in", "grown in", "cultivated in", "manufactured in",
    "made in", "harvested in", "poached in", "mined in", "caught in", "fished in", "source countries", "source country",
    "out of", "leave", "leaves", "leaving", "departs from", "depart from", "departing from",
)
_TRANSIT_CUES = (
    "via", "through", "transiting", "transiting in", "transiting through", "transits",
    "transited", "transit through", "transit via", "passing through", "passes through",
    "pass through", "by way of", "routed through", "enter", "enters", "entering", "entered",
    "enter through", "enters through", "port of entry", "ports of entry", "point of entry",
    "points of entry", "entry point", "entry points", "gateway", "gateways", "across",
    "cross", "crosses", "crossing", "crossed", "transit", "transshipped through",
    "transshipped in", "transhipped through",
)
_DESTINATION_CUES = (
    "to", "into", "destined for", "destined to", "bound for", "headed for", "heading for",
    "headed to", "heading to", "en route to", "exported to", "shipped to", "sent to",
    "smuggled to", "smuggled into", "trafficked to", "trafficked into", "for markets in",
    "for the markets of", "onward to", "onwards to", "reaching", "reach", "reaches",
    "arrive in", "arrives in", "arriving in", "towards", "toward", "for sale in",
    "for consumption in", "sold in", "supplies", "supply", "supplying", "markets of",
    "for", "on its way to", "on their way to", "in transit to", "work in", "to work in",
    "exploited in", "for exploitation in",
)
#: Phrases that name a place without a flow to, from or through it: the role of a following
#: list is cleared ("proximity to Germany", "cooperation with France", "unlike Spain").
_NO_FLOW_CUES = (
    "proximity to", "close to", "closeness to", "near", "next to", "bordering", "borders",
    "border with", "borders with", "bordered by", "neighbouring", "neighboring", "links to",
    "links with", "links between", "linked to", "connections to", "connections with",
    "ties to", "ties with", "cooperation with", "collaboration with", "in collaboration with",
    "agreements with", "agreement with", "treaty with", "similar to", "compared to",
    "compared with", "relative to", "according to", "due to", "owing to", "thanks to",
    "in addition to", "related to", "contributes to", "leads to", "subject to", "access to",
    "than", "unlike", "like", "rather than", "instead of", "heart of", "part of", "member of",
    "members of", "against", "extradition to", "extradited to", "extradited from", "deported to",
    "deported from", "returned to", "citizens of", "nationals of", "embassy of", "government of",
    "authorities of", "authorities in", "police of", "police in", "courts of", "support from",
    "funding from", "funded by", "grant from", "assistance from", "help from", "aid from",
    "visitors from", "tourists from", "investors from", "investment from",
)
CUES: dict[str, str] = {
    **{c: "origin" for c in _ORIGIN_CUES},
    **{c: "transit" for c in _TRANSIT_CUES},
    **{c: "destination" for c in _DESTINATION_CUES},
    **{c: "none" for c in _NO_FLOW_CUES},
}

MODE_CUES: dict[str, str] = {
    "by road": "road", "overland by road": "road", "by truck": "road", "by trucks": "road",
    "by lorry": "road", "in trucks": "road", "in lorries": "road", "in cars": "road",
    "by car": "road", "in vehicles": "road", "by bus": "road", "in buses": "road",
    "passenger buses": "road", "vans": "road", "by rail": "rail", "by train": "rail",
    "freight trains": "rail", "by land": "land", "overland": "land", "land routes": "land",
    "land borders": "land", "by sea": "sea", "maritime": "sea", "shipped": "sea",
    "shipping containers": "sea", "in containers": "sea", "containers": "sea",
    "container ships": "sea", "by boat": "sea", "boats": "sea", "vessels": "sea",
    "fishing vessels": "sea", "by ship": "sea", "by air": "air", "air cargo": "air",
    "air freight": "air", "by plane": "air", "flights": "air", "air couriers": "air",
    "airports": "air", "by post": "post", "postal": "post", "parcels": "post",
    "mail": "post",
}

HEDGES = ("believed", "reportedly", "reported to", "allegedly", "alleged", "suspected",
          "appear to", "appears to", "appear", "appears", "seem", "seems", "may", "might",
          "could", "likely", "possibly", "presumably", "thought to", "some reports")
PAST = ("in the past", "historically", "formerly", "previously", "once", "until",
        "in the 1970s", "in the 1980s", "in the 1990s", "in the 2000s", "decades ago")
NEGATIONS = ("no evidence", "not", "no longer", "never", "nor", "neither", "none", "no sign",
             "no indication", "little evidence", "no reports", "n't", "cannot")
#: Words after a cue that may stand before the first place of its list, or between places of
#: a list, without ending it ("destined for markets in other European countries").
FILLERS = frozenset((
    "the", "a", "an", "some", "other", "several", "various", "many", "most", "mainly", "mostly",
    "primarily", "predominantly", "particularly", "especially", "notably", "chiefly", "largely",
    "also", "both", "either", "such", "as", "including", "countries", "country", "markets",
    "market", "in", "elsewhere", "rest", "of", "and", "or", "then", "onward", "onwards",
    "further", "eventually", "finally", "usually", "often", "typically", "generally", "mainly",
    "neighbouring", "neighboring", "nearby", "western", "eastern", "northern", "southern",
    "destinations", "destination", "consumer", "consumers", "ports", "port", "cities", "city",
    "well", "well-known", "key", "major", "main", "principal", "largely", "directly",
    "ultimately", "namely", "like", "across", "various", "certain", "particular",
))
#: Nouns that make a demonym (or a place after "from") name who acts, not where goods move:
#: "Nigerian networks", "criminals from the Netherlands".
ACTOR_NOUNS = frozenset((
    "group", "groups", "network", "networks", "gang", "gangs", "mafia", "mafias", "clan",
    "clans", "cartel", "cartels", "syndicate", "syndicates", "organization", "organizations",
    "organisation", "organisations", "criminals", "criminal", "nationals", "traffickers",
    "smugglers", "actors", "brokers", "dealers", "individuals", "citizens", "diaspora",
    "communities", "community", "businessmen", "businesspeople", "companies", "company",
    "operators", "crews", "families", "family", "offenders", "suspects", "mobsters",
    "militias", "militants", "officials", "authorities", "police", "government", "investors",
    "buyers", "sellers", "importers", "exporters", "firms", "entrepreneurs", "partners",
    "dissidents", "nationality", "origin", "descent", "speaking", "mafia-style", "bikers",
    "gangsters", "elites", "politicians", "forces", "crime", "organized", "organised",
    "authorities", "convention", "law", "laws", "government", "economy", "border", "borders",
    "standards", "market", "markets", "industry", "prisons", "society", "counterparts",
    "colonies", "union", "commission", "parliament", "courts", "officers", "agencies",
))
#: Nouns after a demonym that make it a place: "African countries", "Balkan states".
PLACE_HEADS = frozenset(("countries", "country", "states", "nations", "region", "regions",
                         "territories", "coast", "coastline", "continent", "ports", "port",
                         "rivers", "waters", "airports", "soil", "territory"))
#: Verbs of arriving: with no place after them they mean the reporting country ("cocaine from
#: Brazil arrives by sea and is taken to Spain" passes through it).
ARRIVALS = frozenset(("arrives", "arrive", "arriving", "arrived", "enters", "enter", "entering",
                      "entered", "imported", "lands", "landed", "reaches", "reach"))
#: Words before a place that keep a leg into an area containing its start: "other European
#: countries", "elsewhere in Europe", "the rest of Europe".
OTHER_WORDS = frozenset(("other", "elsewhere", "rest", "further", "across", "throughout",
                         "onward", "onwards", "beyond", "wider"))
TRANSIT_WORDS = frozenset(("transit", "transiting", "transshipment", "trans-shipment",
                            "transhipment", "hub", "corridor", "conduit", "gateway"))
BE_WORDS = frozenset(("is", "are", "was", "were", "be", "being", "been", "tend", "tends", "to"))
ABBREVIATIONS = frozenset(("e.g", "i.e", "etc", "st", "mr", "mrs", "dr", "no", "vs", "u.s",
                            "u.k", "approx", "incl", "fig"))
