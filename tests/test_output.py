"""The output folder: what a build will and will not replace, the lock, the atomic switch and
recovery after a build killed at chosen moments, and workers that die with their build."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from trafficking_route_mapper import build_maps
from trafficking_route_mapper.maps import staging as output
from trafficking_route_mapper.maps.staging import MANIFEST, staged_output
from trafficking_route_mapper.routes.errors import OutputRefusedError

BUILD = ["-q", "--no-static", "-j", "1"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _build(folder: Path, content: str) -> None:
    """A fake build: one file, written through staged_output like a real one."""
    with staged_output(folder) as stage:
        (stage / "data.txt").write_text(content, encoding="utf-8")


@pytest.fixture
def documents(tmp_path: Path) -> Path:
    """A folder of a person's own files, which no build may delete."""
    folder = tmp_path / "Documents"
    (folder / "letters").mkdir(parents=True)
    (folder / "thesis.odt").write_bytes(b"years of work")
    (folder / "letters" / "mum.txt").write_text("hello\n", encoding="utf-8")
    return folder


# --- what --out replaces ----------------------------------------------------------------------


def test_a_folder_that_is_not_a_build_is_refused(
    documents: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    before = _tree(documents)
    assert build_maps.main([*BUILD, "--out", str(documents)]) == build_maps.EXIT_INVALID
    err = capsys.readouterr().err
    assert f"error: {documents} is not an output of this tool (it has no manifest.json)" in err
    assert "--force" in err
    assert "Traceback" not in err
    assert _tree(documents) == before
    assert sorted(p.name for p in documents.parent.iterdir()) == ["Documents"]  # not even a lock


def test_force_replaces_it_and_logs_what_it_removed(
    documents: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="trafficking_route_mapper.maps.staging"):
        assert build_maps.main([*BUILD, "--force", "--out", str(documents)]) == 0
    assert (documents / "index.html").exists()
    assert not (documents / "thesis.odt").exists()
    assert (f"--force: replacing {documents}, which was not a build of this tool; removed: "
            "letters/, thesis.odt") in caplog.text


def test_a_previous_build_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(out, "first")
    _build(out, "second")
    assert _tree(out)["data.txt"] == b"second"


def test_a_build_folder_with_a_file_added_by_hand_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(out, "first")
    (out / "my-notes.txt").write_text("do not lose\n", encoding="utf-8")
    with pytest.raises(OutputRefusedError,
                       match=r"holds files the previous build did not write: my-notes\.txt"):
        _build(out, "second")
    assert (out / "my-notes.txt").exists()
    assert _tree(out)["data.txt"] == b"first"


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    _build(out, "first")
    assert _tree(out)["data.txt"] == b"first"


def test_a_file_in_the_way_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("a file\n", encoding="utf-8")
    with pytest.raises(OutputRefusedError, match="is not a folder"):
        _build(out, "first")
    assert out.read_text(encoding="utf-8") == "a file\n"


def test_an_output_of_a_version_before_manifests_is_recognised(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "commodity").mkdir(parents=True)
    (out / "index.html").write_text('<script type="application/json" id="trm-data">{}</script>',
                                    encoding="utf-8")
    (out / "routes.geojson").write_text("{}", encoding="utf-8")
    _build(out, "new")
    assert sorted(_tree(out)) == ["data.txt", MANIFEST]


def test_a_web_site_with_an_index_page_is_not_taken_for_an_old_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>My site</h1>", encoding="utf-8")
    with pytest.raises(OutputRefusedError, match="not an output of this tool"):
        _build(site, "new")


@pytest.mark.parametrize("where", ["cwd", "parent of cwd", "home", "holds an input"])
def test_folders_that_are_never_replaced_even_with_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    where: str,
) -> None:
    work = tmp_path / "project" / "work"
    work.mkdir(parents=True)
    (work / "mine.txt").write_text("mine\n", encoding="utf-8")
    monkeypatch.chdir(work)
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    argv = [*BUILD, "--force"]
    target = {"cwd": ".", "parent of cwd": "..", "home": str(tmp_path / "home"),
              "holds an input": str(tmp_path / "inputs")}[where]
    if where == "holds an input":
        from trafficking_route_mapper.routes.load import builtin_catalogues

        (tmp_path / "inputs").mkdir()
        copy = tmp_path / "inputs" / "belgium.yaml"
        copy.write_bytes(builtin_catalogues()[0].read_bytes())
        argv += ["-c", str(copy)]
    before = _tree(tmp_path)
    assert build_maps.main([*argv, "--out", target]) == build_maps.EXIT_INVALID
    err = capsys.readouterr().err
    reason = {"cwd": "it is the current folder", "parent of cwd": "it is the current folder",
              "home": "it is your home folder", "holds an input": "an input of this build"}[where]
    assert "will not write the build here because " in err
    assert reason in err
    after = {k: v for k, v in _tree(tmp_path).items() if not k.endswith(".lock")}
    assert after == before


def test_the_manifest_lists_every_file_with_its_size_and_hash(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with staged_output(out) as stage:
        (stage / "a.txt").write_bytes(b"abc")
        (stage / "sub").mkdir()
        (stage / "sub" / "b.bin").write_bytes(b"\x00" * 10)
    manifest = orjson.loads((out / MANIFEST).read_bytes())
    assert manifest["tool"] == "trafficking-route-mapper"
    assert manifest["version"] == output.tool_version() != "unknown"
    assert manifest["files"] == [
        {"path": "a.txt", "bytes": 3,
         "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"path": "sub/b.bin", "bytes": 10,
         "sha256": "01d448afd928065458cf670b60f5a594d735af0172c8d67f22a81680132681ca"},
    ]


# --- killed at chosen moments -----------------------------------------------------------------


def _killed_build(target: Path, arm: Callable[[], None]) -> None:
    """Run a build of ``target`` in a forked child that ``arm`` rigs to die at some moment."""
    def child() -> None:
        arm()
        _build(target, "new")
        os._exit(0)

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    process.join(30)
    assert process.exitcode == -signal.SIGKILL, "the build was killed where the test chose"


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    _build(out, "old")
    return out


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name not in (out.name, f".{out.name}.lock"))


def test_killed_while_writing_leaves_the_old_build(previous: Path) -> None:
    real = Path.write_text

    def arm() -> None:
        def dying(self: Path, *args: object, **kwargs: object) -> int:
            real(self, "half", encoding="utf-8")
            _die()
            return 0

        setattr(Path, "write_text", dying)  # noqa: B010  (in the child only)

    _killed_build(previous, arm)
    assert _tree(previous)["data.txt"] == b"old"
    assert _leftovers(previous) != []  # a staging folder
    _build(previous, "next")
    assert _tree(previous)["data.txt"] == b"next"
    assert _leftovers(previous) == []


def test_killed_right_after_the_switch_leaves_the_new_build(previous: Path) -> None:
    def arm() -> None:
        real = output._exchange

        def then_die(a: Path, b: Path) -> bool:
            assert real(a, b)
            _die()
            return True

        setattr(output, "_exchange", then_die)  # noqa: B010

    _killed_build(previous, arm)
    assert _tree(previous)["data.txt"] == b"new"
    assert _leftovers(previous) != []  # the old build, not yet removed
    _build(previous, "next")
    assert _leftovers(previous) == []


def test_the_switch_is_one_exchange_not_two_renames(
    previous: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    renames: list[tuple[str, str]] = []
    real = Path.rename

    def spy(self: Path, target: str) -> Path:
        renames.append((self.name, Path(target).name))
        return real(self, target)

    monkeypatch.setattr(Path, "rename", spy)
    _build(previous, "new")
    assert renames == []
    assert _tree(previous)["data.txt"] == b"new"


def test_killed_between_the_fallbacks_two_renames_is_repaired_by_the_next_build(
    previous: Path,
) -> None:
    """Where the exchange is not available, two renames are used; a build killed between them
    leaves no output folder, and the next build puts the previous output back first."""
    def arm() -> None:
        real = Path.rename
        setattr(output, "_exchange", lambda a, b: False)  # noqa: B010

        def rename(self: Path, target: str) -> Path:
            moved = real(self, target)
            if Path(target).name.endswith(".old"):
                _die()
            return moved

        setattr(Path, "rename", rename)  # noqa: B010

    _killed_build(previous, arm)
    assert not previous.exists()
    seen: dict[str, bytes] = {}

    def failing_build() -> None:
        with staged_output(previous):
            seen.update(_tree(previous))
            raise RuntimeError("this build fails")

    with pytest.raises(RuntimeError, match="fails"):
        failing_build()
    assert seen["data.txt"] == b"old", "restored before the build started"
    assert _tree(previous)["data.txt"] == b"old"
    assert _leftovers(previous) == []


# --- two builds at once -------------------------------------------------------------------------


def test_a_second_build_waits_for_the_first(
    previous: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    started, release = multiprocessing.get_context("fork").Event(), multiprocessing.Event()

    def first() -> None:
        with staged_output(previous) as stage:
            (stage / "data.txt").write_text("first", encoding="utf-8")
            started.set()
            release.wait(30)
        os._exit(0)

    child = multiprocessing.get_context("fork").Process(target=first)
    child.start()
    assert started.wait(30)
    second = threading.Thread(target=_build, args=(previous, "second"))
    with caplog.at_level(logging.WARNING, logger="trafficking_route_mapper.maps.staging"):
        second.start()
        time.sleep(0.5)
        assert second.is_alive(), "the second build waits while the first writes"
        release.set()
        child.join(30)
        second.join(30)
    assert child.exitcode == 0, "the first build finished whole"
    assert f"another build (process {child.pid}) is writing {previous}" in caplog.text
    assert _tree(previous)["data.txt"] == b"second"
    assert _leftovers(previous) == []


# --- workers die with their build ---------------------------------------------------------------

_WORKERS_SCRIPT = textwrap.dedent("""
    import os, sys, time
    from trafficking_route_mapper.geodata import parallel as workers

    folder = sys.argv[1]

    def step(i):
        def run():
            with open(os.path.join(folder, f"worker-{i}.pid"), "w") as f:
                f.write(str(os.getpid()))
            time.sleep(60)
        return run

    workers.run([step(0), step(1)], 2)
""")


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_exit_when_the_build_is_killed(tmp_path: Path) -> None:
    parent = subprocess.Popen([sys.executable, "-c", _WORKERS_SCRIPT, str(tmp_path)])
    try:
        pid_files = [tmp_path / "worker-0.pid", tmp_path / "worker-1.pid"]
        deadline = time.monotonic() + 30
        while not all(p.exists() and p.read_text() for p in pid_files):
            assert time.monotonic() < deadline, "the workers started"
            time.sleep(0.05)
        pids = [int(p.read_text()) for p in pid_files]
        assert all(_alive(pid) for pid in pids)
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid in pids if _alive(pid)] == []
    finally:
        parent.kill()
        parent.wait(10)
