"""Build every output of one run into a staging folder and swap it in whole."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from geodata.frame import SeaRouter, hubs_frame, places_frame, routes_frame, sea_requests
from geodata.resolve import ResolvedRoute
from maps.output import staged_output

log = logging.getLogger(__name__)


def build_all(
    resolved: Sequence[ResolvedRoute], out: Path, offline: bool = False, static: bool = True,
    jobs: int = 1,
) -> list[Path]:
    """Write the HTML maps, exports and (unless ``static`` is false) PNG maps to ``out``.

    With ``jobs`` > 1, sea legs are routed and the outputs written in up to that many forked
    processes at once (:mod:`maps.workers`); the files are the same bytes either way.
    """
    from maps import export, pages, workers

    _route_sea_legs(resolved, jobs)
    frame = routes_frame(resolved, sea_router=sea_router())
    places = places_frame(resolved)
    hubs = hubs_frame(resolved)
    with staged_output(out) as stage:
        # the longest steps first, so that the shorter ones fill in beside them
        steps: list[Callable[[], Iterable[Path]]] = [
            *export.export_steps(frame, places, stage, parts=jobs),
            *pages.page_steps(frame, places, stage, offline=offline, hubs=hubs, parts=jobs),
        ]
        if static:
            from maps import static as static_maps

            steps += [functools.partial(_one, step)
                      for step in static_maps.png_steps(frame, stage)]
        written = [path for paths in workers.run(steps, jobs) for path in paths]
    return sorted(out / p.relative_to(stage) for p in written)


def _one(step: Callable[[], Path]) -> list[Path]:
    return [step()]


#: Below this many distinct sea searches, starting workers costs more than it saves.
PARALLEL_SEA_SEARCHES = 16


def _route_sea_legs(resolved: Sequence[ResolvedRoute], jobs: int) -> None:
    """Route every sea leg of the build beforehand, split over ``jobs`` worker processes.

    The frame then reads them from :mod:`geodata.seaways`' memory (and this process never
    loads the shipping-lane network); a search that fails is left to the frame, which
    retries it and falls back to a geodesic with a warning.
    """
    from geodata import seaways
    from maps import workers

    keys = seaways.unrouted_keys(sea_requests(resolved))
    if jobs < 2 or len(keys) < PARALLEL_SEA_SEARCHES or not workers.can_fork():
        return
    steps = [functools.partial(seaways.route_keys, chunk)
             for chunk in workers.chunks(keys, jobs)]
    for results in workers.run(steps, jobs):
        seaways.remember(results)
    log.info("routed %d sea legs in %d processes", len(keys), min(jobs, len(steps)))


def sea_router() -> SeaRouter | None:
    """The sea-lane router for sea legs (see geodata.seaways)."""
    from geodata.seaways import sea_path

    return sea_path
