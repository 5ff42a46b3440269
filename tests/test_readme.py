"""The README's catalogue example is a complete, valid catalogue."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.pipeline import load_atlas


def test_readme_example_catalogue_validates_and_builds(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    assert len(blocks) == 1
    path = tmp_path / "example.yaml"
    path.write_text(blocks[0], encoding="utf-8")
    atlas = load_atlas([path])
    assert dict(zip(atlas.statements[C.STATEMENT_ID], atlas.statements[C.PATH], strict=True)) == {
        "cannabis-resin-morocco-spain-france-belgium": "Morocco → Spain → France → Belgium",
        "cocaine-within-west-africa": "within West Africa",
        "wildlife-via-belgium": "Democratic Republic of the Congo, Guinea or Liberia → Belgium"
                                " → Asia, North America or Middle East",
    }
    assert len(atlas.route_table) == 5  # the wildlife statement is a route per commodity
    resin = atlas.leg_table[atlas.leg_table[C.ROUTE_ID] == "cannabis-resin-morocco-spain-france-belgium"]
    assert list(resin[C.LEG_MODE]) == ["unspecified", "road", "road"]
    assert list(atlas.hubs[C.HUB_NAME]) == ["Liège"]
    assert atlas.reports[C.SOURCE_NOTE].tolist() == ["Coded from the PDF's text layer."]
