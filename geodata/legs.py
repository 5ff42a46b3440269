"""The legs of a statement, and how each is drawn: the Atlas's geometry, leg by leg.

* between two stages, a leg from each place of the first to each place of the second (a fan,
  where a stage names alternatives), in the order of :func:`statement_legs`;
* a leg between two placed stages follows the geodesic (:mod:`geodata.geometry`), all legs of
  a build computed in two vectorised pyproj calls (:mod:`geodata.lines`);
* a leg whose only mode is ``sea`` follows the shipping lanes
  (:class:`geodata.seaways.SeaRouter`); where an end is a region, the leg starts at sea: at
  its gateway port (its main port, from ``regions.yaml``), or where the lanes come nearest
  its representative point where it has no gateway (:func:`sea_leg` says why); a country's
  leg joins the lanes from its representative point. A leg by several modes (``by: [road,
  sea]``) is drawn as a geodesic: the report does not say which part goes by sea;
* a corridor stage is expanded into its waypoints, whose legs are always inferred;
* a leg with an unstated end is not drawn, nor the one leg of a flow within one area.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from typing import NamedTuple

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Point, one_of
from trafficking_route_mapper.geodata.gazetteer import Place
from trafficking_route_mapper.geodata.geometry import geodesic
from trafficking_route_mapper.geodata.resolve import ResolvedRoute, ResolvedStage
from trafficking_route_mapper.geodata.seaways import SeaRouter
from trafficking_route_mapper.routes.errors import SeaRoutingError

log = logging.getLogger(__name__)


class Node(NamedTuple):
    """A place a leg starts or ends at: a stage's place, one of its alternatives, or one of a
    corridor's waypoints. ``ident`` tells apart two nodes of one route at the same place.
    (Named tuples: a build makes one or two per leg.)"""

    ident: tuple[int, int, int]  # (stage, option, waypoint)
    name: str
    place: Place | None
    stated: bool


class Leg(NamedTuple):
    start: Node
    end: Node
    modes: tuple[str, ...]


def _option_nodes(route: ResolvedRoute, s: int, o: int, place: Place | None,
                  stated: bool) -> list[Node]:
    """The nodes of one place of a stage: a corridor's waypoints (always inferred), else one."""
    if place is not None and place.kind == "corridor":
        stops = [route.gazetteer.get(key) for key in place.waypoints]
        return [Node((s, o, w), stop.name, stop, False) for w, stop in enumerate(stops)]
    return [Node((s, o, 0), place.name if place else C.UNSTATED_NAME, place,
                  stated and place is not None)]


def statement_legs(route: ResolvedRoute) -> list[Leg]:
    """Every leg of a statement, in order: between two stages, one from each place of the first
    to each place of the second (the first's alternatives in order, each to all of the
    second's); a corridor's own legs follow the legs into it. A ``within`` statement has one
    leg, from its area to itself."""
    if route.within is not None:
        (stage,) = route.stages
        node = Node((0, 0, 0), route.within.name, route.within, True)
        return [Leg(node, node, stage.stage.modes)]
    legs: list[Leg] = []
    previous: list[list[Node]] = []
    for s, rs in enumerate(route.stages):
        options = [_option_nodes(route, s, o, place, rs.stage.stated)
                   for o, place in enumerate(rs.places or (None,))]
        modes = rs.stage.modes
        for before in previous:
            for nodes in options:
                legs.append(Leg(before[-1], nodes[0], modes))
        for nodes in options:
            if len(nodes) > 1:
                legs += [Leg(a, b, ()) for a, b in itertools.pairwise(nodes)]
        previous = options
    return legs


def _place_text(route: ResolvedRoute, place: Place) -> str:
    """A stage's place as the path names it: a corridor with the waypoints it is drawn
    through, "Balkan route (Afghanistan, Iran, Türkiye, ..., Germany)", so that a reader of
    the path sees where the inferred line goes without opening the corridor's definition."""
    if place.kind != "corridor":
        return place.name
    stops = ", ".join(route.gazetteer.get(key).name for key in place.waypoints)
    return f"{place.name} ({stops})"


def _stage_text(route: ResolvedRoute, rs: ResolvedStage, index: int, last: int) -> str:
    if not rs.places:
        return ("(origin not stated)" if index == 0 else
                "(destination not stated)" if index == last else "(not stated)")
    return one_of([_place_text(route, place) for place in rs.places])


def path_text(route: ResolvedRoute) -> str:
    """The statement's path as text: "Morocco → Spain → Belgium", "Guinea or Liberia → Belgium",
    "within West Africa"; a corridor names its waypoints (:func:`_place_text`)."""
    if route.within is not None:
        return f"within {route.within.name}"
    last = len(route.stages) - 1
    return " → ".join(_stage_text(route, rs, i, last) for i, rs in enumerate(route.stages))


def sea_requests(routes: Sequence[ResolvedRoute]) -> list[tuple[Point, Point]]:
    """The (start, end) of every sea leg :func:`build_atlas` will ask its router for, so that a
    caller can have them all searched beforehand (:meth:`SeaRouter.prefetch`)."""
    requests = []
    for rr in routes:
        for leg in statement_legs(rr):
            a, b = leg.start.place, leg.end.place
            if a is not None and b is not None and a is not b and leg.modes == ("sea",):
                requests.append(sea_ends(a, b))
    return requests


def sea_ends(start: Place, end: Place) -> tuple[Point, Point]:
    """Where a sea leg between two places meets the shipping lanes: an area's gateway port, or
    else the place's own point (see the module docstring)."""
    ends = []
    for place in (start, end):
        gateway = place.gateway if place.kind in ("country", "region") else None
        ends.append(gateway[1] if gateway is not None else place.point)
    return ends[0], ends[1]


def sea_leg(start: Place, end: Place, max_segment_km: float, router: SeaRouter,
            warnings: list[str] | None = None) -> tuple[list[Point], str, str | None]:
    """A sea leg between two places: from an area's gateway port where it has one. A warning
    logged is also appended to ``warnings``.

    A region's sea leg starts (or ends) at the sea, never at its representative point: at its
    gateway port, or else where the lanes come nearest that point. A line from the middle of
    a region to its coast (Central Africa to Douala is ~800 km, South America from Mato Grosso
    to Santos ~1,300 km) would read as a road across the interior that no report states; the
    region is drawn as an area instead (:mod:`maps`). A country keeps its representative
    point: that is where the map marks and names it, and the connector stays inside the
    stated country.
    """
    notes = []
    sea_start, sea_end = sea_ends(start, end)
    for place, word in ((start, "from"), (end, "to")):
        if place.kind not in ("country", "region"):
            continue
        if place.gateway is not None:
            notes.append(f"{word} {place.name} via {place.gateway[0]}, its main port (the "
                         "report names no port)")
        elif place.kind == "region":
            notes.append(f"{word} {place.name} where the shipping lanes come nearest its "
                         "representative point (the report names no port)")
        else:
            notes.append(f"{word} {place.name}, joined to the shipping lanes nearest its "
                         "representative point (the report names no port)")
    try:
        points, routing, note = router.path(sea_start, sea_end), "sea-lanes", None
    except SeaRoutingError as err:
        warning = (f"sea routing failed for {sea_start} -> {sea_end} ({err}); drawing the "
                   "geodesic instead")
        log.warning("%s", warning)
        if warnings is not None:
            warnings.append(warning)
        points = geodesic(sea_start, sea_end, max_segment_km)
        routing, note = "geodesic-fallback", "sea route could not be computed; drawn as a great circle"
    if routing == "sea-lanes" and len(points) > 2:
        # a region without a gateway joins the lanes at their nearest node: drop the
        # connector from its interior point (the first and last points are the caller's)
        if start.kind == "region" and start.gateway is None:
            points = points[1:]
        if end.kind == "region" and end.gateway is None and len(points) > 2:
            points = points[:-1]
    if note is not None:
        notes.append(note)
    text = "by sea " + "; ".join(notes) if notes else None
    return points, routing, text
