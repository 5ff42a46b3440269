"""The multi-report atlas: links, corroboration, conflicts and changes between editions, on
the fictional fixtures of tests/fixtures/atlas (see its README for each scenario)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas


def _atlas(folder: Path, *reports: tuple[str, str, dict[str, Any]]) -> Atlas:
    """The Atlas of one-route catalogues: (source id, reporting country, route) each."""
    from tests.builders import minimal_source, write_catalogue
    from trafficking_route_mapper.geodata.pipeline import load_atlas

    return load_atlas([write_catalogue(folder, [route], source=minimal_source(
        id=sid, reporting_country=country), name=f"{sid}.yaml") for sid, country, route in reports])


def _link(atlas: Atlas, link_id: str) -> dict[str, Any]:
    links = atlas.agreement.links
    rows: list[dict[str, Any]] = links[links[C.LINK_ID] == link_id].to_dict("records")
    assert len(rows) == 1, f"no link {link_id}: {links[C.LINK_ID].tolist()}"
    return rows[0]


def _conflicts(atlas: Atlas, kind: str) -> list[dict[str, Any]]:
    c = atlas.agreement.conflicts
    rows: list[dict[str, Any]] = c[c[C.CONFLICT_KIND] == kind].to_dict("records")
    return rows


def test_every_leg_with_two_places_is_on_exactly_one_link(fixture_atlas: Atlas) -> None:
    legs, ag = fixture_atlas.leg_table, fixture_atlas.agreement
    placed = (legs[C.LEG_FROM_PLACE].notna() & legs[C.LEG_TO_PLACE].notna()).to_numpy()
    assert ((ag.leg_links >= 0) == placed).all()
    commodity = fixture_atlas.route_table[C.COMMODITY].to_numpy()[
        fixture_atlas.route_index(legs[C.ROUTE_ID])]
    for k in range(len(legs)):
        if placed[k]:
            row = ag.links.iloc[ag.leg_links[k]]
            assert (row[C.COMMODITY], row[C.LEG_FROM_PLACE], row[C.LEG_TO_PLACE]) == (
                commodity[k], legs[C.LEG_FROM_PLACE].iat[k], legs[C.LEG_TO_PLACE].iat[k])
    assert ag.links[C.LINK_ID].is_unique
    assert ag.links[C.LINK_ID].is_monotonic_increasing


def test_the_same_flow_from_both_ends_corroborates_across_the_market(fixture_atlas: Atlas) -> None:
    # Belgium codes cannabis resin, Morocco cannabis of unstated form: one market, one flow
    resin = _link(fixture_atlas, "cannabis-resin:country:MAR>country:ESP")
    assert resin[C.LINK_REPORTS] == ["test-belgium-2021", "test-morocco-2021"]
    assert resin[C.LINK_CORROBORATION] == 2
    assert resin[C.LINK_COUNTRIES] == 2
    assert resin[C.LINK_MATCHED_ROUTES] == ["cannabis-morocco-spain-belgium"]
    # two commodities of one market that are both specific do not match
    assert _link(fixture_atlas, "cannabis-resin:country:FRA>country:BEL")[C.LINK_CORROBORATION] == 1


def test_regions_match_the_countries_they_contain(fixture_atlas: Atlas) -> None:
    # Balkans -> Belgium (Belgium) and Albania -> Western Europe (Albania): each end inside
    # the other's; the 2023 Belgium edition states it again, a report of its own
    for lid in ("heroin:region:balkans>country:BEL", "heroin:country:ALB>region:western-europe"):
        link = _link(fixture_atlas, lid)
        assert link[C.LINK_REPORTS] == ["test-albania-2021", "test-belgium-2021", "test-belgium-2023"]
        assert link[C.LINK_CORROBORATION] == 3
        assert link[C.LINK_COUNTRIES] == 2
        assert link[C.LINK_EDITIONS] == ["2021", "2023"]
        assert link[C.LINK_DRAWN_AS] == []  # neither is finer at both ends: both are drawn


def test_an_inferred_leg_does_not_corroborate(tmp_path: Path) -> None:
    from tests.builders import minimal_route

    stated = minimal_route(id="a", stages=[{"place": "Balkans"}, {"place": "Belgium"}])
    other = minimal_route(id="b", stages=[{"place": "Albania", "stated": False,
                                          "source": "test"}, {"place": "Belgium"}])
    atlas = _atlas(tmp_path, ("report-a", "Belgium", stated), ("report-b", "Albania", other))
    coarse = _link(atlas, "firearms:region:balkans>country:BEL")
    fine = _link(atlas, "firearms:country:ALB>country:BEL")
    assert coarse[C.LINK_REPORTS] == ["report-a"]
    assert coarse[C.LINK_CORROBORATION] == 1
    assert fine[C.LINK_INFERRED_REPORTS] == ["report-b"]
    assert fine[C.LINK_REPORTS] == ["report-a"]  # stated by report-a's coarser link only
    assert coarse[C.LINK_DRAWN_AS] == []  # an inferred finer link does not replace a stated one


def test_a_coarse_link_is_drawn_as_the_finer_one_that_refines_it(tmp_path: Path) -> None:
    from tests.builders import minimal_route

    atlas = _atlas(
        tmp_path,
        ("report-a", "Belgium", minimal_route(id="a", stages=[{"place": "Balkans"},
                                                             {"place": "Belgium"}])),
        ("report-b", "Albania", minimal_route(id="b", stages=[{"place": "Albania"},
                                                             {"place": "Antwerp"}])),
        ("report-c", "Serbia", minimal_route(id="c", stages=[{"place": "Serbia"},
                                                            {"place": "Brussels"}])))
    coarse = _link(atlas, "firearms:region:balkans>country:BEL")
    assert coarse[C.LINK_DRAWN_AS] == ["firearms:country:ALB>city:antwerp",
                                  "firearms:country:SRB>city:brussels"]
    assert coarse[C.LINK_CORROBORATION] == 3
    # matching is not transitive: Albania -> Antwerp and Serbia -> Brussels share only the coarse
    antwerp = _link(atlas, "firearms:country:ALB>city:antwerp")
    assert antwerp[C.LINK_REPORTS] == ["report-a", "report-b"]


def test_direction_conflict(fixture_atlas: Atlas) -> None:
    (row,) = _conflicts(fixture_atlas, "direction")
    assert row[C.LINK_ID] == "firearms:country:ALB>country:NLD"
    assert row[C.CONFLICT_OTHER_LINK] == "firearms:country:NLD>country:ALB"
    assert row[C.CONFLICT_REPORT] == "test-albania-2021"
    assert row[C.CONFLICT_OTHER_REPORTS] == ["test-netherlands-2021"]
    assert row[C.CONFLICT_EVIDENCE]
    assert row[C.CONFLICT_OTHER_EVIDENCE]
    for lid in (row[C.LINK_ID], row[C.CONFLICT_OTHER_LINK]):
        assert "direction" in _link(fixture_atlas, lid)[C.LINK_CONFLICTS]


def test_one_sided_claims_name_the_profile_to_read_again(fixture_atlas: Atlas) -> None:
    rows = {(r[C.LINK_ID], r[C.CONFLICT_ABOUT]): r for r in _conflicts(fixture_atlas, "one-sided")}
    # Belgium: cocaine from the Netherlands; the Netherlands' profile never links Belgium
    nl = rows[("cocaine:country:NLD>country:BEL", "NLD")]
    assert nl[C.CONFLICT_REPORT] == "test-belgium-2021"
    assert nl[C.CONFLICT_ABOUT_ROLE] == "origin"
    assert nl[C.CONFLICT_OTHER_REPORTS] == ["test-netherlands-2021"]
    assert "states no cocaine flow linked to Belgium" in nl[C.CONFLICT_DESCRIPTION]
    # Morocco's profile does link Belgium (cannabis, of the same market): no claim there
    assert not any(about == "MAR" for _, about in rows)
    # a region is not a country: Albania's "Western Europe" raises nothing against Belgium
    assert not any(r[C.CONFLICT_REPORT] == "test-albania-2021" for r in rows.values())


def test_role_conflict(fixture_atlas: Atlas) -> None:
    rows = [r for r in _conflicts(fixture_atlas, "role")
            if r[C.LINK_ID] == "cocaine:country:BEL>country:DEU"]
    (row,) = rows
    assert row[C.CONFLICT_REPORT] == "test-belgium-2021"
    assert row[C.CONFLICT_ABOUT] == "DEU"
    assert row[C.CONFLICT_ABOUT_ROLE] == "destination"
    assert row[C.CONFLICT_OTHER_REPORTS] == ["test-germany-2021"]
    assert "role transit for cocaine, never destination" in row[C.CONFLICT_DESCRIPTION]
    assert set(row[C.CONFLICT_OTHER_ROUTES]) == {"cocaine-germany-poland", "cocaine-netherlands-germany"}


def test_changes_between_editions(fixture_atlas: Atlas) -> None:
    changes = fixture_atlas.agreement.changes
    got = {(r[C.COMMODITY], r[C.CHANGE_ORIGIN], r[C.CHANGE_DESTINATION]): r[C.CHANGE]
           for r in changes.to_dict("records")}
    assert got == {
        ("cannabis-resin", "Morocco", "Belgium"): "shifted",
        ("heroin", "Balkans", "Belgium"): "persisting",
        ("ivory", "Cameroon", "Belgium"): "persisting",
        ("counterfeit-goods", "China", "Belgium"): "not-assessed",  # a market of 2023
        ("synthetic-drugs", "Belgium", "United Kingdom"): "new",
        ("cocaine", "Netherlands", "Belgium"): "gone",
        ("cocaine", "Belgium", "Germany"): "gone",
    }
    assert set(changes[C.REPORTING_COUNTRY]) == {"BEL"}
    assert set(zip(changes[C.CHANGE_BEFORE], changes[C.CHANGE_AFTER], strict=True)) == {("2021", "2023")}
    shifted = changes[changes[C.CHANGE] == "shifted"].iloc[0]
    assert shifted[C.CHANGE_PATH_BEFORE] == "Morocco → Spain → Belgium"
    assert shifted[C.CHANGE_PATH_AFTER] == "Morocco → France → Belgium"
    assert shifted[C.CHANGE_EVIDENCE_BEFORE]
    assert shifted[C.CHANGE_EVIDENCE_AFTER]


def test_one_report_agrees_only_with_itself(builtin_atlas: Atlas) -> None:
    ag = builtin_atlas.agreement
    stated = ag.links[C.LINK_INFERRED_REPORTS].str.len() == 0
    assert (ag.links[C.LINK_CORROBORATION][stated] == 1).all()
    assert (ag.links[C.LINK_CORROBORATION][~stated] == 0).all()  # corridors' waypoints: inferred
    # "Antwerp -> Europe" and "Antwerp -> Netherlands": the report said both, both are drawn
    assert (ag.links[C.LINK_DRAWN_AS].str.len() == 0).all()
    assert ag.conflicts.empty
    assert ag.changes.empty


def test_agreement_csvs_and_the_geopackage_layer(fixture_atlas: Atlas, tmp_path: Path) -> None:
    import csv

    import pyogrio

    from trafficking_route_mapper.maps import agreement as page
    from trafficking_route_mapper.maps.gpkg import write_gpkg

    paths = page.write_agreement_csvs(fixture_atlas, tmp_path)
    assert sorted(p.name for p in paths) == ["agreement.csv", "changes.csv", "conflicts.csv"]
    with (tmp_path / "agreement.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    links = fixture_atlas.agreement.links
    assert [r[C.LINK_ID] for r in rows] == links[C.LINK_ID].tolist()
    by_id = {r[C.LINK_ID]: r for r in rows}
    firearms = by_id["firearms:country:ALB>country:NLD"]
    assert firearms["conflict_direction"] == "true"
    assert firearms["conflict_one_sided"] == "false"
    assert firearms[C.LINK_FROM_ISO3] == "ALB"
    assert firearms[C.LINK_TO_ISO3] == "NLD"
    heroin = by_id["heroin:region:balkans>country:BEL"]
    assert heroin[C.LINK_CORROBORATION] == "3"
    assert heroin[C.LINK_REPORTS] == "test-albania-2021; test-belgium-2021; test-belgium-2023"
    with (tmp_path / "changes.csv").open(encoding="utf-8", newline="") as f:
        changes = list(csv.DictReader(f))
    assert {r[C.CHANGE] for r in changes} == {"new", "gone", "shifted", "persisting",
                                              "not-assessed"}
    write_gpkg(fixture_atlas, tmp_path / "routes.gpkg")
    layer = pyogrio.read_dataframe(tmp_path / "routes.gpkg", layer="agreement")
    assert layer[C.LINK_ID].tolist() == links[C.LINK_ID].tolist()
    assert layer.geometry.notna().all()
    assert layer[C.LINK_CORROBORATION].tolist() == links[C.LINK_CORROBORATION].tolist()
