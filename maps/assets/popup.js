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
    var self = this;
    this.popup = L.popup({ maxWidth: 380, maxHeight: 420, autoPanPadding: [20, 20] })
      .setLatLng(at).setContent(this.popupContent(r, link)).openOn(this.map);
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
        if (r !== self.hover || self.hitLink !== self.hoverLink) {
          if (r !== self.hover && !self.selected) self.highlight(r);
          self.hover = r;
          self.hoverLink = self.hitLink;
          if (r) { tip.setContent(self.tooltipContent(r, self.hitLink)); }
          else map.closeTooltip(tip);
        }
        if (r) { tip.setLatLng(ev.latlng); if (!map.hasLayer(tip)) map.openTooltip(tip); }
      });
    });
    map.on("mouseout", function () { self.hover = null; map.closeTooltip(tip); if (!self.selected) self.highlight(null); });
    map.on("click", function (e) {
      var r = self.routeAt(e.containerPoint);
      if (r) self.openRoute(r, e.latlng, self.hitLink);
    });
    map.on("moveend zoomend resize", function () { self.refreshHighlight(); });
    map.on("zoomstart", function () { if (self.hlCanvas) self.hlCanvas.style.display = "none"; });
  };
})(window.TRM = window.TRM || {});
