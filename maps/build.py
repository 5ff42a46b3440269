"""Build every output of one run into a staging folder and swap it in whole."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from geodata.frame import SeaRouter, hubs_frame, places_frame, routes_frame
from geodata.resolve import ResolvedRoute
from maps.output import staged_output

log = logging.getLogger(__name__)


def build_all(
    resolved: Sequence[ResolvedRoute], out: Path, offline: bool = False, static: bool = True
) -> list[Path]:
    """Write the HTML maps, exports and (unless ``static`` is false) PNG maps to ``out``."""
    from maps import export, pages

    frame = routes_frame(resolved, sea_router=sea_router())
    places = places_frame(resolved)
    written: list[Path] = []
    with staged_output(out) as stage:
        written += pages.write_pages(frame, places, stage, offline=offline,
                                     hubs=hubs_frame(resolved))
        written += export.write_exports(frame, places, stage)
        if static:
            from maps import static as static_maps

            written += static_maps.write_pngs(frame, places, stage)
    return [out / p.relative_to(stage) for p in written]


def sea_router() -> SeaRouter | None:
    """The sea-lane router for sea legs (see geodata.seaways)."""
    from geodata.seaways import sea_path

    return sea_path
