"""The README's catalogue example is a complete, valid catalogue."""

from __future__ import annotations

import re
from pathlib import Path

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.frame import hubs_frame, routes_frame
from trafficking_route_mapper.geodata.resolve import validate

from tests.conftest import REPO


def test_readme_example_catalogue_validates_and_builds(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    assert len(blocks) == 1
    path = tmp_path / "example.yaml"
    path.write_text(blocks[0], encoding="utf-8")
    resolved = validate([path])
    frame = routes_frame(resolved)
    assert list(frame[C.PATH]) == ["Morocco → Spain → France → Belgium"]
    assert list(frame[C.MODES].iloc[0]) == ["unspecified", "road", "road"]
    assert list(hubs_frame(resolved)["name"]) == ["Liège"]
