"""Installed into someone else's environment, the tool adds one import name and its command.

A fresh virtual environment that already holds packages named ``maps``, ``routes`` and
``geodata`` (names other projects on the package index use) gets the tool's wheel; both sets
then import, and the command runs from the wheel, not from this checkout.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = "trafficking_route_mapper"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources (a build writes build/ and egg-info/)."""
    source = tmp_path_factory.mktemp("source") / "repo"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "out", "test-artifacts", "build", "*.egg-info",
        "__pycache__", ".*_cache"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(out), str(source)],
                   check=True, capture_output=True)
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_has_one_top_level_name(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        top_level = z.read(next(n for n in names if n.endswith("top_level.txt"))).decode()
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {PACKAGE}
    assert top_level.split() == [PACKAGE]
    assert f"{PACKAGE}/build_maps.py" in names
    assert f"{PACKAGE}/routes/catalogue/belgium.yaml" in names
    assert not any(n.startswith((f"{PACKAGE}/tests/", f"{PACKAGE}/benchmarks/")) for n in names)


def test_installs_beside_other_packages_named_maps_routes_and_geodata(
    wheel: Path, tmp_path: Path,
) -> None:
    env = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / "bin" / "python"
    site = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    for name in ("maps", "routes", "geodata"):  # someone else's packages, installed first
        (site / name).mkdir()
        (site / name / "__init__.py").write_text(f"OWNER = 'not the tool: {name}'\n",
                                                 encoding="utf-8")
    # the tool's dependencies come from this environment's site-packages (no network); a
    # path line in a .pth file adds the folder without running the editable finder there
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n",
                                           encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", str(wheel)], check=True, capture_output=True)
    script = textwrap.dedent(f"""
        import maps, routes, geodata
        assert maps.OWNER == "not the tool: maps", maps.OWNER
        import {PACKAGE}.maps.pages, {PACKAGE}.build_maps
        assert {PACKAGE}.maps.pages.__file__.startswith({str(site)!r}), {PACKAGE}.maps.pages.__file__
        status = {PACKAGE}.build_maps.main(["--check", "--quiet"])
        assert status == 0, status
        assert maps.OWNER == "not the tool: maps"
        print("ok")
    """)
    result = subprocess.run([str(python), "-c", script], cwd=tmp_path, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "ok"
    command = subprocess.run([str(env / "bin" / "trafficking-route-mapper"), "--check", "-q"],
                             cwd=tmp_path, capture_output=True, text=True)
    assert command.returncode == 0, command.stderr
    assert command.stdout.startswith("OK: ")
