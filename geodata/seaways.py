"""Route the sea leg of a trafficking route along real shipping lanes.

A maritime leg drawn as a great circle crosses continents (Santos to Antwerp would cut through
the bulge of Brazil, Guayaquil to Antwerp through Colombia), which misleads a reader of the map.
Routing is delegated to the ``searoute`` package (Apache-2.0, by Gent Halili), a shortest-path
search over a maritime network derived from Eurostat's MARNET/SeaRoute graph; this module does not
route by itself. It only adds what the maps need on top of it:

* the leg starts and ends *exactly* at the caller's points (``searoute`` snaps both ends to the
  nearest network node, which may be tens of kilometres away, so straight connectors join them);
* longitudes are *unwrapped* (no step of more than 180 degrees), so a trans-Pacific leg is one
  continuous line that Leaflet/shapely draw across the Pacific rather than across the whole map;
* every failure surfaces as one exception type, :class:`SeaRoutingError`, so the caller can fall
  back to a geodesic and say so.

``searoute`` is imported lazily, inside the routing function: importing it pulls in networkx and
geojson, and its first route loads a 1.8 MB Python literal of ~9,700 nodes and ~32,000 edges and
builds a k-d tree over them (roughly 0.1 s each, networkx being most of the import; measured by
``benchmarks/sea_legs.py``). Code paths that never draw a sea leg (catalogue validation,
``--help``) should not pay for that.

Between two of the points where built-in places meet the lanes (gateway ports, ports, cities),
the path is read from a table of shortest-path trees derived from the same network
(``data/sea_paths.npz``, :mod:`geodata.build_seaways`): no search and no network to load.
Any other point, or another ``searoute`` version than the table's, goes to ``searoute``.

A :class:`SeaRouter` holds the paths found so far; a build makes one and passes it to the
geometry builder, after asking it to :meth:`~SeaRouter.prefetch` every sea leg at once (in
worker processes when there are many to search).
"""

from __future__ import annotations

import functools
import logging
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from trafficking_route_mapper.geodata.atlas import PRECISION, Point
from trafficking_route_mapper.routes.errors import SeaRoutingError

__all__ = ["SEA_RESTRICTIONS", "SeaRouter", "SeaRoutingError"]

log = logging.getLogger(__name__)

#: Passages ``searoute`` must not use, as its own passage names. Its network tags as
#: ``northwest`` both the Parry Channel/Lancaster Sound edges of the Canadian archipelago and the
#: Chukchi Sea edges just north of the Bering Strait (towards Alaska *and* towards Siberia), and
#: tags the strait itself ``bering``. Excluding ``northwest`` therefore removes the Northwest and
#: the Northeast passage alike as Atlantic-Pacific transits: with no restrictions, searoute sends
#: Antwerp-Shanghai and Antwerp-Vancouver over the Arctic; with these, via Suez and Panama.
#: ``bering`` is redundant with the current network but states the intent should a later network
#: tag the Northern Sea Route differently. Neither passage is a realistic lane for the container
#: and bulk traffic that carries illicit cargo. Suez, Panama, Gibraltar, Bab-el-Mandeb, Hormuz,
#: Malacca, Sunda, the Bosporus, the Cape of Good Hope and Cape Horn stay open: they are the
#: lanes the reports describe. (Known network limitation: legs between an Arctic port and the
#: Pacific can still follow searoute's helper edges along the 180th meridian across Chukotka.)
SEA_RESTRICTIONS: tuple[str, ...] = ("northwest", "bering")

Key = tuple[Point, Point]

#: Below this many distinct searches, starting worker processes costs more than it saves.
PARALLEL_SEARCHES = 16


class SeaRouter:
    """Shipping-lane paths between points, remembered: the shipped table of built-in ports
    first, then ``searoute``'s search (see the module docstring).

    ``use_table=False`` searches every leg (to check the table against the search, say).
    """

    def __init__(self, use_table: bool = True) -> None:
        self._use_table = use_table
        self._paths: dict[Key, tuple[Point, ...]] = {}

    def path(self, start: Point, end: Point) -> list[Point]:
        """The shipping-lane path from ``start`` to ``end`` as ``(lon, lat)`` points.

        The first point is ``start`` itself (the very same floats) and the last is ``end``
        itself; only when the leg crosses the antimeridian is the last longitude
        ``end[0] + 360 * k`` (for the integer ``k`` that keeps the line continuous; e.g.
        Shanghai to Los Angeles ends at ``241.74`` rather than ``-118.26``), because a line
        cannot be both continuous and end at the caller's wrapped longitude. Intermediate
        points are ``searoute`` network nodes rounded to :data:`PRECISION` decimals.
        Consecutive duplicates are removed, so ``start == end`` gives a single point.

        Longitudes are unwrapped from ``start[0]``: no two consecutive points differ by more
        than 180 degrees of longitude. The result is deterministic (it depends only on the
        inputs and the installed ``searoute`` network) and the network part is remembered per
        pair of inputs rounded to :data:`PRECISION` decimals; the returned list is a fresh copy.

        Raises:
            SeaRoutingError: the input is not a finite coordinate, or ``searoute`` failed.
        """
        for point in (start, end):
            if not _routable(point):
                raise SeaRoutingError(
                    f"cannot route a sea leg from {start!r} to {end!r}: "
                    f"{point!r} is not a finite (lon, lat) with -90 <= lat <= 90"
                )
        if start == end:
            return [start]
        key = (_cache_key(start), _cache_key(end))
        try:
            network = self._network(key)
        except SeaRoutingError as exc:
            # Re-raised to name the caller's points rather than the rounded keys, chained to
            # searoute's own exception (if any) rather than to the intermediate one.
            message = f"cannot route a sea leg from {start!r} to {end!r}: {exc}"
            raise SeaRoutingError(message) from exc.__cause__

        path: list[Point] = [start]
        for lon, lat in network:
            path.append((round(_unwrap(lon, path[-1][0]), PRECISION), lat))
        path.append((_unwrap(end[0], path[-1][0]), end[1]))
        return _drop_consecutive_duplicates(path)

    def _network(self, key: Key) -> tuple[Point, ...]:
        found = self._paths.get(key)
        if found is None:
            found = (self._use_table and _table_path(*key)) or search(*key)
            self._paths[key] = found
        return found

    def unrouted(self, pairs: Iterable[tuple[Point, Point]]) -> list[Key]:
        """The distinct searches :meth:`path` would make for ``pairs``, sorted: pairs it
        answers without one (invalid points, ``start == end``, both ends in the table) and
        pairs already known are left out."""
        keys = {(_cache_key(start), _cache_key(end)) for start, end in pairs
                if start != end and _routable(start) and _routable(end)}
        return sorted(key for key in keys if key not in self._paths
                      and not (self._use_table and _table_path(*key)))

    def prefetch(self, pairs: Iterable[tuple[Point, Point]], jobs: int = 1) -> int:
        """Search every leg of ``pairs`` that needs it now, in up to ``jobs`` worker processes
        when there are :data:`PARALLEL_SEARCHES` or more; returns how many were searched. A
        search that fails is left to :meth:`path`, which tries again and says why."""
        from trafficking_route_mapper.geodata import parallel

        keys = self.unrouted(pairs)
        if len(keys) < PARALLEL_SEARCHES or jobs < 2 or not parallel.can_fork():
            return 0
        steps = [functools.partial(search_many, chunk) for chunk in parallel.chunks(keys, jobs)]
        for results in parallel.run(steps, jobs):
            for key, nodes in results:
                if nodes is not None:
                    self._paths[key] = nodes
        log.info("routed %d sea legs in %d processes", len(keys), min(jobs, len(steps)))
        return len(keys)


def search_many(keys: Sequence[Key]) -> list[tuple[Key, tuple[Point, ...] | None]]:
    """The network path of every key, or None where the search fails. Runs in any process:
    the results are plain data."""
    out: list[tuple[Key, tuple[Point, ...] | None]] = []
    for key in keys:
        try:
            out.append((key, search(*key)))
        except SeaRoutingError:
            out.append((key, None))
    return out


def _routable(point: Point) -> bool:
    """A finite (lon, lat) with -90 <= lat <= 90: what :func:`sea_path` accepts."""
    lon, lat = point
    return math.isfinite(lon) and math.isfinite(lat) and -90.0 <= lat <= 90.0


def _cache_key(point: Point) -> Point:
    """Wrap the longitude into [-180, 180) and round both values to :data:`PRECISION` decimals.

    ``searoute`` snaps to the nearest node by planar distance in degrees, and nearly all of its
    nodes lie in [-180, 180]; wrapping keeps an already-unwrapped input (``lon = 190``) from
    snapping to the wrong side of the map. Rounding makes inputs that differ by less than a
    metre share a cache entry.
    """
    lon, lat = point
    wrapped = (lon + 180.0) % 360.0 - 180.0  # [-180, 180): searoute's nodes have no +180
    return (round(wrapped, PRECISION) + 0.0, round(lat, PRECISION) + 0.0)  # + 0.0: no -0.0 key


def _unwrap(lon: float, previous: float) -> float:
    """Shift ``lon`` by a whole number of turns so it is within 180 degrees of ``previous``.

    Adding ``360 * k`` (rather than recomputing ``previous + delta``) leaves ``lon`` bit-for-bit
    unchanged when no shift is needed, which keeps the end point exact.
    """
    turns = round((previous - lon) / 360.0)
    return lon + 360.0 * turns if turns else lon


def _drop_consecutive_duplicates(path: list[Point]) -> list[Point]:
    """Remove repeated points (a node equal to an end point, the antimeridian seam's twin node).

    Equality is exact, so when a network node equals ``start`` or ``end`` the two are the same
    floats and dropping either keeps the end points exact.
    """
    kept: list[Point] = [path[0]]
    for point in path[1:]:
        if point != kept[-1]:
            kept.append(point)
    return kept


# Search: searoute's A* (great-circle heuristic) rather than its bidirectional Dijkstra. Both
# return a shortest path; A* expands fewer nodes: 369 distinct legs of the 10,000-route benchmark
# took 2.35 s instead of 4.46 s, with not one path different (nor any of 60 random node pairs,
# nor the built-in catalogue's outputs; measured on this machine). searoute
# rounds edge weights to 0.1 km, so the heuristic can overestimate by that rounding: a path
# could in principle differ from Dijkstra's where two lanes' lengths are within metres.
# searoute's igraph backend gives identical paths 3.4 times faster per leg (1.9 ms against 6.5 ms,
# 60 random pairs, measured here), but importing igraph costs 0.34 s: it pays off only past ~75
# uncached sea legs in one build, so the default networkx backend is kept.


# --- the table of paths between built-in ports --------------------------------------------------


@dataclass(frozen=True)
class _Table:
    nodes: list[Point]  # network nodes, as searoute has them
    node_of: dict[Point, int]  # endpoint key -> its snapped node
    preds: Any  # (roots, nodes) int16: predecessor on the shortest path from the root, or -1
    row_of: dict[int, int]  # root node -> row of preds


@functools.lru_cache(maxsize=1)
def _table() -> _Table | None:
    """The shipped table (:mod:`geodata.build_seaways`), or None when it does not apply."""
    from importlib import metadata, resources

    import numpy as np

    try:
        with (resources.files("trafficking_route_mapper.geodata") / "data" / "sea_paths.npz").open("rb") as f:
            z = np.load(f, allow_pickle=False)
            arrays = {name: z[name] for name in z.files}
        installed = metadata.version("searoute")
    except (OSError, ValueError, KeyError, metadata.PackageNotFoundError) as err:
        log.debug("no table of sea paths (%s): every sea leg is searched", err)
        return None
    made_for = (str(arrays["searoute_version"]), tuple(str(r) for r in arrays["restrictions"]))
    if made_for != (installed, SEA_RESTRICTIONS):
        log.debug("the table of sea paths was derived for searoute %s with restrictions %s, "
                  "not %s with %s: every sea leg is searched", *made_for, installed,
                  SEA_RESTRICTIONS)
        return None
    nodes = [(float(x), float(y)) for x, y in arrays["nodes"].tolist()]
    node_of = {(float(x), float(y)): int(n)
               for (x, y), n in zip(arrays["endpoints"].tolist(),
                                    arrays["endpoint_nodes"].tolist(), strict=True)}
    row_of = {int(root): row for row, root in enumerate(arrays["roots"].tolist())}
    return _Table(nodes, node_of, arrays["preds"], row_of)


def _table_path(origin: Point, destination: Point) -> tuple[Point, ...] | None:
    """The network path between two table endpoints as :func:`search` gives it, or None.

    Longitudes get searoute's own normalisation (each node within 180 degrees of the one
    before) before rounding, so the points are those a search would return.
    """
    table = _table()
    if table is None:
        return None
    source, target = table.node_of.get(origin), table.node_of.get(destination)
    if source is None or target is None or source not in table.row_of:
        return None
    preds = table.preds[table.row_of[source]]
    path = [target]
    while path[-1] != source:
        before = int(preds[path[-1]])
        if before < 0 or len(path) > len(table.nodes):
            return None  # unreachable: let searoute say why
        path.append(before)
    out: list[Point] = []
    previous: float | None = None
    for i in reversed(path):
        lon, lat = table.nodes[i]
        if previous is not None:
            if previous - lon < -180.0:
                lon -= 360.0
            elif previous - lon > 180.0:
                lon += 360.0
        out.append((round(lon, PRECISION) + 0.0, round(lat, PRECISION) + 0.0))
        previous = lon
    return tuple(out)


def search(origin: Point, destination: Point) -> tuple[Point, ...]:
    """Return ``searoute``'s node path between the nodes nearest ``origin`` and ``destination``.

    Each search walks a 10,000-node graph, so :class:`SeaRouter` remembers the results (an
    immutable tuple, so no caller can corrupt them); failures are not remembered.

    ``restrictions`` is always passed explicitly: ``searoute`` stores it on its module-wide
    cached graph, so a call elsewhere with other restrictions (or with ``None``, which keeps the
    previous ones) would otherwise leak into ours. That shared state also makes concurrent calls
    with *different* restrictions from several threads unsafe; all calls from here agree.
    """
    try:
        import searoute  # lazy: see the module docstring

        # searoute reports "no path" (e.g. every lane blocked by restrictions) as a UserWarning
        # plus an empty line; capture it so the reason ends up in our exception message instead
        # of as a second, less specific warning next to the caller's own. (catch_warnings is
        # process-wide state: with threads it could also swallow another thread's warning.)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            feature = searoute.searoute(
                list(origin),
                list(destination),
                units="km",  # only affects the length property, which is not used here
                # Connectors to the caller's exact points are added by sea_path, outside the
                # cache, so one cache entry serves all inputs that round to the same key.
                append_orig_dest=False,
                # Do not re-target the ends to searoute's port list: the caller's points are
                # the ports the reports name, not the nearest port searoute knows.
                include_ports=False,
                restrictions=list(SEA_RESTRICTIONS),
                algorithm="astar",  # see the note above search()
                backend="networkx",  # see the note above search() on igraph
            )
        coordinates = feature["geometry"]["coordinates"]
        nodes = tuple(
            (round(float(lon), PRECISION) + 0.0, round(float(lat), PRECISION) + 0.0)
            for lon, lat in coordinates
        )
    except Exception as exc:  # any failure inside searoute, as promised by SeaRoutingError
        raise SeaRoutingError(f"searoute raised {type(exc).__name__}: {exc}") from exc
    if not nodes:
        reasons = "; ".join(str(w.message) for w in caught) or "no reason given"
        raise SeaRoutingError(f"searoute returned an empty path ({reasons})")
    bad = sum(not (math.isfinite(lon) and math.isfinite(lat)) for lon, lat in nodes)
    if bad:
        raise SeaRoutingError(f"searoute returned {bad} non-finite point(s) out of {len(nodes)}")
    return nodes
