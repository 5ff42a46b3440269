"""Tests for the command line (:mod:`build_maps`): ``--check``, exit codes and error output.

``main`` runs in-process; output goes to ``tmp_path``. Building maps is tested elsewhere: here
only validation runs, and every test that could write checks that nothing was written.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.builders import line_of, minimal_route, stages, write_catalogue
from tests.conftest import SEED_TEXT
from trafficking_route_mapper import build_maps
from trafficking_route_mapper.geodata.resolve import ResolvedRoute
from trafficking_route_mapper.routes import commodities


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An existing output folder holding one marker file, to show that nothing touches it."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "marker.txt").write_text("previous build\n", encoding="utf-8")
    return out


def assert_untouched(out: Path) -> None:
    assert sorted(p.name for p in out.iterdir()) == ["marker.txt"]
    assert (out / "marker.txt").read_text(encoding="utf-8") == "previous build\n"


def test_check_builtin_prints_the_summary(
    capsys: pytest.CaptureFixture[str], builtin_resolved: list[ResolvedRoute], out_dir: Path
) -> None:
    assert build_maps.main(["--check", "--quiet", "--out", str(out_dir)]) == build_maps.EXIT_OK
    out, err = capsys.readouterr()
    per_commodity = Counter(commodities.commodity(c) for r in builtin_resolved
                            for c in r.route.commodity_ids)
    lines = out.splitlines()
    assert lines[0] == (f"OK: {len(builtin_resolved)} statements ({per_commodity.total()} routes, "
                        f"one per commodity) in {len(per_commodity)} commodities "
                        "from 1 catalogue file")
    assert lines[2].split() == ["category", "market", "commodity", "statements"]
    rows = {line[:100].rstrip(): int(line[100:]) for line in lines[3:3 + len(per_commodity)]}
    assert rows == {f"{c.category:<16} {c.market.label:<38} {c.label}": n
                    for c, n in per_commodity.items()}
    per_market: Counter[str] = Counter()
    for c, n in per_commodity.items():
        per_market[c.market.label] += n
    assert lines[-1] == "statements per market: " + ", ".join(
        f"{m} {n}" for m, n in sorted(per_market.items()))
    assert err == ""
    assert_untouched(out_dir)


def test_check_with_the_source_text(capsys: pytest.CaptureFixture[str], out_dir: Path) -> None:
    if not SEED_TEXT.exists():
        pytest.skip(f"the report text {SEED_TEXT} is not in this checkout")
    code = build_maps.main(["--check", "-q", "--source-text", str(SEED_TEXT), "--out", str(out_dir)])
    assert code == build_maps.EXIT_OK
    first = capsys.readouterr().out.splitlines()[0]
    assert first.endswith(" from 1 catalogue file (evidence phrases checked against the source text)")
    assert_untouched(out_dir)


def test_check_own_catalogue(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, routes=[
        minimal_route(), minimal_route(id="gold-out", commodity="gold", stages=stages("Belgium", None)),
    ])
    assert build_maps.main(["--check", "-q", "--catalogue", str(path)]) == build_maps.EXIT_OK
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ("OK: 2 statements (2 routes, one per commodity) in 2 "
                                   "commodities from 1 catalogue file")
    assert out.splitlines()[-1] == (
        "statements per market: Arms trafficking 1, Non-renewable resource crimes 1")


@pytest.mark.parametrize("check", [True, False], ids=["check", "build"])
def test_bad_catalogue_exits_2_lists_every_problem_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, out_dir: Path, check: bool
) -> None:
    path = write_catalogue(tmp_path, routes=[
        minimal_route(commodity="cocain"),
        minimal_route(id="second", stages=stages("Balkns", "Belgium")),
    ])
    argv = ["--catalogue", str(path), "--out", str(out_dir), *(["--check"] if check else [])]
    assert build_maps.main(argv) == build_maps.EXIT_INVALID
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: invalid catalogue input\n2 problems found:\n")
    commodity_line, place_line = line_of(path, "commodity: cocain"), line_of(path, "- place: Balkns")
    assert (f"  {path}:{commodity_line}: route 'firearms-balkans-belgium': commodity: "
            "unknown commodity 'cocain'; did you mean 'cocaine'") in err
    assert (f"  {path}:{place_line}: route 'second': stages[0].place: unknown place 'Balkns'; "
            "did you mean 'Balkans' (a region of 11 countries)?\n") in err
    assert "Traceback" not in err
    assert_untouched(out_dir)


def test_bad_catalogue_does_not_create_the_output_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_catalogue(tmp_path, routes=[minimal_route(stages="Belgium")])
    out = tmp_path / "never"
    assert build_maps.main(["--catalogue", str(path), "--out", str(out)]) == build_maps.EXIT_INVALID
    assert not out.exists()
    assert "stages: input should be a valid list" in capsys.readouterr().err


def test_missing_catalogue_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        out_dir: Path) -> None:
    missing = tmp_path / "missing.yaml"
    assert build_maps.main(["--check", "-c", str(missing), "-o", str(out_dir)]) == 2
    err = capsys.readouterr().err
    assert f"{missing}: file not found; expected a catalogue YAML file" in err
    assert "Traceback" not in err
    assert_untouched(out_dir)


def test_missing_source_text_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "report.txt"
    assert build_maps.main(["--check", "--source-text", str(missing)]) == build_maps.EXIT_INVALID
    err = capsys.readouterr().err
    assert err.startswith(f"error: {missing}: cannot read the source text: ")
    assert "Traceback" not in err


def test_source_text_of_another_edition_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "report.txt"
    other.write_text("DRUGS\nNothing here.\n", encoding="utf-8")
    assert build_maps.main(["--check", "-q", "--source-text", str(other)]) == 2
    err = capsys.readouterr().err
    assert "source.sha256: the source text given has SHA-256 " in err
    assert "is not in section 'ENVIRONMENT' of the source text" not in err  # no such heading
    assert "section 'ENVIRONMENT' is not a heading of the source text; expected one of: DRUGS" in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        build_maps.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: build_maps.py")
    for option in ("--check", "--catalogue", "--source-text", "--out"):
        assert option in out


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        build_maps.main(["--chekc"])
    assert info.value.code == 2
    assert "unrecognized arguments: --chekc" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_whole_number(capsys: pytest.CaptureFixture[str],
                                              value: str) -> None:
    with pytest.raises(SystemExit) as info:
        build_maps.main(["--jobs", value])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --jobs/-j: expected a whole number of at least 1, got '{value}'" in err
