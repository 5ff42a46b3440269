"""Rebuilding without redoing what has not changed: PNGs linked from the previous output when
their key is the same, route geometry from the on-disk cache, and ``--watch``; every time the
same bytes as a build from scratch."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.builders import minimal_route, write_catalogue
from trafficking_route_mapper import build_maps
from trafficking_route_mapper.geodata import assemble, geometry_cache, lines
from trafficking_route_mapper.maps.staging import MANIFEST


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _routes(heroin_from: str = "Turkey") -> list[dict[str, Any]]:
    """Three routes of three commodities, one of them by sea."""
    return [
        minimal_route(),  # firearms, Balkans -> Belgium
        minimal_route(id="heroin-into-belgium", flow="heroin-into-belgium", commodity="heroin",
                      label="Heroin", stages=[{"place": heroin_from}, {"place": "Belgium",
                                                                       "by": "road"}]),
        minimal_route(id="cocaine-by-sea", flow="cocaine-by-sea", commodity="cocaine",
                      label="Cocaine", stages=[{"place": "South America"},
                                               {"place": "Port of Antwerp", "by": "sea"}]),
    ]


def _build(catalogue: Path, out: Path, *extra: str) -> None:
    assert build_maps.main(["-q", "-j", "1", "-c", str(catalogue), "-o", str(out),
                            *extra]) == build_maps.EXIT_OK


# --- PNGs only when changed -------------------------------------------------------------------


def test_unchanged_pngs_are_linked_from_the_previous_output_and_the_bytes_are_a_cold_builds(
        tmp_path: Path) -> None:
    out = tmp_path / "out"
    catalogue = write_catalogue(tmp_path, routes=_routes())
    _build(catalogue, out, "--no-cache")
    before = {p.name: p.stat().st_ino for p in (out / "png").iterdir()}
    assert sorted(before) == ["cocaine.png", "firearms.png", "heroin.png", "overview.png"]

    write_catalogue(tmp_path, routes=_routes(heroin_from="Afghanistan"))  # one route edited
    _build(catalogue, out, "--no-cache")
    after = {p.name: p.stat().st_ino for p in (out / "png").iterdir()}
    kept = sorted(name for name in before if after[name] == before[name])
    assert kept == ["cocaine.png", "firearms.png"]  # the heroin map and the overview redrawn

    cold = tmp_path / "cold"
    _build(catalogue, cold, "--no-cache")
    assert _tree(out) == _tree(cold)
    manifest = orjson.loads((out / MANIFEST).read_bytes())
    keyed = sorted(f["path"] for f in manifest["files"] if "key" in f)
    assert keyed == ["png/cocaine.png", "png/firearms.png", "png/heroin.png", "png/overview.png"]


def test_a_png_changed_by_hand_is_drawn_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    catalogue = write_catalogue(tmp_path, routes=_routes())
    _build(catalogue, out, "--no-cache")
    original = (out / "png" / "firearms.png").read_bytes()
    (out / "png" / "firearms.png").write_bytes(original[:-10] + b"\0" * 10)  # same size
    before = {p.name: p.stat().st_ino for p in (out / "png").iterdir()}
    _build(catalogue, out, "--no-cache")
    assert (out / "png" / "firearms.png").read_bytes() == original
    after = {p.name: p.stat().st_ino for p in (out / "png").iterdir()}
    assert sorted(name for name in before if after[name] == before[name]) == [
        "cocaine.png", "heroin.png", "overview.png"]  # only the one changed by hand redrawn


# --- the geometry cache -----------------------------------------------------------------------


def _entries(cache: Path) -> dict[str, bytes]:
    """The cache's entries: key -> stored points."""
    with sqlite3.connect(cache / geometry_cache.FILE) as db:
        return dict(db.execute("SELECT key, coords FROM entries").fetchall())


def test_a_warm_cache_gives_a_cold_builds_bytes_without_computing_lines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = write_catalogue(tmp_path, routes=_routes())
    cache = tmp_path / "cache"
    _build(catalogue, tmp_path / "cold", "--no-static", "--no-cache")
    _build(catalogue, tmp_path / "filling", "--no-static", "--cache", str(cache))
    assert len(_entries(cache)) == 3

    def no_search(*args: object) -> object:
        raise AssertionError("a line was computed, not read from the cache")

    monkeypatch.setattr(assemble, "sea_leg", no_search)
    monkeypatch.setattr(lines, "fill_geodesics", no_search)
    _build(catalogue, tmp_path / "warm", "--no-static", "--cache", str(cache))
    assert _tree(tmp_path / "warm") == _tree(tmp_path / "cold")


def test_changing_a_route_changes_only_its_entry(tmp_path: Path) -> None:
    catalogue = write_catalogue(tmp_path, routes=_routes())
    cache = tmp_path / "cache"
    _build(catalogue, tmp_path / "first", "--no-static", "--cache", str(cache))
    before = _entries(cache)
    write_catalogue(tmp_path, routes=_routes(heroin_from="Afghanistan"))
    _build(catalogue, tmp_path / "second", "--no-static", "--cache", str(cache))
    after = _entries(cache)
    assert len(set(after) - set(before)) == 1  # the edited route's new entry
    assert {k: after[k] for k in before} == before  # the others untouched, the old one kept
    _build(catalogue, tmp_path / "cold", "--no-static", "--no-cache")
    assert _tree(tmp_path / "second") == _tree(tmp_path / "cold")


@pytest.mark.parametrize("damage", ["garbage file", "damaged entry"])
def test_a_corrupt_cache_does_not_break_the_build(tmp_path: Path, damage: str) -> None:
    catalogue = write_catalogue(tmp_path, routes=_routes())
    cache = tmp_path / "cache"
    _build(catalogue, tmp_path / "cold", "--no-static", "--no-cache")
    _build(catalogue, tmp_path / "first", "--no-static", "--cache", str(cache))
    if damage == "garbage file":
        (cache / geometry_cache.FILE).write_bytes(b"\x00not a database" * 300)
    else:
        with sqlite3.connect(cache / geometry_cache.FILE) as db:
            db.execute("UPDATE entries SET coords = substr(coords, 3), meta = '{'")
    _build(catalogue, tmp_path / "again", "--no-static", "--cache", str(cache))
    assert _tree(tmp_path / "again") == _tree(tmp_path / "cold")
    assert len(_entries(cache)) == 3  # written afresh


# --- --watch ----------------------------------------------------------------------------------


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_watch_rebuilds_on_save_keeps_the_last_good_output_on_an_error_and_stops_on_ctrl_c(
        tmp_path: Path) -> None:
    catalogue = write_catalogue(tmp_path, routes=_routes())
    out, log_file = tmp_path / "out", tmp_path / "watch.log"
    command = [sys.executable, "-m", "trafficking_route_mapper.build_maps", "--watch", "-q",
               "--no-static", "-j", "1", "-c", str(catalogue), "-o", str(out)]
    with log_file.open("wb") as log:
        watcher = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(lambda: "watching 1 file" in log_file.read_text(), "the first build")
        first = _tree(out)

        write_catalogue(tmp_path, routes=_routes(heroin_from="Afghanistan"))  # saved
        def rebuilt_yet() -> bool:
            try:
                return _tree(out) != first
            except OSError:  # read while the folders were being swapped: look again
                return False

        _wait_for(rebuilt_yet, "the rebuild")
        rebuilt = _tree(out)
        _build(catalogue, tmp_path / "cold", "--no-static", "--no-cache")
        assert rebuilt == _tree(tmp_path / "cold")
        assert b"Afghanistan" in rebuilt["routes.geojson"]

        failed = log_file.read_text().count("watching on")
        catalogue.write_text(catalogue.read_text().replace("place: Afghanistan",
                                                           "place: Afghanistn"))
        _wait_for(lambda: log_file.read_text().count("watching on") > failed, "the error")
        text = log_file.read_text()
        assert "error: invalid catalogue input" in text
        assert "unknown place 'Afghanistn'; did you mean 'Afghanistan'" in text
        assert "Traceback" not in text
        assert _tree(out) == rebuilt  # the last good output in place
    finally:
        watcher.send_signal(signal.SIGINT)
        status = watcher.wait(timeout=60)
    assert status == 0
    assert "stopped watching" in log_file.read_text()
    assert "Traceback" not in log_file.read_text()
