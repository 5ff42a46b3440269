"""The shipped region file is what its script derives from regions.yaml and the countries."""

from __future__ import annotations

from pathlib import Path

import shapely

from trafficking_route_mapper.geodata import build_regions, gazetteer, places


def test_regions_file_is_reproduced_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "regions.geojson"
    assert build_regions.main(["--out", str(out)]) == 0
    assert out.read_bytes() == build_regions.OUTPUT.read_bytes()


def test_precomputed_region_matches_a_fresh_union() -> None:
    gaz = places.builtin()
    balkans = gaz.resolve("Balkans")
    shipped = gaz.shape(balkans)
    assert shipped is not None
    fresh = gazetteer.union(balkans.members, gaz)
    assert shapely.equals_exact(shipped.normalize(), shapely.set_precision(
        shapely.make_valid(fresh), 1e-5).normalize(), tolerance=1e-9)
    assert shipped.covers(shapely.Point(balkans.point))


def test_a_region_with_other_members_is_computed(tmp_path: Path) -> None:
    gaz = places.builtin()
    place = places.region(gaz, "Benelux", ["BEL", "NLD", "LUX"], "test")
    shape = gaz.shape(place)
    assert shape is not None
    assert shape.covers(shapely.Point(place.point))
