"""The Atlas: everything a renderer may read, built once after validation, checked once.

A build turns catalogues into an :class:`Atlas` (:func:`geodata.pipeline.load_atlas`) and hands
it to the renderers (HTML pages, GeoJSON, GeoPackage, CSV, PNG), which read nothing else: no
YAML, no gazetteer, no commodity registry. It is columnar: one table per kind of thing (routes,
stages, legs, evidence, places, hubs, commodities, reports, countries), with the column names
of :mod:`geodata.columns`, and the coordinates of every drawn leg in one array, so memory
follows the data rather than the number of Python objects.

Tables and their order (every table is sorted, so outputs are byte-stable):

* ``statements`` -- one row per catalogue entry (a statement of the report), sorted by id;
* ``route_table`` -- one row per route (a statement's flow of one commodity), sorted by route
  id, which groups them by statement in statement order; :attr:`Atlas.routes` is the same as a
  GeoDataFrame with each route's drawn legs as a MultiLineString (built on first use);
* ``stages``, ``leg_table`` -- one row per place of a stage and per leg, in route order and
  then in order along the route; :attr:`Atlas.legs` is ``leg_table`` as a GeoDataFrame of
  LineStrings;
* ``evidence`` -- one row per evidence item, in statement order and then as the catalogue
  lists them: a statement's routes share its evidence;
* ``coords`` -- an (n, 2) array of longitude, latitude: a drawn leg's line is rows
  ``coord_start:coord_stop`` of its leg row. Longitudes are continuous along a whole route
  (a trans-Pacific route runs past 180 rather than jumping), rounded to :data:`PRECISION`;
* ``places`` (a GeoDataFrame of every place the routes use, corridor waypoints included, by
  key), ``hubs``, ``commodities`` (display order, with colours), ``reports`` (one row per
  catalogue), ``countries`` (every country: code, ISO3, name; :attr:`Atlas.country_shapes` its
  polygons, parsed on first use).

The conventions of the hand-off are defined here too (:data:`Point`, :data:`PRECISION`,
:func:`wrap_lon`, :func:`one_of`), so that the builder and every renderer share one
definition.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.routes.errors import AtlasError

if TYPE_CHECKING:
    import pandas as pd

#: (longitude, latitude) in degrees, WGS 84.
Point = tuple[float, float]
#: An (n, 2) array of longitude, latitude.
Coords = npt.NDArray[np.float64]
#: Decimal places of every coordinate of the hand-off (1e-5 degree is about 1 m: finer than any
#: place a report names, coarse enough to keep files small and diffs stable).
PRECISION = 5


def wrap_lon(lon: Any) -> Any:
    """Longitude(s) in [-180, 180]: values already inside (180 included) are kept as they are,
    others are wrapped into [-180, 180). Works on a float or a numpy array."""
    if isinstance(lon, np.ndarray):
        inside = (lon >= -180.0) & (lon <= 180.0)
        return np.where(inside, lon, (lon + 180.0) % 360.0 - 180.0)
    if -180.0 <= lon <= 180.0:
        return lon
    return (lon + 180.0) % 360.0 - 180.0


def one_of(names: Sequence[str]) -> str:
    """How the hand-off writes a stage of several places: "Guinea, Liberia or Sierra Leone"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


@dataclass(frozen=True)
class Atlas:
    """The hand-off: the tables of a set of catalogues, checked (see the module docstring)."""

    statements: pd.DataFrame
    route_table: pd.DataFrame
    stages: pd.DataFrame
    leg_table: pd.DataFrame
    evidence: pd.DataFrame
    coords: Coords
    places: Any  # GeoDataFrame
    hubs: Any  # GeoDataFrame
    commodities: pd.DataFrame
    reports: pd.DataFrame
    countries: pd.DataFrame
    #: Each country's (simplified) polygon as GeoJSON, by code: parsed by :attr:`country_shapes`.
    country_geojson: Mapping[str, bytes]

    def __post_init__(self) -> None:
        self._check()

    # -- views ------------------------------------------------------------------------------

    @functools.cached_property
    def routes(self) -> Any:
        """``route_table`` as a GeoDataFrame (EPSG:4326): the drawn legs as a MultiLineString,
        None for a route with nothing drawn."""
        import geopandas as gpd
        import shapely

        legs = self.leg_table
        drawn = legs[C.LEG_DRAWN].to_numpy(dtype=bool)
        geometry = np.full(len(self.route_table), None, dtype=object)
        if drawn.any():
            lines = self._lines(drawn)
            owners = self.route_index(legs[C.ROUTE_ID])[drawn]
            present, dense = np.unique(owners, return_inverse=True)
            geometry[present] = shapely.multilinestrings(lines, indices=dense)
        return gpd.GeoDataFrame(self.route_table.copy(), geometry=list(geometry),
                                crs="EPSG:4326")

    @functools.cached_property
    def legs(self) -> Any:
        """``leg_table`` as a GeoDataFrame (EPSG:4326): each drawn leg a LineString."""
        import geopandas as gpd

        drawn = self.leg_table[C.LEG_DRAWN].to_numpy(dtype=bool)
        geometry = np.full(len(self.leg_table), None, dtype=object)
        if drawn.any():
            geometry[drawn] = self._lines(drawn)
        return gpd.GeoDataFrame(self.leg_table.copy(), geometry=list(geometry), crs="EPSG:4326")

    def _lines(self, drawn: npt.NDArray[np.bool_]) -> Any:
        import shapely

        start = self.leg_table[C.LEG_COORD_START].to_numpy()[drawn]
        stop = self.leg_table[C.LEG_COORD_STOP].to_numpy()[drawn]
        rows = np.concatenate([np.arange(a, b) for a, b in zip(start, stop, strict=True)])
        owner = np.repeat(np.arange(len(start)), stop - start)
        return shapely.linestrings(self.coords[rows], indices=owner)

    @functools.cached_property
    def country_shapes(self) -> Any:
        """Every country's polygon (GeoDataFrame: code, ISO3, name, geometry), parsed once."""
        import geopandas as gpd
        import shapely

        codes = self.countries[C.COUNTRY_CODE].tolist()
        geoms = [shapely.from_geojson(self.country_geojson[code]) for code in codes]
        return gpd.GeoDataFrame(self.countries.copy(), geometry=geoms, crs="EPSG:4326")

    @functools.cached_property
    def agreement(self) -> Any:
        """What the atlas's reports say together: links, corroboration, conflicts, changes
        between editions (:class:`geodata.agreement.Agreement`), computed on first use."""
        from trafficking_route_mapper.geodata.agreement import agreement_of

        return agreement_of(self)

    def route_index(self, route_ids: Any) -> npt.NDArray[np.intp]:
        """Positions in ``route_table`` of the given route ids (a column of another table)."""
        ids = self.route_table[C.ROUTE_ID].to_numpy()
        return np.searchsorted(ids, np.asarray(route_ids, dtype=object)).astype(np.intp)

    def statement_index(self, statement_ids: Any) -> npt.NDArray[np.intp]:
        """Positions in ``statements`` of the given statement ids."""
        ids = self.statements[C.STATEMENT_ID].to_numpy()
        return np.searchsorted(ids, np.asarray(statement_ids, dtype=object)).astype(np.intp)

    @functools.cached_property
    def route_statements(self) -> npt.NDArray[np.intp]:
        """The row in ``statements`` of each route."""
        return self.statement_index(self.route_table[C.STATEMENT_ID])

    def offsets(self, table: pd.DataFrame) -> npt.NDArray[np.intp]:
        """Where each owner's rows start in ``table``, plus its length: owner ``i`` owns rows
        ``offsets[i]:offsets[i + 1]``. Owners are routes for ``stages`` and ``leg_table``,
        statements for ``evidence`` (a route's evidence: :meth:`evidence_rows`)."""
        if C.ROUTE_ID in table.columns:
            owners, count = self.route_index(table[C.ROUTE_ID]), len(self.route_table)
        else:
            owners = self.statement_index(table[C.STATEMENT_ID])
            count = len(self.statements)
        return np.searchsorted(owners, np.arange(count + 1)).astype(np.intp)

    @functools.cached_property
    def _evidence_at(self) -> list[int]:
        return [int(i) for i in self.offsets(self.evidence)]

    def evidence_rows(self, route: int) -> range:
        """The rows of ``evidence`` of route ``i`` (its statement's)."""
        at, statement = self._evidence_at, int(self.route_statements[route])
        return range(at[statement], at[statement + 1])

    def country_name(self, code: str) -> str:
        """The display name of a country by ISO3 or Natural Earth code (the code if unknown)."""
        return self._country_names.get(code, code)

    @functools.cached_property
    def _country_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        rows = zip(self.countries[C.COUNTRY_CODE], self.countries[C.COUNTRY_ISO3],
                   self.countries[C.COUNTRY_NAME], strict=True)
        for code, iso3, name in rows:
            names.setdefault(code, name)
            if iso3:
                names.setdefault(iso3, name)
        return names

    @functools.cached_property
    def commodity_colours(self) -> dict[str, str]:
        """Commodity id -> its colour, "#RRGGBB" (every renderer's one source of colours)."""
        return dict(zip(self.commodities[C.COMMODITY], self.commodities[C.COMMODITY_COLOUR],
                        strict=True))

    @functools.cached_property
    def commodity_patterns(self) -> dict[str, int]:
        """Commodity id -> its pattern (routes.commodities.PATTERNS), the cue that tells the
        commodities of one market, which share its colour, apart."""
        return {c: int(p) for c, p in zip(self.commodities[C.COMMODITY],
                                          self.commodities[C.COMMODITY_PATTERN], strict=True)}

    def commodity_ids(self) -> list[str]:
        """The commodities that have routes, in display order."""
        present = set(self.route_table[C.COMMODITY])
        return [c for c in self.commodities[C.COMMODITY] if c in present]

    def subset(self, commodity: str) -> Atlas:
        """The atlas of one commodity's routes (places, hubs and tables cut to match)."""
        keep = self.route_table[C.COMMODITY].to_numpy() == commodity
        ids = set(self.route_table[C.ROUTE_ID][keep])
        statements = set(self.route_table[C.STATEMENT_ID][keep])
        legs = self.leg_table[self.leg_table[C.ROUTE_ID].isin(ids)]
        stages = self.stages[self.stages[C.ROUTE_ID].isin(ids)]
        used = set(stages[C.STAGE_PLACE].dropna()) | set(legs[C.LEG_FROM_PLACE].dropna()) | set(
            legs[C.LEG_TO_PLACE].dropna())
        return Atlas(
            statements=self.statements[self.statements[C.STATEMENT_ID].isin(statements)]
            .reset_index(drop=True),
            route_table=self.route_table[keep].reset_index(drop=True),
            stages=stages.reset_index(drop=True),
            leg_table=legs.reset_index(drop=True),
            evidence=self.evidence[self.evidence[C.STATEMENT_ID].isin(statements)]
            .reset_index(drop=True),
            coords=self.coords,
            places=self.places[self.places[C.PLACE_KEY].isin(used)].reset_index(drop=True),
            hubs=self.hubs,
            commodities=self.commodities,
            reports=self.reports[self.reports[C.SOURCE_ID].isin(
                set(self.route_table[C.SOURCE_ID][keep]))].reset_index(drop=True),
            countries=self.countries,
            country_geojson=self.country_geojson,
        )

    # -- invariants ---------------------------------------------------------------------------

    def _check(self) -> None:
        """The promises renderers rely on, checked once (:class:`AtlasError` if broken)."""
        problems: list[str] = []
        ids = self.route_table[C.ROUTE_ID].tolist()
        if ids != sorted(ids) or len(set(ids)) != len(ids):
            problems.append("route ids are not unique and sorted")
        statement_ids = self.statements[C.STATEMENT_ID].tolist()
        if statement_ids != sorted(statement_ids) or len(set(statement_ids)) != len(statement_ids):
            problems.append("statement ids are not unique and sorted")
        owners_of = self.route_table[C.STATEMENT_ID].tolist()
        if not set(owners_of) <= set(statement_ids):
            problems.append("routes name statements that are not in the statements table")
        elif self.route_statements.tolist() != sorted(self.route_statements.tolist()):
            problems.append("routes are not grouped by statement in statement order")
        known = set(ids)
        for name, table, index, extra in (
                ("stages", self.stages, C.STAGE_INDEX, C.STAGE_OPTION),
                ("legs", self.leg_table, C.LEG_INDEX, None),
                ("evidence", self.evidence, C.EVIDENCE_INDEX, None)):
            by_route = C.ROUTE_ID in table.columns
            owners = table[C.ROUTE_ID if by_route else C.STATEMENT_ID].tolist()
            if not set(owners) <= (known if by_route else set(statement_ids)):
                problems.append(f"{name} name owners that are not in their table")
                continue
            positions = (self.route_index if by_route else self.statement_index)(owners).tolist()
            keys = [table[index].tolist()] + ([table[extra].tolist()] if extra else [])
            order = list(zip(positions, *keys, strict=True))
            if order != sorted(order) or len(set(order)) != len(order):
                problems.append(f"{name} are not in owner order and then in order along it")
        places = set(self.places[C.PLACE_KEY])
        for column, table in ((C.STAGE_PLACE, self.stages), (C.LEG_FROM_PLACE, self.leg_table),
                              (C.LEG_TO_PLACE, self.leg_table)):
            missing = set(table[column].dropna()) - places
            if missing:
                problems.append(f"{column} keys not in the places table: {sorted(missing)[:5]}")
        problems += self._check_legs()
        if not set(self.route_table[C.COMMODITY]) <= set(self.commodities[C.COMMODITY]):
            problems.append("routes of commodities the commodities table lacks")
        if not set(self.route_table[C.SOURCE_ID]) <= set(self.reports[C.SOURCE_ID]):
            problems.append("routes of reports the reports table lacks")
        if problems:
            raise AtlasError("the atlas is inconsistent: " + "; ".join(problems))

    def _check_legs(self) -> list[str]:
        legs = self.leg_table
        start = legs[C.LEG_COORD_START].to_numpy()
        stop = legs[C.LEG_COORD_STOP].to_numpy()
        drawn = legs[C.LEG_DRAWN].to_numpy(dtype=bool)
        out = []
        if ((stop - start >= 2) != drawn).any():
            out.append("a leg is drawn exactly when it has a line of two points or more")
        if len(start) and (start.min() < 0 or stop.max() > len(self.coords)):
            out.append("leg lines lie outside the coordinate array")
        ends = legs[[C.LEG_FROM_PLACE, C.LEG_TO_PLACE]].notna().all(axis=1).to_numpy()
        if (drawn & ~ends).any():
            out.append("a drawn leg has an end that is not a place")
        return out


def leg_lines(atlas: Atlas, rows: Sequence[int] | None = None) -> list[Coords]:
    """The drawn lines of ``atlas.leg_table`` (or of its ``rows``), as views into ``coords``."""
    legs = atlas.leg_table
    start = legs[C.LEG_COORD_START].to_numpy()
    stop = legs[C.LEG_COORD_STOP].to_numpy()
    picked = range(len(legs)) if rows is None else rows
    return [atlas.coords[start[i]:stop[i]] for i in picked if stop[i] > start[i]]
