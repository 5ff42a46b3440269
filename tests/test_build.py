"""A whole build through the command line: files written, byte-stable, atomic."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest

from trafficking_route_mapper import build_maps
from trafficking_route_mapper.geodata import seaways
from trafficking_route_mapper.maps import gpkg

EXPECTED_TOP = ["agreement.csv", "agreement.html", "changes.csv", "commodity", "conflicts.csv",
                "flowmap", "flows.csv", "geojson", "index.html", "kepler.json", "legs.geojson",
                "manifest.json",
                "png",
                "routes.geojson", "routes.gpkg"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The built-in build twice: in one process with the table of sea paths, then with two
    workers searching its sea legs (as for ports outside the table)."""
    first = tmp_path_factory.mktemp("build") / "out"
    second = tmp_path_factory.mktemp("build") / "out"
    assert build_maps.main(["-q", "--jobs", "1", "--out", str(first)]) == 0
    # without the table; and the built-in catalogue has too few sea legs to route them in
    # workers by default
    searched: list[int] = []
    real = seaways.SeaRouter.prefetch

    def prefetch(self: seaways.SeaRouter, pairs: object, jobs: int = 1) -> int:
        searched.append(real(self, pairs, jobs))  # type: ignore[arg-type]
        return searched[-1]

    with mock.patch.object(seaways, "_table", return_value=None), \
            mock.patch.object(seaways, "PARALLEL_SEARCHES", 1), \
            mock.patch.object(seaways.SeaRouter, "prefetch", prefetch):
        assert build_maps.main(["-q", "--jobs", "2", "--out", str(second)]) == 0
    assert searched, "the second build prefetched its sea legs"
    assert searched[0] > 0, "the second build routed its sea legs in workers"
    return first, second


def test_build_writes_every_output(two_builds: tuple[Path, Path]) -> None:
    first, _ = two_builds
    assert sorted(p.name for p in first.iterdir()) == EXPECTED_TOP
    assert (first / "png" / "overview.png").stat().st_size > 0
    assert (first / "commodity" / "timber.html").exists()
    assert (first / "geojson" / "timber.geojson").exists()
    assert (first / "flowmap" / "locations.csv").exists()


def test_two_builds_are_byte_identical_whatever_the_number_of_jobs(
    two_builds: tuple[Path, Path],
) -> None:
    first, second = two_builds
    a, b = _tree(first), _tree(second)
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []


def test_a_failing_build_leaves_the_previous_output_whole(
    two_builds: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first, _ = two_builds
    before = _tree(first)

    def broken(*args: object, **kwargs: object) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(gpkg, "write_gpkg", broken)  # in a worker process, with -j 2
    assert build_maps.main(["-q", "--no-static", "-j", "2", "--out", str(first)]) == 1
    err = capsys.readouterr().err
    assert "unexpected failure: OSError: disk full" in err
    assert "previous output is unchanged" in err
    assert "Traceback" not in err
    assert _tree(first) == before
    assert sorted(p.name for p in first.parent.iterdir()) == [".out.lock", "out"]
