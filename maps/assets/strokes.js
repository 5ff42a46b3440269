/* trafficking-route-mapper page script: how a line is stroked: its path, arrowheads, patterns and swatches.
 *
 * Written for this project. The script is several files sharing the namespace window.TRM,
 * inlined into the page in the order of maps/layer.py's SCRIPTS. Page data arrives as JSON
 * (JSON.parse, never evaluated; maps/page_keys.py describes every key) and catalogue text
 * reaches the page through textContent and DOM nodes only, never innerHTML.
 */
(function (TRM) {
  "use strict";

  /* A leg's line on screen: projected points less the frame's offset. */
  function tracePath(ctx, pts, ox, oy) {
    ctx.moveTo(pts[0] - ox, pts[1] - oy);
    for (var i = 2; i < pts.length; i += 2) ctx.lineTo(pts[i] - ox, pts[i + 1] - oy);
  }

  /* Screen copy of projected points (for arrowheads, rings and visibleDrawn). */
  function shifted(pts, ox, oy) {
    var out = new Float64Array(pts.length);
    for (var i = 0; i < pts.length; i += 2) { out[i] = pts[i] - ox; out[i + 1] = pts[i + 1] - oy; }
    return out;
  }

  function arrowHead(ctx, pts, size) {
    var n = pts.length;
    if (n < 4) return;
    var x = pts[n - 2], y = pts[n - 1], k = n - 4;
    // walk back to a point far enough away for a stable direction
    while (k > 0 && Math.abs(pts[k] - x) + Math.abs(pts[k + 1] - y) < size) k -= 2;
    var dx = x - pts[k], dy = y - pts[k + 1];
    var len = Math.sqrt(dx * dx + dy * dy);
    if (len < 1e-6) return;
    dx /= len; dy /= len;
    var bx = x - dx * size * 1.6, by = y - dy * size * 1.6;
    ctx.moveTo(x, y);
    ctx.lineTo(bx - dy * size * 0.75, by + dx * size * 0.75);
    ctx.lineTo(bx + dy * size * 0.75, by - dx * size * 0.75);
    ctx.closePath();
  }

  /* Screen distance between arrowheads along a leg, and the set-back of the end arrow from
   * the leg's end (so the end's hub, ring or label does not cover it). */
  var ARROW_SPACING = 170;
  TRM.ARROW_SETBACK = 10;

  /* The point and unit direction at distance `at` along a polyline, or null past its end. */
  function along(pts, at) {
    var run = 0;
    for (var i = 2; i < pts.length; i += 2) {
      var dx = pts[i] - pts[i - 2], dy = pts[i + 1] - pts[i - 1], len = Math.hypot(dx, dy);
      if (len > 0 && run + len >= at) {
        var t = (at - run) / len;
        return [pts[i - 2] + dx * t, pts[i - 1] + dy * t, dx / len, dy / len];
      }
      run += len;
    }
    return null;
  }

  function pathLength(pts) {
    var total = 0;
    for (var i = 2; i < pts.length; i += 2) total += Math.hypot(pts[i] - pts[i - 2], pts[i + 1] - pts[i - 1]);
    return total;
  }

  function arrowAt(ctx, a, size) {
    arrowHead(ctx, [a[0] - a[2] * size * 3, a[1] - a[3] * size * 3, a[0], a[1]], size);
  }

  /* Arrowheads along a leg: one every ARROW_SPACING px, the first at a phase of its own
   * (`phase` in 0..1), so that legs bundled side by side do not stack their arrows in one
   * cluster; the last one set back from the end. Returns the arrows' [x, y, dx, dy, end]
   * (end: 1 for the end arrow). */
  function legArrows(ctx, pts, size, phase, taken, owner, paint) {
    var total = pathLength(pts), out = [], a;
    if (total < size * 4) return out;
    var end = total - TRM.ARROW_SETBACK;
    a = along(pts, Math.max(end, size * 2));
    if (a) { arrowAt(ctx, a, size); out.push(a.concat(1)); if (taken) taken.add(a, owner, paint); }
    var room = end - size * 6; // mid arrows stay clear of the end arrow
    if (room > size * 6) {
      var step = Math.min(ARROW_SPACING, room);
      for (var at = step * (0.35 + 0.5 * phase); at < room; at += ARROW_SPACING) {
        // where another leg's arrow is already drawn there (legs converging, or side by side
        // at a small scale), a little further along, else none: no pile of arrows
        var tries = [at, at + step * 0.2, at - step * 0.2], placed = null;
        for (var t = 0; t < tries.length && !placed; t++) {
          if (tries[t] <= 0 || tries[t] >= room) continue;
          a = along(pts, tries[t]);
          if (a && (!taken || taken.free(a, size, owner, paint))) placed = a;
        }
        if (placed) { arrowAt(ctx, placed, size); out.push(placed.concat(0)); if (taken) taken.add(placed, owner, paint); }
      }
    }
    return out;
  }

  /* The arrows drawn at one view, across layers: a grid of their points and owners (a
   * layer's commodity index), so that a mid-leg arrow is not drawn within about two arrow
   * lengths of an arrow of a layer before it or of its own paint (layers paint in that order,
   * so a layer painted again at the same view finds the same arrows drawn as before). */
  function ArrowsTaken() { this.cells = new Map(); }
  ArrowsTaken.prototype.free = function (a, size, owner, paint) {
    var cell = 32, cx = Math.floor(a[0] / cell), cy = Math.floor(a[1] / cell), near = size * 3.2;
    for (var dx = -1; dx <= 1; dx++) {
      for (var dy = -1; dy <= 1; dy++) {
        var list = this.cells.get((cx + dx) * 65536 + cy + dy);
        if (!list) continue;
        for (var i = 0; i < list.length; i += 4) {
          var o = list[i + 2];
          if ((o < owner || (o === owner && list[i + 3] === paint)) &&
              Math.hypot(list[i] - a[0], list[i + 1] - a[1]) < near) return false;
        }
      }
    }
    return true;
  };
  ArrowsTaken.prototype.add = function (a, owner, paint) {
    var cell = 32, key = Math.floor(a[0] / cell) * 65536 + Math.floor(a[1] / cell);
    var list = this.cells.get(key);
    if (list) list.push(a[0], a[1], owner, paint); else this.cells.set(key, [a[0], a[1], owner, paint]);
  };

  /* A leg's phase for its arrows, from its lane: legs side by side in a bundle get their arrows
   * a quarter of the spacing apart along the line instead of abreast; a leg's arrows stay
   * put as the map moves. */
  function phaseOf(leg) { return (((0.5 + leg.o * 0.27) % 1) + 1) % 1; }

  /* The second cue, after colour (the market's): what is drawn inside a line to tell the
   * commodities of one market apart (routes.commodities.PATTERNS, page key "pattern").
   * 0 nothing; 1 a white centre stripe; 2 white dots along the centre; 3 a dark centre line.
   * Drawn over the line with the same dashes, one dot to a dash, so that a dashed line
   * (inferred) stays dashed whatever its pattern. Too thin a line (under 2 px: the hairlines
   * of pages with thousands of routes) has no room for one and is left plain. */
  TRM.INFERRED_DASH = [6, 5];
  TRM.PATTERN_DARK = "#111111";
  TRM.strokePattern = function (ctx, pattern, width, dashed, trace) {
    if (!pattern || width < 2) return;
    var inner = Math.max(1, Math.round(width * 0.4 * 2) / 2), dash = TRM.INFERRED_DASH;
    ctx.save();
    ctx.lineCap = "round";
    if (pattern === 2) {
      // a dot (a zero-length dash with round caps) every 11 px, or at the middle of each dash
      ctx.lineWidth = Math.max(1.5, width * 0.75);
      ctx.setLineDash([0, dash[0] + dash[1]]);
      ctx.lineDashOffset = dashed ? -dash[0] / 2 : 0;
      ctx.strokeStyle = "#ffffff";
    } else {
      ctx.lineWidth = inner;
      // the same dashes: the inner line's round caps, narrower than the line's, stay inside
      ctx.setLineDash(dashed ? dash : []);
      ctx.strokeStyle = pattern === 3 ? TRM.PATTERN_DARK : "#ffffff";
    }
    ctx.beginPath();
    trace();
    ctx.stroke();
    ctx.restore();
  };

  /* A legend or layer-control swatch: a short line in the commodity's colour and pattern,
   * drawn by the same code as the map's lines. */
  TRM.swatch = function (commodity) {
    var canvas = document.createElement("canvas"), ratio = window.devicePixelRatio || 1;
    var w = 24, h = 10, width = 5;
    canvas.className = "trm-swatch";
    canvas.width = w * ratio; canvas.height = h * ratio;
    canvas.style.width = w + "px"; canvas.style.height = h + "px";
    canvas.setAttribute("data-pattern", String(commodity.pattern || 0));
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    function trace() { ctx.moveTo(width / 2, h / 2); ctx.lineTo(w - width / 2, h / 2); }
    ctx.lineCap = "round";
    ctx.strokeStyle = commodity.colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    trace();
    ctx.stroke();
    TRM.strokePattern(ctx, commodity.pattern || 0, width, false, trace);
    return canvas;
  };

  TRM.ArrowsTaken = ArrowsTaken;
  TRM.tracePath = tracePath;
  TRM.shifted = shifted;
  TRM.arrowHead = arrowHead;
  TRM.along = along;
  TRM.pathLength = pathLength;
  TRM.legArrows = legArrows;
  TRM.phaseOf = phaseOf;
})(window.TRM = window.TRM || {});
