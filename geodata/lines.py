"""The Atlas's coordinate array: every drawn line in one array, longitudes continuous.

Lines are computed once per statement leg (a *slot*; a statement's routes, one per commodity,
share them): sea legs arrive as points, geodesics are computed into the array a chunk at a time
(:func:`geodata.geometry.fill_geodesics`). Longitudes are then made continuous along every
route (:func:`continuous`) and every coordinate is rounded to :data:`geodata.atlas.PRECISION`.
A line already finished (:class:`Done`: read from the geometry cache,
:mod:`geodata.geometry_cache`) is copied in as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from trafficking_route_mapper.geodata.atlas import PRECISION, Coords, Point
from trafficking_route_mapper.geodata.geometry import CHUNK_POINTS, fill_geodesics, geodesic_sizes


class Done(NamedTuple):
    """A slot's line as this module finishes it (continuous, rounded), computed before."""

    coords: Coords


def coordinates(lines: Sequence[Coords | int | Done | None], starts: Sequence[Point],
                ends: Sequence[Point], nodes: Sequence[tuple[int, int]],
                max_segment_km: float) -> tuple[Coords, Any]:
    """Every drawn line's points in one array, longitudes continuous along each route, rounded;
    and each slot's [start, stop) in it. A :class:`Done` line is taken as it is: the lines of
    a statement are all done or none (continuity is made within a statement).

    The array is allocated once and filled in place: sea legs copied in, geodesics computed
    into it a chunk at a time (:func:`geodata.geometry.fill_geodesics`); then longitudes are
    made continuous (:func:`continuous`). Temporary memory stays a few MB however many points
    there are.
    """
    done = [isinstance(line, Done) for line in lines]
    if any(done):
        return _with_done(lines, done, starts, ends, nodes, max_segment_km)
    sizes = np.zeros(len(lines), dtype=np.intp)
    geo = geodesic_sizes(starts, ends, max_segment_km) if starts else None
    geo_slots = np.zeros(len(starts), dtype=np.intp)  # slot of each geodesic
    for i, line in enumerate(lines):
        if isinstance(line, int):
            assert geo is not None
            sizes[i] = geo[2][line]
            geo_slots[line] = i
        elif line is not None:
            sizes[i] = len(line)
    stop = np.cumsum(sizes)
    start = stop - sizes
    bounds = np.column_stack((start, stop))
    coords = np.empty((int(stop[-1]) if len(stop) else 0, 2))
    for i, line in enumerate(lines):
        if isinstance(line, np.ndarray):
            coords[start[i]:stop[i]] = line
    if geo is not None:
        fill_geodesics(coords, start[geo_slots], starts, ends, geo)
    continuous(coords, sizes, nodes)
    np.round(coords, PRECISION, out=coords)
    coords += 0.0  # turns -0.0 into 0.0
    return coords, bounds


def _with_done(lines: Sequence[Coords | int | Done | None], done: Sequence[bool],
               starts: Sequence[Point], ends: Sequence[Point], nodes: Sequence[tuple[int, int]],
               max_segment_km: float) -> tuple[Coords, Any]:
    """:func:`coordinates` of the lines not done, then the done ones put in their places."""
    fresh, fresh_bounds = coordinates([None if d else line for line, d in zip(lines, done,
                                                                             strict=True)],
                                      starts, ends, nodes, max_segment_km)
    sizes = fresh_bounds[:, 1] - fresh_bounds[:, 0]
    finished = [line.coords for line in lines if isinstance(line, Done)]
    sizes[np.asarray(done, dtype=bool)] = [len(c) for c in finished]
    stop = np.cumsum(sizes)
    coords = np.empty((int(stop[-1]), 2))
    is_done = np.repeat(np.asarray(done, dtype=bool), sizes)
    coords[~is_done] = fresh
    if finished:
        coords[is_done] = np.concatenate(finished)
    return coords, np.column_stack((stop - sizes, stop))


def continuous(coords: Coords, sizes: Any, nodes: Sequence[tuple[int, int]]) -> None:
    """Make longitudes continuous along every route, in place.

    Each line is first unwrapped on its own (:func:`unwrap_groups`); then each is moved by a
    multiple of 360 degrees so that it leaves a place at the longitude where an earlier line of
    its route reached or left that place (or, for the first line at a place, arrives where a
    later line will leave). A chain of legs is then continuous from its first point, as a
    fan of alternatives is from its shared place; the first line of a route keeps its start
    in [-180, 180].
    """
    if not len(coords):
        return
    unwrap_groups(coords, sizes)
    stop = np.cumsum(sizes)
    drawn = sizes > 0
    first = np.zeros(len(sizes))
    last = np.zeros(len(sizes))
    first[drawn] = coords[(stop - sizes)[drawn], 0]
    last[drawn] = coords[stop[drawn] - 1, 0]
    shifts = np.zeros(len(sizes))
    anchor: dict[int, float] = {}
    for i, (a, b, lo, hi, has) in enumerate(zip(
            (n[0] for n in nodes), (n[1] for n in nodes), first.tolist(), last.tolist(),
            drawn.tolist(), strict=True)):
        if not has:
            continue
        if a in anchor:
            shift = 360.0 * round((anchor[a] - lo) / 360.0)
        elif b in anchor:
            shift = 360.0 * round((anchor[b] - hi) / 360.0)
        else:
            shift = 0.0
        anchor.setdefault(a, lo + shift)
        anchor.setdefault(b, hi + shift)
        shifts[i] = shift
    if shifts.any():
        coords[:, 0] += np.repeat(shifts, sizes)


def unwrap_groups(coords: Coords, route_points: Any) -> None:
    """Make longitudes continuous within each group of consecutive points of ``coords`` (the
    sizes of the groups: ``route_points``), in place, about CHUNK_POINTS points at a time:
    steps between consecutive points wrapped into [-180, 180) and summed from the group's
    first point, what ``numpy.unwrap`` does, without a call per group."""
    ends = np.cumsum(route_points)
    lo_route = 0
    while lo_route < len(route_points):
        lo = int(ends[lo_route - 1]) if lo_route else 0
        hi_route = int(np.searchsorted(ends, lo + CHUNK_POINTS, side="right"))
        hi_route = max(hi_route, lo_route + 1)
        hi = int(ends[hi_route - 1])
        if hi > lo:
            owner = np.repeat(np.arange(lo_route, hi_route), route_points[lo_route:hi_route])
            lon = coords[lo:hi, 0]
            first = np.r_[True, owner[1:] != owner[:-1]]
            steps = np.r_[0.0, (np.diff(lon) + 180.0) % 360.0 - 180.0]
            steps[first] = 0.0
            total = np.cumsum(steps)
            base = np.maximum.accumulate(np.where(first, np.arange(len(lon)), 0))
            coords[lo:hi, 0] = lon[base] + (total - total[base])
        lo_route = hi_route
