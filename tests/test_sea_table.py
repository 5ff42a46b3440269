"""The shipped table of sea paths between built-in ports: current, and as short as a search."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pytest

from trafficking_route_mapper.geodata import build_seaways, seaways
from trafficking_route_mapper.geodata.atlas import Point
from trafficking_route_mapper.geodata.seaways import SeaRouter


@pytest.fixture(scope="module")
def shipped() -> dict[str, np.ndarray]:
    with np.load(build_seaways.OUTPUT, allow_pickle=False) as z:
        return {name: z[name] for name in z.files}


def test_the_table_applies_to_the_installed_searoute(shipped: dict[str, np.ndarray]) -> None:
    """Otherwise it is silently unused and every sea leg is searched: run ``make geodata``."""
    assert seaways._table() is not None
    assert [tuple(p) for p in shipped["endpoints"].tolist()] == build_seaways.endpoints()


def test_the_first_trees_are_reproduced(shipped: dict[str, np.ndarray]) -> None:
    fresh = build_seaways.build(sources=3)
    for name in ("nodes", "endpoints", "endpoint_nodes"):
        assert np.array_equal(fresh[name], shipped[name]), name
    assert np.array_equal(fresh["roots"], shipped["roots"][:3])
    assert np.array_equal(fresh["preds"], shipped["preds"][:3])


def test_the_file_is_byte_stable(tmp_path: Path, shipped: dict[str, np.ndarray]) -> None:
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    build_seaways.write(shipped, first)
    build_seaways.write(shipped, second)
    assert first.read_bytes() == second.read_bytes()


def _length(path: tuple[Point, ...], weights: dict[tuple[Point, Point], float]) -> float:
    return sum(weights[(a, b)] for a, b in itertools.pairwise(path))


def test_table_paths_are_the_searched_paths_or_as_short() -> None:
    """Dijkstra's tree and searoute's A* agree, up to ties between equally long lanes."""
    from searoute.searoute import get_graphs

    network, _ = get_graphs(None, None, "networkx")
    weights: dict[tuple[Point, Point], float] = {}
    for u, v, data in network.edges(data=True):
        if data.get("passage") not in seaways.SEA_RESTRICTIONS:
            key = [(round(x, 5) + 0.0, round(y, 5) + 0.0) for x, y in (u, v)]
            weights[(key[0], key[1])] = weights[(key[1], key[0])] = data["weight"]

    def wrapped(path: tuple[Point, ...]) -> tuple[Point, ...]:
        return tuple(((x + 180.0) % 360.0 - 180.0, y) for x, y in path)

    def rounded(path: tuple[Point, ...]) -> tuple[Point, ...]:
        return tuple((round(x, 5) + 0.0, y) for x, y in path)

    ends = build_seaways.endpoints()
    rng = random.Random(7)
    same = 0
    for _ in range(25):
        origin, destination = rng.sample(ends, 2)
        table = seaways._table_path(origin, destination)
        searched = seaways.search(origin, destination)
        assert table is not None
        assert searched
        if table == searched:
            same += 1
            continue
        a, b = rounded(wrapped(table)), rounded(wrapped(searched))
        assert (a[0], a[-1]) == (b[0], b[-1])
        assert _length(a, weights) == pytest.approx(_length(b, weights), abs=1e-6)
    assert same >= 20


def test_points_outside_the_table_are_searched() -> None:
    santos = (-46.33, -23.96)  # not a built-in endpoint
    assert seaways._table_path(santos, build_seaways.endpoints()[0]) is None
    assert SeaRouter().unrouted([(santos, (4.4, 51.23))])
    ends = build_seaways.endpoints()
    assert SeaRouter().unrouted([(ends[0], ends[1])]) == []
    assert SeaRouter(use_table=False).unrouted([(ends[0], ends[1])]) == [(ends[0], ends[1])]
