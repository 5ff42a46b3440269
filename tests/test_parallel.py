"""Build steps in forked workers: results in order, errors raised, same as in one process."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from trafficking_route_mapper.geodata import parallel as workers

needs_fork = pytest.mark.skipif(not workers.can_fork(), reason="fork start method unavailable")


def _steps(count: int) -> list[Callable[[], tuple[int, int]]]:
    return [lambda i=i: (i * i, os.getpid()) for i in range(count)]  # type: ignore[misc]


@needs_fork
def test_steps_run_in_other_processes_and_come_back_in_order() -> None:
    results = workers.run(_steps(7), jobs=2)
    assert [value for value, _ in results] == [i * i for i in range(7)]
    assert {pid for _, pid in results} - {os.getpid()}, "no step ran in a worker"


def test_one_job_runs_every_step_here() -> None:
    results = workers.run(_steps(3), jobs=1)
    assert results == [(0, os.getpid()), (1, os.getpid()), (4, os.getpid())]


@needs_fork
def test_a_failing_step_raises_its_exception_here() -> None:
    def broken() -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        workers.run([lambda: None, broken], jobs=2)


@pytest.mark.parametrize(("size", "count", "expected"), [
    (7, 2, [4, 3]), (2, 4, [1, 1]), (0, 3, []), (6, 3, [2, 2, 2]), (5, 1, [5]),
])
def test_chunks_deal_items_evenly_in_order(size: int, count: int, expected: list[int]) -> None:
    items = list(range(size))
    chunks = workers.chunks(items, count)
    assert [len(c) for c in chunks] == expected
    assert [x for c in chunks for x in c] == items
