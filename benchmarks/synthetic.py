"""Seeded synthetic catalogues for the atlas-scale benchmark (:mod:`benchmarks.run`).

:func:`write_catalogue` writes one catalogue YAML in the real format (the built-in
``routes/catalogue/belgium.yaml`` is the model) with ``n`` routes over real gazetteer places:
countries, regions, cities and ports of :func:`geodata.gazetteer.builtin`, and now and then a
corridor. What it draws from, and why:

* **commodities**: every commodity of :data:`routes.commodities.COMMODITIES` in the Index's
  2021 markets (the 2023 markets were added to the registry later: leaving them out keeps the
  catalogues, and so the figures, comparable across versions); the first routes cycle
  through all of them in a seeded order, so even a small catalogue has each (at least 12 from
  ``n >= 12``), then they are drawn at random;
* **stages**: 2-5 per route (most have 2 or 3, as reports state them), no place twice in one
  route (so never twice in a row) and no corridor meeting its neighbour at a shared waypoint;
  about 30% of routes touch the reporting country (hubs then list them), 3% have an unstated
  end, 5% of transit stages are inferred from another source (drawn dashed);
* **modes**: road, air, rail and unspecified, and :data:`SEA_SHARE` (2%) of legs by sea, since
  a sea leg calls ``searoute`` (about 9 ms each, uncached) and would otherwise dominate;
* **evidence**: 1-3 items per route, a section heading, a verbatim-looking phrase of 10-20
  words (the loader's limit is 20) and a summary of 15-25 words; actors on 40% of routes.

Two shapes (:data:`SHAPES`): ``light`` is the above; ``heavy`` stresses what costs most for
real atlases: 2-6 stages, a quarter of stages regions, 10% of legs by sea between ports that
are mostly *not* in the built-in table of sea paths (250 ports of searoute's own list, declared
by the catalogue, so every such leg is searched), and a third of stages drawn from a pool of 40
places, so many legs are shared by several routes.

The output depends only on ``n``, ``seed``, the shape and the built-in gazetteer: the same
arguments give the same bytes. Every string is written double-quoted (JSON escapes are valid YAML), so no
value can be read as a number, a boolean or a date; the ``sha256`` in particular.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from trafficking_route_mapper.geodata.gazetteer import Gazetteer, Place, PlaceKind, slug
from trafficking_route_mapper.geodata.places import builtin
from trafficking_route_mapper.routes.commodities import COMMODITIES, Commodity
from trafficking_route_mapper.routes.model import MAX_PHRASE_WORDS

log = logging.getLogger(__name__)

#: Share of legs written ``by: sea`` (each one is a searoute search; see the module docstring).
SEA_SHARE = 0.02
#: The other modes of a leg and their weights (unspecified is what reports most often leave).
LAND_MODES: tuple[tuple[str, float], ...] = (
    ("unspecified", 0.36), ("road", 0.34), ("air", 0.20), ("rail", 0.08),
)
#: Number of stages per route and its weight.
STAGE_COUNTS: tuple[tuple[int, float], ...] = ((2, 0.35), (3, 0.35), (4, 0.2), (5, 0.1))
#: Kind of place at a stage and its weight (corridors are rare, as in reports).
KIND_WEIGHTS: tuple[tuple[PlaceKind, float], ...] = (
    ("country", 0.72), ("region", 0.16), ("city", 0.06), ("port", 0.05), ("corridor", 0.01),
)
REPORTING_COUNTRY = "Belgium"


@dataclass(frozen=True)
class Shape:
    """How a synthetic catalogue is drawn (see the module docstring)."""

    name: str
    sea_share: float
    stage_counts: tuple[tuple[int, float], ...]
    kind_weights: tuple[tuple[PlaceKind, float], ...]
    #: ports of searoute's list declared by the catalogue, and used at both ends of sea legs
    declared_ports: int = 0
    #: share of stages drawn from a small pool of places (legs shared by many routes)
    pooled_share: float = 0.0
    pool_size: int = 40


SHAPES: dict[str, Shape] = {
    "light": Shape("light", SEA_SHARE, STAGE_COUNTS, KIND_WEIGHTS),
    "heavy": Shape("heavy", 0.10,
                   ((2, 0.2), (3, 0.3), (4, 0.25), (5, 0.15), (6, 0.1)),
                   (("country", 0.57), ("region", 0.25), ("city", 0.06), ("port", 0.10),
                    ("corridor", 0.02)),
                   declared_ports=250, pooled_share=0.33),
}
REPORTING_SHARE = 0.3
UNSTATED_SHARE = 0.03
INFERRED_SHARE = 0.05
ACTOR_SHARE = 0.4
#: Share of routes with a route-level ``note`` (the frame keeps None for the others).
ROUTE_NOTE_SHARE = 0.2
MIN_SUMMARY_WORDS, MAX_SUMMARY_WORDS = 15, 25
MIN_PHRASE_WORDS = 10
#: Longest route id the model accepts.
MAX_ID_LENGTH = 80

_SECTIONS = {
    "People": ("PEOPLE", "HUMAN TRAFFICKING", "HUMAN SMUGGLING"),
    "Trade": ("TRADE", "ARMS TRAFFICKING"),
    "Environment": ("ENVIRONMENT", "FLORA CRIMES", "FAUNA CRIMES", "NON-RENEWABLE RESOURCE CRIMES"),
    "Drugs": ("DRUGS", "HEROIN TRADE", "COCAINE TRADE", "CANNABIS TRADE", "SYNTHETIC DRUG TRADE"),
}
_EXTRA_SECTIONS = ("CRIMINAL ACTORS", "CRIMINAL MARKETS", "RESILIENCE")

_PHRASES = (
    "{c} is mainly trafficked from {a} through {b}, and seizures have grown markedly in recent years.",
    "Criminal networks move {c} from {a} to {b} along long-established smuggling routes and front companies.",
    "{a} remains a key source of {c} destined for consumer markets in and beyond {b}.",
    "Authorities report that {c} transits {b} after arriving from {a} by {m}, often in mixed cargo.",
    "The trade in {c} between {a} and {b} is facilitated by corrupt officials and brokers.",
    "Shipments of {c} leave {a} and are repackaged in {b} before onward distribution.",
    "Most {c} seized at the border was traced back to suppliers operating in {a}.",
    "{b} serves as a transit hub for {c} originating in {a}, according to law enforcement.",
)
_SUMMARIES = (
    "{C} reaches {b} from {a}, moved by {m} through networks that exploit weak controls at several borders.",
    "The report describes {c} sourced in {a} and moved onward through {b}, with brokers arranging transport and payment.",
    "Suppliers in {a} send {c} towards {b}; the flow is described as persistent and growing over the reporting period.",
    "Networks active in {b} obtain {c} from {a} and rely on corrupt intermediaries to avoid inspections and seizures.",
    "A steady flow of {c} links {a} and {b}, carried by {m} and concealed among legitimate goods and travellers.",
)
_FILLER = (
    "according to recent seizures", "as reported by national police", "over the last three years",
    "with limited cooperation between agencies", "despite several large operations",
)
_ACTORS = (
    "Albanian-speaking networks", "Nigerian organized-crime groups", "Outlaw motorcycle gangs",
    "Italian mafia-style groups", "Moroccan-Dutch networks", "Chinese criminal networks",
    "Corrupt port workers", "Freight forwarders", "Balkan criminal groups",
    "Colombian brokers", "Turkish-speaking networks", "Eastern European crime groups",
    "Foreign criminal actors", "Private-sector facilitators",
)
_MODE_WORDS = {"road": "road", "rail": "rail", "sea": "sea", "air": "air",
               "unspecified": "various means"}
_NOTES = (
    "exact crossing point not stated in the report", "seasonal flow, peaking in summer",
    "volumes described as small", "the report names this stage only in passing",
)
#: UTF-8 decoded as Latin-1 (U+00C3 U+00B4 where U+00F4 is meant, in Cote d'Ivoire): four
#: country names in the shipped countries.geojson are stored like this; a report would not
#: spell them so, and they are left out of the draw.
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf]")
_INFERRED_SOURCE = "UNODC World Drug Report 2021 (synthetic citation for the benchmark)"


@dataclass(frozen=True)
class _Pools:
    """Gazetteer places by kind, the reporting country, in a stable order."""

    by_kind: dict[str, list[Place]]
    reporting: Place
    gazetteer: Gazetteer
    shape: Shape
    ports: list[dict[str, object]]  # declared ports, as catalogue entries
    port_places: list[Place]
    pooled: list[Place]


def _pools(gaz: Gazetteer, shape: Shape, rng: random.Random) -> _Pools:
    """Places whose display name resolves back to them (a few Natural Earth names are shared)."""
    by_kind: dict[str, list[Place]] = {}
    for kind, _ in shape.kind_weights:
        places = [p for p in gaz.places(kind)
                  if gaz.resolve(p.name).key == p.key and p.key != "country:ATA"
                  and not _MOJIBAKE.search(p.name)]
        by_kind[kind] = places
    ports, port_places = _declared_ports(gaz, shape.declared_ports, rng)
    everything = [p for kind in ("country", "region", "city", "port") for p in by_kind[kind]]
    pooled = rng.sample(everything, min(shape.pool_size, len(everything))) if shape.pooled_share else []
    return _Pools(by_kind, gaz.resolve(REPORTING_COUNTRY), gaz, shape, ports, port_places, pooled)


def _declared_ports(gaz: Gazetteer, count: int,
                    rng: random.Random) -> tuple[list[dict[str, object]], list[Place]]:
    """``count`` ports of searoute's list that a catalogue can declare: the country resolves,
    the point lies inside it (the loader checks, to 0.1 degree), the code is new."""
    if not count:
        return [], []
    import searoute
    import shapely

    from trafficking_route_mapper.geodata import places

    features = json.loads((Path(searoute.__file__).with_name("data") / "ports.geojson")
                          .read_text(encoding="utf-8"))["features"]
    rng.shuffle(features)
    taken = {p.locode for p in gaz.places("port")} | {p.locode for p in gaz.places("city")}
    entries: list[dict[str, object]] = []
    out: list[Place] = []
    for feature in features:
        props, (lon, lat) = feature["properties"], feature["geometry"]["coordinates"]
        code, country = props.get("port"), props.get("cty")
        if not code or code in taken or not re.fullmatch(r"[A-Z]{2}[A-Z2-9]{3}", code):
            continue
        if not country or country not in gaz or gaz.resolve(country).kind != "country":
            continue
        owner = gaz.resolve(country)
        if gaz.country_shape(owner.members[0]).distance(shapely.Point(lon, lat)) > 0.05:
            continue
        name = f"Port {props['name']} ({code})"
        if name in gaz:
            continue
        taken.add(code)
        entries.append({"kind": "port", "name": name, "country": owner.name, "lon": lon,
                        "lat": lat, "locode": code, "source": "searoute's list of ports"})
        out.append(places.point_place(gaz, name, "port", owner.name, (lon, lat), "searoute",
                                      code))
        if len(out) == count:
            break
    return entries, out


_K = TypeVar("_K")


def _weighted(rng: random.Random, table: Sequence[tuple[_K, float]]) -> _K:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def _entry(place: Place) -> str:
    return place.waypoints[0] if place.kind == "corridor" else place.key


def _exit(place: Place) -> str:
    return place.waypoints[-1] if place.kind == "corridor" else place.key


def _fits(place: Place, before: Place | None, used: set[str]) -> bool:
    """No place twice in a route, and no leg of zero length at a corridor's end."""
    if place.key in used:
        return False
    if before is None:
        return True
    return _entry(place) != _exit(before) and place.key not in (_entry(before), _exit(before))


def _pick_place(rng: random.Random, pools: _Pools, before: Place | None,
                used: set[str], at_sea: bool = False) -> Place:
    while True:
        if at_sea and pools.port_places:
            place = rng.choice(pools.port_places)
        elif pools.pooled and rng.random() < pools.shape.pooled_share:
            place = rng.choice(pools.pooled)
        else:
            kind = _weighted(rng, pools.shape.kind_weights)
            place = rng.choice(pools.by_kind[kind])
        if _fits(place, before, used):
            return place


def _modes(rng: random.Random, pools: _Pools, count: int) -> list[str]:
    """The mode of the leg arriving at each stage (the first has none)."""
    return ["unspecified"] + ["sea" if rng.random() < pools.shape.sea_share
                              else _weighted(rng, LAND_MODES) for _ in range(count - 1)]


def _stages(rng: random.Random, pools: _Pools, modes: Sequence[str]) -> list[Place | None]:
    """Places of one route in order; None marks an unstated end. In the heavy shape both ends
    of a sea leg are declared ports."""
    count = len(modes)
    places: list[Place | None] = []
    used: set[str] = set()
    before: Place | None = None
    reporting_at = rng.randrange(count) if rng.random() < REPORTING_SHARE else -1
    for i in range(count):
        at_sea = modes[i] == "sea" or (i + 1 < count and modes[i + 1] == "sea")
        place = pools.reporting if i == reporting_at and not at_sea else None
        if place is None or not _fits(place, before, used):
            place = _pick_place(rng, pools, before, used | {pools.reporting.key}, at_sea)
        places.append(place)
        used.add(place.key)
        before = place
    if count >= 2 and rng.random() < UNSTATED_SHARE:
        end = 0 if rng.random() < 0.5 else count - 1
        if places[end] is not pools.reporting and sum(p is not None for p in places) > 1:
            places[end] = None
    return places


def _words(text: str, low: int, high: int, rng: random.Random) -> str:
    """``text`` with between ``low`` and ``high`` words: padded with filler or cut."""
    words = text.split()
    while len(words) < low:
        words = (" ".join(words).rstrip(".") + ", " + rng.choice(_FILLER) + ".").split()
    if len(words) > high:
        words = words[:high]
        words[-1] = words[-1].rstrip(",;") + ("" if words[-1].endswith(".") else ".")
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _evidence(rng: random.Random, commodity: Commodity, a: str, b: str,
              mode: str) -> dict[str, str]:
    c = commodity.label.lower()
    fill = {"c": c, "C": commodity.label, "a": a, "b": b, "m": _MODE_WORDS[mode]}
    phrase = rng.choice(_PHRASES).format(**fill)
    summary = rng.choice(_SUMMARIES).format(**fill)
    sections = _SECTIONS[commodity.category] + _EXTRA_SECTIONS
    return {
        "section": rng.choice(sections),
        "phrase": _words(phrase, MIN_PHRASE_WORDS, MAX_PHRASE_WORDS, rng),
        "summary": _words(summary, MIN_SUMMARY_WORDS, MAX_SUMMARY_WORDS, rng),
    }


def _q(text: str) -> str:
    """A double-quoted YAML scalar (JSON string syntax is a subset of it)."""
    return json.dumps(text, ensure_ascii=False)


def _route_id(index: int, commodity: str, places: Sequence[Place | None]) -> str:
    ends = [slug(p.name) if p is not None else "unstated" for p in (places[0], places[-1])]
    text = f"{commodity}-{index:05d}-{ends[0]}-{ends[1]}"[:MAX_ID_LENGTH]
    return text.rstrip("-")


def _route_lines(rng: random.Random, pools: _Pools, index: int, commodity: Commodity,
                 flow: str) -> list[str]:
    modes = _modes(rng, pools, _weighted(rng, pools.shape.stage_counts))
    places = _stages(rng, pools, modes)
    last = len(places) - 1
    named = [p.name if p is not None else
             "an unstated origin" if i == 0 else "an unstated destination"
             for i, p in enumerate(places)]
    if pools.reporting in places:
        at = places.index(pools.reporting)
        role = "source" if at == 0 else "destination" if at == last else "transit"
    else:
        role = rng.choice(("transit", "destination"))
    via = f" via {', '.join(named[1:-1])}" if len(named) > 2 else ""
    label = f"{commodity.label} from {named[0]} to {named[-1]}{via}"
    lines = [
        f"- id: {_route_id(index, commodity.id, places)}",
        f"  flow: {flow}",
        f"  commodity: {commodity.id}",
        f"  label: {_q(label)}",
        f"  reporting_role: {role}",
        "  stages:",
    ]
    for i, place in enumerate(places):
        if place is None:
            lines.append("  - unstated: true")
            lines.append(f"    note: {_q('end not stated in the report')}")
        else:
            lines.append(f"  - place: {_q(place.name)}")
            if 0 < i < last and rng.random() < INFERRED_SHARE:
                lines.append("    stated: false")
                lines.append(f"    source: {_q(_INFERRED_SOURCE)}")
            elif rng.random() < 0.05:
                lines.append(f"    note: {_q(rng.choice(_NOTES))}")
        if i > 0 and modes[i] != "unspecified":
            lines.append(f"    by: {modes[i]}")
    lines.append("  evidence:")
    pairs = list(itertools.pairwise(named))
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        a, b = rng.choice(pairs)
        ev = _evidence(rng, commodity, a, b, rng.choice(modes[1:]))
        lines.append(f"  - section: {_q(ev['section'])}")
        lines.append(f"    phrase: {_q(ev['phrase'])}")
        lines.append(f"    summary: {_q(ev['summary'])}")
    if rng.random() < ACTOR_SHARE:
        actors = rng.sample(_ACTORS, rng.choice((1, 1, 2)))
        lines.append(f"  actors: [{', '.join(_q(a) for a in actors)}]")
    if rng.random() < ROUTE_NOTE_SHARE:
        lines.append(f"  note: {_q('synthetic route ' + str(index) + ' for the atlas benchmark')}")
    return lines


def catalogue_text(n: int, seed: int, gaz: Gazetteer | None = None,
                   shape: str = "light") -> str:
    """The YAML text of a synthetic catalogue of ``n`` routes (see the module docstring)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    rng = random.Random(seed)
    pools = _pools(gaz if gaz is not None else builtin(), SHAPES[shape], rng)
    order = [c for c in COMMODITIES.values() if c.market.since == 2021]
    rng.shuffle(order)
    digest = hashlib.sha256(f"synthetic-{shape}:{n}:{seed}".encode()).hexdigest()
    lines = [
        f"# Synthetic catalogue for benchmarks/run.py: {n} routes, {shape} shape, seed {seed}. By",
        "# benchmarks/synthetic.py over real gazetteer places; the routes and texts are made up.",
        "source:",
        f"  id: synthetic-{shape}-n{n}-s{seed}",
        f"  title: {_q(f'Synthetic atlas catalogue ({shape}, {n} routes, seed {seed})')}",
        f"  publisher: {_q('trafficking-route-mapper benchmarks')}",
        f"  edition: {_q('1')}",
        "  year: 2024",
        f"  url: https://example.org/synthetic-atlas/n{n}-s{seed}",
        f"  sha256: {_q(digest)}",
        f"  reporting_country: {_q(REPORTING_COUNTRY)}",
        "",
    ]
    if pools.ports:
        lines.append("places:")
        for port in pools.ports:
            lines += [f"- kind: {port['kind']}", f"  name: {_q(str(port['name']))}",
                      f"  country: {_q(str(port['country']))}", f"  lon: {port['lon']}",
                      f"  lat: {port['lat']}", f"  locode: {port['locode']}",
                      f"  source: {_q(str(port['source']))}"]
        lines.append("")
    lines.append("routes:")
    flow_left = 0
    flow = ""
    for i in range(n):
        commodity = order[i] if i < len(order) else rng.choice(order)
        if flow_left == 0 or not flow.startswith(commodity.id + "-"):
            flow = f"{commodity.id}-flow-{i:05d}"
            flow_left = rng.choice((1, 2, 3, 4))
        flow_left -= 1
        lines += _route_lines(rng, pools, i, commodity, flow)
    return "\n".join(lines) + "\n"


def write_catalogue(path: Path, n: int, seed: int, shape: str = "light") -> Path:
    """Write a synthetic catalogue of ``n`` routes to ``path`` (folders created) and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(catalogue_text(n, seed, shape=shape), encoding="utf-8")
    log.info("wrote a synthetic %s catalogue of %d routes (seed %d) to %s", shape, n, seed, path)
    return path
