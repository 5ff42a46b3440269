"""From catalogue files to an :class:`~geodata.atlas.Atlas`: the part of a build before the
renderers, and the entry point of the notebook API.

    from trafficking_route_mapper.geodata.pipeline import load_atlas
    atlas = load_atlas()                    # the built-in catalogue
    atlas.routes.explore()                  # a GeoDataFrame, one row per route
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from trafficking_route_mapper.geodata.assemble import build_atlas
from trafficking_route_mapper.geodata.atlas import Atlas
from trafficking_route_mapper.geodata.geometry_cache import GeometryCache, cached_lines
from trafficking_route_mapper.geodata.legs import sea_requests
from trafficking_route_mapper.geodata.resolve import ResolvedRoute, validate
from trafficking_route_mapper.geodata.seaways import SeaRouter
from trafficking_route_mapper.routes.evidence import SourceText
from trafficking_route_mapper.routes.load import builtin_catalogues


def load_atlas(catalogues: Iterable[Path | str] | None = None,
               source_texts: Iterable[Path | str] = (), *, sea: SeaRouter | None = None,
               jobs: int = 1) -> Atlas:
    """Validate catalogues (the built-in one by default) and build their Atlas.

    ``source_texts`` are report texts to check every evidence phrase against. Raises
    :class:`~routes.errors.CatalogueError` listing every problem of the input. Sea legs follow
    the shipping lanes of ``sea`` (a new :class:`~geodata.seaways.SeaRouter` by default), and
    with ``jobs`` > 1 their searches run in that many worker processes first.
    """
    paths = [Path(p) for p in (builtin_catalogues() if catalogues is None else catalogues)]
    texts = [SourceText.read(Path(p)) for p in source_texts]
    return atlas_of(validate(paths, texts), sea=sea, jobs=jobs)


def atlas_of(resolved: Sequence[ResolvedRoute], *, sea: SeaRouter | None = None,
             jobs: int = 1, geometry: GeometryCache | None = None) -> Atlas:
    """The Atlas of routes already validated (:func:`geodata.resolve.validate`). With
    ``geometry``, statements' lines are taken from that cache where it has them (their sea
    legs are then not searched) and the others added to it."""
    router = SeaRouter() if sea is None else sea
    if geometry is None:
        router.prefetch(sea_requests(resolved), jobs)
        return build_atlas(resolved, router)
    cached = cached_lines(resolved, geometry, router)
    router.prefetch(sea_requests(cached.missing(resolved)), jobs)
    return build_atlas(resolved, router, geometry=geometry, cached=cached)
