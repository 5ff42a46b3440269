"""Write every output of an Atlas into a staging folder and swap it in whole (:mod:`maps.staging`).

The outputs are independent steps (the GeoJSON and CSV exports, the GeoPackage, the HTML pages,
each PNG), run side by side in worker processes when ``jobs`` > 1 (:mod:`geodata.parallel`):
the files are the same bytes either way. A PNG whose key (:func:`maps.static.png_key`) is the
one the previous output recorded is linked from it rather than drawn again.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from trafficking_route_mapper.geodata.atlas import Atlas
from trafficking_route_mapper.maps.staging import PreviousOutput, staged_output

log = logging.getLogger(__name__)

#: Up to this many routes, the pages are split into several steps, sharing data prepared once;
#: above, one step prepares its own in its worker (at 10,000 routes, preparing in the parent
#: first cost more than the finer steps saved). The exports are five steps whenever there are
#: several jobs (the GeoPackage; the GeoJSON files; the legs; the flows; the agreement), each
#: making its own records.
SPLIT_ROUTES = 2000


def write_outputs(atlas: Atlas, out: Path, *, offline: bool = False, static: bool = True,
                  jobs: int = 1, force: bool = False, inputs: Sequence[Path] = ()) -> list[Path]:
    """Write the HTML maps, exports and (unless ``static`` is false) PNG maps of ``atlas`` to
    ``out``, which is replaced whole, and only if it is a previous build (or ``force``):
    :class:`~routes.errors.OutputRefusedError` otherwise, before anything is written.
    ``inputs`` are the files the build read, which ``out`` must not hold. Returns the paths
    written, sorted."""
    from trafficking_route_mapper.geodata import parallel
    keys: dict[str, str] = {}
    with staged_output(out, force=force, inputs=inputs, keys=keys) as stage:
        # read with the lock held: the previous output cannot change until the switch
        previous = PreviousOutput(out)
        steps = output_steps(atlas, stage, offline=offline, static=static, jobs=jobs,
                             previous=previous, keys=keys)
        written = [path for paths in parallel.run([step for _, step in steps], jobs)
                   for path in paths]
    return sorted(Path(out) / p.relative_to(stage) for p in written)


def output_steps(atlas: Atlas, folder: Path, *, offline: bool, static: bool, jobs: int,
                 previous: PreviousOutput | None = None, keys: dict[str, str] | None = None,
                 ) -> list[tuple[str, Callable[[], Iterable[Path]]]]:
    """Every output of a build as independent steps, each named by what it writes
    (``exports``, ``pages``, ``pngs``); the longest first, so the shorter ones fill in beside
    them when :func:`geodata.parallel.run` runs them side by side. The PNGs' keys go into
    ``keys`` (for the manifest); those unchanged in ``previous`` are linked from it."""
    from trafficking_route_mapper.maps import export, pages

    # made once here, before the steps fork, for them all: most steps read them
    atlas.agreement  # noqa: B018
    export.leg_lines(atlas)
    parts = jobs if len(atlas.route_table) <= SPLIT_ROUTES else 1
    first, *rest = export.export_steps(atlas, folder, parts=jobs)
    # the longest first (the GeoPackage, then the pages), the short exports after them, so
    # that they fill in beside the long ones (workers take the steps in this order)
    steps: list[tuple[str, Callable[[], Iterable[Path]]]] = [
        ("exports", first),
        *(("pages", step) for step in pages.page_steps(atlas, folder, offline=offline,
                                                       parts=parts)),
        *(("exports", step) for step in rest),
    ]
    if static:
        from trafficking_route_mapper.maps import static as static_maps

        pngs = static_maps.png_steps(atlas, folder, previous)
        if keys is not None:
            keys.update((step.relative, step.key) for step in pngs)
        steps += [("pngs", functools.partial(_one, step)) for step in pngs]
    return steps


def _one(step: Callable[[], Path]) -> list[Path]:
    return [step()]
