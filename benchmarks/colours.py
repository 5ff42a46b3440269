"""Print the map palette's measurements: every pair of markets' CIEDE2000 under normal vision
and simulated deuteranopia, protanopia and tritanopia (Machado et al. 2009, severity 1), the
smallest of each, and each colour's WCAG contrast against each base-map colour. Not a test
(tests/test_colour.py holds the floors); the figures for README and the issue note::

    .venv/bin/python -m benchmarks.colours            # summary, then every pair
    .venv/bin/python -m benchmarks.colours --summary  # summary and contrast only
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence

from benchmarks.colour_maths import (
    MIN_CONTRAST,
    MIN_DELTA_E,
    VISIONS,
    base_colours,
    contrast,
    pair_delta_e,
)
from trafficking_route_mapper.routes.commodities import COMMODITIES, MARKETS, PATTERNS


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--summary", action="store_true", help="leave out the table of pairs")
    args = parser.parse_args(argv)

    pairs = [(a, b, pair_delta_e(a.colour, b.colour))
             for a, b in itertools.combinations(MARKETS.values(), 2)]
    print(f"{len(MARKETS)} markets, {len(pairs)} pairs; floor ΔE2000 >= {MIN_DELTA_E:g} "
          f"under every vision, contrast >= {MIN_CONTRAST:g}:1 on every base colour")
    print("smallest ΔE2000 of any pair:")
    for vision in VISIONS:
        a, b, d = min(pairs, key=lambda p: p[2][vision])
        print(f"  {vision:<7} {d[vision]:6.2f}  ({a.id} {a.colour} / {b.id} {b.colour})")
    worst = min(min(d.values()) for _, _, d in pairs)
    print(f"  all     {worst:6.2f}")

    bases = base_colours()
    print("\nWCAG contrast of each market colour against each base colour:")
    print(f"  {'market':<40} {'colour':<8} " + " ".join(f"{h:>7}" for h in bases.values()))
    for m in MARKETS.values():
        print(f"  {m.id:<40} {m.colour:<8} "
              + " ".join(f"{contrast(m.colour, h):7.2f}" for h in bases.values()))
    least = min((contrast(m.colour, h), m.id, name) for m in MARKETS.values()
                for name, h in bases.items())
    print(f"  smallest: {least[0]:.2f} ({least[1]} on {least[2]})")
    print("  base colours: " + "; ".join(f"{n} {h}" for n, h in bases.items()))

    print("\ncommodities sharing a market's colour, told apart by pattern:")
    for m in MARKETS.values():
        members = [c for c in COMMODITIES.values() if c.market is m]
        if len(members) > 1:
            print(f"  {m.id}: " + ", ".join(f"{c.id} ({PATTERNS[c.pattern]})" for c in members))

    if not args.summary:
        print(f"\n{'market pair':<84} " + " ".join(f"{v:>7}" for v in VISIONS) + "     min")
        for a, b, d in sorted(pairs, key=lambda p: min(p[2].values())):
            print(f"{a.id + ' / ' + b.id:<84} " + " ".join(f"{d[v]:7.2f}" for v in VISIONS)
                  + f" {min(d.values()):7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
