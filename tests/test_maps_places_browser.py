"""Place labels, hubs and overlays on the built-in overview, measured in headless Chromium:
label boxes, which places are named, hubs each reachable by the pointer, rings not covered,
one overlay at a time, popups inside the free part of the map, the tooltip beside its line."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from tests.test_maps_browser import Page, browser, built  # noqa: F401  (fixtures)
from trafficking_route_mapper.geodata import columns as C
from trafficking_route_mapper.geodata.atlas import Atlas

pytestmark = pytest.mark.browser

BELGIUM_HUBS = ["Antwerp", "Belgium", "Brussels", "Liège", "Port of Antwerp"]

#: Boxes (viewport px) of the shown labels and of the controls.
_BOXES = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; };
  return {
    labels: [...document.querySelectorAll('.trm-label')].map(e => [e.textContent, ...box(e)]),
    controls: [...document.querySelectorAll('.leaflet-control')].map(box).filter(b => b[2] && b[3]),
    hubs: [...document.querySelectorAll('.trm-hub-mark')].map(box),
    map: box(window.trmApp.map.getContainer()),
  };
}"""


def _overlap(a: list[float], b: list[float], margin: float = 0) -> bool:
    return (a[0] < b[0] + b[2] + margin and b[0] < a[0] + a[2] + margin
            and a[1] < b[1] + b[3] + margin and b[1] < a[1] + a[3] + margin)


def _inside(inner: list[float], outer: list[float]) -> bool:
    return (outer[0] <= inner[0] and inner[0] + inner[2] <= outer[0] + outer[2]
            and outer[1] <= inner[1] and inner[1] + inner[3] <= outer[1] + outer[3])


#: Space the page keeps free around a label (places.js LABEL_MARGIN).
LABEL_MARGIN = 2


def _route_ends(atlas: Atlas) -> dict[str, set[str]]:
    """Names of the places each drawn route's line ends at: a place of its drawn legs that no
    drawn leg arrives at or none leaves from (a corridor's first waypoint, a fan's branches)."""
    legs = atlas.leg_table[atlas.leg_table[C.LEG_DRAWN]]
    names = dict(zip(atlas.places[C.PLACE_KEY], atlas.places[C.PLACE_NAME], strict=True))
    ends = {}
    for route_id, group in legs.groupby(C.ROUTE_ID):
        starts, stops = set(group[C.LEG_FROM_PLACE].dropna()), set(group[C.LEG_TO_PLACE].dropna())
        ends[route_id] = {names[k] for k in (starts - stops) | (stops - starts)}
    return ends


def _wait_placed(page: Page) -> None:
    """Until the frame after the start view is drawn (rings, hubs and labels follow in it)."""
    page.page.wait_for_function("() => !window.trmApp._labelFrame && !window.trmApp._placesFrame",
                                timeout=5000)
    page.page.wait_for_timeout(50)


def _assert_apart(boxes: dict[str, Any]) -> None:
    labels = boxes["labels"]
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            assert not _overlap(a[1:], b[1:]), f"labels {a[0]!r} and {b[0]!r} overlap"
        for c in boxes["controls"] + boxes["hubs"]:
            assert not _overlap(a[1:], c), f"label {a[0]!r} covers a control or hub at {c}"
        assert _inside(a[1:], boxes["map"]), f"label {a[0]!r} runs off the map"


def _label_distance(page: Page, name: str) -> float:
    """Distance in px from a label's box to its place's point, now."""
    d: float = page.page.evaluate("""(name) => {
      const app = window.trmApp, label = app.model.data.labels.find(l => l.name === name);
      const p = app.map.latLngToContainerPoint([label.lat, label.lon]);
      const box = app.map.getContainer().getBoundingClientRect();
      const node = [...document.querySelectorAll('.trm-label')].find(e => e.textContent === name);
      const r = node.getBoundingClientRect(), x = p.x + box.left, y = p.y + box.top;
      return Math.hypot(x - Math.max(r.left, Math.min(x, r.right)), y - Math.max(r.top, Math.min(y, r.bottom)));
    }""", name)
    return d


def test_labels_name_the_route_ends_without_overlapping(browser: Any, built: dict[str, Path],  # noqa: F811
                                                        builtin_atlas: Atlas) -> None:
    page = Page(browser, built["offline"], offline=True)
    _wait_placed(page)
    boxes = page.page.evaluate(_BOXES)
    assert boxes["labels"], "no place label"
    _assert_apart(boxes)
    shown = {label[0] for label in boxes["labels"]}
    state = page.page.evaluate("() => window.trmApp.labelState")
    # the reporting country and every drawn route's ends are labelled, or left out by the rule:
    # each place tried is off the map or covers a label placed before it, a control or a hub
    ends = _route_ends(builtin_atlas)
    wanted = {"Belgium"} | set().union(*ends.values())
    assert "Belgium" in shown
    placed: list[list[float]] = []
    obstacles = boxes["controls"] + boxes["hubs"]
    m = boxes["map"]
    dropped = []
    for entry in state:
        if "box" in entry:
            b = entry["box"]
            placed.append([b["x"] + m[0], b["y"] + m[1], b["w"], b["h"]])
            continue
        if entry["name"] in wanted:
            dropped.append(entry["name"])
        for t in entry["tried"]:
            b = [t["x"] + m[0], t["y"] + m[1], t["w"], t["h"]]
            outside = t["x"] < 0 or t["y"] < 0 or t["x"] + t["w"] > m[2] or t["y"] + t["h"] > m[3]
            assert outside or any(_overlap(b, o, LABEL_MARGIN) for o in placed + obstacles), \
                f"{entry['name']!r} left out though {t} was free"
    assert wanted - set(dropped) <= shown
    # most ends are named at the start view (those left out: listed in the README)
    assert len(wanted & shown) >= 0.7 * len(wanted), sorted(wanted - shown)
    style = page.page.evaluate("""() => { const s = getComputedStyle(document.querySelector('.trm-label'));
        return [s.textShadow, s.pointerEvents]; }""")
    assert "rgb(255, 255, 255)" in style[0]  # the halo
    assert style[1] == "none"
    # placed again on zoom, beside their places' new points, still apart
    near = _label_distance(page, "Morocco")
    assert near <= 12
    page.page.evaluate("() => window.trmApp.map.zoomIn(1, { animate: false })")
    page.page.wait_for_timeout(100)
    _wait_placed(page)
    _assert_apart(page.page.evaluate(_BOXES))
    assert _label_distance(page, "Morocco") <= 12
    assert page.errors == []


def test_online_pages_are_labelled_too(browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    page = Page(browser, built["online"], offline=False)
    _wait_placed(page)
    names = page.page.eval_on_selector_all(".trm-label", "els => els.map(e => e.textContent)")
    assert {"Belgium", "Morocco"} <= set(names)


def _hub_centres(page: Page) -> dict[str, list[float]]:
    centres: dict[str, list[float]] = page.page.evaluate("""() => {
      const out = {};
      window.trmApp.hubLayer.eachLayer(m => {
        const r = m.getElement().getBoundingClientRect();
        out[m.options.trmHub] = [r.left + r.width / 2, r.top + r.height / 2];
      });
      return out;
    }""")
    return centres


def test_each_hub_at_belgium_can_be_pointed_at_and_opened(browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    page = Page(browser, built["offline"], offline=True)
    _wait_placed(page)
    assert sorted(_hub_centres(page)) == BELGIUM_HUBS
    for name in BELGIUM_HUBS:
        x, y = _hub_centres(page)[name]  # where it is now: a popup may have panned the map
        page.page.mouse.move(x, y)
        tooltip = page.page.locator(".leaflet-tooltip:not(.trm-leaflet-tooltip)")
        tooltip.wait_for(timeout=5000)
        assert tooltip.inner_text().startswith(name + ":"), (name, tooltip.inner_text())
        page.page.mouse.click(x, y)
        title = page.page.locator(".leaflet-popup .trm-hub h3")
        title.wait_for(timeout=5000)
        assert title.inner_text() == name
        page.page.evaluate("() => window.trmApp.map.closePopup()")
        page.page.mouse.move(5, 400)
    # a hub is a square, a ring round: in the legend as on the map
    radius = page.page.evaluate("""() => ['.trm-key-hub', '.trm-key-ring', '.trm-hub-mark']
        .map(s => getComputedStyle(document.querySelector(s)).borderTopLeftRadius)""")
    assert radius == ["0px", "50%", "0px"]
    assert page.errors == []


def test_an_open_end_ring_is_drawn_over_the_hubs(browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    from PIL import Image

    page = Page(browser, built["offline"], offline=True)
    _wait_placed(page)
    ring = page.page.evaluate("""() => {
      const app = window.trmApp, box = app.map.getContainer().getBoundingClientRect();
      const d = app.visibleDrawn().find(x => x.route.id === 'smuggled-migrants-through-belgium');
      const o = d.route.open[0], pts = d.legs[o[0]];
      const p = o[1] ? [pts[pts.length - 2], pts[pts.length - 1]] : [pts[0], pts[1]];
      return [box.left + p[0], box.top + p[1], app.width + 4];
    }""")
    x, y, radius = ring
    clip = {"x": x - radius - 4, "y": y - radius - 4, "width": 2 * radius + 8, "height": 2 * radius + 8}

    def shot() -> Any:
        return Image.open(io.BytesIO(page.page.screenshot(clip=clip))).convert("RGB")

    # the ring alone (hubs and labels off), then with the hubs and labels over it
    show = """(on) => {
      const app = window.trmApp, labels = app.map.getPane('trmLabels');
      if (on) app.map.addLayer(app.hubLayer); else app.map.removeLayer(app.hubLayer);
      if (labels) labels.style.visibility = on ? '' : 'hidden';
    }"""
    page.page.evaluate(show, False)
    _wait_placed(page)
    alone = shot()
    page.page.evaluate(show, True)
    _wait_placed(page)
    together = shot()
    # the ring's stroke: the pixels within a pixel of its radius
    cx, cy = radius + 4, radius + 4
    ring_px = [(i, j) for i in range(alone.width) for j in range(alone.height)
               if abs(((i + 0.5 - cx) ** 2 + (j + 0.5 - cy) ** 2) ** 0.5 - radius) <= 0.5]
    changed = [p for p in ring_px
               if max(abs(a - b) for a, b in zip(alone.getpixel(p), together.getpixel(p), strict=True)) > 8]
    assert len(ring_px) > 30
    assert changed == [], f"{len(changed)} of {len(ring_px)} ring pixels covered"


def _visible_tooltips(page: Page) -> int:
    count: int = page.page.evaluate("""() => [...document.querySelectorAll('.leaflet-tooltip')]
        .filter(t => getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).opacity !== '0').length""")
    return count


def test_one_overlay_at_a_time(browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    page = Page(browser, built["offline"], offline=True)
    _wait_placed(page)
    route = "cannabis-resin-morocco-spain-france-belgium"  # its middle: in Spain, away from hubs
    x, y = page.route_point(route)
    hub = _hub_centres(page)["Brussels"]
    # a route's tooltip and shading, then the pointer onto a hub: only the hub's tooltip
    page.page.mouse.move(x, y)
    page.page.locator(".leaflet-tooltip.trm-leaflet-tooltip").wait_for(timeout=5000)
    assert page.page.evaluate("() => !!window.trmApp.hlCanvas")
    page.page.mouse.move(hub[0], hub[1], steps=4)
    page.page.locator(".leaflet-tooltip:not(.trm-leaflet-tooltip)").wait_for(timeout=5000)
    page.page.wait_for_timeout(300)  # a closed tooltip fades out for 200 ms
    assert page.page.locator(".leaflet-tooltip.trm-leaflet-tooltip").count() == 0
    assert page.page.evaluate("() => !window.trmApp.hlCanvas && !window.trmApp.hlLayer")
    # the hub opened: its popup alone, no tooltip
    page.page.mouse.click(hub[0], hub[1])
    page.page.locator(".leaflet-popup .trm-hub").wait_for(timeout=5000)
    assert _visible_tooltips(page) == 0
    # while a popup is open, hovering a route shows no tooltip over it
    page.page.wait_for_timeout(600)  # the popup's autopan
    x, y = page.route_point(route)
    page.page.mouse.move(x, y, steps=4)
    page.page.wait_for_timeout(150)
    assert _visible_tooltips(page) == 0
    # a route clicked: its popup replaces the hub's, and it stays selected
    page.page.mouse.click(x, y)
    page.page.locator(f".leaflet-popup .trm-popup[data-route='{route}']").wait_for(timeout=5000)
    page.page.wait_for_timeout(300)  # the hub's popup fades out
    assert page.page.locator(".leaflet-popup").count() == 1
    assert _visible_tooltips(page) == 0
    assert page.page.evaluate("() => window.trmApp.selected && window.trmApp.selected.id") == route
    assert page.errors == []


@pytest.mark.parametrize("size", [(800, 600), (1280, 800)])
def test_popups_lie_in_the_free_map_and_scroll_to_their_last_line(
        browser: Any, built: dict[str, Path], size: tuple[int, int]) -> None:  # noqa: F811
    page = Page(browser, built["offline"], offline=True, size=size)
    _wait_placed(page)
    for what in ("hub", "route"):
        page.page.evaluate("() => window.trmApp.map.closePopup()")
        if what == "hub":
            x, y = _hub_centres(page)["Belgium"]
        else:
            x, y = page.route_point("cannabis-resin-morocco-spain-france-belgium")
        page.page.mouse.click(x, y)
        page.page.locator(".leaflet-popup").wait_for(timeout=5000)
        page.page.wait_for_timeout(600)  # the autopan
        fit = page.page.evaluate("""() => {
          const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; };
          const c = document.querySelector('.leaflet-popup-content');
          c.scrollTop = c.scrollHeight;
          let last = c;
          while (last.lastElementChild) last = last.lastElementChild;  // the last line
          return { popup: box(document.querySelector('.leaflet-popup-content-wrapper')),
                   map: box(window.trmApp.map.getContainer()),
                   controls: [...document.querySelectorAll('.leaflet-control')].map(box).filter(b => b[2] && b[3]),
                   scroll: [c.scrollHeight, c.clientHeight, getComputedStyle(c).overflowY],
                   content: box(c), last: box(last) };
        }""")
        p = fit["popup"]
        assert _inside(p, fit["map"]), fit
        for c in fit["controls"]:
            assert not _overlap(p, c), f"popup {p} under a control {c}"
        scroll_height, client_height, overflow = fit["scroll"]
        if scroll_height > client_height:
            assert overflow in ("auto", "scroll")
        content, last = fit["content"], fit["last"]
        assert content[1] <= last[1], fit  # scrolled to the end, the last line: in view
        assert last[1] + last[3] <= content[1] + content[3] + 0.5, fit
    assert page.errors == []


def _tooltip_clear_of_its_line(page: Page, route_id: str) -> tuple[float, int]:
    x, y = page.route_point(route_id)
    page.page.mouse.move(x, y)
    page.page.locator(".leaflet-tooltip.trm-leaflet-tooltip").wait_for(timeout=5000)
    page.page.wait_for_timeout(80)
    result: list[Any] = page.page.evaluate("""([id, x, y]) => {
      const app = window.trmApp, box = app.map.getContainer().getBoundingClientRect();
      const t = document.querySelector('.trm-leaflet-tooltip').getBoundingClientRect();
      const d = app.visibleDrawn().find(v => v.route.id === id);
      let inside = 0, near = Infinity;
      d.legs.filter(Boolean).forEach(pts => {
        for (let i = 0; i + 3 < pts.length; i += 2) {
          const ax = box.left + pts[i], ay = box.top + pts[i + 1], bx = box.left + pts[i + 2], by = box.top + pts[i + 3];
          const n = Math.ceil(Math.hypot(bx - ax, by - ay));
          for (let k = 0; k <= n; k++) {
            const px = ax + (bx - ax) * k / Math.max(n, 1), py = ay + (by - ay) * k / Math.max(n, 1);
            if (Math.hypot(px - x, py - y) > 40) continue;  // the line the pointer follows
            if (px > t.left - 2 && px < t.right + 2 && py > t.top - 2 && py < t.bottom + 2) inside++;
          }
        }
      });
      const cx = Math.max(t.left, Math.min(x, t.right)), cy = Math.max(t.top, Math.min(y, t.bottom));
      near = Math.hypot(cx - x, cy - y);
      return [near, inside];
    }""", [route_id, x, y])
    page.page.mouse.move(5, 400)
    return float(result[0]), int(result[1])


def test_the_route_tooltip_stands_beside_the_hovered_line(browser: Any, built: dict[str, Path]) -> None:  # noqa: F811
    page = Page(browser, built["offline"], offline=True)
    _wait_placed(page)
    for route_id in sorted(page.drawn_ids()):
        near, inside = _tooltip_clear_of_its_line(page, route_id)
        assert inside == 0, f"the tooltip of {route_id} covers {inside} px of its line"
        assert 9 <= near <= 30, (route_id, near)
    assert page.errors == []
