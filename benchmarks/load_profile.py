"""Where one map page's load spends its time in Chromium: a page's loads timed, and a CPU profile.

Not a test: it prints figures and asserts nothing. Run from the repository root::

    .venv/bin/python -m benchmarks.load_profile out/index.html            # 5 loads, then a profile
    .venv/bin/python -m benchmarks.load_profile PAGE --loads 15 --no-profile

Each load is a fresh tab of one headless Chromium, timed as :mod:`benchmarks.browser` times
it (the same init script: HTML before the page script, ``JSON.parse``, ``TRM.init``, ready,
painted), with one load before them not counted. The profile is Chrome's sampling profiler
(``Profiler`` over CDP, 200 µs) from navigation to painted: self time and total time (the
function and everything it called) by function, page script functions by their line in the
page.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.browser import _INIT_SCRIPT, CHROMIUM, CHROMIUM_FLAGS, VIEWPORT, cdn_handler

#: The figures of one load, as the init script records them (ms after navigation start).
TIMINGS = (("initStart", "HTML before the script"), ("jsonParseMs", "JSON.parse"),
           ("initMs", "TRM.init"), ("readyMs", "ready"), ("paintedMs", "painted"))


def _load(browser: Any, index: Path, cdp_profile: bool = False) -> tuple[dict[str, Any], Any]:
    """One load in a fresh tab: the init script's timings, and the CPU profile if asked."""
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.add_init_script(_INIT_SCRIPT)
        page.route("**/*", cdn_handler(index.parent))
        cdp = page.context.new_cdp_session(page) if cdp_profile else None
        if cdp is not None:
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 200})
            cdp.send("Profiler.start")
        page.goto(index.resolve().as_uri(), timeout=120000)
        page.wait_for_function("() => window.__trmBench && window.__trmBench.paintedMs",
                               timeout=120000)
        profile = cdp.send("Profiler.stop")["profile"] if cdp is not None else None
        return page.evaluate("() => window.__trmBench"), profile
    finally:
        page.close()


def by_function(profile: dict[str, Any]) -> tuple[collections.Counter[str], collections.Counter[str]]:
    """Self and total microseconds of a CPU profile, by 'function file:line'."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    parent = {child: node["id"] for node in profile["nodes"] for child in node.get("children", ())}
    # a sample's time is the gap to the next sample
    spent: collections.Counter[int] = collections.Counter()
    for sample, delta in zip(profile["samples"], [*profile["timeDeltas"][1:], 0], strict=True):
        spent[sample] += delta

    def name(node_id: int) -> str:
        frame = nodes[node_id]["callFrame"]
        where = frame["url"].rsplit("/", 1)[-1][:24]
        return f"{frame['functionName'] or '(anonymous)'} {where}:{frame['lineNumber'] + 1}"

    own: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    for node_id, micros in spent.items():
        own[name(node_id)] += micros
        seen: set[str] = set()  # a recursive function counts once per sample
        walk: int | None = node_id
        while walk is not None:
            key = name(walk)
            if key not in seen:
                total[key] += micros
                seen.add(key)
            walk = parent.get(walk)
    return own, total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/load_profile.py", description=__doc__.split("\n")[0])
    parser.add_argument("page", type=Path, help="a map page built by build_maps.py")
    parser.add_argument("--loads", type=int, default=5, help="timed loads (default: 5)")
    parser.add_argument("--no-profile", action="store_true", help="time the loads only")
    parser.add_argument("--top", type=int, default=30, help="functions listed (default: 30)")
    args = parser.parse_args(argv)
    if not args.page.is_file() or args.loads < 1:
        print(f"error: expected a built map page and --loads >= 1, got {args.page}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            _load(browser, args.page)  # not counted: Chromium's own first load
            loads = [_load(browser, args.page)[0] for _ in range(args.loads)]
            profile = None if args.no_profile else _load(browser, args.page, cdp_profile=True)[1]
        finally:
            browser.close()
    print(f"{args.page}: {args.loads} load(s), ms after navigation start (median, min-max)")
    for key, label in TIMINGS:
        values = [float(load[key]) for load in loads]
        print(f"  {label:<24} {statistics.median(values):7.0f}  ({min(values):.0f}-{max(values):.0f})")
    if profile is not None:
        own, total = by_function(profile)
        for title, counter in (("self", own), ("total", total)):
            print(f"\nCPU profile of one more load, {title} time (ms)")
            for key, micros in counter.most_common(args.top):
                print(f"  {micros / 1000:8.1f}  {key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
