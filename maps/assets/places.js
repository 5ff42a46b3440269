/* trafficking-route-mapper page script: hubs and place labels.
 *
 * Written for this project. The script is eight files sharing the namespace window.TRM,
 * inlined into the page in order: base.js, draw.js, hit.js, popup.js, links.js, panels.js, places.js, init.js. Page data
 * arrives as JSON (JSON.parse, never evaluated; maps/page_keys.py describes every key) and
 * catalogue text reaches the page through textContent and DOM nodes only, never innerHTML.
 *
 * Hubs are small white squares in a pane over the route lines. A hub where a route shown ends
 * stands beside its place, joined to it by a leader line, so that it does not cover the
 * arrowheads arriving there; hubs closer than a symbol's width apart (five in Belgium at the
 * start view) are spread around their centre the same way, so that each can be pointed at.
 * The rings of unstated ends are drawn over the hubs, on a canvas of their own (RingLayer).
 *
 * Labels name the hubs and the places the routes shown use: placed greedily by priority (the
 * reporting country, the other hubs, then the ends of routes, the most routes first, then the
 * places routes pass through), each beside its point where its box overlaps no label placed
 * before it, no control and no hub; a label with no room is left out. Placed again after
 * every redraw (zoom, pan, resize, a layer or edition shown or hidden).
 */
(function (TRM) {
  "use strict";

  var el = TRM.el, evidenceBlock = TRM.evidenceBlock;
  var RouteApp = TRM.RouteApp;

  /* Side in CSS px of a hub's square (routes.css .trm-hub-mark). */
  TRM.HUB_SIZE = 12;
  /* Hubs nearer than this on screen are spread apart; also the spacing of the spread. */
  var SPREAD_PX = TRM.HUB_SIZE + 10;
  /* Space between a label and its point (past the ring or the arrowhead drawn there), or its
   * hub's square; and space kept free around each label. */
  var LABEL_GAP = 8, HUB_LABEL_GAP = 4, LABEL_MARGIN = 2;

  RouteApp.prototype.addHubs = function () {
    var self = this, data = this.model.data, map = this.map;
    if (!data.hubs.length) return;
    map.createPane("trmHubs");
    map.getPane("trmHubs").style.zIndex = 455; // over the routes (450), under the rings (458)
    this.hubLayer = L.layerGroup();
    this.hubLeaders = L.layerGroup();
    this.hubMarkers = data.hubs.map(function (h) {
      var marker = L.marker([h.lat, h.lon], {
        icon: L.divIcon({ className: "trm-hub-mark", iconSize: [TRM.HUB_SIZE, TRM.HUB_SIZE] }),
        pane: "trmHubs", keyboard: true
      });
      marker.options.trmHub = h.name;
      marker.trmHub = h;
      marker.bindTooltip(function () {
        return el("span", null, h.name + ": " + h.routes.length + " routes" + (h.notes.length ? ", " + h.notes.length + " notes" : ""));
      }, { direction: "top", offset: [0, -TRM.HUB_SIZE / 2 - 2], className: "trm-hub-tooltip" });
      marker.bindPopup(self.newPopup({ maxWidth: 380, maxHeight: 360 }).setContent(function () {
        return self.hubContent(h);
      }));
      // reached with Tab (after the controls), named for assistive technology, opened with
      // Enter or Space; Escape gives the focus back to it (view.js)
      marker.on("add", function () {
        var node = marker.getElement();
        if (!node || node.hasAttribute("data-trm-keys")) return;
        node.setAttribute("data-trm-keys", "1");
        node.setAttribute("role", "button");
        node.setAttribute("aria-label", "Hub: " + h.name + ", " + h.routes.length + " routes");
        node.addEventListener("keydown", function (e) {
          if (e.key !== "Enter" && e.key !== " ") return;
          e.preventDefault();
          self._returnFocus = node;
          marker.openPopup();
        });
      });
      marker.on("mouseover", function () { self.leaveRoute(); });
      // one overlay at a time: no hub tooltip over an open popup
      marker.on("tooltipopen", function () { if (self.openPopup) marker.closeTooltip(); });
      self.hubLayer.addLayer(marker);
      return marker;
    });
    this.hubLayer.on("add", function () { self.hubLeaders.addTo(map); self.spreadHubs(); self.scheduleLabels(); });
    this.hubLayer.on("remove", function () { map.removeLayer(self.hubLeaders); self.scheduleLabels(); });
    map.on("zoomend viewreset", function () { self.spreadHubs(); });
    this.hubLayer.addTo(map);
  };

  RouteApp.prototype.hubContent = function (h) {
    var self = this, box = el("div", "trm-popup trm-hub");
    box.appendChild(el("h3", null, h.name));
    h.notes.forEach(function (n) {
      var note = el("div", "trm-hub-note");
      if (n.commodities.length) note.appendChild(el("div", "trm-meta", n.commodities.join(", ")));
      note.appendChild(el("div", null, n.summary));
      n.evidence.forEach(function (ev) { note.appendChild(evidenceBlock(ev)); });
      note.appendChild(el("div", "trm-source", "Source: " + n.title));
      box.appendChild(note);
    });
    box.appendChild(el("div", "trm-meta", h.routes.length ? "Routes through or within this place (" + h.routes.length + ")" : "No coded route passes through this place."));
    var ul = el("ul");
    h.routes.forEach(function (i) {
      var r = self.model.routes[i], li = el("li");
      var a = el("a", null, r.label + " — " + r.path + " (" + self.model.commodities[r.c].label + ")");
      a.href = "#";
      a.addEventListener("click", function (ev) { ev.preventDefault(); self.openRoute(r, r.legs.length ? null : L.latLng(h.lat, h.lon)); });
      li.appendChild(a);
      ul.appendChild(li);
    });
    box.appendChild(ul);
    return box;
  };

  /* Groups of hubs within SPREAD_PX of one another (single linkage), as indexes. */
  function clusters(points) {
    var group = points.map(function (_, i) { return i; });
    function root(i) { while (group[i] !== i) i = group[i] = group[group[i]]; return i; }
    for (var i = 0; i < points.length; i++) {
      for (var j = i + 1; j < points.length; j++) {
        if (points[i].distanceTo(points[j]) < SPREAD_PX) group[root(j)] = root(i);
      }
    }
    var out = {};
    points.forEach(function (_, k) { (out[root(k)] = out[root(k)] || []).push(k); });
    return Object.keys(out).map(function (k) { return out[k]; });
  }

  /* Each hub at its place, or, in a group, on a circle around the group's centre (in the
   * order of the hubs' directions from it, so the spread keeps their layout) with a leader
   * line to its place. Recomputed at each zoom: screen distances change. */
  RouteApp.prototype.spreadHubs = function () {
    var map = this.map, self = this;
    if (!this.hubMarkers || !map.hasLayer(this.hubLayer)) return;
    this.hubLeaders.clearLayers();
    var places = this.hubMarkers.map(function (m) { return L.latLng(m.trmHub.lat, m.trmHub.lon); });
    var points = places.map(function (p) { return map.latLngToLayerPoint(p); });
    var ends = this.hubEnds();
    clusters(points).forEach(function (members) {
      if (members.length === 1 && !ends[members[0]]) {
        self.hubMarkers[members[0]].setLatLng(places[members[0]]);
        self.hubMarkers[members[0]].trmOut = null;
        return;
      }
      var cx = 0, cy = 0;
      members.forEach(function (i) { cx += points[i].x / members.length; cy += points[i].y / members.length; });
      var angle = function (i) { return Math.atan2(points[i].y - cy, points[i].x - cx); };
      members.sort(function (a, b) {
        return angle(a) - angle(b) || (self.hubMarkers[a].trmHub.name < self.hubMarkers[b].trmHub.name ? -1 : 1);
      });
      // one hub alone, where routes end: beside its place, above it
      var n = members.length, radius = n > 1 ? SPREAD_PX / (2 * Math.sin(Math.PI / n)) : SPREAD_PX * 0.8;
      members.forEach(function (i) { radius = Math.max(radius, points[i].distanceTo([cx, cy])); });
      // the first hub keeps its own direction (up if it sits on the centre), the rest follow
      var start = points[members[0]].distanceTo([cx, cy]) > 1 ? angle(members[0]) : -Math.PI / 2;
      members.forEach(function (i, k) {
        var a = start + 2 * Math.PI * k / n, out = L.point(Math.cos(a), Math.sin(a));
        var at = map.layerPointToLatLng(L.point(cx, cy).add(out.multiplyBy(radius)));
        self.hubMarkers[i].setLatLng(at);
        self.hubMarkers[i].trmOut = out;
        L.polyline([places[i], at], { pane: "trmHubs", interactive: false, color: "#222", weight: 1, opacity: 0.8 })
          .addTo(self.hubLeaders);
      });
    });
  };

  /* Per hub: true if a route shown ends at its place (PAGE.labels says which routes end where). */
  RouteApp.prototype.hubEnds = function () {
    var self = this, out = this.hubMarkers.map(function () { return false; });
    this.model.data.labels.forEach(function (label) {
      if (label.h !== undefined && self.shownCount(label.e)) out[label.h] = true;
    });
    return out;
  };

  /* Routes of index list `list` drawn now (their layer ticked, their edition shown). */
  RouteApp.prototype.shownCount = function (list) {
    var self = this, routes = this.model.routes;
    return list.filter(function (i) {
      var r = routes[i];
      return self.layers[r.c]._map && self.reportShown(r.s);
    }).length;
  };

  /* Label candidates in priority order: {name, kind, at (container point), gap, out}. */
  RouteApp.prototype.labelCandidates = function () {
    var self = this, map = this.map, data = this.model.data, out = [];
    var hubsShown = this.hubMarkers && map.hasLayer(this.hubLayer);
    if (hubsShown) {
      this.hubMarkers.forEach(function (m) {
        var h = m.trmHub, n = h.routes.length;
        out.push({ name: h.name, kind: h.kind, at: map.latLngToContainerPoint(m.getLatLng()),
                   gap: TRM.HUB_SIZE / 2 + HUB_LABEL_GAP, out: m.trmOut, tier: h.kind === "country" ? 0 : 1, n: n });
      });
    }
    data.labels.forEach(function (label) {
      if (hubsShown && label.h !== undefined) return; // named beside its hub
      var ends = self.shownCount(label.e), through = self.shownCount(label.t);
      if (!ends && !through) return;
      out.push({ name: label.name, kind: label.kind, at: map.latLngToContainerPoint([label.lat, label.lon]),
                 gap: LABEL_GAP, out: null, tier: ends ? 2 : 3, n: ends || through });
    });
    out.sort(function (a, b) { return a.tier - b.tier || b.n - a.n || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0); });
    return out;
  };

  function overlaps(a, b) {
    return a.x < b.x + b.w + LABEL_MARGIN && b.x < a.x + a.w + LABEL_MARGIN &&
           a.y < b.y + b.h + LABEL_MARGIN && b.y < a.y + a.h + LABEL_MARGIN;
  }

  /* Where a label of size w x h may go around its point: beside it (right, left), above,
   * below; a region's name centred on its point first (a region is an area, not a point);
   * a spread hub's label on the outer side first. */
  function positions(c, w, h) {
    var p = c.at, g = c.gap;
    var list = [
      { x: p.x + g, y: p.y - h / 2, d: [1, 0] }, { x: p.x - g - w, y: p.y - h / 2, d: [-1, 0] },
      { x: p.x - w / 2, y: p.y - g - h, d: [0, -1] }, { x: p.x - w / 2, y: p.y + g, d: [0, 1] }
    ];
    if (c.out) {
      list.sort(function (a, b) { return (b.d[0] * c.out.x + b.d[1] * c.out.y) - (a.d[0] * c.out.x + a.d[1] * c.out.y); });
    }
    if (c.kind === "region") list.unshift({ x: p.x - w / 2, y: p.y - h / 2 });
    return list.map(function (b) { return { x: b.x, y: b.y, w: w, h: h }; });
  }

  /* Boxes (container px) labels must not cover: the controls, the hubs, the conflict marks. */
  RouteApp.prototype.labelObstacles = function () {
    var box = this.map.getContainer().getBoundingClientRect(), out = [];
    this.map.getContainer().querySelectorAll(".leaflet-control, .trm-hub-mark, .trm-conflict-mark").forEach(function (node) {
      var r = node.getBoundingClientRect();
      if (r.width && r.height) out.push({ x: r.left - box.left, y: r.top - box.top, w: r.width, h: r.height });
    });
    return out;
  };

  RouteApp.prototype.scheduleLabels = function () {
    var self = this;
    if (this._labelFrame || !this.labelPane) return;
    this._labelFrame = window.requestAnimationFrame(function () { self._labelFrame = null; self.placeLabels(); });
  };


  /* Label the candidates greedily; this.labelState says, for each, where it went or, if it
   * was left out, every place it was tried. */
  RouteApp.prototype.placeLabels = function () {
    var map = this.map, pane = this.labelPane, size = map.getSize();
    while (pane.firstChild) pane.removeChild(pane.firstChild);
    var cands = this.labelCandidates(), taken = this.labelObstacles(), state = [];
    // text first, measured in one pass, then placed
    var nodes = cands.map(function (c) {
      var node = el("div", "trm-label trm-label-" + (c.kind === "region" ? "region" : c.kind === "country" ? "country" : "place"), c.name);
      node.style.visibility = "hidden";
      pane.appendChild(node);
      return node;
    });
    var sizes = nodes.map(function (node) { return [node.offsetWidth, node.offsetHeight]; });
    cands.forEach(function (c, i) {
      var tried = positions(c, sizes[i][0], sizes[i][1]), spot = null;
      for (var k = 0; k < tried.length && !spot; k++) {
        var b = tried[k];
        if (b.x < 0 || b.y < 0 || b.x + b.w > size.x || b.y + b.h > size.y) continue;
        if (!taken.some(function (t) { return overlaps(b, t); })) spot = b;
      }
      var entry = { name: c.name, kind: c.kind, tier: c.tier, n: c.n, at: [c.at.x, c.at.y] };
      if (spot) {
        taken.push(spot);
        L.DomUtil.setPosition(nodes[i], map.containerPointToLayerPoint([spot.x, spot.y]));
        nodes[i].style.visibility = "";
        entry.box = spot;
      } else {
        pane.removeChild(nodes[i]);
        entry.tried = tried;
      }
      state.push(entry);
    });
    this.labelState = state;
  };

  RouteApp.prototype.addLabels = function () {
    var map = this.map, self = this;
    map.createPane("trmLabels");
    this.labelPane = map.getPane("trmLabels");
    this.labelPane.style.zIndex = 620; // over hubs, routes and marks; under tooltips (650)
    this.labelPane.style.pointerEvents = "none";
    this.labelPane.classList.add("leaflet-zoom-hide"); // placed again once the zoom ends
    map.on("resize moveend", function () { self.scheduleLabels(); });
    this.placeLabels();
  };

  /* The rings of every layer shown, on one canvas over the hubs; drawn again in the frame
   * after any layer is. */
  var RingLayer = L.Layer.extend({
    initialize: function (app) { this._app = app; },
    onAdd: function (map) {
      map.createPane("trmRings");
      map.getPane("trmRings").style.zIndex = 458;
      map.getPane("trmRings").style.pointerEvents = "none";
      this._canvas = L.DomUtil.create("canvas", "trm-canvas trm-rings leaflet-zoom-hide", map.getPane("trmRings"));
      this.redraw();
    },
    onRemove: function () { L.DomUtil.remove(this._canvas); this._canvas = null; },
    redraw: function () {
      var map = this._map, app = this._app;
      if (!map || !this._canvas) return;
      var ctx = TRM.fitCanvas(this._canvas, map), f = app.frame();
      app.layers.forEach(function (layer) { // each shown layer's layout at this zoom, as drawn
        if (layer._map && layer._layout && layer._layout.scale === f.scale) {
          app.drawRings(ctx, layer._layout.items, f.ox, f.oy, app.width);
        }
      });
    }
  });

  RouteApp.prototype.addRings = function () {
    this.rings = new RingLayer(this).addTo(this.map);
  };

  // a layer drawn again (shown, hidden, moved, another edition): rings, hubs and labels
  // follow in the next frame
  var layerChanged = RouteApp.prototype.layerChanged;
  RouteApp.prototype.layerChanged = function (layer) {
    layerChanged.call(this, layer); // hit.js: the layer's index
    var self = this;
    if (this._placesFrame) return;
    this._placesFrame = window.requestAnimationFrame(function () {
      self._placesFrame = null;
      if (self.rings) self.rings.redraw();
      self.spreadHubs();
      self.scheduleLabels();
    });
  };
})(window.TRM = window.TRM || {});
