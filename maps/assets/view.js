/* trafficking-route-mapper page script: the start view, the permalink and keyboard focus.
 *
 * Written for this project. The script is the files of maps/layer.py SCRIPTS, in that order,
 * sharing the namespace window.TRM; this one comes after panels.js and table.js, before
 * init.js. Page data arrives as JSON (JSON.parse, never evaluated; maps/page_keys.py describes
 * every key) and catalogue text reaches the page through textContent and DOM nodes only.
 *
 * Framing: the panels sit over the map, so "fit the routes to the map" puts some of them under
 * the panels (Afghanistan, where the heroin routes start, under the layer panel). The routes are
 * fitted instead into the largest part of the map the visible controls leave free: each control
 * sits in a corner and is cleared either sideways or vertically, and of the 2^n ways the one
 * that lets the routes be drawn largest is kept (Leaflet's fitBounds padding).
 *
 * Permalink: #view=zoom/lat/lon&off=<layer>,<layer> keeps what the reader sees (history.
 * replaceState as they move or tick, so the back button is not flooded); #link= and #route=
 * (links.js) still open one route.
 */
(function (TRM) {
  "use strict";

  var RouteApp = TRM.RouteApp;
  /* Space in CSS px kept between a route's end and a control (arrowheads, rings, lanes). */
  var CLEAR = 14;
  /* Below this map size the panels start folded (they would cover most of the map). */
  TRM.SMALL_WIDTH = 900;
  TRM.SMALL_HEIGHT = 640;

  RouteApp.prototype.smallScreen = function () {
    var size = this.map.getSize();
    return size.x < TRM.SMALL_WIDTH || size.y < TRM.SMALL_HEIGHT;
  };

  /* The visible controls' rectangles in container px, with the corner each sits in. */
  RouteApp.prototype.controlRects = function () {
    var container = this.map.getContainer(), box = container.getBoundingClientRect(), out = [];
    var nodes = container.querySelectorAll(".leaflet-control");
    for (var i = 0; i < nodes.length; i++) {
      var r = nodes[i].getBoundingClientRect();
      if (!r.width || !r.height) continue;
      out.push({ left: r.left - box.left, top: r.top - box.top, right: r.right - box.left,
                 bottom: r.bottom - box.top, node: nodes[i],
                 top_: !!nodes[i].closest(".leaflet-top"), left_: !!nodes[i].closest(".leaflet-left") });
    }
    return out;
  };

  /* Bounds of what the ticked layers draw (lines and the marks of flows within an area), or
   * null; from the world pixels of the model, not the page's bounds of every layer. Each
   * layer's own, per edition, are worked out once. */
  RouteApp.prototype.shownBounds = function () {
    var self = this, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    this.layers.forEach(function (layer) {
      if (!self.map.hasLayer(layer)) return;
      var b = self.layerBounds(layer);
      if (b[0] < x0) x0 = b[0]; if (b[1] < y0) y0 = b[1];
      if (b[2] > x1) x1 = b[2]; if (b[3] > y1) y1 = b[3];
    });
    if (x0 === Infinity) return null;
    return L.latLngBounds(this.map.unproject([x0, y0], 0), this.map.unproject([x1, y1], 0));
  };

  /* A layer's bounds in world px at the edition shown: [x0, y0, x1, y1] (Infinity if empty). */
  RouteApp.prototype.layerBounds = function (layer) {
    var key = String(this.edition), cache = layer._bounds || (layer._bounds = {});
    if (cache[key]) return cache[key];
    var self = this, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    function add(x, y) {
      if (x < x0) x0 = x; if (x > x1) x1 = x;
      if (y < y0) y0 = y; if (y > y1) y1 = y;
    }
    layer._routes.forEach(function (r) {
      if (!self.reportShown(r.s)) return;
      if (r.w !== undefined && r.anchor) add(TRM.mercX(r.anchor[0]), TRM.mercY(r.anchor[1]));
      r.legs.forEach(function (leg) {
        var w = leg.w;
        for (var k = 0; k < w.length; k += 2) add(w[k], w[k + 1]);
      });
    });
    return (cache[key] = [x0, y0, x1, y1]);
  };

  /* Padding (top-left, bottom-right) that clears every visible control, chosen so that the
   * routes of world size [w, h] (px at zoom 0) are drawn largest. */
  RouteApp.prototype.freePadding = function (w, h) {
    var size = this.map.getSize(), rects = this.controlRects(), best = null;
    var n = Math.min(rects.length, 12);
    for (var mask = 0; mask < (1 << n); mask++) {
      var pad = [CLEAR, CLEAR, CLEAR, CLEAR]; // top, right, bottom, left
      for (var i = 0; i < n; i++) {
        var r = rects[i], sideways = (mask >> i) & 1;
        if (sideways) {
          if (r.left_) pad[3] = Math.max(pad[3], r.right + CLEAR);
          else pad[1] = Math.max(pad[1], size.x - r.left + CLEAR);
        } else if (r.top_) pad[0] = Math.max(pad[0], r.bottom + CLEAR);
        else pad[2] = Math.max(pad[2], size.y - r.top + CLEAR);
      }
      var fw = size.x - pad[1] - pad[3], fh = size.y - pad[0] - pad[2];
      if (fw < 60 || fh < 60) continue;
      var scale = Math.min(fw / Math.max(w, 1e-9), fh / Math.max(h, 1e-9));
      if (!best || scale > best.scale + 1e-9 || (Math.abs(scale - best.scale) <= 1e-9 && fw * fh > best.area)) {
        best = { scale: scale, area: fw * fh, pad: pad };
      }
    }
    if (!best) return { topLeft: [CLEAR, CLEAR], bottomRight: [CLEAR, CLEAR] };
    return { topLeft: [best.pad[3], best.pad[0]], bottomRight: [best.pad[1], best.pad[2]] };
  };

  /* Fit the ticked layers' routes into the part of the map the controls leave free. With
   * ifNeeded, not when the fit would keep the zoom and move the view by less than a tenth of
   * its size (the centre as Leaflet's fitBounds computes it): a layer ticked or unticked among
   * others that already fill the view does not pan every layer to be painted again. */
  RouteApp.prototype.fitRoutes = function (ifNeeded) {
    var bounds = this.shownBounds(), map = this.map;
    if (!bounds) return false;
    var a = map.project(bounds.getNorthWest(), 0), b = map.project(bounds.getSouthEast(), 0);
    var pad = this.freePadding(Math.abs(b.x - a.x), Math.abs(b.y - a.y));
    if (ifNeeded) {
      var tl = L.point(pad.topLeft), br = L.point(pad.bottomRight), size = map.getSize();
      var zoom = Math.min(map.getMaxZoom(), map.getBoundsZoom(bounds, false, tl.add(br)));
      var centre = map.project(bounds.getSouthWest(), zoom).add(map.project(bounds.getNorthEast(), zoom))
        .divideBy(2).add(br.subtract(tl).divideBy(2));
      centre = map.project(map.unproject(centre, zoom), zoom); // as a LatLng: within the poles
      if (zoom === map.getZoom() &&
          centre.distanceTo(map.project(map.getCenter(), zoom)) < 0.1 * Math.min(size.x, size.y)) return true;
    }
    this._fitting = true;
    try {
      this.map.fitBounds(bounds, { paddingTopLeft: pad.topLeft, paddingBottomRight: pad.bottomRight, animate: false });
    } finally {
      this._fitting = false;
    }
    return true;
  };

  /* Keep each panel within the height its corner leaves it, so that no control covers
   * another (at 800x600 the legend reached over the search box): a panel scrolls instead. */
  RouteApp.prototype.layoutPanels = function () {
    var container = this.map.getContainer(), box = container.getBoundingClientRect();
    var height = this.map.getSize().y, gap = 10;
    function rect(node) {
      var r = node.getBoundingClientRect();
      return { top: r.top - box.top, bottom: r.bottom - box.top, height: r.height };
    }
    function corner(name) { return container.querySelector(".leaflet-control-container .leaflet-" + name); }
    function edge(node, which) {
      // the top or bottom of a corner's controls (null: the corner is empty)
      var out = null;
      Array.prototype.forEach.call(node ? node.children : [], function (child) {
        var r = rect(child);
        if (!r.height) return;
        out = out === null ? r[which] : (which === "top" ? Math.min(out, r.top) : Math.max(out, r.bottom));
      });
      return out;
    }
    function below(panel) {
      // the controls after the panel in its corner (the edition picker)
      var h = 0;
      for (var n = panel.nextElementSibling; n; n = n.nextElementSibling) h += rect(n).height + gap;
      return h;
    }
    function limit(panel, room) {
      var body = panel.querySelector(".trm-control-body, .trm-legend-body");
      var chrome = rect(panel).height - rect(body).height;
      body.style.maxHeight = Math.max(Math.floor(room - chrome), 40) + "px";
      body.style.overflowY = "auto";
    }
    var legend = container.querySelector(".trm-legend"), control = container.querySelector(".trm-control");
    if (legend) {
      // anchored at its bottom (above the scale): it may reach up to the top-left controls
      var topLeft = edge(corner("top.leaflet-left"), "bottom");
      limit(legend, rect(legend).bottom - (topLeft === null ? 0 : topLeft) - gap);
    }
    if (control) {
      // anchored at its top: it may reach down to the bottom-right controls
      var bottomRight = edge(corner("bottom.leaflet-right"), "top");
      limit(control, (bottomRight === null ? height : bottomRight) - gap - rect(control).top - below(control));
    }
  };

  /* --- the permalink -------------------------------------------------------------------- */

  /* The hash's parameters: "view=3/30/10&off=a,b" -> {view: "3/30/10", off: "a,b"}. */
  function params(hash) {
    var out = {};
    hash.replace(/^#/, "").split("&").forEach(function (part) {
      var eq = part.indexOf("=");
      if (eq > 0) out[part.slice(0, eq)] = decodeURIComponent(part.slice(eq + 1));
    });
    return out;
  }
  TRM.hashParams = params;

  /* Every layer checkbox of the layer panel: commodities and context overlays, by key. */
  RouteApp.prototype.layerInputs = function () {
    var out = {}, nodes = this.map.getContainer().querySelectorAll(".trm-control input[type=checkbox]");
    Array.prototype.forEach.call(nodes, function (input) {
      out[input.getAttribute("data-commodity") || input.getAttribute("data-overlay")] = input;
    });
    return out;
  };

  /* The hash for what is shown: the view once the reader has moved the map (until then the
   * page frames the routes itself, and will again on this screen), and the layers whose box
   * differs from the start (unticked, or a context overlay ticked: "+regions"). */
  RouteApp.prototype.viewHash = function () {
    var parts = [], inputs = this.layerInputs(), off = [];
    if (this.moved) {
      var c = this.map.getCenter(), z = this.map.getZoom();
      parts.push("view=" + (Math.round(z * 100) / 100) + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5));
    }
    Object.keys(inputs).sort().forEach(function (key) {
      var input = inputs[key], start = input.getAttribute("data-start") === "1";
      if (input.checked !== start) off.push((start ? "" : "+") + key);
    });
    if (off.length) parts.push("off=" + off.map(encodeURIComponent).join(","));
    return parts.length ? "#" + parts.join("&") : "";
  };

  RouteApp.prototype.writeHash = function () {
    if (this._applying || !window.history || !window.history.replaceState) return;
    var hash = this.viewHash(), url = window.location.href.replace(/#.*$/, "") + hash;
    // opened at #route= or #link=: that URL stays while its popup is open (the popup's own
    // pan into view is no move of the reader's)
    if (this._hashRoute && this.selected) return;
    if (hash === "" && !window.location.hash) return;
    if (url !== window.location.href) window.history.replaceState(window.history.state, "", url);
  };

  /* Apply #view= and #off= (the layers first, so the view is not refitted after); true if
   * the hash set the view. */
  RouteApp.prototype.applyViewHash = function () {
    var p = params(window.location.hash || ""), inputs = this.layerInputs(), self = this;
    if (p.view === undefined && p.off === undefined) return false;
    this._applying = true;
    try {
      var flipped = {};
      (p.off || "").split(",").forEach(function (key) { if (key) flipped[key.replace(/^\+/, "")] = key.charAt(0) !== "+"; });
      Object.keys(inputs).forEach(function (key) {
        var input = inputs[key], start = input.getAttribute("data-start") === "1";
        var want = key in flipped ? !flipped[key] : start;
        if (input.checked !== want) {
          input.checked = want;
          input.dispatchEvent(new Event("change"));
        }
      });
      var view = /^(-?[\d.]+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(p.view || "");
      if (view) {
        this.map.setView([+view[2], +view[3]], +view[1], { animate: false });
        this.moved = true;
      }
      return !!view;
    } finally {
      this._applying = false;
      if (self.moved) self.writeHash();
    }
  };

  /* A layer was ticked or unticked: frame the routes again unless the reader has moved the
   * map, and keep the hash (and the route table) in step. */
  RouteApp.prototype.layersChanged = function () {
    this._hashRoute = false;
    if (!this._applying && !this.moved) this.fitRoutes(true);
    this.writeHash();
    if (this.tableChanged) this.tableChanged();
  };

  RouteApp.prototype.bindView = function () {
    var self = this, map = this.map;
    map.on("movestart zoomstart", function () { if (!self._fitting && !self._applying && self._started) self.moved = true; });
    map.on("moveend", function () { if (self._started && !self._fitting) self.writeHash(); });
    map.on("resize", function () {
      self.layoutPanels();
      if (!self.moved) self.fitRoutes();
    });
  };

  /* --- focus ---------------------------------------------------------------------------- */

  /* A popup takes the focus when it opens (a dialog named by its heading; Escape closes it)
   * and, opened from the keyboard, gives it back when it closes to what had it before (or to
   * what opened it). */
  RouteApp.prototype.bindFocus = function () {
    var self = this, map = this.map;
    // whether the last input was a pointer: a popup opened by a click gives no focus back (a
    // hub given the focus again would open its tooltip under a pointer that has moved on)
    document.addEventListener("pointerdown", function () { self._viaPointer = true; }, true);
    document.addEventListener("keydown", function () { self._viaPointer = false; }, true);
    map.on("popupopen", function (e) {
      var node = e.popup.getElement();
      if (!node) return;
      var active = document.activeElement, opener = self._returnFocus;
      if (!self._returnFocus && active && !node.contains(active) && active !== document.body) self._returnFocus = active;
      e.popup._trmReturn = self._returnFocus || map.getContainer();
      if (self._viaPointer && !opener) e.popup._trmReturn = null;
      self._returnFocus = null;
      var wrapper = node.querySelector(".leaflet-popup-content-wrapper") || node;
      var heading = node.querySelector(".leaflet-popup-content h3");
      node.setAttribute("role", "dialog");
      node.setAttribute("aria-label", heading ? heading.textContent : "Details");
      wrapper.setAttribute("tabindex", "-1");
      wrapper.focus({ preventScroll: true });
    });
    map.on("popupclose", function (e) {
      var node = e.popup.getElement(), back = e.popup._trmReturn, active = document.activeElement;
      if (!back || !document.contains(back)) return;
      if (!active || active === document.body || (node && node.contains(active)) || active === map.getContainer()) {
        back.focus({ preventScroll: true });
      }
    });
    map.getContainer().addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      var popup = map._popup;
      if (popup && map.hasLayer(popup)) { e.preventDefault(); map.closePopup(); }
    });
  };

  /* Show one route: its layer ticked, the map on its line, its popup open. */
  RouteApp.prototype.showRoute = function (r) {
    var layer = this.layers[r.c], input = this.layerInputs()[this.model.commodities[r.c].id];
    if (!this.map.hasLayer(layer) && input) {
      input.checked = true;
      input.dispatchEvent(new Event("change"));
    }
    if (r.legs.length) {
      var b = L.latLngBounds([]);
      r.legs.forEach(function (leg) { for (var k = 0; k < leg.p.length; k += 2) b.extend([leg.p[k + 1], leg.p[k]]); });
      this.map.fitBounds(b, { padding: [40, 40], animate: false });
      this.openRoute(r);
      return true;
    }
    if (r.anchor) {
      this.map.setView([r.anchor[1], r.anchor[0]], Math.max(this.map.getZoom(), 6), { animate: false });
      this.openRoute(r, L.latLng(r.anchor[1], r.anchor[0]));
      return true;
    }
    return false;
  };
})(window.TRM = window.TRM || {});
