"""The command line shared by the scripts that derive ``geodata/data`` files (``make geodata``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def run(argv: list[str] | None, doc: str | None, output: Path,
        make: Callable[[Path], None]) -> int:
    """Parse ``--out`` (default ``output``), call ``make`` with it, say what was written."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=output, help="where to write (default: %(default)s)")
    args = parser.parse_args(argv)
    make(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0
