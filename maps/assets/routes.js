/* trafficking-route-mapper: draws route layers on a Leaflet map.
 *
 * Written for this project. Data arrives as JSON (parsed with JSON.parse, never evaluated) and
 * every catalogue text reaches the page through textContent or DOM nodes, never innerHTML.
 * One canvas per commodity layer, so toggling a layer clears only its canvas; one map-level
 * handler finds the route under the pointer with a grid index instead of thousands of
 * Leaflet objects.
 */
(function () {
  "use strict";

  var TILE = 256;
  var HIT_PX = 7;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* A panel with a button that folds its body away. */
  function collapsible(outerClass, title, bodyClass) {
    var outer = el("div", outerClass), head = el("button", "trm-toggle", title);
    head.type = "button";
    head.setAttribute("aria-expanded", "true");
    var box = el("div", bodyClass);
    outer.appendChild(head);
    outer.appendChild(box);
    head.addEventListener("click", function () {
      var open = box.style.display === "none";
      box.style.display = open ? "" : "none";
      head.setAttribute("aria-expanded", open ? "true" : "false");
    });
    return { outer: outer, head: head, box: box };
  }

  /* One piece of evidence: the section, the verbatim phrase, the coder's summary. */
  function evidenceBlock(ev) {
    var q = el("blockquote", "trm-evidence");
    q.appendChild(el("div", "trm-section", ev.section));
    q.appendChild(el("div", "trm-phrase", "“" + ev.phrase + "”"));
    q.appendChild(el("div", "trm-summary", ev.summary));
    if (ev.source) q.appendChild(el("div", "trm-note", "Source: " + ev.source));
    return q;
  }

  /* Web Mercator at zoom 0, in pixels of a 256-px world. */
  function mercX(lon) { return (lon + 180) / 360 * TILE; }
  function mercY(lat) {
    var s = Math.sin(Math.max(Math.min(lat, 85.0511), -85.0511) * Math.PI / 180);
    return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * TILE;
  }

  function Model(data) {
    this.data = data;
    this.routes = data.routes;
    this.commodities = data.commodities;
    var i, j, r, leg, p, w;
    for (i = 0; i < this.routes.length; i++) {
      r = this.routes[i];
      r.index = i;
      for (j = 0; j < r.legs.length; j++) {
        leg = r.legs[j];
        p = leg.p;
        w = new Float64Array(p.length);
        for (var k = 0; k < p.length; k += 2) {
          w[k] = mercX(p[k]);
          w[k + 1] = mercY(p[k + 1]);
        }
        leg.w = w;
      }
    }
  }

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
      map.getPane(this._app.paneName).appendChild(this._canvas);
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
    this.model = new Model(data);
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

  RouteApp.prototype.layerChanged = function () { this._grid = null; };

  RouteApp.prototype.frame = function () {
    var map = this.map, zoom = map.getZoom(), scale = Math.pow(2, zoom);
    var origin = map.getPixelOrigin(), pane = map._getMapPanePos();
    var topLeft = map.containerPointToLayerPoint([0, 0]);
    // screen (canvas) px = world px * scale - pixelOrigin - topLeft(layer) ; layer = container - pane
    return { scale: scale, ox: origin.x + topLeft.x, oy: origin.y + topLeft.y, pane: pane };
  };

  /* Draw routes; returns their screen geometry for hit-testing. */
  RouteApp.prototype.drawRoutes = function (ctx, routes, emphasis) {
    var f = this.frame(), drawn = [], self = this;
    var width = emphasis ? this.width + 3 : this.width;
    var lanePx = Math.max(this.width + 1.5, 4);
    var byStyle = [[], []];
    routes.forEach(function (r) {
      if (!r.legs.length) return; // nothing to draw: listed at its hub instead
      var legs = [];
      r.legs.forEach(function (leg) {
        var pts = screenLeg(leg, f.scale, f.ox, f.oy, lanePx);
        legs.push(pts);
        byStyle[leg.s ? 0 : 1].push({ pts: pts, colour: self.model.commodities[r.c].colour });
      });
      drawn.push({ route: r, legs: legs });
    });
    ctx.lineJoin = "round";
    ctx.lineCap = "round";
    [0, 1].forEach(function (style) {
      var groups = {};
      byStyle[style].forEach(function (item) {
        (groups[item.colour] = groups[item.colour] || []).push(item.pts);
      });
      Object.keys(groups).sort().forEach(function (colour) {
        ctx.setLineDash(style ? [6, 5] : []);
        if (emphasis) {
          ctx.strokeStyle = "rgba(255,255,255,0.9)";
          ctx.lineWidth = width + 3;
          ctx.beginPath();
          groups[colour].forEach(function (pts) { tracePath(ctx, pts); });
          ctx.stroke();
        }
        ctx.strokeStyle = colour;
        ctx.lineWidth = width;
        ctx.beginPath();
        groups[colour].forEach(function (pts) { tracePath(ctx, pts); });
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = colour;
        ctx.beginPath();
        if (self.model.data.dense && !emphasis) return; // atlas view: arrows on hover only
        groups[colour].forEach(function (pts) { arrowHead(ctx, pts, width + 3); midArrow(ctx, pts, width + 3); });
        ctx.fill();
      });
    });
    // open ends: a hollow ring where the report does not say where the route goes or comes from
    drawn.forEach(function (d) {
      var r = d.route, colour = self.model.commodities[r.c].colour;
      if (!d.legs.length) return;
      var ends = [];
      if (r.open[0]) ends.push([d.legs[0][0], d.legs[0][1]]);
      if (r.open[1]) {
        var last = d.legs[d.legs.length - 1];
        ends.push([last[last.length - 2], last[last.length - 1]]);
      }
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
    return drawn;
  };

  RouteApp.prototype.visibleDrawn = function () {
    var out = [];
    this.layers.forEach(function (layer) {
      if (layer._map && layer._drawn) out = out.concat(layer._drawn);
    });
    return out;
  };

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
    this._grid = { cell: cell, cells: cells, drawn: drawn };
    return this._grid;
  };

  function segDist(px, py, ax, ay, bx, by) {
    var dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
    var t = len ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len)) : 0;
    var cx = ax + t * dx - px, cy = ay + t * dy - py;
    return Math.sqrt(cx * cx + cy * cy);
  }

  /* The route nearest to a container point, within HIT_PX. */
  RouteApp.prototype.routeAt = function (containerPoint) {
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
          if (d < bestD) { bestD = d; best = g.drawn[hit[0]].route; }
        }
      }
    }
    return best;
  };

  RouteApp.prototype.tooltipContent = function (r) {
    var box = el("div", "trm-tooltip");
    box.appendChild(el("strong", null, r.label));
    box.appendChild(el("div", "trm-path", r.path));
    return box;
  };

  /* Popup details of route i, from the block after the drawing script (read on first use). */
  RouteApp.prototype.details = function (i) {
    if (!this._details) {
      var block = document.getElementById("trm-details");
      if (!block || document.readyState === "loading") return null; // still being read
      this._details = JSON.parse(block.textContent);
    }
    return this._details[i];
  };

  RouteApp.prototype.popupContent = function (r) {
    var d = this.details(r.index);
    if (!d) return this.pendingContent(r);
    var c = this.model.commodities[r.c], box = el("div", "trm-popup");
    var report = this.model.data.reports[r.s] || {};
    box.setAttribute("data-route", r.id);
    box.appendChild(el("h3", null, r.label));
    box.appendChild(el("div", "trm-meta", c.label + " · " + c.market + " · " + c.category));
    box.appendChild(el("div", "trm-meta", "Role of " + (this.model.data.reportingNames[d.reporting] || d.reporting) + ": " + d.role));
    var ol = el("ol", "trm-stages");
    d.stages.forEach(function (s) {
      var li = el("li", s.stated ? "stated" : "inferred");
      var line = s.name + " (" + s.kind + ", " + s.role + ")";
      if (s.by) line += " — by " + s.by;
      li.appendChild(el("span", null, line));
      li.appendChild(el("span", "trm-flag", s.stated ? " stated" : (s.kind === "unstated" ? " not stated" : " inferred")));
      if (s.note) li.appendChild(el("div", "trm-note", s.note));
      if (s.source) li.appendChild(el("div", "trm-note", "Source: " + s.source));
      ol.appendChild(li);
    });
    box.appendChild(ol);
    if (d.legnotes.length) {
      d.legnotes.forEach(function (n) { box.appendChild(el("div", "trm-note", n)); });
    }
    box.appendChild(el("h4", null, "Evidence"));
    d.evidence.forEach(function (ev) { box.appendChild(evidenceBlock(ev)); });
    var src = el("div", "trm-source");
    src.appendChild(document.createTextNode("Source: "));
    if (report.url && /^https?:\/\//.test(report.url)) {
      var a = el("a", null, report.title);
      a.href = report.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      src.appendChild(a);
    } else {
      src.appendChild(document.createTextNode(report.title || ""));
    }
    box.appendChild(src);
    if (d.actors.length) box.appendChild(el("div", "trm-actors", "Actors: " + d.actors.join("; ")));
    if (d.note) box.appendChild(el("div", "trm-note", d.note));
    return box;
  };

  /* A popup opened before the page has been read to its end: label and path now, and the
   * details as soon as they are there. */
  RouteApp.prototype.pendingContent = function (r) {
    var self = this, box = el("div", "trm-popup trm-pending");
    box.setAttribute("data-route", r.id);
    box.appendChild(el("h3", null, r.label));
    box.appendChild(el("div", "trm-meta", r.path));
    box.appendChild(el("div", "trm-note", "Loading the evidence…"));
    document.addEventListener("DOMContentLoaded", function () {
      if (self.popup && self.selected === r) self.popup.setContent(self.popupContent(r));
    }, { once: true });
    return box;
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

  RouteApp.prototype.openRoute = function (r, latlng) {
    this.selected = r;
    this.highlight(r);
    var at = latlng;
    if (!at) {
      var leg = r.legs[Math.floor(r.legs.length / 2)], mid = Math.floor(leg.p.length / 4) * 2;
      at = L.latLng(leg.p[mid + 1], leg.p[mid]);
    }
    var self = this;
    this.popup = L.popup({ maxWidth: 380, maxHeight: 420, autoPanPadding: [20, 20] })
      .setLatLng(at).setContent(this.popupContent(r)).openOn(this.map);
    this.popup.on("remove", function () { self.selected = null; self.refreshHighlight(); });
  };

  RouteApp.prototype.bindEvents = function () {
    var self = this, map = this.map, pending = null, tip = L.tooltip({ sticky: true, direction: "top", offset: [0, -8], className: "trm-leaflet-tooltip" });
    map.on("mousemove", function (e) {
      pending = e;
      if (self._raf) return;
      self._raf = window.requestAnimationFrame(function () {
        self._raf = null;
        var ev = pending, r = self.routeAt(ev.containerPoint);
        map.getContainer().style.cursor = r ? "pointer" : "";
        if (r !== self.hover) {
          self.hover = r;
          if (!self.selected) self.highlight(r);
          if (r) { tip.setContent(self.tooltipContent(r)); }
          else map.closeTooltip(tip);
        }
        if (r) { tip.setLatLng(ev.latlng); if (!map.hasLayer(tip)) map.openTooltip(tip); }
      });
    });
    map.on("mouseout", function () { self.hover = null; map.closeTooltip(tip); if (!self.selected) self.highlight(null); });
    map.on("click", function (e) {
      var r = self.routeAt(e.containerPoint);
      if (r) self.openRoute(r, e.latlng);
    });
    map.on("moveend zoomend resize", function () { self._grid = null; self.refreshHighlight(); });
    map.on("zoomstart", function () { if (self.hlCanvas) self.hlCanvas.style.display = "none"; });
  };

  /* Layer control grouped by market category, with colour swatches and route counts. */
  RouteApp.prototype.addControl = function () {
    var self = this, data = this.model.data;
    var Control = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var panel = collapsible("trm-control leaflet-bar", "Layers", "trm-control-body");
        var outer = panel.outer, box = panel.box;
        L.DomEvent.disableClickPropagation(outer);
        L.DomEvent.disableScrollPropagation(outer);
        if (self.map.getSize().x < 900) panel.head.click();
        box.appendChild(el("div", "trm-title", data.title));
        data.categories.forEach(function (cat) {
          var members = [];
          self.model.commodities.forEach(function (c, i) { if (c.category === cat) members.push(i); });
          if (!members.length) return;
          var group = el("fieldset", "trm-group");
          group.setAttribute("data-category", cat);
          group.appendChild(el("legend", null, cat));
          members.forEach(function (i) {
            var c = self.model.commodities[i], label = el("label", "trm-layer");
            var box2 = el("input");
            box2.type = "checkbox";
            box2.checked = true;
            box2.setAttribute("data-commodity", c.id);
            box2.addEventListener("change", function () {
              if (box2.checked) self.map.addLayer(self.layers[i]);
              else self.map.removeLayer(self.layers[i]);
              self.refreshHighlight();
            });
            var swatch = el("span", "trm-swatch");
            swatch.style.background = c.colour;
            label.appendChild(box2);
            label.appendChild(swatch);
            label.appendChild(el("span", "trm-name", c.label));
            label.appendChild(el("span", "trm-count", c.count === c.drawn ? "(" + c.count + ")" : "(" + c.drawn + " of " + c.count + " drawn)"));
            if (c.page) {
              var link = el("a", "trm-page", "page");
              link.href = c.page;
              label.appendChild(link);
            }
            group.appendChild(label);
          });
          box.appendChild(group);
        });
        var extras = el("fieldset", "trm-group");
        extras.appendChild(el("legend", null, "Context"));
        [["regions", "Regions named by routes", self.regionLayer], ["hubs", "Hubs in " + data.reportingName, self.hubLayer]].forEach(function (row) {
          if (!row[2]) return;
          var label = el("label", "trm-layer"), input = el("input");
          input.type = "checkbox";
          input.checked = self.map.hasLayer(row[2]);
          input.setAttribute("data-overlay", row[0]);
          input.addEventListener("change", function () {
            if (input.checked) self.map.addLayer(row[2]); else self.map.removeLayer(row[2]);
          });
          label.appendChild(input);
          label.appendChild(el("span", "trm-name", row[1]));
          extras.appendChild(label);
        });
        box.appendChild(extras);
        if (data.index) {
          var back = el("a", "trm-page", "← all commodities");
          back.href = data.index;
          box.appendChild(back);
        }
        return outer;
      }
    });
    new Control().addTo(this.map);
  };

  RouteApp.prototype.addLegend = function () {
    var data = this.model.data;
    var Legend = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var panel = collapsible("trm-legend", "Legend", "trm-legend-body");
        var outer = panel.outer, box = panel.box;
        var rows = [
          ["solid", "Stated by the report"],
          ["dashed", "Inferred from another source (or a corridor's waypoints)"],
          ["arrow", data.dense ? "Arrowheads: direction of the flow, shown for the route under the pointer (too many routes to show them all)" : "Arrowheads: direction of the flow, halfway along and at the end of each leg"],
          ["ring", "Ring: the report does not say where the route begins or ends"],
          ["hub", "Hub in " + data.reportingName + ": what passes through it"],
          ["area", "Shaded area: a region stage (shown on hover), not a point"],
          ["sea", "Leg by sea: follows shipping lanes where computed"]
        ];
        var colours = el("div", "trm-legend-colours");
        data.commodities.forEach(function (c) {
          var item = el("div", "trm-legend-colour");
          var swatch = el("span", "trm-swatch");
          swatch.style.background = c.colour;
          item.appendChild(swatch);
          item.appendChild(el("span", null, c.label));
          item.title = c.market + " (" + c.category + ")";
          colours.appendChild(item);
        });
        box.appendChild(colours);
        rows.forEach(function (row) {
          var line = el("div", "trm-legend-row");
          line.appendChild(el("span", "trm-key trm-key-" + row[0]));
          line.appendChild(el("span", null, row[1]));
          box.appendChild(line);
        });
        box.appendChild(el("div", "trm-legend-note", "Colour: criminal market (Paul Tol's colour-blind-safe palette); shades separate commodities of one market. Line width carries no meaning. Parallel lines: routes sharing a leg, drawn side by side."));
        box.appendChild(el("div", "trm-legend-note", "Source: " + data.sources.join("; ")));
        return outer;
      }
    });
    new Legend().addTo(this.map);
  };

  RouteApp.prototype.addSearch = function () {
    var self = this, data = this.model.data;
    var Search = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var box = el("div", "trm-search leaflet-bar");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        var input = el("input");
        input.type = "search";
        input.placeholder = "Find a place or route";
        input.setAttribute("aria-label", "Find a place or route");
        var list = el("ul", "trm-results");
        box.appendChild(input);
        box.appendChild(list);
        input.addEventListener("input", function () {
          while (list.firstChild) list.removeChild(list.firstChild);
          var q = input.value.trim().toLowerCase();
          if (q.length < 2) return;
          var hits = [];
          data.places.forEach(function (p) {
            if (p.name.toLowerCase().indexOf(q) >= 0) hits.push({ kind: "place", p: p });
          });
          self.model.routes.forEach(function (r) {
            if ((r.label + " " + r.path + " " + r.id).toLowerCase().indexOf(q) >= 0) hits.push({ kind: "route", r: r });
          });
          hits.slice(0, 12).forEach(function (h) {
            var li = el("li", "trm-result");
            if (h.kind === "place") {
              li.textContent = h.p.name + " (" + h.p.kind + ")";
              li.addEventListener("click", function () { self.map.setView([h.p.lat, h.p.lon], Math.max(self.map.getZoom(), 5)); });
            } else {
              li.textContent = h.r.label;
              li.setAttribute("data-route", h.r.id);
              li.addEventListener("click", function () {
                if (h.r.legs.length) {
                  var b = L.latLngBounds([]);
                  h.r.legs.forEach(function (leg) { for (var k = 0; k < leg.p.length; k += 2) b.extend([leg.p[k + 1], leg.p[k]]); });
                  self.map.fitBounds(b, { padding: [40, 40] });
                  self.openRoute(h.r);
                } else if (h.r.anchor) {
                  self.map.setView([h.r.anchor[1], h.r.anchor[0]], Math.max(self.map.getZoom(), 6));
                  self.openRoute(h.r, L.latLng(h.r.anchor[1], h.r.anchor[0]));
                }
              });
            }
            list.appendChild(li);
          });
          if (!hits.length) list.appendChild(el("li", "trm-none", "No match"));
        });
        return box;
      }
    });
    new Search().addTo(this.map);
  };

  RouteApp.prototype.addContext = function () {
    var self = this, data = this.model.data;
    var regionFeatures = Object.keys(data.regions).sort().map(function (k) { return data.regions[k]; });
    if (regionFeatures.length) {
      this.regionLayer = L.geoJSON({ type: "FeatureCollection", features: regionFeatures }, {
        interactive: false,
        style: function () { return { color: "#666", weight: 1, dashArray: "2 4", fill: false }; }
      });
    }
    if (data.hubs.length) {
      this.hubLayer = L.layerGroup();
      data.hubs.forEach(function (h) {
        var marker = L.circleMarker([h.lat, h.lon], {
          radius: 7, color: "#222", weight: 2, fillColor: "#fff", fillOpacity: 1, pane: "markerPane"
        });
        marker.bindTooltip(function () {
          return el("span", null, h.name + ": " + h.routes.length + " routes" + (h.notes.length ? ", " + h.notes.length + " notes" : ""));
        });
        marker.bindPopup(function () {
          var box = el("div", "trm-popup trm-hub");
          box.appendChild(el("h3", null, h.name));
          h.notes.forEach(function (n) {
            var note = el("div", "trm-hub-note");
            if (n.commodities.length) note.appendChild(el("div", "trm-meta", n.commodities.join(", ")));
            note.appendChild(el("div", null, n.summary));
            n.evidence.forEach(function (ev) { note.appendChild(evidenceBlock(ev)); });
            note.appendChild(el("div", "trm-source", "Source: " + n.title));
            box.appendChild(note);
          });
          box.appendChild(el("div", "trm-meta", h.routes.length ? "What passes through (" + h.routes.length + " routes)" : "No coded route passes through this place."));
          var ul = el("ul");
          h.routes.forEach(function (i) {
            var r = self.model.routes[i], li = el("li");
            var a = el("a", null, r.label + " — " + r.path);
            a.href = "#";
            a.addEventListener("click", function (ev) { ev.preventDefault(); self.openRoute(r, r.legs.length ? null : L.latLng(h.lat, h.lon)); });
            li.appendChild(a);
            ul.appendChild(li);
          });
          box.appendChild(ul);
          return box;
        }, { maxWidth: 380, maxHeight: 360 });
        marker.options.trmHub = h.name;
        self.hubLayer.addLayer(marker);
      });
      this.hubLayer.addTo(this.map);
    }
  };

  function init(map, data) {
    if (data.base) {
      L.geoJSON(data.base, {
        interactive: false,
        style: function () { return { color: "#b9b9b9", weight: 0.6, fillColor: "#f4f2ee", fillOpacity: 1 }; }
      }).addTo(map);
    }
    var app = new RouteApp(map, data);
    app.layers.forEach(function (layer) { layer.addTo(map); });
    app.addContext();
    app.addControl();
    app.addLegend();
    app.addSearch();
    app.bindEvents();
    if (data.bounds) map.fitBounds(data.bounds, { padding: [20, 20], animate: false });
    window.trmApp = app;
    document.documentElement.setAttribute("data-trm-ready", "1");
    return app;
  }

  window.TRM = { init: init };
})();
