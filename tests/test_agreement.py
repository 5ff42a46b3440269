"""The multi-report atlas: links, corroboration, conflicts and changes between editions, on
the fictional fixtures of tests/fixtures/atlas (see its README for each scenario)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trafficking_route_mapper.geodata import agreement as A
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
    rows = links[links[A.LINK_ID] == link_id].to_dict("records")
    assert len(rows) == 1, f"no link {link_id}: {links[A.LINK_ID].tolist()}"
    return rows[0]


def _conflicts(atlas: Atlas, kind: str) -> list[dict[str, Any]]:
    c = atlas.agreement.conflicts
    return c[c[A.KIND] == kind].to_dict("records")


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
    assert ag.links[A.LINK_ID].is_unique and ag.links[A.LINK_ID].is_monotonic_increasing


def test_the_same_flow_from_both_ends_corroborates_across_the_market(fixture_atlas: Atlas) -> None:
    # Belgium codes cannabis resin, Morocco cannabis of unstated form: one market, one flow
    resin = _link(fixture_atlas, "cannabis-resin:country:MAR>country:ESP")
    assert resin[A.REPORTS] == ["test-belgium-2021", "test-morocco-2021"]
    assert resin[A.CORROBORATION] == 2 and resin[A.COUNTRIES] == 2
    assert resin[A.MATCHED_ROUTES] == ["cannabis-morocco-spain-belgium"]
    # two commodities of one market that are both specific do not match
    assert _link(fixture_atlas, "cannabis-resin:country:FRA>country:BEL")[A.CORROBORATION] == 1


def test_regions_match_the_countries_they_contain(fixture_atlas: Atlas) -> None:
    # Balkans -> Belgium (Belgium) and Albania -> Western Europe (Albania): each end inside
    # the other's; the 2023 Belgium edition states it again, a report of its own
    for lid in ("heroin:region:balkans>country:BEL", "heroin:country:ALB>region:western-europe"):
        link = _link(fixture_atlas, lid)
        assert link[A.REPORTS] == ["test-albania-2021", "test-belgium-2021", "test-belgium-2023"]
        assert link[A.CORROBORATION] == 3 and link[A.COUNTRIES] == 2
        assert link[A.EDITIONS] == ["2021", "2023"]
        assert link[A.DRAWN_AS] == []  # neither is finer at both ends: both are drawn


def test_an_inferred_leg_does_not_corroborate(tmp_path: Path) -> None:
    from tests.builders import minimal_route

    stated = minimal_route(id="a", stages=[{"place": "Balkans"}, {"place": "Belgium"}])
    other = minimal_route(id="b", stages=[{"place": "Albania", "stated": False,
                                          "source": "test"}, {"place": "Belgium"}])
    atlas = _atlas(tmp_path, ("report-a", "Belgium", stated), ("report-b", "Albania", other))
    coarse = _link(atlas, "firearms:region:balkans>country:BEL")
    fine = _link(atlas, "firearms:country:ALB>country:BEL")
    assert coarse[A.REPORTS] == ["report-a"] and coarse[A.CORROBORATION] == 1
    assert fine[A.INFERRED_REPORTS] == ["report-b"]
    assert fine[A.REPORTS] == ["report-a"]  # stated by report-a's coarser link only
    assert coarse[A.DRAWN_AS] == []  # an inferred finer link does not replace a stated one


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
    assert coarse[A.DRAWN_AS] == ["firearms:country:ALB>city:antwerp",
                                  "firearms:country:SRB>city:brussels"]
    assert coarse[A.CORROBORATION] == 3
    # matching is not transitive: Albania -> Antwerp and Serbia -> Brussels share only the coarse
    antwerp = _link(atlas, "firearms:country:ALB>city:antwerp")
    assert antwerp[A.REPORTS] == ["report-a", "report-b"]


def test_direction_conflict(fixture_atlas: Atlas) -> None:
    (row,) = _conflicts(fixture_atlas, "direction")
    assert row[A.LINK_ID] == "firearms:country:ALB>country:NLD"
    assert row[A.OTHER_LINK] == "firearms:country:NLD>country:ALB"
    assert row[A.REPORT] == "test-albania-2021"
    assert row[A.OTHER_REPORTS] == ["test-netherlands-2021"]
    assert row[A.EVIDENCE] and row[A.OTHER_EVIDENCE]
    for lid in (row[A.LINK_ID], row[A.OTHER_LINK]):
        assert "direction" in _link(fixture_atlas, lid)[A.CONFLICTS]


def test_one_sided_claims_name_the_profile_to_read_again(fixture_atlas: Atlas) -> None:
    rows = {(r[A.LINK_ID], r[A.ABOUT]): r for r in _conflicts(fixture_atlas, "one-sided")}
    # Belgium: cocaine from the Netherlands; the Netherlands' profile never links Belgium
    nl = rows[("cocaine:country:NLD>country:BEL", "NLD")]
    assert nl[A.REPORT] == "test-belgium-2021" and nl[A.ABOUT_ROLE] == "origin"
    assert nl[A.OTHER_REPORTS] == ["test-netherlands-2021"]
    assert "states no cocaine flow linked to Belgium" in nl[A.DESCRIPTION]
    # Morocco's profile does link Belgium (cannabis, of the same market): no claim there
    assert not any(about == "MAR" for _, about in rows)
    # a region is not a country: Albania's "Western Europe" raises nothing against Belgium
    assert not any(r[A.REPORT] == "test-albania-2021" for r in rows.values())


def test_role_conflict(fixture_atlas: Atlas) -> None:
    rows = [r for r in _conflicts(fixture_atlas, "role")
            if r[A.LINK_ID] == "cocaine:country:BEL>country:DEU"]
    (row,) = rows
    assert row[A.REPORT] == "test-belgium-2021" and row[A.ABOUT] == "DEU"
    assert row[A.ABOUT_ROLE] == "destination"
    assert row[A.OTHER_REPORTS] == ["test-germany-2021"]
    assert "role transit for cocaine, never destination" in row[A.DESCRIPTION]
    assert set(row[A.OTHER_ROUTES]) == {"cocaine-germany-poland", "cocaine-netherlands-germany"}


def test_changes_between_editions(fixture_atlas: Atlas) -> None:
    changes = fixture_atlas.agreement.changes
    got = {(r[C.COMMODITY], r[A.ORIGIN], r[A.DESTINATION]): r[A.CHANGE]
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
    assert set(zip(changes[A.BEFORE], changes[A.AFTER], strict=True)) == {("2021", "2023")}
    shifted = changes[changes[A.CHANGE] == "shifted"].iloc[0]
    assert shifted[A.PATH_BEFORE] == "Morocco → Spain → Belgium"
    assert shifted[A.PATH_AFTER] == "Morocco → France → Belgium"
    assert shifted[A.EVIDENCE_BEFORE] and shifted[A.EVIDENCE_AFTER]


def test_one_report_agrees_only_with_itself(builtin_atlas: Atlas) -> None:
    ag = builtin_atlas.agreement
    stated = ag.links[A.INFERRED_REPORTS].str.len() == 0
    assert (ag.links[A.CORROBORATION][stated] == 1).all()
    assert (ag.links[A.CORROBORATION][~stated] == 0).all()  # corridors' waypoints: inferred
    # "Antwerp -> Europe" and "Antwerp -> Netherlands": the report said both, both are drawn
    assert (ag.links[A.DRAWN_AS].str.len() == 0).all()
    assert ag.conflicts.empty and ag.changes.empty
