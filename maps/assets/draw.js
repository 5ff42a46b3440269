/* trafficking-route-mapper page script: the route canvases and the app that owns them.
 *
 * Written for this project. The script is eight files sharing the namespace window.TRM,
 * inlined into the page in order: base.js, draw.js, hit.js, popup.js, links.js, panels.js, places.js, init.js. Page data
 * arrives as JSON (JSON.parse, never evaluated; maps/page_keys.py describes every key) and
 * catalogue text reaches the page through textContent and DOM nodes only, never innerHTML.
 */
(function (TRM) {
  "use strict";

  /* Screen coordinates of one leg, offset sideways by its lane so shared legs stay apart. */
  function screenLeg(leg, scale, ox, oy, lanePx) {
    var w = leg.w, n = w.length / 2, out = new Float64Array(w.length), i;
    var shift = leg.o * lanePx;
    if (!shift || n < 2) {
      for (i = 0; i < 2 * n; i += 2) {
        out[i] = w[i] * scale - ox;
        out[i + 1] = w[i + 1] * scale - oy;
      }
      return out;
    }
    // offset each point sideways along the normal of the chord through its neighbours; the
    // chord is taken in world units (the same direction as on screen, scale aside)
    for (i = 0; i < n; i++) {
      var a = i > 0 ? i - 1 : 0, b = i < n - 1 ? i + 1 : n - 1;
      var dx = w[2 * b] - w[2 * a], dy = w[2 * b + 1] - w[2 * a + 1];
      var len = Math.sqrt(dx * dx + dy * dy);
      var ux = len ? dx / len : 0, uy = len ? dy / len : 0;
      out[2 * i] = w[2 * i] * scale - ox - uy * shift;
      out[2 * i + 1] = w[2 * i + 1] * scale - oy + ux * shift;
    }
    return out;
  }

  function tracePath(ctx, pts) {
    ctx.moveTo(pts[0], pts[1]);
    for (var i = 2; i < pts.length; i += 2) ctx.lineTo(pts[i], pts[i + 1]);
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

  /* An arrowhead halfway along a leg, so direction reads even where a hub marker covers the end. */
  function midArrow(ctx, pts, size) {
    var n = pts.length / 2, total = 0, i;
    if (n < 2) return;
    for (i = 1; i < n; i++) total += Math.hypot(pts[2 * i] - pts[2 * i - 2], pts[2 * i + 1] - pts[2 * i - 1]);
    if (total < size * 12) return; // too short on screen: the end arrow is enough
    var half = total / 2, run = 0;
    for (i = 1; i < n; i++) {
      var dx = pts[2 * i] - pts[2 * i - 2], dy = pts[2 * i + 1] - pts[2 * i - 1];
      var len = Math.hypot(dx, dy);
      if (run + len >= half && len > 0) {
        var t = (half - run) / len, x = pts[2 * i - 2] + dx * t, y = pts[2 * i - 1] + dy * t;
        arrowHead(ctx, [x - dx / len * size * 3, y - dy / len * size * 3, x + dx / len * size, y + dy / len * size], size);
        return;
      }
      run += len;
    }
  }


  /* Radius in CSS px of the mark of a flow inside one area, for lines of the given width. */
  TRM.markRadius = function (width) { return width + 5; };
  /* Radius in CSS px of a hub's circle marker (panels.js). */
  TRM.HUB_RADIUS = 7;

  /* A Leaflet layer drawing one commodity's routes on its own canvas. */
  var RouteCanvas = L.Layer.extend({
    initialize: function (app, commodityIndex) {
      this._app = app;
      this._c = commodityIndex;
      this._routes = app.model.routes.filter(function (r) { return r.c === commodityIndex; });
    },
    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "trm-canvas leaflet-zoom-hide");
      this._canvas.setAttribute("data-commodity", this._app.model.commodities[this._c].id);
      this._canvas.setAttribute("data-order", String(this._c));
      // in commodity order whatever the order of ticking: a layer ticked again goes back to
      // its place in the stack, not on top
      var pane = map.getPane(this._app.paneName), c = this._c, before = null;
      for (var node = pane.firstChild; node; node = node.nextSibling) {
        var order = node.getAttribute && node.getAttribute("data-order");
        if (order !== null && order !== undefined && +order > c) { before = node; break; }
      }
      pane.insertBefore(this._canvas, before);
      map.on("moveend zoomend resize viewreset", this._redraw, this);
      this._redraw();
      this._app.layerChanged();
    },
    onRemove: function (map) {
      map.off("moveend zoomend resize viewreset", this._redraw, this);
      L.DomUtil.remove(this._canvas);
      this._canvas = null;
      this._drawn = [];
      this._app.layerChanged();
    },
    _redraw: function () {
      var map = this._map;
      if (!map || !this._canvas) return;
      var size = map.getSize(), ratio = window.devicePixelRatio || 1;
      var topLeft = map.containerPointToLayerPoint([0, 0]);
      L.DomUtil.setPosition(this._canvas, topLeft);
      this._canvas.width = size.x * ratio;
      this._canvas.height = size.y * ratio;
      this._canvas.style.width = size.x + "px";
      this._canvas.style.height = size.y + "px";
      var ctx = this._canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      this._drawn = this._app.drawRoutes(ctx, this._routes, null);
      this._app.layerChanged();
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
    this._grid = null;
    var self = this;
    this.model.commodities.forEach(function (c, i) {
      self.layers.push(new RouteCanvas(self, i));
    });
  }

  TRM.RouteApp = RouteApp;

  RouteApp.prototype.layerChanged = function () { this._grid = null; };

  RouteApp.prototype.frame = function () {
    var map = this.map, zoom = map.getZoom(), scale = Math.pow(2, zoom);
    var origin = map.getPixelOrigin(), pane = map._getMapPanePos();
    var topLeft = map.containerPointToLayerPoint([0, 0]);
    // screen (canvas) px = world px * scale - pixelOrigin - topLeft(layer) ; layer = container - pane
    return { scale: scale, ox: origin.x + topLeft.x, oy: origin.y + topLeft.y, pane: pane };
  };

  /* Draw routes; returns their screen geometry for hit-testing. Outside emphasis (the hovered
   * or opened route, drawn whole), a link is drawn once, at its width (links.js), by the first
   * shown route on it; not at all where a finer link that refines it is shown; and routes of
   * an edition not shown are left out. */
  RouteApp.prototype.drawRoutes = function (ctx, routes, emphasis) {
    var f = this.frame(), drawn = [], self = this;
    var width = emphasis ? this.width + 3 : this.width;
    var lanePx = Math.max(this.width + 1.5, 4);
    var byStyle = [[], []], links = this.model.data.links, done = null, present = null;
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
        drawn.push({ route: r, legs: [], mark: [TRM.mercX(r.anchor[0]) * f.scale - f.ox + r.w * step,
                                               TRM.mercY(r.anchor[1]) * f.scale - f.oy + TRM.HUB_RADIUS + radius + 3] });
        return;
      }
      if (!r.legs.length) return; // nothing to draw: listed at its hub instead
      var legs = [], any = false;
      r.legs.forEach(function (leg) {
        if (skip(leg)) { legs.push(null); return; }
        var pts = screenLeg(leg, f.scale, f.ox, f.oy, lanePx);
        legs.push(pts);
        any = true;
        byStyle[leg.s ? 0 : 1].push({ pts: pts, colour: self.model.commodities[r.c].colour,
                                      width: emphasis ? width : self.linkWidth(leg.k) });
      });
      if (any) drawn.push({ route: r, legs: legs });
    });
    ctx.lineJoin = "round";
    ctx.lineCap = "round";
    [0, 1].forEach(function (style) {
      var groups = {};
      byStyle[style].forEach(function (item) {
        var key = item.colour + " " + item.width;
        (groups[key] = groups[key] || []).push(item.pts);
      });
      Object.keys(groups).sort().forEach(function (key) {
        var colour = key.split(" ")[0], width = +key.split(" ")[1];
        ctx.setLineDash(style ? [6, 5] : []);
        if (emphasis) {
          ctx.strokeStyle = "rgba(255,255,255,0.9)";
          ctx.lineWidth = width + 3;
          ctx.beginPath();
          groups[key].forEach(function (pts) { tracePath(ctx, pts); });
          ctx.stroke();
        }
        ctx.strokeStyle = colour;
        ctx.lineWidth = width;
        ctx.beginPath();
        groups[key].forEach(function (pts) { tracePath(ctx, pts); });
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = colour;
        ctx.beginPath();
        if (self.model.data.dense && !emphasis) return; // atlas view: arrows on hover only
        groups[key].forEach(function (pts) { arrowHead(ctx, pts, width + 3); midArrow(ctx, pts, width + 3); });
        ctx.fill();
      });
    });
    // flows within an area: a disc in the layer's colour with a white ring inside
    drawn.forEach(function (d) {
      if (!d.mark) return;
      var colour = self.model.commodities[d.route.c].colour, radius = TRM.markRadius(self.width);
      ctx.beginPath();
      ctx.arc(d.mark[0], d.mark[1], radius, 0, 2 * Math.PI);
      ctx.fillStyle = colour;
      ctx.fill();
      ctx.lineWidth = emphasis ? 3 : 1.5;
      ctx.strokeStyle = emphasis ? "rgba(0,0,0,0.8)" : "rgba(255,255,255,0.95)";
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(d.mark[0], d.mark[1], radius * 0.45, 0, 2 * Math.PI);
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = 1.5;
      ctx.stroke();
    });
    // open ends: drawn with the route when it is emphasised; else all together, over the
    // hubs (places.js RingLayer)
    if (emphasis) this.drawRings(ctx, drawn, width);
    return drawn;
  };

  /* Open ends: a hollow ring where the report does not say where the route goes or comes
   * from, at the end of its drawn leg. drawn: what drawRoutes returned. */
  RouteApp.prototype.drawRings = function (ctx, drawn, width) {
    var self = this;
    drawn.forEach(function (d) {
      var r = d.route, colour = self.model.commodities[r.c].colour;
      if (!d.legs.length) return;
      var ends = r.open.filter(function (o) { return d.legs[o[0]]; }).map(function (o) {
        var pts = d.legs[o[0]];
        return o[1] ? [pts[pts.length - 2], pts[pts.length - 1]] : [pts[0], pts[1]];
      });
      ends.forEach(function (pt) {
        ctx.beginPath();
        ctx.arc(pt[0], pt[1], width + 4, 0, 2 * Math.PI);
        ctx.lineWidth = 2;
        ctx.strokeStyle = colour;
        ctx.fillStyle = "rgba(255,255,255,0.85)";
        ctx.fill();
        ctx.stroke();
      });
    });
  };

  RouteApp.prototype.visibleDrawn = function () {
    var out = [];
    this.layers.forEach(function (layer) {
      if (layer._map && layer._drawn) out = out.concat(layer._drawn);
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
    var map = this.map, size = map.getSize(), ratio = window.devicePixelRatio || 1;
    var canvas = L.DomUtil.create("canvas", "trm-canvas trm-highlight leaflet-zoom-hide");
    map.getPane("trmHighlight").appendChild(canvas);
    L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
    canvas.width = size.x * ratio; canvas.height = size.y * ratio;
    canvas.style.width = size.x + "px"; canvas.style.height = size.y + "px";
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.drawRoutes(ctx, [r], true);
    this.hlCanvas = canvas;
  };

  RouteApp.prototype.refreshHighlight = function () {
    this.highlight(this.selected || this.hover);
  };
})(window.TRM = window.TRM || {});
