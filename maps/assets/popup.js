/* trafficking-route-mapper page script: tooltips, popups and the pointer.
 *
 * Written for this project. The script is several files sharing the namespace window.TRM,
 * inlined into the page in the order of maps/layer.py's SCRIPTS. Page data arrives as JSON
 * (JSON.parse, never evaluated; maps/page_keys.py describes every key) and catalogue text
 * reaches the page through textContent and DOM nodes only, never innerHTML.
 */
(function (TRM) {
  "use strict";

  var el = TRM.el, evidenceBlock = TRM.evidenceBlock;
  var RouteApp = TRM.RouteApp;

  RouteApp.prototype.tooltipContent = function (r, k) {
    var box = el("div", "trm-tooltip");
    box.appendChild(el("strong", null, r.label));
    box.appendChild(el("div", "trm-path", r.path));
    var link = k === null || k === undefined ? null : this.model.data.links[k];
    if (link) {
      var n = this.shownReports(link).length;
      if (n > 1) box.appendChild(el("div", "trm-meta", "This leg: stated by " + n + " reports"));
      if (link.x) box.appendChild(el("div", "trm-conflict-text", "Conflict: " + link.x.join(", ")));
    }
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

  RouteApp.prototype.popupContent = function (r, link) {
    var d = this.details(r.index);
    if (!d) return this.pendingContent(r);
    var c = this.model.commodities[r.c], box = el("div", "trm-popup");
    var report = this.model.data.reports[r.s] || {};
    box.setAttribute("data-route", r.id);
    box.appendChild(el("h3", null, r.label));
    // the whole path, a corridor with its waypoints: the stages below name the corridor only
    box.appendChild(el("div", "trm-path", r.path));
    box.appendChild(el("div", "trm-meta", c.label + " · " + c.market + " · " + c.category));
    if (d.also) box.appendChild(el("div", "trm-meta", "The same statement also names: " + d.also.join(", ")));
    box.appendChild(el("div", "trm-meta", "Role of " + (this.model.data.reportingNames[d.reporting] || d.reporting) + ": " + d.role));
    var ol = el("ol", "trm-stages");
    d.stages.forEach(function (s) {
      var li = el("li", s.stated ? "stated" : "inferred");
      var line = s.name + " (" + s.kind + ", " + s.role + (s.any ? ", any of " + s.any : "") + ")";
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
    src.appendChild(TRM.reportLink(report.url, report.title));
    box.appendChild(src);
    if (report.note) box.appendChild(el("div", "trm-note", "On the source: " + report.note));
    if (d.actors.length) box.appendChild(el("div", "trm-actors", "Actors: " + d.actors.join("; ")));
    if (d.note) box.appendChild(el("div", "trm-note", d.note));
    if (d.draft) {
      var draft = el("div", "trm-draft");
      draft.appendChild(el("span", "trm-draft-badge", "DRAFT " + Math.round(d.draft[0] * 100) + "%"));
      draft.appendChild(document.createTextNode(" proposed from the text, not reviewed: " + d.draft[1]));
      box.appendChild(draft);
    }
    if (link !== null && link !== undefined) this.agreementContent(box, link);
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
      if (self.popup && self.selected === r) self.popup.setContent(self.popupContent(r, self.popupLink));
    }, { once: true });
    return box;
  };

  RouteApp.prototype.openRoute = function (r, latlng, link) {
    this.selected = r;
    this.popupLink = link;
    this.highlight(r);
    var at = latlng;
    if (!at && !r.legs.length && r.anchor) at = L.latLng(r.anchor[1], r.anchor[0]);
    if (!at) {
      var leg = r.legs[Math.floor(r.legs.length / 2)], mid = Math.floor(leg.p.length / 4) * 2;
      at = L.latLng(leg.p[mid + 1], leg.p[mid]);
    }
    var self = this, popup = this.newPopup({ maxWidth: 380, maxHeight: 420 });
    this.popup = popup;
    // a popup that replaces this one is already this.popup when this one closes
    popup.on("remove", function () {
      if (self.popup !== popup) return;
      self.popup = null;
      self.selected = null;
      self.refreshHighlight();
    });
    popup.setLatLng(at).setContent(this.popupContent(r, link)).openOn(this.map);
  };

  /* Margin in CSS px kept between a popup and the map's edge or a control. */
  var POPUP_MARGIN = 8;
  /* Height in CSS px a popup adds to its content: its margins, border and tip. */
  var POPUP_FRAME = 13 + 13 + 2 + 20;

  /* A popup that, as it opens, fits itself into the part of the map the controls leave
   * free: its content's height at most what is left there (scrolled past it), and the map
   * panned so that it lies in that part (autoPan padding). */
  var FitPopup = L.Popup.extend({
    onAdd: function (map) {
      if (this._trmApp) this._trmApp.fitPopup(this);
      return L.Popup.prototype.onAdd.call(this, map);
    }
  });

  RouteApp.prototype.newPopup = function (options) {
    var popup = new FitPopup(L.extend({ autoPan: true }, options));
    popup._trmApp = this;
    popup.options.trmMaxHeight = options.maxHeight;
    return popup;
  };

  /* The free part of the map: the controls sit in its four corners, so a popup goes between
   * the left and right columns, or beside one column below (or above) the other's controls,
   * whichever leaves it the most height at its full width. */
  RouteApp.prototype.fitPopup = function (popup) {
    var map = this.map, size = map.getSize(), box = map.getContainer().getBoundingClientRect();
    var ext = { left: 0, right: 0, topLeft: 0, topRight: 0, bottomLeft: 0, bottomRight: 0 };
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (node) {
      var r = node.getBoundingClientRect(), corner = node.parentNode.classList;
      if (!r.width || !r.height) return;
      var left = corner.contains("leaflet-left"), top = corner.contains("leaflet-top");
      if (left) ext.left = Math.max(ext.left, r.right - box.left);
      else ext.right = Math.max(ext.right, box.right - r.left);
      var key = (top ? "top" : "bottom") + (left ? "Left" : "Right");
      ext[key] = Math.max(ext[key], top ? r.bottom - box.top : box.bottom - r.top);
    });
    var m = POPUP_MARGIN, need = popup.options.maxWidth + 46;
    var layouts = [
      [ext.left + m, m, ext.right + m, m],                              // between the columns
      [ext.left + m, ext.topRight + m, m, ext.bottomRight + m],         // right of the left column
      [m, ext.topLeft + m, ext.right + m, ext.bottomLeft + m],          // left of the right column
      [m, Math.max(ext.topLeft, ext.topRight) + m, m, Math.max(ext.bottomLeft, ext.bottomRight) + m]
    ];
    var best = null, bestH = -1;
    layouts.forEach(function (l) {
      var w = size.x - l[0] - l[2], h = size.y - l[1] - l[3];
      if (w >= need && h > bestH) { best = l; bestH = h; }
    });
    if (!best) best = layouts[0]; // too narrow for any: keep clear of the columns' sides
    var free = size.y - best[1] - best[3];
    popup.options.maxHeight = Math.max(120, Math.min(popup.options.trmMaxHeight, free - POPUP_FRAME));
    popup.options.autoPanPaddingTopLeft = L.point(best[0], best[1]);
    popup.options.autoPanPaddingBottomRight = L.point(best[2], best[3]);
  };

  /* The pointer left the routes (for a hub, a control, a popup): no route tooltip, no
   * route shading but the opened route's. */
  RouteApp.prototype.leaveRoute = function () {
    this.hover = null;
    this.hoverLink = null;
    if (this.routeTip) this.map.closeTooltip(this.routeTip);
    if (!this.selected) this.highlight(null);
    this.map.getContainer().style.cursor = "";
  };

  /* Distance in CSS px between the pointer and the nearest corner of the route tooltip, and
   * how far around the pointer the tooltip keeps clear of the hovered route's line. */
  var TIP_OFFSET = 14, TIP_CLEAR = 60;

  /* Put the route tooltip beside the hovered line, not on it: one of its corners TIP_OFFSET px
   * from the pointer diagonally (above right, above left, below right, below left, in that
   * order), the first whose box holds no point of the route's line near the pointer and lies
   * in the map. legs: the route's drawn legs (hit.js), or null for a mark. */
  RouteApp.prototype.placeTip = function (tip, point, legs) {
    var node = tip.getElement(), size = this.map.getSize();
    if (!node) return;
    var w = node.offsetWidth, h = node.offsetHeight, near = [];
    (legs || []).forEach(function (pts) {
      if (!pts) return;
      for (var i = 0; i + 3 < pts.length; i += 2) {
        var ax = pts[i], ay = pts[i + 1], bx = pts[i + 2], by = pts[i + 3];
        var n = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / 2));
        for (var k = 0; k <= n; k++) {
          var x = ax + (bx - ax) * k / n, y = ay + (by - ay) * k / n;
          if (Math.hypot(x - point.x, y - point.y) < TIP_CLEAR) near.push(x, y);
        }
      }
    });
    var d = TIP_OFFSET / Math.SQRT2, best = null;
    [[1, -1], [-1, -1], [1, 1], [-1, 1]].some(function (s) {
      var cx = point.x + s[0] * d, cy = point.y + s[1] * d;
      var b = { x: s[0] > 0 ? cx : cx - w, y: s[1] > 0 ? cy : cy - h };
      if (b.x < 0 || b.y < 0 || b.x + w > size.x || b.y + h > size.y) return false;
      if (!best) best = b; // in the map at least
      for (var i = 0; i < near.length; i += 2) {
        if (near[i] > b.x - 2 && near[i] < b.x + w + 2 && near[i + 1] > b.y - 2 && near[i + 1] < b.y + h + 2) return false;
      }
      best = b;
      return true;
    });
    if (!best) best = { x: point.x + d, y: point.y - d - h };
    // Leaflet places a "right" tooltip's left edge at point.x + offset.x, its middle at
    // point.y + offset.y: the offsets that put its top left corner at (best.x, best.y)
    tip.options.direction = "right";
    tip.options.offset = L.point(best.x - point.x, best.y + h / 2 - point.y);
    tip.update();
  };

  /* The pointer is over something that is not the map: a popup, a control, a hub. */
  function overOther(e) {
    var t = e.originalEvent && e.originalEvent.target;
    return !!(t && t.closest && t.closest(".leaflet-popup, .leaflet-control, .trm-hub-mark"));
  }

  RouteApp.prototype.bindEvents = function () {
    var self = this, map = this.map, pending = null;
    var tip = L.tooltip({ sticky: true, direction: "right", className: "trm-leaflet-tooltip" });
    this.routeTip = tip;
    // one overlay at a time: an open popup closes every tooltip and takes the hover's place
    map.on("popupopen", function (e) {
      self.openPopup = e.popup;
      self.leaveRoute();
      if (self.hubMarkers) self.hubMarkers.forEach(function (m) { m.closeTooltip(); });
    });
    map.on("popupclose", function (e) { if (self.openPopup === e.popup) self.openPopup = null; });
    map.on("mousemove", function (e) {
      pending = e;
      if (self._raf) return;
      self._raf = window.requestAnimationFrame(function () {
        self._raf = null;
        var ev = pending, r = overOther(ev) ? null : self.routeAt(ev.containerPoint);
        map.getContainer().style.cursor = r ? "pointer" : "";
        if (!r || self.openPopup) {
          // nothing under the pointer, or a popup open: it is the one overlay shown
          if (self.hover) self.leaveRoute();
          if (r) map.getContainer().style.cursor = "pointer";
          return;
        }
        if (r !== self.hover || self.hitLink !== self.hoverLink) {
          if (r !== self.hover && !self.selected) self.highlight(r);
          self.hover = r;
          self.hoverLink = self.hitLink;
          tip.setContent(self.tooltipContent(r, self.hitLink));
        }
        tip.setLatLng(ev.latlng);
        if (!map.hasLayer(tip)) map.openTooltip(tip);
        self.placeTip(tip, ev.containerPoint, self.hitLegs);
      });
    });
    map.on("mouseout", function () { self.leaveRoute(); });
    map.on("click", function (e) {
      if (overOther(e)) return;
      var r = self.routeAt(e.containerPoint);
      if (r) self.openRoute(r, e.latlng, self.hitLink);
    });
    map.on("moveend zoomend resize", function () { self.refreshHighlight(); });
    map.on("zoomstart", function () { if (self.hlCanvas) self.hlCanvas.style.display = "none"; });
  };
})(window.TRM = window.TRM || {});
