"""Choose the fifteen market colours: a search, run offline, whose result is hard-coded in
routes/commodities.py (MARKETS). Not run by the build; run it to see how the palette was
found, or to find another when a market or a base-map colour changes::

    .venv/bin/python -m benchmarks.palette                 # prints the palette as Python rows
    .venv/bin/python -m benchmarks.palette --seed 7 --steps 60000

What the palette must be (README "The maps", tests/test_colour.py):

* every pair of markets differs by CIEDE2000 >= 10 under normal vision and under simulated
  deuteranopia, protanopia and tritanopia (benchmarks.colour_maths);
* every colour has a WCAG contrast ratio >= 3 against every base-map colour a line is drawn on
  (online CARTO Positron land and sea, the offline page's land and sea, the PNGs').

Among the palettes that meet both, it prefers the one nearest (ΔE2000, normal vision) to each
market's colour before issue #15, Paul Tol's "muted", "bright" and "light" colours with a dark
grey for arms, so that the hues readers know stay where they can: each target is first
darkened along its own hue until it meets the contrast floor (Tol's light colours cannot keep
their lightness on a light base map), and the search then moves colours off their targets
only as far as the differences require.

The search: candidates are the sRGB colours on a grid (``--grid`` levels a channel) that meet
the contrast floor; the worst-vision ΔE of every pair of candidates is computed once; then
simulated annealing over one candidate per market, minimising the distance to the targets
plus a heavy penalty for every pair below the floor. Seeded, so the same arguments give the
same palette.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from benchmarks.colour_maths import (
    MIN_CONTRAST,
    MIN_DELTA_E,
    VISIONS,
    base_colours,
    delta_e,
    lab,
    luminance,
    to_rgb,
)

#: The markets' colours before issue #15 (Tol's schemes; arms dark grey), in MARKETS order.
TARGETS: dict[str, str] = {
    "human-trafficking": "#CC6677",
    "human-smuggling": "#DDCC77",
    "extortion-and-protection-racketeering": "#EE8866",
    "arms-trafficking": "#555555",
    "trade-in-counterfeit-goods": "#4477AA",
    "illicit-trade-in-excisable-goods": "#BBCC33",
    "flora-crimes": "#44AA99",
    "fauna-crimes": "#999933",
    "non-renewable-resource-crimes": "#88CCEE",
    "heroin-trade": "#882255",
    "cocaine-trade": "#332288",
    "cannabis-trade": "#117733",
    "synthetic-drug-trade": "#AA4499",
    "cyber-dependent-crimes": "#77AADD",
    "financial-crimes": "#AA3377",
}


def max_luminance() -> float:
    """The lightest a line may be: contrast >= MIN_CONTRAST against the darkest base colour."""
    darkest = float(luminance(to_rgb(list(base_colours().values()))).min())
    return (darkest + 0.05) / MIN_CONTRAST - 0.05


def _hex(rgb: NDArray[np.float64]) -> str:
    return "#" + "".join(f"{round(c * 255):02X}" for c in rgb)


def darkened(hex_colour: str, limit: float) -> str:
    """``hex_colour`` mixed with black (its hue and saturation kept) just enough that its
    luminance is at most ``limit``."""
    rgb = to_rgb([hex_colour])[0]
    for k in range(256):
        out = np.round(rgb * (1 - k / 255) * 255) / 255
        if luminance(out[None, :])[0] <= limit:
            return _hex(out)
    return "#000000"


def candidates(levels: int, limit: float, min_lightness: float) -> NDArray[np.float64]:
    """The sRGB grid's colours dark enough for the contrast floor and no darker than
    ``min_lightness`` (CIE L*): near-black lines look alike whatever their hue, and would hide
    the dark centre line of pattern 3."""
    axis = np.linspace(0.0, 1.0, levels)
    grid = np.stack(np.meshgrid(axis, axis, axis, indexing="ij"), -1).reshape(-1, 3)
    grid = np.round(grid * 255) / 255
    grid = grid[luminance(grid) <= limit]
    return grid[lab(grid, "normal")[:, 0] >= min_lightness]


def worst_delta_e(rgb: NDArray[np.float64], others: NDArray[np.float64]) -> NDArray[np.float64]:
    """(len(rgb), len(others)): each pair's smallest ΔE2000 over the four visions."""
    out = np.full((len(rgb), len(others)), np.inf)
    for vision in VISIONS:
        a, b = lab(rgb, vision), lab(others, vision)
        for i in range(0, len(rgb), 256):  # in blocks, to bound memory
            out[i:i + 256] = np.minimum(out[i:i + 256], delta_e(a[i:i + 256, None], b[None]))
    return out


def anneal(pair: NDArray[np.float64], to_target: NDArray[np.float64], steps: int, seed: int,
           ) -> tuple[list[int], float]:
    """One candidate index per market: annealing over ``to_target[m, c]`` (distance of candidate
    c to market m's target) plus 100 per ΔE unit any pair falls short of the floor."""
    rng = np.random.default_rng(seed)
    n_markets = to_target.shape[0]
    near = np.argsort(to_target, axis=1)[:, :600]  # moves stay among a market's near candidates
    pick = [int(near[m, 0]) for m in range(n_markets)]

    def cost_of(m: int, c: int, picks: list[int]) -> float:
        short = sum(max(0.0, MIN_DELTA_E - pair[c, picks[o]]) for o in range(n_markets) if o != m)
        return float(to_target[m, c] + 100 * short)

    def total(picks: list[int]) -> float:
        t = sum(to_target[m, c] for m, c in enumerate(picks))
        for a in range(n_markets):
            for b in range(a + 1, n_markets):
                t += 100 * max(0.0, MIN_DELTA_E - pair[picks[a], picks[b]])
        return float(t)

    current = total(pick)
    best, best_cost = list(pick), current
    for step in range(steps):
        heat = 30.0 * (1 - step / steps) + 0.05
        m = int(rng.integers(n_markets))
        c = int(near[m, int(rng.integers(near.shape[1]))])
        change = cost_of(m, c, pick) - cost_of(m, pick[m], pick)
        if change < 0 or rng.random() < math.exp(-change / heat):
            pick[m] = c
            current += change
            if current < best_cost - 1e-9:
                best, best_cost = list(pick), current
    return best, best_cost


def refine(rgb: NDArray[np.float64], target_lab: NDArray[np.float64], limit: float,
           min_lightness: float, floor: float, rounds: int, seed: int) -> NDArray[np.float64]:
    """Hill-climb the grid's palette on the whole 8-bit lattice: each round, for each market in
    turn, try 48 colours near its own (up to 12 steps a channel) that keep the contrast and
    lightness floors, and keep the one that most lowers the cost (distance to target plus 100
    per ΔE unit below ``floor`` of its pairs with the other markets)."""
    rng = np.random.default_rng(seed)
    rgb = rgb.copy()
    n = len(rgb)

    def costs(m: int, options: NDArray[np.float64]) -> NDArray[np.float64]:
        others = np.delete(rgb, m, axis=0)
        short = np.maximum(0.0, floor - worst_delta_e(options, others)).sum(axis=1)
        near = delta_e(lab(options, "normal"), target_lab[m][None])
        return np.asarray(near + 100 * short)

    for _ in range(rounds):
        for m in range(n):
            steps = rng.integers(-12, 13, size=(48, 3)) / 255
            options = np.clip(np.vstack([rgb[m][None], rgb[m] + steps]), 0.0, 1.0)
            options = np.round(options * 255) / 255
            keep = (luminance(options) <= limit) & (lab(options, "normal")[:, 0] >= min_lightness)
            keep[0] = True
            options = options[keep]
            rgb[m] = options[int(np.argmin(costs(m, options)))]
    return rgb


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grid", type=int, default=18, help="levels per sRGB channel")
    parser.add_argument("--steps", type=int, default=40000, help="annealing steps")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=60, help="refinement rounds")
    parser.add_argument("--margin", type=float, default=0.3,
                        help="ΔE the refinement keeps above the floor")
    parser.add_argument("--min-lightness", type=float, default=20.0,
                        help="CIE L* floor of a candidate")
    args = parser.parse_args(argv)

    limit = max_luminance()
    markets = list(TARGETS)
    targets = [darkened(TARGETS[m], limit) for m in markets]
    cand = candidates(args.grid, limit, args.min_lightness)
    print(f"{len(cand)} candidates of {args.grid ** 3} with luminance <= {limit:.4f} "
          f"(contrast >= {MIN_CONTRAST} against every base colour)", file=sys.stderr)
    pair = worst_delta_e(cand, cand)
    target_lab, cand_lab = lab(to_rgb(targets), "normal"), lab(cand, "normal")
    to_target = delta_e(target_lab[:, None], cand_lab[None])
    pick, cost = anneal(pair, to_target, args.steps, args.seed)
    chosen = refine(cand[pick], target_lab, limit, args.min_lightness,
                    MIN_DELTA_E + args.margin, args.rounds, args.seed)
    worst = worst_delta_e(chosen, chosen)
    np.fill_diagonal(worst, np.inf)
    print(f"grid cost {cost:.1f}; after refinement, smallest pair ΔE2000 over four visions "
          f"{worst.min():.2f}", file=sys.stderr)
    near = delta_e(lab(chosen, "normal"), target_lab)
    for m, target, rgb, d in zip(markets, targets, chosen, near, strict=True):
        print(f'    "{m}": "{_hex(rgb)}",  # target {TARGETS[m]} -> {target}, ΔE {d:.1f}')
    return 0 if worst.min() >= MIN_DELTA_E else 1


if __name__ == "__main__":
    raise SystemExit(main())
