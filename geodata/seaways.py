"""Route the sea leg of a trafficking route along real shipping lanes.

A maritime leg drawn as a great circle crosses continents (Santos to Antwerp would cut through
the bulge of Brazil, Guayaquil to Antwerp through Colombia), which misleads a reader of the map.
The lanes are those of the ``searoute`` package (Apache-2.0, by Gent Halili): its maritime network,
derived from Eurostat's MARNET/SeaRoute graph, with its edge lengths, read from the package at run
time. The shortest paths are searched here, all of a build at once, with scipy's compiled
Dijkstra (:func:`search_many`) rather than searoute's own search in Python (16 ms a leg); the
ends are snapped to the network's nearest node as searoute snaps them. On top of that:

* the leg starts and ends *exactly* at the caller's points (``searoute`` snaps both ends to the
  nearest network node, which may be tens of kilometres away, so straight connectors join them);
* longitudes are *unwrapped* (no step of more than 180 degrees), so a trans-Pacific leg is one
  continuous line that Leaflet/shapely draw across the Pacific rather than across the whole map;
* every failure surfaces as one exception type, :class:`SeaRoutingError`, so the caller can fall
  back to a geodesic and say so.

The network (a 1.8 MB Python literal of ~9,700 nodes and ~32,000 directed edges, 0.24 s to
read) and scipy (0.25 s to import) are loaded on the first search only: code paths that never
search a leg (validation, ``--help``, the built-in catalogue, whose legs the table answers)
never pay for them.

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

#: From this many distinct searches, they are split over worker processes (below, starting
#: workers costs more than it saves: a search is ~1.4 ms).
PARALLEL_SEARCHES = 400


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
        """Search every leg of ``pairs`` that needs it now, all at once (:func:`search_many`),
        in up to ``jobs`` worker processes when there are :data:`PARALLEL_SEARCHES` or more;
        returns how many were searched. A leg with no path is left to :meth:`path`, which
        tries again and says why."""
        from trafficking_route_mapper.geodata import parallel

        keys = self.unrouted(pairs)
        if not keys:
            return 0
        workers = jobs if len(keys) >= PARALLEL_SEARCHES and parallel.can_fork() else 1
        steps = [functools.partial(search_many, chunk) for chunk in parallel.chunks(keys, workers)]
        for results in parallel.run(steps, workers):
            for key, nodes in results:
                if nodes is not None:
                    self._paths[key] = nodes
        log.info("routed %d sea legs (%d process%s)", len(keys), min(workers, len(steps)),
                 "" if min(workers, len(steps)) == 1 else "es")
        return len(keys)


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


# --- the table of paths between built-in ports --------------------------------------------------


@dataclass(frozen=True)
class _Table:
    nodes: Any  # (n, 2) float64: network nodes, as searoute has them
    node_of: dict[Point, int]  # endpoint key -> its snapped node
    preds: Any  # (roots, nodes) int16: predecessor on the shortest path from the root, or -1
    row_of: dict[int, int]  # root node -> row of preds
    rounded: list[Point]  # each node's point rounded to PRECISION
    edges: tuple[Any, Any, Any]  # the network's directed edges: from, to, length in km


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
    if "edge_from" not in arrays:
        log.debug("the table of sea paths holds no network (made before it did): run "
                  "make geodata")
        return None
    made_for = (str(arrays["searoute_version"]), tuple(str(r) for r in arrays["restrictions"]))
    if made_for != (installed, SEA_RESTRICTIONS):
        log.debug("the table of sea paths was derived for searoute %s with restrictions %s, "
                  "not %s with %s: every sea leg is searched", *made_for, installed,
                  SEA_RESTRICTIONS)
        return None
    nodes = arrays["nodes"]
    node_of = {(float(x), float(y)): int(n)
               for (x, y), n in zip(arrays["endpoints"].tolist(),
                                    arrays["endpoint_nodes"].tolist(), strict=True)}
    row_of = {int(root): row for row, root in enumerate(arrays["roots"].tolist())}
    edges = (arrays["edge_from"], arrays["edge_to"], arrays["edge_km"])
    return _Table(nodes, node_of, arrays["preds"], row_of, _rounded(nodes), edges)


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
    path = _walk_back(table.preds[table.row_of[source]], source, target)
    return None if path is None else _normalised(table.nodes, table.rounded, path)


# --- searching many legs at once ----------------------------------------------------------------


@dataclass(frozen=True)
class _Network:
    nodes: Any  # (n, 2) float64, sorted: the order of the table's nodes
    graph: Any  # scipy CSR matrix of edge lengths (km), restricted passages left out
    rounded: list[Point]  # each node's point rounded to PRECISION


@functools.lru_cache(maxsize=1)
def _network() -> _Network:
    """searoute's network as a sparse matrix: from the shipped table's copy of it when that
    applies (milliseconds), else read from the installed package (0.12 s, 24 MB).

    searoute's graph is its adjacency dictionary as given (``G._adj = edge_list``): each edge
    u -> v with its own data, both directions listed. It is taken as it is (a directed matrix
    of the same entries), less the edges of a restricted passage; explicit zero lengths (the
    antimeridian seam) stay edges.
    """
    import numpy as np
    from scipy.sparse import csr_matrix

    table = _table()
    if table is not None:
        nodes, (rows, cols, lengths) = table.nodes, table.edges
    else:
        from searoute.data.marnet_dict import edge_list, node_list

        ordered = sorted(node_list)
        index = {node: i for i, node in enumerate(ordered)}
        edges = [(index[u], index[v], float(data["weight"]))
                 for u, targets in edge_list.items() for v, data in targets.items()
                 if data.get("passage") not in SEA_RESTRICTIONS]
        nodes = np.array(ordered, dtype=np.float64)
        rows, cols, lengths = (np.array([e[i] for e in edges]) for i in range(3))
    graph = csr_matrix((np.asarray(lengths, dtype=np.float64),
                        (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
                       shape=(len(nodes), len(nodes)))
    return _Network(nodes, graph, _rounded(nodes))


def snap(points: Sequence[Point]) -> list[int]:
    """The network node nearest each point, by planar distance in degrees (as searoute's k-d
    tree snaps; a tie goes to the first node in sorted order)."""
    import numpy as np

    nodes = _network().nodes
    out: list[int] = []
    for chunk in range(0, len(points), 256):
        p = np.asarray(points[chunk:chunk + 256], dtype=np.float64).reshape(-1, 2)
        d = ((p[:, None, :] - nodes[None, :, :]) ** 2).sum(axis=2)
        out += [int(i) for i in d.argmin(axis=1)]
    return out


#: Dijkstra runs per scipy call: bounds its (sources x nodes) result arrays (~5 MB).
_SOURCES_PER_CALL = 64


def search_many(keys: Sequence[Key]) -> list[tuple[Key, tuple[Point, ...] | None]]:
    """The network path of every (origin, destination) key, or None where there is none.

    Ends are snapped once per distinct point; one Dijkstra run from each distinct origin node
    answers every leg that starts there (scipy's compiled search, ~1.4 ms a run over the whole
    network). A leg's path depends on its two ends only, never on the other legs searched
    with it. Runs in any process: the results are plain data.
    """
    from scipy.sparse.csgraph import dijkstra

    network = _network()
    points = sorted({point for key in keys for point in key})
    node_of = dict(zip(points, snap(points), strict=True))
    wanted: dict[int, set[int]] = {}
    for origin, destination in keys:
        wanted.setdefault(node_of[origin], set()).add(node_of[destination])
    paths: dict[tuple[int, int], list[int] | None] = {}
    sources = sorted(wanted)
    for lo in range(0, len(sources), _SOURCES_PER_CALL):
        chunk = sources[lo:lo + _SOURCES_PER_CALL]
        _, preds = dijkstra(network.graph, directed=True, indices=chunk, return_predecessors=True)
        for row, source in enumerate(chunk):
            for target in sorted(wanted[source]):
                paths[(source, target)] = _walk_back(preds[row], source, target)
    out: list[tuple[Key, tuple[Point, ...] | None]] = []
    for key in keys:
        nodes = paths[(node_of[key[0]], node_of[key[1]])]
        out.append((key, None if nodes is None else
                    _normalised(network.nodes, network.rounded, nodes)))
    return out


def _walk_back(preds: Any, source: int, target: int) -> list[int] | None:
    path = [target]
    while path[-1] != source:
        before = int(preds[path[-1]])
        if before < 0 or len(path) > len(preds):
            return None  # unreachable
        path.append(before)
    path.reverse()
    return path


def _normalised(nodes: Any, rounded: Sequence[Point], path: Sequence[int]) -> tuple[Point, ...]:
    """A path's points as searoute gives them: each node within 180 degrees of longitude of
    the one before (searoute's own normalisation), then rounded.

    ``rounded`` holds every node's rounded point, made once per network (:func:`_rounded`);
    only a path that crosses the antimeridian is walked point by point.
    """
    lon = nodes[path, 0]
    if len(path) < 2 or not (abs(lon[1:] - lon[:-1]) > 180.0).any():
        return tuple(rounded[i] for i in path)
    out: list[Point] = []
    previous: float | None = None
    for i in path:
        x = float(nodes[i, 0])
        if previous is not None:
            if previous - x < -180.0:
                x -= 360.0
            elif previous - x > 180.0:
                x += 360.0
        out.append((round(x, PRECISION) + 0.0, rounded[i][1]))
        previous = x
    return tuple(out)


def _rounded(nodes: Any) -> list[Point]:
    """Every node's point rounded to PRECISION (made once per network)."""
    return [(round(float(x), PRECISION) + 0.0, round(float(y), PRECISION) + 0.0)
            for x, y in nodes.tolist()]


def search(origin: Point, destination: Point) -> tuple[Point, ...]:
    """The network path between the nodes nearest ``origin`` and ``destination`` (see
    :func:`search_many`); raises :class:`SeaRoutingError` where there is none."""
    try:
        ((_, nodes),) = search_many([(origin, destination)])
    except Exception as exc:  # anything failing in the search: the caller falls back, loudly
        raise SeaRoutingError(f"the sea-lane search failed: {type(exc).__name__}: {exc}") from exc
    if nodes is None:
        raise SeaRoutingError("no shipping lane joins the network points nearest the two ends "
                              f"(passages {', '.join(SEA_RESTRICTIONS)} are closed)")
    return nodes
