"""Regenerate ``geodata/data/sea_paths.npz``: shortest sea paths between the gazetteer's ports.

A sea leg between two gazetteer places (a country or region through its gateway port, a city
or port at its own point) always starts and ends at one of a few hundred points, each snapped
by ``searoute`` to a node of its maritime network. This script runs Dijkstra (networkx, on
``searoute``'s own network and edge weights, less the passages of
:data:`geodata.seaways.SEA_RESTRICTIONS`) once from every such node and keeps the tree of
predecessors: any path between two of these points is then read back in microseconds, where a
search costs 6 ms and loading the network 0.2 s (:func:`geodata.seaways.sea_path` uses the
table and falls back to ``searoute`` for any other point). The paths are shortest paths of the
same network; where two routes tie in length, the table may take the other one.

The file also holds the network itself (its directed edges and their lengths, less the
restricted passages), which :func:`geodata.seaways.search_many` searches for any other pair
of points: reading these arrays takes milliseconds, where searoute's own 1.8 MB literal takes
0.12 s and 24 MB.

The file is a zip of ``.npy`` arrays (``numpy.load`` reads it) written with fixed timestamps,
so the same inputs give the same bytes. It records the ``searoute`` version it was derived
from; with another version installed the table is ignored. Never edit it by hand: run
``make geodata``.
"""

from __future__ import annotations

import io
import sys
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from trafficking_route_mapper.geodata import derive

OUTPUT = Path(__file__).with_name("data") / "sea_paths.npz"


def endpoints() -> list[tuple[float, float]]:
    """Every point where a sea leg between two built-in places meets the network, as the
    rounded keys :mod:`geodata.seaways` searches by; sorted."""
    from trafficking_route_mapper.geodata import places, seaways

    points = set()
    for place in places.builtin().places():
        if place.kind in ("country", "region"):
            points.add(place.gateway[1] if place.gateway is not None else place.point)
        elif place.kind in ("city", "port"):
            points.add(place.point)
    return sorted({seaways._cache_key(point) for point in points})


def build(sources: int | None = None) -> dict[str, Any]:
    """The table's arrays (``sources``: only the first that many trees, for tests)."""
    import networkx as nx
    from searoute.searoute import get_graphs

    from trafficking_route_mapper.geodata import seaways

    network, _ = get_graphs(None, None, "networkx")
    graph = nx.Graph()
    graph.add_nodes_from(network.nodes)
    graph.add_edges_from((u, v, {"weight": data["weight"]})
                         for u, v, data in network.edges(data=True)
                         if data.get("passage") not in seaways.SEA_RESTRICTIONS)
    nodes = sorted(network.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    if len(nodes) >= np.iinfo(np.int16).max:
        raise ValueError(f"{len(nodes)} network nodes do not fit the table's int16 indices")
    keys = endpoints()
    snapped = [index[network.kdtree.query(list(key))] for key in keys]
    roots = sorted(set(snapped))[:sources]
    preds = np.full((len(roots), len(nodes)), -1, dtype=np.int16)
    for row, root in enumerate(roots):
        pred, _ = nx.dijkstra_predecessor_and_distance(graph, nodes[root], weight="weight")
        for node, before in pred.items():
            if before:  # the first of equally short ways in
                preds[row, index[node]] = index[before[0]]
    from searoute.data.marnet_dict import edge_list

    edges = [(index[u], index[v], float(data["weight"]))
             for u, targets in edge_list.items() for v, data in targets.items()
             if data.get("passage") not in seaways.SEA_RESTRICTIONS]
    return {
        "edge_from": np.array([e[0] for e in edges], dtype=np.int16),
        "edge_to": np.array([e[1] for e in edges], dtype=np.int16),
        "edge_km": np.array([e[2] for e in edges], dtype=np.float64),
        "searoute_version": np.array(metadata.version("searoute")),
        "restrictions": np.array(list(seaways.SEA_RESTRICTIONS)),
        "nodes": np.array(nodes, dtype=np.float64),
        "endpoints": np.array(keys, dtype=np.float64),
        "endpoint_nodes": np.array(snapped, dtype=np.int32),
        "roots": np.array(roots, dtype=np.int32),
        "preds": preds,
    }


def write(arrays: dict[str, Any], path: Path) -> None:
    """A zip of ``.npy`` files, compressed, with fixed timestamps (``numpy.savez`` uses now)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in sorted(arrays.items()):
            buffer = io.BytesIO()
            np.save(buffer, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue(), compresslevel=9)


def main(argv: list[str] | None = None) -> int:
    return derive.run(argv, __doc__, OUTPUT, lambda out: write(build(), out))


if __name__ == "__main__":
    sys.exit(main())
