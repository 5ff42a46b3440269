/* trafficking-route-mapper page script: the route canvases and the app that owns them.
 *
 * Written for this project. The script is several files sharing the namespace window.TRM,
 * inlined into the page in the order of maps/layer.py's SCRIPTS. Page data arrives as JSON
 * (JSON.parse, never evaluated; maps/page_keys.py describes every key) and catalogue text
 * reaches the page through textContent and DOM nodes only, never innerHTML.
 */
(function (TRM) {
  "use strict";

  var tracePath = TRM.tracePath, shifted = TRM.shifted, legArrows = TRM.legArrows;
  var phaseOf = TRM.phaseOf; // strokes.js

  /* One leg in projected pixels of a zoom level (world px * 2^zoom), offset sideways by its
   * lane (in CSS px, the same at every zoom) so shared legs stay apart, and its bounding box
   * (box[at..at+3]: min x, min y, max x, max y). Independent of the pan: made once per zoom. */
  function projectLeg(leg, scale, lanePx, box, at) {
    var w = leg.w, n = w.length / 2, out = new Float64Array(w.length), i;
    var shift = leg.o * lanePx;
    if (!shift || n < 2) {
      for (i = 0; i < 2 * n; i += 2) {
        out[i] = w[i] * scale;
        out[i + 1] = w[i + 1] * scale;
      }
    } else {
      // offset each point sideways along the normal of the chord through its neighbours; the
      // chord is taken in world units (the same direction as on screen, scale aside)
      for (i = 0; i < n; i++) {
        var a = i > 0 ? i - 1 : 0, b = i < n - 1 ? i + 1 : n - 1;
        var dx = w[2 * b] - w[2 * a], dy = w[2 * b + 1] - w[2 * a + 1];
        var len = Math.sqrt(dx * dx + dy * dy);
        var ux = len ? dx / len : 0, uy = len ? dy / len : 0;
        out[2 * i] = w[2 * i] * scale - uy * shift;
        out[2 * i + 1] = w[2 * i + 1] * scale + ux * shift;
      }
    }
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (i = 0; i < out.length; i += 2) {
      if (out[i] < x0) x0 = out[i];
      if (out[i] > x1) x1 = out[i];
      if (out[i + 1] < y0) y0 = out[i + 1];
      if (out[i + 1] > y1) y1 = out[i + 1];
    }
    box[at] = x0; box[at + 1] = y0; box[at + 2] = x1; box[at + 3] = y1;
    return out;
  }

  /* Radius in CSS px of the mark of a flow inside one area, for lines of the given width. */
  TRM.markRadius = function (width) { return width + 5; };
  /* Radius in CSS px of a hub's circle marker (panels.js). */
  TRM.HUB_RADIUS = 7;

  /* A Leaflet layer drawing one commodity's routes on its own canvas.
   *
   * The routes' layout (projected points, grouped for stroking: RouteApp.layout) is made once
   * per zoom level and edition and kept while the layer is unticked, so a pan or a retick only
   * paints; a redraw that would paint the same picture (Leaflet fires viewreset, zoomend and
   * moveend for one change of view) is skipped. Each drawing asks the app to bring the layer's
   * hit-test index up to date in idle time (hit.js). */
  var RouteCanvas = L.Layer.extend({
    initialize: function (app, commodityIndex) {
      this._app = app;
      this._c = commodityIndex;
      this._routes = app.model.routes.filter(function (r) { return r.c === commodityIndex; });
      this._layout = null;
      this._layoutKey = null;
      this._view = null;
      this._index = null;
      this._kept = null; // while unticked: {canvas, view} to take back (onAdd)
    },
    onAdd: function (map) {
      // a layer ticked again takes back its canvas, picture and all: painted again only if
      // the view or the edition changed meanwhile (_redraw compares)
      var kept = this._kept;
      this._kept = null;
      this._canvas = kept ? kept.canvas : L.DomUtil.create("canvas", "trm-canvas leaflet-zoom-hide");
      this._canvas.setAttribute("data-commodity", this._app.model.commodities[this._c].id);
      // stacked by the layers' size (the layer with the most line at the bottom, so a small
      // layer is not buried under a big one), whatever the order of ticking: a layer ticked
      // again goes back to its place in the stack, not on top
      var c = this._app.stack[this._c], pane = map.getPane(this._app.paneName), before = null;
      this._canvas.setAttribute("data-order", String(c));
      for (var node = pane.firstChild; node; node = node.nextSibling) {
        var order = node.getAttribute && node.getAttribute("data-order");
        if (order !== null && order !== undefined && +order > c) { before = node; break; }
      }
      pane.insertBefore(this._canvas, before);
      map.on("moveend zoomend resize viewreset", this._redraw, this);
      this._view = kept ? kept.view : null;
      this._redraw();
      if (kept && this._view === kept.view) this._app.layerChanged(this); // not repainted
      this._app.refreshRegions();
    },
    onRemove: function (map) {
      map.off("moveend zoomend resize viewreset", this._redraw, this);
      L.DomUtil.remove(this._canvas);
      this._kept = { canvas: this._canvas, view: this._view };
      this._canvas = null;
      this._view = null;
      this._app.layerChanged(null); // hit.js: its index is kept, for a retick at the same zoom
      this._app.refreshRegions();
    },
    _redraw: function () {
      var map = this._map;
      if (!map || !this._canvas || this._app.holdPaint) return;
      var app = this._app, f = app.frame(), size = map.getSize(), ratio = window.devicePixelRatio || 1;
      // placed even when the picture is the same: a view reset moves the layer pane's origin
      L.DomUtil.setPosition(this._canvas, map.containerPointToLayerPoint([0, 0]));
      var key = app.layoutKey(f.scale);
      if (key !== this._layoutKey) {
        this._layout = app.layout(this._routes, f.scale, false);
        this._layoutKey = key;
      }
      var view = [key, f.ox, f.oy, size.x, size.y, ratio].join(" ");
      if (view === this._view) return; // the same picture
      this._view = view;
      var ctx = TRM.fitCanvas(this._canvas, map);
      app.paint(ctx, this._layout, f.ox, f.oy, size);
      app.layerChanged(this); // hit.js: its index kept current
    }
  });

  function RouteApp(map, data) {
    this.map = map;
    this.model = new TRM.Model(data);
    this.paneName = "trmRoutes";
    map.createPane(this.paneName);
    map.getPane(this.paneName).style.zIndex = 450;
    map.getPane(this.paneName).style.pointerEvents = "none";
    map.createPane("trmHighlight");
    map.getPane("trmHighlight").style.zIndex = 460;
    map.getPane("trmHighlight").style.pointerEvents = "none";
    this.width = data.width;
    this.layers = [];
    this.hover = null;
    this.selected = null;
    var self = this;
    this.model.commodities.forEach(function (c, i) {
      self.layers.push(new RouteCanvas(self, i));
    });
    this.stack = stackOrder(this.model);
  }

  /* Each commodity's place in the stack of canvases: by total line length (world units),
   * longest at the bottom, ties in commodity order. Fixed for the page. */
  function stackOrder(model) {
    var length = model.commodities.map(function () { return 0; });
    model.routes.forEach(function (r) {
      r.legs.forEach(function (leg) { length[r.c] += model.lineLength[leg.g]; });
    });
    var order = length.map(function (_, i) { return i; });
    order.sort(function (a, b) { return length[b] - length[a] || a - b; });
    var rank = [];
    order.forEach(function (c, k) { rank[c] = k; });
    return rank;
  }

  TRM.RouteApp = RouteApp;


  RouteApp.prototype.frame = function () {
    var map = this.map, zoom = map.getZoom(), scale = Math.pow(2, zoom);
    var origin = map.getPixelOrigin(), pane = map._getMapPanePos();
    var topLeft = map.containerPointToLayerPoint([0, 0]);
    // screen (canvas) px = world px * scale - pixelOrigin - topLeft(layer) ; layer = container - pane
    return { scale: scale, ox: origin.x + topLeft.x, oy: origin.y + topLeft.y, pane: pane };
  };

  /* What a layout depends on besides its routes: the zoom and the edition shown. */
  RouteApp.prototype.layoutKey = function (scale) {
    return scale + "|" + (this.edition === null || this.edition === undefined ? "" : "e:" + this.edition);
  };

  /* The layout of routes at a zoom's scale, in projected px (screen = projected - frame
   * offset): items [{route, legs (projected points per drawn leg, null for a link another
   * route draws), mark (a flow within an area)}], every drawn leg flat (legs, legItem, legNo,
   * box: bounding boxes) for the hit test, and the strokes grouped by style, colour and
   * width. Outside emphasis (the hovered or opened route, drawn whole), a link is drawn once,
   * at its width (links.js), by the first shown route on it; not at all where a finer link
   * that refines it is shown; and routes of an edition not shown are left out. */
  RouteApp.prototype.layout = function (routes, scale, emphasis) {
    var items = [], self = this;
    var width = emphasis ? this.width + 3 : this.width;
    var lanePx = Math.max(this.width + 1.5, 4);
    var byStyle = [[], []], links = this.model.data.links, done = null, present = null;
    var flat = [], legItem = [], legNo = [], boxes = [], marks = [];
    if (!emphasis) {
      routes = routes.filter(function (r) { return self.reportShown(r.s); });
      done = new Uint8Array(links.length);
      present = new Uint8Array(links.length);
      routes.forEach(function (r) { r.legs.forEach(function (leg) { present[leg.k] = 1; }); });
    }
    function skip(leg) {
      if (!done) return false;
      if (done[leg.k]) return true;
      var link = links[leg.k], finer = link.f;
      if (finer) for (var i = 0; i < finer.length; i++) if (present[finer[i]]) return true;
      done[leg.k] = 1;
      return false;
    }
    routes.forEach(function (r) {
      if (r.w !== undefined && r.anchor) {
        // a flow inside one area: a mark just below the area's point (where its hub marker
        // lists it), beside the area's other marks
        var radius = TRM.markRadius(self.width), step = 2 * radius + 2;
        var item = { route: r, legs: [], mark: [TRM.mercX(r.anchor[0]) * scale + r.w * step,
                                                TRM.mercY(r.anchor[1]) * scale + TRM.HUB_RADIUS + radius + 3] };
        items.push(item);
        marks.push(item);
        return;
      }
      if (!r.legs.length) return; // nothing to draw: listed at its hub instead
      var legs = [], any = false, at = items.length;
      r.legs.forEach(function (leg, j) {
        if (skip(leg)) { legs.push(null); return; }
        var pts = projectLeg(leg, scale, lanePx, boxes, boxes.length);
        legs.push(pts);
        var c = self.model.commodities[r.c];
        byStyle[leg.s ? 0 : 1].push({ line: flat.length, colour: c.colour, pattern: c.pattern || 0,
                                      width: emphasis ? width : self.linkWidth(leg.k),
                                      phase: phaseOf(leg), item: at });
        flat.push(pts); legItem.push(at); legNo.push(j);
        any = true;
      });
      if (any) items.push({ route: r, legs: legs });
    });
    var groups = [];
    [0, 1].forEach(function (style) {
      var byKey = {};
      byStyle[style].forEach(function (item) {
        var key = item.colour + " " + item.width + " " + item.pattern;
        (byKey[key] = byKey[key] || []).push(item);
      });
      Object.keys(byKey).sort().forEach(function (key) {
        var members = byKey[key];
        var parts = key.split(" ");
        groups.push({ dashed: style === 1, colour: parts[0], width: +parts[1], pattern: +parts[2],
                      lines: members.map(function (m) { return m.line; }),
                      phases: members.map(function (m) { return m.phase; }),
                      owners: members.map(function (m) { return m.item; }) });
      });
    });
    return { scale: scale, emphasis: emphasis, width: width, items: items, groups: groups, marks: marks,
             legs: flat, legItem: legItem, legNo: legNo, box: new Float64Array(boxes) };
  };

  /* Paint a layout with the frame offset (ox, oy); lines wholly outside a view of `size`
   * (when given) are left out. */
  RouteApp.prototype.paint = function (ctx, lay, ox, oy, size) {
    var self = this, emphasis = lay.emphasis, width = lay.width, margin = 4 * width + 24;
    function seen(i) {
      if (!size) return true;
      var b = 4 * i, box = lay.box;
      return !(box[b + 2] - ox < -margin || box[b] - ox > size.x + margin ||
               box[b + 3] - oy < -margin || box[b + 1] - oy > size.y + margin);
    }
    ctx.lineJoin = "round";
    ctx.lineCap = "round";
    var dense = self.model.data.dense && !emphasis;
    var arrows = lay.items.map(function () { return []; });
    // the arrows of every layer painted at this view (not of an emphasised route, drawn whole)
    var taken = null, paintId = (self._paints = (self._paints || 0) + 1);
    if (!emphasis) {
      var view = lay.scale + " " + ox + " " + oy;
      if (!self._arrows || self._arrows.view !== view) self._arrows = { view: view, taken: new TRM.ArrowsTaken() };
      taken = self._arrows.taken;
    }
    lay.groups.forEach(function (group) {
      var colour = group.colour, shown = [];
      group.lines.forEach(function (i, k) { if (seen(i)) shown.push(k); });
      if (!shown.length) return;
      var lines = shown.map(function (k) { return lay.legs[group.lines[k]]; });
      if (!dense) {
        // a white casing, so that lines bundled together or crossing read as separate lines;
        // dashed with a dashed line, so that the gaps stay open and a dashed line still reads
        // as dashed
        ctx.setLineDash(group.dashed ? TRM.INFERRED_DASH : []);
        ctx.lineCap = group.dashed ? "butt" : "round"; // round caps would close the gaps
        ctx.strokeStyle = emphasis ? "rgba(255,255,255,0.9)" : "rgba(255,255,255,0.85)";
        ctx.lineWidth = group.width + (emphasis ? 3 : 2);
        ctx.beginPath();
        lines.forEach(function (pts) { tracePath(ctx, pts, ox, oy); });
        ctx.stroke();
      }
      var trace = function () { lines.forEach(function (pts) { tracePath(ctx, pts, ox, oy); }); };
      ctx.lineCap = "round";
      ctx.setLineDash(group.dashed ? TRM.INFERRED_DASH : []);
      ctx.strokeStyle = colour;
      ctx.lineWidth = group.width;
      ctx.beginPath();
      trace();
      ctx.stroke();
      ctx.setLineDash([]);
      // the second cue: one more stroke a group, whatever its number of routes
      TRM.strokePattern(ctx, group.pattern, group.width, group.dashed, trace);
      if (dense) return; // atlas view: arrows on hover only
      ctx.fillStyle = colour;
      ctx.beginPath();
      shown.forEach(function (k, n) {
        var owner = group.owners[k];
        var drawnArrows = legArrows(ctx, shifted(lines[n], ox, oy), group.width + 3, group.phases[k], taken,
                                    lay.items[owner].route.c, paintId);
        arrows[owner] = arrows[owner].concat(drawnArrows);
      });
      ctx.fill();
    });
    lay.arrows = arrows; // of this paint, in its screen px: for tests and the legend's claims
    // flows within an area: a disc in the layer's colour with a white ring inside
    lay.marks.forEach(function (d) {
      var colour = self.model.commodities[d.route.c].colour, radius = TRM.markRadius(self.width);
      var x = d.mark[0] - ox, y = d.mark[1] - oy;
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.fillStyle = colour;
      ctx.fill();
      ctx.lineWidth = emphasis ? 3 : 1.5;
      ctx.strokeStyle = emphasis ? "rgba(0,0,0,0.8)" : "rgba(255,255,255,0.95)";
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(x, y, radius * 0.45, 0, 2 * Math.PI);
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = 1.5;
      ctx.stroke();
    });
    // open ends: drawn with the route when it is emphasised; else all together, over the
    // hubs (places.js RingLayer)
    if (emphasis) this.drawRings(ctx, lay.items, ox, oy, width);
  };

  /* Open ends: a hollow ring where the report does not say where the route goes or comes
   * from, at the end of its drawn leg. items: a layout's (projected px, RouteApp.layout),
   * drawn at the frame offset (ox, oy). */
  RouteApp.prototype.drawRings = function (ctx, items, ox, oy, width) {
    var commodities = this.model.commodities;
    ctx.lineWidth = 2;
    ctx.fillStyle = "rgba(255,255,255,0.85)";
    items.forEach(function (d) {
      var r = d.route;
      if (!d.legs.length || !r.open.length) return;
      ctx.strokeStyle = commodities[r.c].colour;
      r.open.forEach(function (o) {
        var pts = d.legs[o[0]];
        if (!pts) return;
        var x = (o[1] ? pts[pts.length - 2] : pts[0]) - ox, y = (o[1] ? pts[pts.length - 1] : pts[1]) - oy;
        ctx.beginPath();
        ctx.arc(x, y, width + 4, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      });
    });
  };

  /* A layout's items in screen px of the frame offset (ox, oy). */
  function onScreen(lay, ox, oy) {
    return lay.items.map(function (d, i) {
      if (d.mark) return { route: d.route, legs: [], mark: [d.mark[0] - ox, d.mark[1] - oy] };
      return { route: d.route, legs: d.legs.map(function (pts) { return pts && shifted(pts, ox, oy); }),
               arrows: lay.arrows ? lay.arrows[i] : [] };
    });
  }

  /* Draw routes at the map's current view; returns their screen geometry
   * ({route, legs: screen points or null, mark}). */
  RouteApp.prototype.drawRoutes = function (ctx, routes, emphasis) {
    var f = this.frame(), lay = this.layout(routes, f.scale, emphasis);
    this.paint(ctx, lay, f.ox, f.oy, null);
    return onScreen(lay, f.ox, f.oy);
  };

  /* What the ticked layers show, in screen px of the current view: the same geometry that
   * the hit test searches (a reference for tests and the benchmark). */
  RouteApp.prototype.visibleDrawn = function () {
    var out = [], f = this.frame();
    this.layers.forEach(function (layer) {
      if (layer._map && layer._layout && layer._layout.scale === f.scale) out = out.concat(onScreen(layer._layout, f.ox, f.oy));
    });
    return out;
  };

  RouteApp.prototype.regionShapes = function (r) {
    var regions = this.model.data.regions;
    return (r.regions || []).map(function (k) { return regions[k]; }).filter(Boolean);
  };

  /* Highlight: the route drawn wider on top, and its region stages as translucent areas. */
  RouteApp.prototype.highlight = function (r) {
    if (this.hlLayer) { this.map.removeLayer(this.hlLayer); this.hlLayer = null; }
    if (this.hlCanvas) { L.DomUtil.remove(this.hlCanvas); this.hlCanvas = null; }
    if (!r) return;
    var shapes = this.regionShapes(r), colour = this.model.commodities[r.c].colour;
    if (shapes.length) {
      this.hlLayer = L.geoJSON({ type: "FeatureCollection", features: shapes }, {
        interactive: false, pane: "trmHighlight",
        style: function () { return { color: colour, weight: 1, fillColor: colour, fillOpacity: 0.18, dashArray: "3 3" }; }
      }).addTo(this.map);
    }
    var canvas = L.DomUtil.create("canvas", "trm-canvas trm-highlight leaflet-zoom-hide");
    this.map.getPane("trmHighlight").appendChild(canvas);
    this.drawRoutes(TRM.fitCanvas(canvas, this.map), [r], true);
    this.hlCanvas = canvas;
  };

  RouteApp.prototype.refreshHighlight = function () {
    this.highlight(this.selected || this.hover);
  };
})(window.TRM = window.TRM || {});
