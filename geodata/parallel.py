"""Run a build's independent steps side by side in forked worker processes.

A build is CPU-bound Python, so threads would not help; on a machine with several cores,
:func:`run` hands independent steps (routing sea legs, writing the HTML pages, the exports,
each PNG) to worker processes started with ``fork``. Forking shares the parent's data without
pickling it: a step is a plain callable, looked up in the worker by its position in a
module-level list that the fork copies, and only its (small) result comes back by pickle.
Results are returned in the order of the steps, so outputs do not depend on the number of
workers. Where ``fork`` is not available (Windows, or macOS where it is unsafe), or with one
job, steps run one after the other in this process.

Workers die with the build: each asks the kernel to kill it when its parent exits
(``PR_SET_PDEATHSIG``), so a build killed mid-way does not leave processes holding hundreds of
megabytes behind it.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The steps of the current :func:`run`, inherited by its forked workers.
_STEPS: Sequence[Callable[[], Any]] = ()


def default_jobs() -> int:
    """The number of CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def run(steps: Sequence[Callable[[], T]], jobs: int) -> list[T]:
    """Call every step, in up to ``jobs`` forked processes at once; their results in order.

    An exception raised by a step is raised here (the first in step order); the other steps
    may or may not have run. Steps must not depend on each other's side effects in this
    process: a step run in a worker changes only the worker's memory (files it writes stay).
    """
    global _STEPS
    workers = min(jobs, len(steps))
    if workers <= 1 or not can_fork():
        return [step() for step in steps]
    _STEPS = steps
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            futures = [pool.submit(_call, i) for i in range(len(steps))]
            return [future.result() for future in futures]
    finally:
        _STEPS = ()


def _call(index: int) -> Any:
    return _STEPS[index]()


#: prctl option: the signal a process gets when its parent exits (Linux).
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent (``parent``) exits.

    Set in each worker as it starts. The check after it closes the race where the parent died
    between forking and the request: the worker was then already adopted by another process.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def chunks(items: Sequence[T], count: int) -> list[list[T]]:
    """``items`` dealt into at most ``count`` non-empty lists of near-equal size, in order."""
    count = max(1, min(count, len(items)))
    size, extra = divmod(len(items), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return [chunk for chunk in out if chunk]
