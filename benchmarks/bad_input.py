"""What bad input costs against good input: validation time and peak memory, each in a fresh
process, on a synthetic catalogue of N routes (:mod:`benchmarks.synthetic`).

    python -m benchmarks.bad_input --routes 100000

Cases: the valid catalogue; one duplicated route id; every route naming one unknown place
(so N problems of one kind, each needing a line and a suggestion); a NUL byte halfway through.
Bad input should cost about what good input costs (within 2x, time and memory).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import write_catalogue

_CHILD = """
import gc, resource, sys
gc.disable()
from pathlib import Path
from trafficking_route_mapper.geodata.resolve import validate
from trafficking_route_mapper.routes.errors import CatalogueError
try:
    validate([Path(sys.argv[1])])
    what = "valid"
except CatalogueError as err:
    what = f"{len(err.problems)} problems; {len(str(err).splitlines())} lines of message"
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, what, sep="\t")
"""


def _variants(folder: Path, routes: int) -> dict[str, Path]:
    good = write_catalogue(folder / "good.yaml", routes, seed=7)
    text = good.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    ids = [i for i, line in enumerate(lines) if line.startswith("- id: ")]
    duplicate = list(lines)
    duplicate[ids[-1]] = lines[ids[0]]
    unknown = [line.replace('"Belgium"', '"Atlantis"') if line.strip().startswith("- place:")
               else line for line in lines]
    middle = len(text) // 2
    out = {"valid": good}
    for name, body in (("duplicate id", "".join(duplicate)), ("unknown place", "".join(unknown)),
                       ("NUL byte", text[:middle] + "\x00" + text[middle:])):
        path = folder / (name.replace(" ", "-") + ".yaml")
        path.write_text(body, encoding="utf-8")
        out[name] = path
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routes", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        variants = _variants(Path(tmp), args.routes)
        print(f"{args.routes:,} routes ({variants['valid'].stat().st_size / 1e6:.0f} MB), "
              "validation in a fresh process each:")
        base = None
        for name, path in variants.items():
            start = time.perf_counter()
            result = subprocess.run([sys.executable, "-c", _CHILD, str(path)],
                                    capture_output=True, text=True, check=True)
            wall_s = time.perf_counter() - start
            peak, what = result.stdout.strip().split("\t")
            peak_mb = float(peak)
            if base is None:
                base = (wall_s, peak_mb)
            print(f"  {name:<14} {wall_s:6.2f} s ({wall_s / base[0]:.2f}x)  peak {peak_mb:6.0f} MB "
                  f"({peak_mb / base[1]:.2f}x)  {what}")


if __name__ == "__main__":
    main()
