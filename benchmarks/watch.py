"""How long ``build_maps.py --watch`` takes to show a one-route edit of the built-in catalogue.

Not a test: it prints figures and asserts nothing. Run from the repository root::

    .venv/bin/python -m benchmarks.watch                  # PNGs too, then --no-static
    .venv/bin/python -m benchmarks.watch --edits 9 --jobs 1

A copy of the built-in catalogue is watched (into a temporary output folder); each edit
rewrites the file with the heroin route's first stage naming two routes instead of three, or
three again (its geometry, its page entry and its commodity's PNG change). The time reported
is from just before the file is written to the moment the output folder is swapped (its inode
at the path changes: the atomic exchange of :mod:`maps.staging`), polled every millisecond;
the poll of the watcher itself (:data:`build_maps.WATCH_POLL_S`) is inside that time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BUILTIN = REPO_ROOT / "routes" / "catalogue" / "belgium.yaml"
THREE = "  - any_of: [Balkan route, Southern route, Northern route]\n"
TWO = "  - any_of: [Balkan route, Southern route]\n"


def _wait(condition: object, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("the watcher did not get there in time")
        time.sleep(0.001)


def measure(edits: int, static: bool, jobs: int | None) -> list[float]:
    """Seconds from each write to the swap of the output folder."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        catalogue, out, log = folder / "belgium.yaml", folder / "out", folder / "watch.log"
        text = BUILTIN.read_text(encoding="utf-8")
        assert THREE in text, "the edit this benchmark makes no longer applies"
        catalogue.write_text(text, encoding="utf-8")
        command = [sys.executable, "build_maps.py", "--watch", "-q", "-c", str(catalogue),
                   "-o", str(out), "--cache", str(folder / "cache")]
        command += [] if static else ["--no-static"]
        command += [] if jobs is None else ["-j", str(jobs)]
        with log.open("wb") as handle:
            watcher = subprocess.Popen(command, cwd=REPO_ROOT, stdout=handle,
                                       stderr=subprocess.STDOUT)
        try:
            _wait(lambda: "watching" in log.read_text())
            times = []
            for i in range(edits):
                before = os.stat(out).st_ino
                done = log.read_text().count("rebuilt")
                edited = text.replace(THREE, TWO) if i % 2 == 0 else text
                t0 = time.perf_counter()
                catalogue.write_text(edited, encoding="utf-8")
                _wait(lambda: os.stat(out).st_ino != before)  # noqa: B023 -- waited for here
                times.append(time.perf_counter() - t0)
                _wait(lambda: log.read_text().count("rebuilt") > done)  # noqa: B023
                time.sleep(0.3)  # the watcher back at its poll
        finally:
            watcher.send_signal(2)
            watcher.wait(timeout=60)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help="as build_maps.py --jobs (default: its default)")
    args = parser.parse_args()
    for static in (True, False):
        times = measure(args.edits, static, args.jobs)
        print(f"{'with PNGs' if static else '--no-static'}: median {statistics.median(times):.3f} s "
              f"over {len(times)} edits (min {min(times):.3f}, max {max(times):.3f}): "
              + " ".join(f"{t:.3f}" for t in times))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
