/* trafficking-route-mapper page script: finding the route under the pointer.
 *
 * Written for this project. The script is several files sharing the namespace window.TRM,
 * inlined into the page in the order of maps/layer.py's SCRIPTS. Page data arrives as JSON
 * (JSON.parse, never evaluated; maps/page_keys.py describes every key) and catalogue text
 * reaches the page through textContent and DOM nodes only, never innerHTML.
 *
 * Each ticked layer has its own index: a grid of 16-px cells over the layer's layout (draw.js:
 * projected px of one zoom level, which a pan does not change), covering the view and half a
 * view around it. It is built in idle time after the layer is drawn, a few milliseconds at a
 * time, and started again only when the layout changes (zoom, edition) or a pan leaves the
 * area covered; a toggle adds or drops that layer alone. A query never waits for it: a layer
 * whose index is not ready (or does not cover the pointer) is searched leg by leg, skipping
 * the legs whose bounding box is farther than the hit radius. Both give the same answer.
 */
(function (TRM) {
  "use strict";

  var HIT_PX = 7;
  var CELL = 16;
  /* Longest slice of idle-time building, in ms: the pointer is never kept waiting longer. */
  var SLICE_MS = 8;
  var RouteApp = TRM.RouteApp;
  TRM.HIT_PX = HIT_PX;

  /* A grid of CELL-px cells over rect [x0, y0, x1, y1] (projected px) of one layout, listing
   * for each cell the segments that pass through it as pairs (leg, point offset). A segment
   * is walked in half-cell steps (not its bounding box, which for a long diagonal would
   * cover thousands of cells); queries look at the 3x3 cells around the pointer, which
   * covers HIT_PX. */
  function LayerIndex(layout, rect) {
    this.layout = layout;
    this.rect = rect;
    this.cells = new Map();
    // cells are numbered from the rect's corner, so that keys stay small integers
    this.col0 = Math.floor(rect[0] / CELL) - 2;
    this.row0 = Math.floor(rect[1] / CELL) - 2;
    this.next = 0; // the next leg of layout.legs to index
    this.done = layout.legs.length === 0;
  }

  /* Index legs until performance.now() passes `until` (at least one); true when done. */
  LayerIndex.prototype.build = function (until) {
    var legs = this.layout.legs, cells = this.cells, r = this.rect, col0 = this.col0, row0 = this.row0;
    var x0 = r[0] - CELL, y0 = r[1] - CELL, x1 = r[2] + CELL, y1 = r[3] + CELL;
    function add(key, leg, i) {
      var list = cells.get(key);
      if (!list) cells.set(key, [leg, i]);
      else if (list[list.length - 2] !== leg || list[list.length - 1] !== i) list.push(leg, i);
    }
    while (this.next < legs.length) {
      var leg = this.next++, pts = legs[leg];
      for (var i = 0; i + 3 < pts.length; i += 2) {
        var ax = pts[i], ay = pts[i + 1], bx = pts[i + 2], by = pts[i + 3];
        if ((ax < x0 && bx < x0) || (ax > x1 && bx > x1) || (ay < y0 && by < y0) || (ay > y1 && by > y1)) continue;
        var steps = Math.ceil(Math.max(Math.abs(bx - ax), Math.abs(by - ay)) / (CELL / 2));
        var last = null;
        for (var k = 0; k <= steps; k++) {
          var t = steps ? k / steps : 0, px = ax + (bx - ax) * t, py = ay + (by - ay) * t;
          if (px < x0 || py < y0 || px > x1 || py > y1) continue;
          var key = (Math.floor(px / CELL) - col0) * 65536 + Math.floor(py / CELL) - row0;
          if (key !== last) { add(key, leg, i); last = key; }
        }
      }
      if ((leg & 15) === 15 && performance.now() > until) break;
    }
    this.done = this.next >= legs.length;
    return this.done;
  };

  /* Does the index answer a query at projected (x, y)? */
  LayerIndex.prototype.covers = function (x, y) {
    var r = this.rect;
    return this.done && x >= r[0] && y >= r[1] && x <= r[2] && y <= r[3];
  };

  /* The view of the map in projected px of the current zoom: [x0, y0, x1, y1]. */
  RouteApp.prototype.viewRect = function () {
    var f = this.frame(), size = this.map.getSize();
    return [f.ox, f.oy, f.ox + size.x, f.oy + size.y];
  };

  /* A layer was drawn, ticked or unticked: keep its index if it is for the same layout and
   * covers the view, else start a new one; then build what is left in idle time. */
  RouteApp.prototype.layerChanged = function (layer) {
    if (layer && layer._map && layer._layout) {
      var view = this.viewRect(), ix = layer._index;
      var inside = ix && ix.layout === layer._layout && view[0] >= ix.rect[0] && view[1] >= ix.rect[1] &&
        view[2] <= ix.rect[2] && view[3] <= ix.rect[3];
      if (!inside) {
        var mx = (view[2] - view[0]) / 2, my = (view[3] - view[1]) / 2;
        layer._index = new LayerIndex(layer._layout, [view[0] - mx, view[1] - my, view[2] + mx, view[3] + my]);
      }
    }
    this.scheduleIndex();
  };

  /* Layers shown whose index is still being built. */
  RouteApp.prototype.pendingIndex = function () {
    return this.layers.filter(function (layer) {
      return layer._map && layer._index && layer._index.layout === layer._layout && !layer._index.done;
    });
  };

  /* One idle callback at a time builds the pending layers' indexes in order, a slice each
   * time; it asks for another while any is left. */
  RouteApp.prototype.scheduleIndex = function () {
    if (this._idle || !this.pendingIndex().length) return;
    var self = this;
    function run(deadline) {
      self._idle = null;
      var room = deadline && deadline.timeRemaining ? deadline.timeRemaining() : SLICE_MS;
      var until = performance.now() + Math.max(2, Math.min(SLICE_MS, room));
      var pending = self.pendingIndex();
      for (var i = 0; i < pending.length; i++) {
        if (!pending[i]._index.build(until)) break;
        if (performance.now() > until) break;
      }
      self.scheduleIndex();
    }
    this._idle = window.requestIdleCallback ? { idle: window.requestIdleCallback(run, { timeout: 100 }) }
                                            : { timer: window.setTimeout(run, 0) };
  };

  /* Build every pending index now (tests and the benchmark's figures). */
  RouteApp.prototype.finishIndex = function () {
    this.pendingIndex().forEach(function (layer) { layer._index.build(Infinity); });
  };

  function segDist(px, py, ax, ay, bx, by) {
    var dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
    var t = len ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len)) : 0;
    var cx = ax + t * dx - px, cy = ay + t * dy - py;
    return Math.sqrt(cx * cx + cy * cy);
  }

  /* The route nearest to a container point, within HIT_PX; this.hitLink is then the link
   * (index into PAGE.links) of the leg found, or null, and this.hitLegs the route's drawn legs
   * (container px; null for a leg another route draws), or null. Distances are taken in screen px
   * (projected less the frame offset), as the lines are drawn. Among segments at the same
   * distance the first in drawing order wins, however it was found. */
  RouteApp.prototype.routeAt = function (containerPoint) {
    this.hitLink = null;
    this.hitLegs = null;
    var f = this.frame(), ox = f.ox, oy = f.oy;
    var x = containerPoint.x, y = containerPoint.y, wx = x + ox, wy = y + oy;
    var best = null, bestD = HIT_PX, bestLayer = -1, bestLeg = -1, bestI = -1;
    function consider(at, lay, leg, i) {
      var pts = lay.legs[leg];
      var d = segDist(x, y, pts[i] - ox, pts[i + 1] - oy, pts[i + 2] - ox, pts[i + 3] - oy);
      if (d < bestD || (d === bestD && best && (at < bestLayer || (at === bestLayer &&
          (leg < bestLeg || (leg === bestLeg && i < bestI)))))) {
        bestD = d; best = lay; bestLayer = at; bestLeg = leg; bestI = i;
      }
    }
    var marks = [];
    this.layers.forEach(function (layer, at) {
      var lay = layer._layout;
      if (!layer._map || !lay || lay.scale !== f.scale) return;
      marks = marks.concat(lay.marks);
      var ix = layer._index;
      if (ix && ix.layout === lay && ix.covers(wx, wy)) {
        var cx = Math.floor(wx / CELL) - ix.col0, cy = Math.floor(wy / CELL) - ix.row0;
        for (var dx = -1; dx <= 1; dx++) {
          for (var dy = -1; dy <= 1; dy++) {
            var list = ix.cells.get((cx + dx) * 65536 + cy + dy);
            if (!list) continue;
            for (var j = 0; j < list.length; j += 2) consider(at, lay, list[j], list[j + 1]);
          }
        }
        return;
      }
      // not indexed here (yet): every leg whose box comes within the radius
      var box = lay.box, r = HIT_PX + 1; // a pixel to spare for rounding
      for (var leg = 0; leg < lay.legs.length; leg++) {
        var b = 4 * leg;
        if (wx < box[b] - r || wx > box[b + 2] + r || wy < box[b + 1] - r || wy > box[b + 3] + r) continue;
        var pts = lay.legs[leg];
        for (var i = 0; i + 3 < pts.length; i += 2) {
          var ax = pts[i], ay = pts[i + 1], bx = pts[i + 2], by = pts[i + 3];
          if ((ax < wx - r && bx < wx - r) || (ax > wx + r && bx > wx + r) ||
              (ay < wy - r && by < wy - r) || (ay > wy + r && by > wy + r)) continue;
          consider(at, lay, leg, i);
        }
      }
    });
    var found = null;
    if (best) {
      var item = best.items[best.legItem[bestLeg]];
      found = item.route;
      this.hitLink = found.legs[best.legNo[bestLeg]].k;
      this.hitLegs = item.legs.map(function (pts) { return pts && TRM.shifted(pts, ox, oy); });
    }
    // a flow within an area is found on its mark, which lies over any line there
    var nearest = TRM.markRadius(this.width) + 2, onMark = null;
    for (var m = 0; m < marks.length; m++) {
      var mark = marks[m].mark, dm = Math.hypot(x - (mark[0] - ox), y - (mark[1] - oy));
      if (dm <= nearest) { nearest = dm; onMark = marks[m].route; }
    }
    if (onMark) { this.hitLink = null; this.hitLegs = null; }
    return onMark || found;
  };
})(window.TRM = window.TRM || {});
