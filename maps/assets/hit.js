/* trafficking-route-mapper page script: finding the route under the pointer.
 *
 * Written for this project. The script is eight files sharing the namespace window.TRM,
 * inlined into the page in order: base.js, draw.js, hit.js, popup.js, links.js, panels.js, places.js, init.js. Page data
 * arrives as JSON (JSON.parse, never evaluated; maps/page_keys.py describes every key) and
 * catalogue text reaches the page through textContent and DOM nodes only, never innerHTML.
 */
(function (TRM) {
  "use strict";

  var HIT_PX = 7;
  var RouteApp = TRM.RouteApp;

  /* Grid of 16-px cells listing the segments that pass through them, rebuilt after each redraw.
   * A segment is walked in half-cell steps (not its bounding box, which for a long diagonal
   * would cover thousands of cells); queries look at the 3x3 cells around the pointer, which
   * covers HIT_PX. Segments off screen are skipped. */
  RouteApp.prototype.grid = function () {
    if (this._grid) return this._grid;
    var cell = 16, cells = new Map(), drawn = this.visibleDrawn(), size = this.map.getSize();
    var maxX = size.x + cell, maxY = size.y + cell;
    function add(key, hit) {
      var list = cells.get(key);
      if (list) { if (list[list.length - 1] !== hit) list.push(hit); } else cells.set(key, [hit]);
    }
    drawn.forEach(function (d, di) {
      d.legs.forEach(function (pts, li) {
        if (!pts) return; // a link another route draws
        for (var i = 0; i + 3 < pts.length; i += 2) {
          var ax = pts[i], ay = pts[i + 1], bx = pts[i + 2], by = pts[i + 3];
          if ((ax < -cell && bx < -cell) || (ax > maxX && bx > maxX) ||
              (ay < -cell && by < -cell) || (ay > maxY && by > maxY)) continue;
          var hit = [di, li, i];
          var steps = Math.ceil(Math.max(Math.abs(bx - ax), Math.abs(by - ay)) / (cell / 2));
          var last = null;
          for (var k = 0; k <= steps; k++) {
            var t = steps ? k / steps : 0;
            var cx = Math.floor((ax + (bx - ax) * t) / cell), cy = Math.floor((ay + (by - ay) * t) / cell);
            if (cx < -1 || cy < -1 || cx * cell > maxX || cy * cell > maxY) continue;
            var key = cx * 100003 + cy;
            if (key !== last) { add(key, hit); last = key; }
          }
        }
      });
    });
    var marks = drawn.filter(function (d) { return d.mark; });
    this._grid = { cell: cell, cells: cells, drawn: drawn, marks: marks };
    return this._grid;
  };

  function segDist(px, py, ax, ay, bx, by) {
    var dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
    var t = len ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len)) : 0;
    var cx = ax + t * dx - px, cy = ay + t * dy - py;
    return Math.sqrt(cx * cx + cy * cy);
  }

  /* The route nearest to a container point, within HIT_PX; this.hitLink is then the link
   * (index into PAGE.links) of the leg found, or null, and this.hitLegs the route's drawn legs
   * (container px; null for a leg another route draws), or null. */
  RouteApp.prototype.routeAt = function (containerPoint) {
    this.hitLink = null;
    this.hitLegs = null;
    var g = this.grid();
    var x = containerPoint.x, y = containerPoint.y;
    var cx = Math.floor(x / g.cell), cy = Math.floor(y / g.cell);
    var best = null, bestD = HIT_PX;
    for (var dx = -1; dx <= 1; dx++) {
      for (var dy = -1; dy <= 1; dy++) {
        var list = g.cells.get((cx + dx) * 100003 + cy + dy);
        if (!list) continue;
        for (var j = 0; j < list.length; j++) {
          var hit = list[j], pts = g.drawn[hit[0]].legs[hit[1]], i = hit[2];
          var d = segDist(x, y, pts[i], pts[i + 1], pts[i + 2], pts[i + 3]);
          if (d < bestD) {
            bestD = d;
            best = g.drawn[hit[0]].route;
            this.hitLink = best.legs[hit[1]].k;
            this.hitLegs = g.drawn[hit[0]].legs;
          }
        }
      }
    }
    // a flow within an area is found on its mark, which lies over any line there
    var nearest = TRM.markRadius(this.width) + 2, onMark = null;
    for (var m = 0; m < g.marks.length; m++) {
      var mark = g.marks[m].mark, dm = Math.hypot(x - mark[0], y - mark[1]);
      if (dm <= nearest) { nearest = dm; onMark = g.marks[m].route; }
    }
    if (onMark) { this.hitLink = null; this.hitLegs = null; }
    return onMark || best;
  };
})(window.TRM = window.TRM || {});
