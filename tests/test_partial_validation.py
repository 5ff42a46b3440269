"""A route that fails type validation still gets the checks that make sense without types."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from trafficking_route_mapper.geodata.resolve import validate
from trafficking_route_mapper.routes.errors import CatalogueError


def test_a_route_with_a_wrong_type_still_reports_its_unknown_commodity_and_place(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mixed.yaml"
    path.write_text(textwrap.dedent("""\
        source:
          id: mixed
          title: Mixed
          publisher: Test
          sha256: "{sha}"
          reporting_country: Belgium
        routes:
        - id: mixed-route
          flow: mixed
          commodity: cocain
          label: A route
          reporting_role: destination
          stages:
          - place: Balkns
          - place: Belgium
            by: boat
          evidence: []
        """).format(sha="d" * 64), encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        validate([path])
    found = {(p.line, p.route, p.field, p.message.split(";")[0]) for p in caught.value.problems}
    assert found == {
        (10, "mixed-route", "commodity", "unknown commodity 'cocain'"),
        (14, "mixed-route", "stages[0].place", "unknown place 'Balkns'"),
        (16, "mixed-route", "stages[1].by",
         "input should be 'road', 'rail', 'land', 'sea', 'air' or 'unspecified' (found 'boat')"),
        (17, "mixed-route", "evidence",
         "expected at least 1 item, found 0"),
    }
