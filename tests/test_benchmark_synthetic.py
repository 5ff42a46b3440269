"""The benchmark's synthetic catalogues (benchmarks/synthetic.py): valid, varied, reproducible.

No timing here: the benchmark itself (``make bench``) measures; these tests only make sure
that what it measures is a valid catalogue in the real format.
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.synthetic import MAX_SUMMARY_WORDS, MIN_SUMMARY_WORDS, write_catalogue
from trafficking_route_mapper.geodata.resolve import ResolvedRoute, validate
from trafficking_route_mapper.routes.commodities import COMMODITIES
from trafficking_route_mapper.routes.model import MAX_PHRASE_WORDS

N = 50
SEED = 7


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_catalogue(tmp_path_factory.mktemp("synthetic") / "a" / "synthetic.yaml", N, SEED)


@pytest.fixture(scope="module")
def resolved(catalogue: Path) -> list[ResolvedRoute]:
    return validate([catalogue])


def test_catalogue_validates_with_every_route(resolved: list[ResolvedRoute]) -> None:
    assert len(resolved) == N
    assert len({rr.route.id for rr in resolved}) == N


def test_every_route_has_two_to_five_stages(resolved: list[ResolvedRoute]) -> None:
    counts = Counter(len(rr.route.stage_list) for rr in resolved)
    assert set(counts) <= {2, 3, 4, 5}
    assert len(counts) >= 3  # the lengths vary, not one fixed shape


def test_at_least_twelve_commodities_from_the_registry(resolved: list[ResolvedRoute]) -> None:
    used = {rr.route.commodity for rr in resolved}
    assert len(used) >= 12
    assert used <= set(COMMODITIES)


def test_no_place_twice_in_a_row(resolved: list[ResolvedRoute]) -> None:
    for rr in resolved:
        keys = [p.key for s in rr.stages for p in s.places]
        assert all(a != b for a, b in itertools.pairwise(keys)), rr.route.id


def test_places_are_of_several_kinds(resolved: list[ResolvedRoute]) -> None:
    kinds = {p.kind for rr in resolved for s in rr.stages for p in s.places}
    assert {"country", "region"} <= kinds
    assert kinds & {"city", "port"}


def test_evidence_has_realistic_lengths(resolved: list[ResolvedRoute]) -> None:
    evidence = [ev for rr in resolved for ev in rr.route.evidence]
    assert evidence
    for ev in evidence:
        assert 1 <= len(ev.phrase.split()) <= MAX_PHRASE_WORDS
        assert MIN_SUMMARY_WORDS <= len(ev.summary.split()) <= MAX_SUMMARY_WORDS
        assert ev.section is not None
        assert ev.section.isupper()


def test_sha256_is_written_quoted(catalogue: Path) -> None:
    line = next(x for x in catalogue.read_text(encoding="utf-8").splitlines()
                if x.strip().startswith("sha256:"))
    value = line.split(":", 1)[1].strip()
    assert value[0] == value[-1] == '"'
    assert len(value) == 66


def test_same_seed_same_bytes_other_seed_other_bytes(catalogue: Path, tmp_path: Path) -> None:
    again = write_catalogue(tmp_path / "again.yaml", N, SEED)
    other = write_catalogue(tmp_path / "other.yaml", N, SEED + 1)
    assert again.read_bytes() == catalogue.read_bytes()
    assert other.read_bytes() != catalogue.read_bytes()


def test_rejects_an_empty_catalogue(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="n must be at least 1"):
        write_catalogue(tmp_path / "empty.yaml", 0, SEED)


def test_report_names_the_machine_it_ran_on() -> None:
    """Figures in seconds depend on the machine: the report says which CPU and how busy."""
    from benchmarks.report import format_report

    result = {"seed": 1, "repeat": 3, "python": "3.11.7", "cpus": 2, "jobs": 2, "shapes": {},
              "environment": {"cpu": "AMD EPYC", "load_average": [0.28, 0.06, 0.02]}}
    header = format_report(result, []).splitlines()[:2]
    assert header[1] == "CPU AMD EPYC; load average at the start 0.28/0.06/0.02"
    del result["environment"]  # a result written before the machine was recorded
    assert "CPU" not in format_report(result, []).splitlines()[1]
