"""Hubs a catalogue declares: validated like routes, resolved to places of the reporting country."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from trafficking_route_mapper.geodata.assemble import build_atlas
from trafficking_route_mapper.geodata.resolve import validate
from trafficking_route_mapper.routes.errors import CatalogueError


def _catalogue(folder: Path, hubs: str) -> Path:
    path = folder / "hubs.yaml"
    path.write_text(textwrap.dedent("""\
        source:
          id: hubs
          title: Hubs
          publisher: Test
          sha256: "{sha}"
          reporting_country: Belgium
        hubs:
        {hubs}
        routes:
        - id: a-route
          flow: a-flow
          commodity: cocaine
          label: A route
          reporting_role: destination
          stages:
          - place: Spain
          - place: Belgium
          evidence:
          - section: DRUGS
            phrase: a phrase
            summary: a summary
        """).format(sha="c" * 64, hubs=textwrap.indent(hubs, "")), encoding="utf-8")
    return path


GHENT_OUTSIDE = """\
- place: Rotterdam
  commodities: [cocain]
  summary: not in Belgium
  evidence:
  - section: DRUGS
    phrase: a phrase
    summary: a summary
"""

LIEGE = """\
- place: liege
  commodities: [trafficked-persons]
  summary: labour exploitation
  evidence:
  - section: PEOPLE
    phrase: a phrase
    summary: a summary
"""


def test_hub_outside_the_reporting_country_and_unknown_commodity_are_reported(
    tmp_path: Path,
) -> None:
    path = _catalogue(tmp_path, GHENT_OUTSIDE)
    with pytest.raises(CatalogueError) as caught:
        validate([path])
    problems = {(p.line, p.field, p.message.split(";")[0]) for p in caught.value.problems}
    assert (9, "hubs[0].commodities[0]", "unknown commodity 'cocain'") in problems
    assert (8, "hubs[0].place",
            "'Rotterdam' is not a place in Belgium") in problems


def test_hub_resolves_by_alias_into_the_hubs_table(tmp_path: Path) -> None:
    frame = build_atlas(validate([_catalogue(tmp_path, LIEGE)])).hubs
    assert list(frame["name"]) == ["Liège"]
    assert list(frame["place"]) == ["city:liege"]
    assert frame["commodities"].iloc[0] == ["trafficked-persons"]
    assert frame["evidence"].iloc[0][0]["section"] == "PEOPLE"
    assert frame["evidence"].iloc[0][0]["source"] == "hubs"

