"""Shared fixtures: the built-in catalogue resolved once per session, and small builders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from trafficking_route_mapper.geodata.frame import places_frame, routes_frame
from trafficking_route_mapper.geodata.resolve import ResolvedRoute, validate
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


@pytest.fixture(scope="session")
def builtin_resolved() -> list[ResolvedRoute]:
    return validate(builtin_catalogues())


@pytest.fixture(scope="session")
def builtin_frame(builtin_resolved: list[ResolvedRoute]) -> Any:
    from trafficking_route_mapper.maps.build import sea_router

    return routes_frame(builtin_resolved, sea_router=sea_router())


@pytest.fixture(scope="session")
def builtin_places(builtin_resolved: list[ResolvedRoute]) -> Any:
    return places_frame(builtin_resolved)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
