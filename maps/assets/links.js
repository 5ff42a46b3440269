/* trafficking-route-mapper page script: links across reports, editions and conflicts.
 *
 * Written for this project. The script is eight files sharing the namespace window.TRM, inlined
 * into the page in order: base.js, draw.js, hit.js, popup.js, links.js, panels.js, places.js, init.js.
 * Page data arrives as JSON (JSON.parse, never evaluated; maps/page_keys.py describes every
 * key) and catalogue text reaches the page through textContent and DOM nodes only.
 *
 * A link is a leg of one commodity between two places, whichever reports state it: it is
 * drawn once, wider the more reports (of the edition shown) state it or a link matching it.
 */
(function (TRM) {
  "use strict";

  var el = TRM.el;
  var RouteApp = TRM.RouteApp;
  /* Corroboration at and past which a link is drawn at its widest (maps/page_links.py). */
  TRM.WIDEST = 4;
  /* A link's line width for a corroboration of n reports, from the page's base width. */
  TRM.widthFor = function (base, n) {
    var c = Math.max(1, Math.min(n, TRM.WIDEST));
    return Math.round(base * (1 + 0.75 * (c - 1)) * 10) / 10;
  };

  RouteApp.prototype.reportShown = function (s) {
    return this.edition === null || this.edition === undefined ||
      this.model.data.reports[s].edition === this.edition;
  };

  RouteApp.prototype.shownReports = function (link) {
    var self = this;
    return link.n.filter(function (s) { return self.reportShown(s); });
  };

  /* Line widths of every link for the edition shown, computed once per edition. */
  RouteApp.prototype.linkWidth = function (k) {
    if (!this._widths) {
      var self = this, links = this.model.data.links;
      this._widths = new Float64Array(links.length);
      links.forEach(function (link, i) { self._widths[i] = TRM.widthFor(self.width, self.shownReports(link).length); });
    }
    return this._widths[k];
  };

  RouteApp.prototype.corroborated = function () {
    return this.model.data.links.some(function (link) { return link.n.length > 1; });
  };

  /* Show one edition (its label) or all (null): every layer is drawn again. */
  RouteApp.prototype.setEdition = function (edition) {
    this.edition = edition;
    this._widths = null;
    this.layers.forEach(function (layer) { if (layer._map) layer._redraw(); });
    this._grid = null;
    this.refreshConflicts();
    this.refreshHighlight();
    document.documentElement.setAttribute("data-trm-edition", edition === null ? "all" : edition);
  };

  /* The popup's account of the leg clicked: each report stating it, its conflicts. */
  RouteApp.prototype.agreementContent = function (box, k) {
    var self = this, data = this.model.data, link = data.links[k];
    if (!link) return;
    var section = el("div", "trm-agreement");
    section.setAttribute("data-link", link.id);
    var shown = this.shownReports(link);
    section.appendChild(el("h4", null, "This leg across reports: stated by " + shown.length + " report" + (shown.length === 1 ? "" : "s") +
      (shown.length !== link.n.length ? " of the edition shown (" + link.n.length + " in all)" : "")));
    (link.e || []).forEach(function (st) {
      if (!self.reportShown(st.s)) return;
      var report = data.reports[st.s], item = el("div", "trm-statement");
      var r = st.r === undefined ? null : self.model.routes[st.r];
      var d = r ? self.details(r.index) : null; // a route of this page: its details block
      var label = r ? r.label : st.label, path = r ? r.path : st.path;
      var role = r ? (d ? d.role : null) : st.role;
      var phrases = r ? (d ? d.evidence.map(function (ev) { return ev.phrase; }) : []) : st.ev;
      item.appendChild(el("div", "trm-meta", report.country + (report.edition ? ", " + report.edition : "") + " — " + report.title));
      item.appendChild(el("div", null, label + " (" + path + (role ? "; role of " + report.country + ": " + role : "") + ")"));
      phrases.forEach(function (phrase) { item.appendChild(el("blockquote", "trm-phrase", "“" + phrase + "”")); });
      section.appendChild(item);
    });
    data.conflicts.forEach(function (c) {
      if (c.k === k) section.appendChild(el("div", "trm-conflict-text", "Conflict (" + c.kind + "): " + c.text));
    });
    if (data.agreement) {
      var a = el("a", null, "All links and conflicts between reports");
      a.href = data.agreement;
      section.appendChild(a);
    }
    box.appendChild(section);
  };

  /* The "Conflicts" overlay: one mark on each link with a conflict, listing them. */
  RouteApp.prototype.addConflicts = function () {
    var self = this, data = this.model.data, byLink = {};
    data.conflicts.forEach(function (c) { if (c.at) (byLink[c.k] = byLink[c.k] || []).push(c); });
    var keys = Object.keys(byLink);
    if (!keys.length) return;
    this.conflictLayer = L.layerGroup();
    this._conflictMarks = keys.map(function (key) {
      var list = byLink[key], c = list[0], link = data.links[c.k];
      var marker = L.marker([c.at[1], c.at[0]], {
        icon: L.divIcon({ className: "trm-conflict-mark", iconSize: [18, 18] }), keyboard: false
      });
      marker.bindTooltip(function () { return el("span", null, list.length + " conflict" + (list.length > 1 ? "s" : "") + ": " + list.map(function (x) { return x.kind; }).join(", ")); });
      marker.bindPopup(function () {
        var box = el("div", "trm-popup trm-conflict-popup");
        box.setAttribute("data-link", link.id);
        box.appendChild(el("h3", null, "Reports disagree"));
        list.forEach(function (x) { box.appendChild(el("div", "trm-conflict-text", x.kind + ": " + x.text)); });
        if (data.agreement) {
          var a = el("a", null, "The agreement table");
          a.href = data.agreement;
          box.appendChild(a);
        }
        return box;
      }, { maxWidth: 380 });
      marker.trmLink = c.k;
      return marker;
    });
    this.refreshConflicts();
    this.conflictLayer.addTo(this.map);
  };

  RouteApp.prototype.refreshConflicts = function () {
    var self = this;
    if (!this.conflictLayer) return;
    this._conflictMarks.forEach(function (m) {
      var shown = self.shownReports(self.model.data.links[m.trmLink]).length > 0;
      if (shown && !self.conflictLayer.hasLayer(m)) self.conflictLayer.addLayer(m);
      if (!shown && self.conflictLayer.hasLayer(m)) self.conflictLayer.removeLayer(m);
    });
  };

  /* Edition control: all editions, or one (only on pages with more than one). */
  RouteApp.prototype.addEditions = function () {
    var self = this, editions = this.model.data.editions;
    if (!editions) return;
    var Control = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var box = el("fieldset", "trm-editions leaflet-bar");
        L.DomEvent.disableClickPropagation(box);
        box.appendChild(el("legend", null, "Edition"));
        [null].concat(editions).forEach(function (edition) {
          var label = el("label", "trm-layer"), input = el("input");
          input.type = "radio";
          input.name = "trm-edition";
          input.checked = edition === null;
          input.setAttribute("data-edition", edition === null ? "all" : edition);
          input.addEventListener("change", function () { if (input.checked) self.setEdition(edition); });
          label.appendChild(input);
          label.appendChild(el("span", "trm-name", edition === null ? "All editions" : edition));
          box.appendChild(label);
        });
        return box;
      }
    });
    new Control().addTo(this.map);
  };

  /* Open the map at #link=<id> or #route=<id> (agreement.html links here). */
  RouteApp.prototype.openFromHash = function () {
    var hash = decodeURIComponent((window.location.hash || "").slice(1)), self = this;
    var m = /^(link|route)=(.+)$/.exec(hash);
    if (!m) return false;
    var routes = this.model.routes, links = this.model.data.links, k = null, r = null, leg = null;
    if (m[1] === "link") {
      for (var i = 0; i < links.length; i++) if (links[i].id === m[2]) k = i;
      if (k === null) return false;
      routes.some(function (route) {
        return route.legs.some(function (one) { if (one.k === k && self.reportShown(route.s)) { r = route; leg = one; return true; } return false; });
      });
    } else {
      routes.some(function (route) { if (route.id === m[2]) { r = route; leg = route.legs[0] || null; return true; } return false; });
    }
    if (!r) return false;
    if (!leg) {
      if (!r.anchor) return false;
      this.map.setView([r.anchor[1], r.anchor[0]], 5, { animate: false });
      this.openRoute(r, L.latLng(r.anchor[1], r.anchor[0]), null);
      return true;
    }
    var b = L.latLngBounds([]), p = leg.p;
    for (var j = 0; j < p.length; j += 2) b.extend([p[j + 1], p[j]]);
    this.map.fitBounds(b, { padding: [60, 60], maxZoom: 7, animate: false });
    var mid = Math.floor(p.length / 4) * 2;
    this.openRoute(r, L.latLng(p[mid + 1], p[mid]), k);
    return true;
  };
})(window.TRM = window.TRM || {});
