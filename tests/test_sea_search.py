"""The batch sea-lane search (scipy's Dijkstra over searoute's network) against searoute itself.

Port pairs and test points are drawn, seeded, from searoute's own list of 3,962 ports: the
kind of place a catalogue declares and the built-in table does not hold.
"""

from __future__ import annotations

import itertools
import json
import random
import warnings
from pathlib import Path

import pytest

from trafficking_route_mapper.geodata import seaways
from trafficking_route_mapper.geodata.atlas import Point
from trafficking_route_mapper.routes.errors import SeaRoutingError


@pytest.fixture(scope="module")
def ports() -> list[Point]:
    import searoute

    path = Path(searoute.__file__).with_name("data") / "ports.geojson"
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return [seaways._cache_key(tuple(f["geometry"]["coordinates"])) for f in features]


def _pair(rng: random.Random, ports: list[Point]) -> tuple[Point, Point]:
    a, b = rng.sample(ports, 2)
    return a, b


def _searoute_path(origin: Point, destination: Point) -> tuple[Point, ...]:
    import searoute

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        feature = searoute.searoute(list(origin), list(destination), append_orig_dest=False,
                                    include_ports=False, algorithm="dijkstra",
                                    restrictions=list(seaways.SEA_RESTRICTIONS))
    return tuple((round(x, 5) + 0.0, round(y, 5) + 0.0)
                 for x, y in feature["geometry"]["coordinates"])


def _length_km(path: tuple[Point, ...]) -> float:
    from searoute.utils import distance

    return float(sum(distance(a, b) for a, b in itertools.pairwise(path)))


def test_paths_equal_searoute_or_are_as_short(ports: list[Point]) -> None:
    """300 random port pairs: never more than 0.1% longer than searoute's Dijkstra, and the
    very same path but where two lanes tie."""
    rng = random.Random(17)
    keys = [_pair(rng, ports) for _ in range(300)]
    ours = dict(seaways.search_many(keys))
    same = 0
    for key in keys:
        theirs = _searoute_path(*key)
        mine = ours[key]
        assert mine is not None
        if mine == theirs:
            same += 1
            continue
        assert (mine[0], mine[-1]) == (theirs[0], theirs[-1]), key
        assert _length_km(mine) <= _length_km(theirs) * 1.001, key
    assert same >= 285


def test_ends_snap_to_the_node_searoute_snaps_to(ports: list[Point]) -> None:
    from searoute.searoute import get_graphs

    network, _ = get_graphs(None, None, "networkx")
    rng = random.Random(5)
    points = rng.sample(ports, 200) + [(rng.uniform(-180, 180), rng.uniform(-80, 80))
                                       for _ in range(100)]
    nodes = seaways._network().nodes
    ours = [tuple(nodes[i]) for i in seaways.snap(points)]
    theirs = [tuple(float(c) for c in network.kdtree.query(list(p))) for p in points]
    assert ours == theirs


def test_a_leg_s_path_does_not_depend_on_the_others_searched_with_it(ports: list[Point]) -> None:
    rng = random.Random(9)
    keys = [_pair(rng, ports) for _ in range(40)]
    together = dict(seaways.search_many(keys))
    for key in keys[:10]:
        assert dict(seaways.search_many([key]))[key] == together[key]


def test_no_path_is_a_sea_routing_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np
    from scipy.sparse import csr_matrix

    # a network of two nodes and no lane between them
    nodes = np.array([[0.0, 0.0], [10.0, 0.0]])
    lonely = seaways._Network(nodes, csr_matrix((2, 2)), seaways._rounded(nodes))
    monkeypatch.setattr(seaways, "_network", lambda: lonely)
    with pytest.raises(SeaRoutingError, match="no shipping lane joins"):
        seaways.search((0.0, 0.0), (10.0, 0.0))


def test_a_failing_search_is_a_sea_routing_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> seaways._Network:
        raise KeyError("graph exploded")

    monkeypatch.setattr(seaways, "_network", broken)
    with pytest.raises(SeaRoutingError, match=r"KeyError.*graph exploded") as info:
        seaways.search((0.0, 0.0), (10.0, 0.0))
    assert isinstance(info.value.__cause__, KeyError)
