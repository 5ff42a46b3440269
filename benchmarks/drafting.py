"""Benchmark ``build_maps.py draft``: recall, precision, verbatim phrases and time per text.

Not a test: it prints figures and asserts nothing. Run from the repository root::

    .venv/bin/python -m benchmarks.drafting

For each text that has a finished catalogue (the Belgium profile against the built-in
catalogue, where ``../shared`` is beside the repository; the test texts of
``tests/fixtures/drafts`` and ``tests/fixtures/atlas``), it drafts a catalogue in a fresh
interpreter (``--runs`` times, the median wall time reported: imports, gazetteer, reading and
checking the draft, as a user waits for it), then compares the draft with the finished
catalogue by leg (:mod:`geodata.draft_compare`) and checks that every evidence phrase is the
text's own words at its offset.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED = REPO_ROOT.parent / "shared" / "seeds" / "000_28c4e90fbdaf88a9.txt"


def cases() -> list[tuple[str, Path, Path, str]]:
    """(name, text, finished catalogue, reporting country) of every text with a catalogue."""
    import yaml

    out = []
    if SEED.is_file():
        out.append(("Belgium profile (OCI 2021)", SEED,
                    REPO_ROOT / "routes" / "catalogue" / "belgium.yaml", "Belgium"))
    for folder in ("drafts", "atlas"):
        for cat in sorted((REPO_ROOT / "tests" / "fixtures" / folder).glob("*.yaml")):
            text = cat.with_suffix(".txt")
            if text.is_file():
                country = yaml.safe_load(cat.read_text(encoding="utf-8"))["source"][
                    "reporting_country"]
                out.append((f"test text {folder}/{text.name}", text, cat, country))
    return out


def verbatim(draft: Path, text: Path) -> tuple[int, int]:
    """(phrases found verbatim at their offsets, phrases)."""
    import yaml

    from trafficking_route_mapper.routes.evidence import SourceText

    source = SourceText.read(text)
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    good = total = 0
    for route in data["routes"]:
        for ev in route["evidence"]:
            total += 1
            starts = {a.start for a in source.occurrences(ev["phrase"], ev.get("section"))}
            good += ev["offset"] in starts and len(ev["phrase"].split()) <= 20
    return good, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per text (median)")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO_ROOT.parent))
    from trafficking_route_mapper.geodata.draft_compare import compare
    from trafficking_route_mapper.geodata.resolve import validate

    print(f"{'text':<48} {'recall':>7} {'prec.':>7} {'mkt rec':>7} {'mkt prec':>8} "
          f"{'legs f/d':>9} {'verbatim':>9} {'time s':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, text, finished, country in cases():
            out = Path(tmp) / "draft.yaml"
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                subprocess.run([sys.executable, str(REPO_ROOT / "build_maps.py"), "draft",
                                str(text), "--reporting-country", country, "-o", str(out), "-q"],
                               check=True)
                times.append(time.perf_counter() - t0)
            result = compare(validate([out]), validate([finished]))
            strict, market = result.scores
            good, total = verbatim(out, text)
            print(f"{name:<48} {strict.recall:7.1%} {strict.precision:7.1%} {market.recall:7.1%} "
                  f"{market.precision:8.1%} {strict.finished:>4}/{strict.draft:<4} "
                  f"{good:>4}/{total:<4} {statistics.median(times):7.2f}")


if __name__ == "__main__":
    main()
