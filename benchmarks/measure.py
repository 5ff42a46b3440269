"""Measuring child processes: wall time and peak memory, results passed back as JSON.

Every measurement of the benchmark runs in a fresh interpreter started through a small
trampoline (:data:`_TRAMPOLINE`), so that its peak RSS is its own; the child prints its result
on one line marked :data:`RESULT_MARK`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULT_MARK = "TRM-BENCH-RESULT "


@dataclass(frozen=True)
class Measured:
    """One finished child: wall seconds, its own peak RSS (MB), exit status, output."""

    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


#: Runs argv[2:] and writes its wall time and rusage to the file argv[1]. Measuring through this
#: small process matters for peak RSS: a child's ``ru_maxrss`` starts from its parent's RSS at
#: fork time (Linux keeps the pre-exec high-water mark), so a child forked straight from this
#: (large) benchmark process would report at least this process's size.
_TRAMPOLINE = """
import json, os, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
seconds = time.perf_counter() - t0
with open(sys.argv[1], "w") as f:
    json.dump({"seconds": seconds, "maxrss_kb": usage.ru_maxrss,
               "returncode": os.waitstatus_to_exitcode(status)}, f)
"""


def run_measured(cmd: Sequence[str], cwd: Path = REPO_ROOT) -> Measured:
    """Run ``cmd``; return its wall time and *its own* peak RSS (``wait4`` in a trampoline)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "rusage.json"
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            subprocess.run([sys.executable, "-S", "-c", _TRAMPOLINE, str(report), *cmd],
                           cwd=cwd, stdout=stdout, stderr=stderr, check=False)
        text_out = out.read_text(encoding="utf-8", errors="replace")
        text_err = err.read_text(encoding="utf-8", errors="replace")
        if not report.exists():
            raise RuntimeError(f"could not run {' '.join(cmd)}:\n{text_err[-3000:]}")
        usage = json.loads(report.read_text(encoding="utf-8"))
    return Measured(float(usage["seconds"]), usage["maxrss_kb"] / 1024.0,
                    int(usage["returncode"]), text_out, text_err)


def child_result(measured: Measured, what: str) -> dict[str, Any]:
    """The JSON a child printed on its result line; raises with its stderr when it failed."""
    for line in reversed(measured.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            result: dict[str, Any] = json.loads(line[len(RESULT_MARK):])
            result["process_seconds"] = measured.seconds
            result["peak_rss_mb"] = measured.peak_rss_mb
            return result
    raise RuntimeError(f"{what} failed (exit {measured.returncode}):\n{measured.stderr[-3000:]}")


def child_cmd(*args: str) -> list[str]:
    """The command running :mod:`benchmarks.children` with ``args``."""
    return [sys.executable, "-m", "benchmarks.children", *args]


def vm_hwm_mb() -> float | None:
    """This process's peak RSS from /proc (Linux), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


@contextmanager
def timed(into: dict[str, float], name: str) -> Iterator[None]:
    t0 = time.perf_counter()
    yield
    into[name] = time.perf_counter() - t0


def emit(result: dict[str, Any]) -> None:
    sys.stdout.write(RESULT_MARK + json.dumps(result) + "\n")
    sys.stdout.flush()




def timed_step(step: Callable[[], Any]) -> Callable[[], dict[str, Any]]:
    """``step`` wrapped to report its own duration, process and that process's peak RSS."""
    def run() -> dict[str, Any]:
        t0 = time.perf_counter()
        step()
        return {"seconds": time.perf_counter() - t0, "pid": os.getpid(),
                "vm_hwm_mb": vm_hwm_mb() or 0.0}
    return run


def median_result(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Per-key medians of numeric fields (stages included); other fields from the first run."""
    out: dict[str, Any] = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = statistics.median(float(r[key]) for r in runs)
        elif isinstance(value, dict) and all(isinstance(v, (int, float)) for v in value.values()):
            out[key] = {k: statistics.median(float(r[key][k]) for r in runs) for k in value}
    out["runs"] = list(runs)
    return out
