"""Build every output of one run into a staging folder and swap it in whole."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from trafficking_route_mapper.geodata.frame import (
    SeaRouter,
    hubs_frame,
    places_frame,
    routes_frame,
    sea_requests,
)
from trafficking_route_mapper.geodata.resolve import ResolvedRoute
from trafficking_route_mapper.maps.output import staged_output

log = logging.getLogger(__name__)


def build_all(
    resolved: Sequence[ResolvedRoute], out: Path, offline: bool = False, static: bool = True,
    jobs: int = 1, force: bool = False, inputs: Sequence[Path] = (),
) -> list[Path]:
    """Write the HTML maps, exports and (unless ``static`` is false) PNG maps to ``out``.

    With ``jobs`` > 1, sea legs are routed and the outputs written in up to that many forked
    processes at once (:mod:`maps.workers`); the files are the same bytes either way. ``out``
    is replaced whole, and only if it is a previous build (or ``force``): see
    :mod:`maps.output`, whose :class:`~maps.output.OutputRefusedError` is raised before any
    work is done otherwise. ``inputs`` are the files the build reads, which ``out`` must not
    hold.
    """
    from trafficking_route_mapper.maps import workers

    with staged_output(out, force=force, inputs=inputs) as stage:
        _route_sea_legs(resolved, jobs)
        frame = routes_frame(resolved, sea_router=sea_router())
        places = places_frame(resolved)
        hubs = hubs_frame(resolved)
        steps = output_steps(frame, places, stage, offline=offline, static=static, hubs=hubs,
                             jobs=jobs)
        written = [path for paths in workers.run([step for _, step in steps], jobs)
                   for path in paths]
    return sorted(Path(out) / p.relative_to(stage) for p in written)


def output_steps(
    frame: Any, places: Any, folder: Path, *, offline: bool, static: bool, hubs: Any, jobs: int,
) -> list[tuple[str, Callable[[], Iterable[Path]]]]:
    """Every output of a build as independent steps, each named by what it writes
    (``exports``, ``pages``, ``pngs``); the longest first, so the shorter ones fill in beside
    them when :func:`maps.workers.run` runs them side by side."""
    from trafficking_route_mapper.maps import export, pages

    # Small builds: several small steps per kind, sharing data prepared here. Large ones: one
    # step per kind, which prepares its own data in its worker, side by side with the other
    # (at 10,000 routes preparing here first cost more than the finer steps saved).
    parts = jobs if len(frame) <= SPLIT_ROUTES else 1
    steps: list[tuple[str, Callable[[], Iterable[Path]]]] = [
        *(("exports", step) for step in export.export_steps(frame, places, folder, parts=parts)),
        *(("pages", step) for step in pages.page_steps(frame, places, folder, offline=offline,
                                                       hubs=hubs, parts=parts)),
    ]
    if static:
        from trafficking_route_mapper.maps import static as static_maps

        steps += [("pngs", functools.partial(_one, step))
                  for step in static_maps.png_steps(frame, folder)]
    return steps


def _one(step: Callable[[], Path]) -> list[Path]:
    return [step()]


#: Up to this many routes, pages and exports are split into several steps each.
SPLIT_ROUTES = 2000

#: Below this many distinct sea searches, starting workers costs more than it saves.
PARALLEL_SEA_SEARCHES = 16


def _route_sea_legs(resolved: Sequence[ResolvedRoute], jobs: int) -> None:
    """Route every sea leg of the build beforehand, split over ``jobs`` worker processes.

    The frame then reads them from :mod:`geodata.seaways`' memory (and this process never
    loads the shipping-lane network); a search that fails is left to the frame, which
    retries it and falls back to a geodesic with a warning.
    """
    from trafficking_route_mapper.geodata import seaways
    from trafficking_route_mapper.maps import workers

    if jobs < 2 or not workers.can_fork():
        return
    keys = seaways.unrouted_keys(sea_requests(resolved))
    if len(keys) < PARALLEL_SEA_SEARCHES:
        return
    steps = [functools.partial(seaways.route_keys, chunk)
             for chunk in workers.chunks(keys, jobs)]
    for results in workers.run(steps, jobs):
        seaways.remember(results)
    log.info("routed %d sea legs in %d processes", len(keys), min(jobs, len(steps)))


def sea_router() -> SeaRouter | None:
    """The sea-lane router for sea legs (see geodata.seaways)."""
    from trafficking_route_mapper.geodata.seaways import sea_path

    return sea_path
