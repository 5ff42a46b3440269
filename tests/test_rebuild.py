"""Rebuilding without redoing what has not changed: PNGs linked from the previous output when
their key is the same; the same bytes as a build from scratch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from tests.builders import minimal_route, write_catalogue
from trafficking_route_mapper import build_maps
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
    _build(catalogue, out)
    before = {p.name: p.stat().st_ino for p in (out / "png").iterdir()}
    assert sorted(before) == ["cocaine.png", "firearms.png", "heroin.png", "overview.png"]

    write_catalogue(tmp_path, routes=_routes(heroin_from="Afghanistan"))  # one route edited
    _build(catalogue, out)
    after = {p.name: p.stat().st_ino for p in (out / "png").iterdir()}
    kept = sorted(name for name in before if after[name] == before[name])
    assert kept == ["cocaine.png", "firearms.png"]  # the heroin map and the overview redrawn

    cold = tmp_path / "cold"
    _build(catalogue, cold)
    assert _tree(out) == _tree(cold)
    manifest = orjson.loads((out / MANIFEST).read_bytes())
    keyed = sorted(f["path"] for f in manifest["files"] if "key" in f)
    assert keyed == ["png/cocaine.png", "png/firearms.png", "png/heroin.png", "png/overview.png"]


def test_a_png_changed_by_hand_is_drawn_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    catalogue = write_catalogue(tmp_path, routes=_routes())
    _build(catalogue, out)
    original = (out / "png" / "firearms.png").read_bytes()
    (out / "png" / "firearms.png").write_bytes(original[:-10] + b"\0" * 10)  # same size
    before = {p.name: p.stat().st_ino for p in (out / "png").iterdir()}
    _build(catalogue, out)
    assert (out / "png" / "firearms.png").read_bytes() == original
    after = {p.name: p.stat().st_ino for p in (out / "png").iterdir()}
    assert sorted(name for name in before if after[name] == before[name]) == [
        "cocaine.png", "heroin.png", "overview.png"]  # only the one changed by hand redrawn
