"""Shared fixtures: the built-in catalogue resolved once per session, and small builders."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.assemble import build_atlas
from trafficking_route_mapper.geodata.atlas import Atlas, Point
from trafficking_route_mapper.geodata.pipeline import atlas_of
from trafficking_route_mapper.geodata.resolve import ResolvedRoute, validate
from trafficking_route_mapper.geodata.seaways import SeaRouter
from trafficking_route_mapper.routes.evidence import SourceText
from trafficking_route_mapper.routes.load import builtin_catalogues

#: Property-based tests keep no example database in the working tree (tests write only to tmp).
settings.register_profile("repo", database=None)
settings.load_profile("repo")

REPO = Path(__file__).resolve().parents[1]
#: The report the built-in catalogue codes; present beside the repository in this project's
#: workspace and CI (``../shared``), absent in a plain clone: tests that need it skip.
SEED_TEXT = REPO.parent / "shared" / "seeds" / "000_28c4e90fbdaf88a9.txt"
#: Screenshots and PNGs that a test run writes for people to look at.
ARTIFACTS = REPO / "test-artifacts"


#: Fictional catalogues of several reports and two editions, for the multi-report atlas
#: (tests/fixtures/atlas/README.md says what each is for).
ATLAS_FIXTURES = REPO / "tests" / "fixtures" / "atlas"


@pytest.fixture(scope="session", autouse=True)
def _geometry_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Builds run by tests (in this process or in subprocesses) keep their route-geometry
    cache in a temporary folder, never in the user's ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


@pytest.fixture(scope="session")
def fixture_atlas() -> Atlas:
    """The Atlas of the six fictional test reports of ``ATLAS_FIXTURES``."""
    return atlas_of(validate(sorted(ATLAS_FIXTURES.glob("*.yaml")),
                             [SourceText.read(p) for p in sorted(ATLAS_FIXTURES.glob("*.txt"))]))


@pytest.fixture(scope="session")
def builtin_resolved() -> list[ResolvedRoute]:
    return validate(builtin_catalogues())


@pytest.fixture(scope="session")
def builtin_atlas(builtin_resolved: list[ResolvedRoute]) -> Atlas:
    """The built-in catalogue's Atlas, sea legs along the shipping lanes."""
    return atlas_of(builtin_resolved)


def atlas_for(folder: Path, *routes: dict[str, Any], sea: SeaRouter | None = None,
              places: Sequence[dict[str, Any]] = ()) -> Atlas:
    """The Atlas of a catalogue of ``routes`` written into ``folder`` (geodesic legs only,
    unless a sea router is given)."""
    from tests.builders import write_catalogue

    resolved = validate([write_catalogue(folder, routes=list(routes), places=list(places))])
    return build_atlas(resolved, sea)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@dataclasses.dataclass
class Route:
    """One route of an atlas, gathered from its tables (for readable assertions)."""

    row: dict[str, Any]
    stages: list[dict[str, Any]]
    legs: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    lines: list[list[Point]]  # drawn legs, in order

    def point(self, stage: int, atlas: Atlas) -> Point | None:
        key = self.stages[stage][C.STAGE_PLACE]
        if key is None:
            return None
        place = atlas.places[atlas.places[C.PLACE_KEY] == key].iloc[0]
        return (float(place[C.PLACE_LON]), float(place[C.PLACE_LAT]))


def route(atlas: Atlas, route_id: str) -> Route:
    def rows(table: Any) -> list[dict[str, Any]]:
        return table[table[C.ROUTE_ID] == route_id].to_dict(orient="records")  # type: ignore[no-any-return]

    (row,) = rows(atlas.route_table)
    legs = rows(atlas.leg_table)
    lines = [[(float(x), float(y)) for x, y in atlas.coords[leg[C.LEG_COORD_START]:
                                                            leg[C.LEG_COORD_STOP]]]
             for leg in legs if leg[C.LEG_DRAWN]]
    evidence = atlas.evidence[atlas.evidence[C.STATEMENT_ID] == row[C.STATEMENT_ID]]
    return Route(row, rows(atlas.stages), legs, evidence.to_dict(orient="records"), lines)
