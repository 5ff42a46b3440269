/* trafficking-route-mapper page script: the routes as a table, a text alternative to the map.
 *
 * Written for this project. The script is the files of maps/layer.py SCRIPTS, in that order,
 * sharing the namespace window.TRM; this one comes after panels.js. Page data arrives as JSON
 * (JSON.parse, never evaluated; maps/page_keys.py describes every key) and catalogue text
 * reaches the page through textContent and DOM nodes only, never innerHTML.
 *
 * A reader with a keyboard or a screen reader gets from the map nothing a canvas cannot say:
 * the table says it all in text (each route's commodity, path, modes, what is stated or
 * inferred, its evidence and report), sorts by any column, follows the ticked layers (or a
 * layer of its own choosing), and opens any route's popup on the map. Nothing of it is built
 * before it is opened, and then one page of rows at a time: an atlas page has 10,000 routes.
 */
(function (TRM) {
  "use strict";

  var el = TRM.el, RouteApp = TRM.RouteApp;
  /* Rows per page of the table. */
  TRM.TABLE_PAGE = 100;
  var COLUMNS = [
    ["label", "Route"], ["commodity", "Commodity"], ["path", "Path"], ["modes", "Modes"],
    ["basis", "Stated or inferred"], ["evidence", "Evidence"], ["report", "Report"]
  ];

  /* One route's cells as text (and its evidence as items), from its entry and details. */
  RouteApp.prototype.tableRow = function (r) {
    // details still being read (a table opened while a big page loads): the path as drawn
    var data = this.model.data, d = this.details(r.index) || { stages: [], evidence: [], reporting: "", pending: true };
    var reporting = data.reportingNames[d.reporting] || d.reporting;
    var modes = [], inferred = [], unstated = false;
    var path = d.stages.map(function (s) {
      if (s.by) s.by.split(", ").forEach(function (m) { if (modes.indexOf(m) < 0) modes.push(m); });
      if (s.kind === "unstated") unstated = true;
      else if (!s.stated) inferred.push(s.name + (s.source ? " (source: " + s.source + ")" : ""));
      var notes = [];
      if (s.name === reporting) notes.push("reporting country");
      if (s.kind === "region" || s.kind === "corridor") notes.push(s.kind);
      if (s.kind === "unstated") notes.push("not stated");
      if (s.role === "within") return "within " + s.name + (notes.length ? " (" + notes.join(", ") + ")" : "");
      return s.name + (notes.length ? " (" + notes.join(", ") + ")" : "");
    }).join(" → ") || r.path;
    var basis = inferred.length ? "Inferred: " + inferred.join("; ") : "Stated";
    if (unstated) basis += inferred.length ? "; an end not stated" : " (an end not stated)";
    var report = data.reports[r.s] || {};
    var evidence = d.evidence.map(function (ev) {
      return { phrase: "“" + ev.phrase + "”", where: [ev.section ? "section " + ev.section : "", ev.source ? "source: " + ev.source : ""].filter(Boolean).join("; ") };
    });
    return {
      route: r, label: r.label, commodity: this.model.commodities[r.c].label, path: path,
      modes: modes.length ? modes.join(", ") : "not stated", basis: basis, evidence: evidence,
      report: (report.title || "") + (report.edition ? " (" + report.edition + ")" : ""), url: report.url,
      sortEvidence: evidence.map(function (e) { return e.phrase; }).join(" "), pending: !!d.pending
    };
  };

  /* The "Routes as a table" button, first of the controls (first in tab order after the map). */
  RouteApp.prototype.addTable = function () {
    var self = this;
    var Control = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var box = el("div", "trm-table-open leaflet-bar");
        var button = el("button", null, "Routes as a table");
        button.type = "button";
        button.setAttribute("aria-haspopup", "dialog");
        button.setAttribute("aria-expanded", "false");
        button.addEventListener("click", function () { self.openTable(); });
        L.DomEvent.disableClickPropagation(box);
        box.appendChild(button);
        self._tableButton = button;
        return box;
      }
    });
    var control = new Control().addTo(this.map), node = control.getContainer();
    node.parentNode.insertBefore(node, node.parentNode.firstChild);
  };

  /* The table's frame: built on first open. */
  RouteApp.prototype.buildTable = function () {
    var self = this, data = this.model.data;
    var panel = el("div", "trm-table");
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", "trm-table-title");
    var head = el("div", "trm-table-head");
    var title = el("h2", null, "Routes as a table");
    title.id = "trm-table-title";
    title.tabIndex = -1;
    head.appendChild(title);
    var filter = el("select"), label = el("label", "trm-table-filter", "Layers ");
    filter.id = "trm-table-filter";
    [["ticked", "the layers ticked on the map"], ["all", "every layer"]].concat(
      this.model.commodities.map(function (c, i) { return [String(i), c.label]; })).forEach(function (o) {
      var option = el("option", null, o[1]);
      option.value = o[0];
      filter.appendChild(option);
    });
    label.htmlFor = filter.id;
    label.appendChild(filter);
    head.appendChild(label);
    var prev = el("button", null, "Previous rows"), next = el("button", null, "Next rows");
    prev.type = next.type = "button";
    var status = el("span", "trm-table-status");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    head.appendChild(prev);
    head.appendChild(next);
    head.appendChild(status);
    var close = el("button", "trm-table-close", "Close the table");
    close.type = "button";
    head.appendChild(close);
    panel.appendChild(head);
    var table = el("table"), caption = el("caption", null, data.title), thead = el("thead"), tr = el("tr");
    table.appendChild(caption);
    COLUMNS.forEach(function (col) {
      var th = el("th"), button = el("button", null, col[1]);
      th.scope = "col";
      th.setAttribute("aria-sort", "none");
      th.setAttribute("data-key", col[0]);
      button.type = "button";
      button.addEventListener("click", function () { self.sortTable(col[0]); });
      th.appendChild(button);
      tr.appendChild(th);
    });
    var last = el("th", null, "Map");
    last.scope = "col";
    tr.appendChild(last);
    thead.appendChild(tr);
    table.appendChild(thead);
    var tbody = el("tbody");
    table.appendChild(tbody);
    var scroll = el("div", "trm-table-scroll");
    scroll.appendChild(table);
    panel.appendChild(scroll);
    document.body.appendChild(panel);
    this._table = { panel: panel, title: title, filter: filter, prev: prev, next: next, status: status,
                    tbody: tbody, thead: thead, scroll: scroll, sort: null, dir: 1, start: 0, rows: null, shown: [] };
    filter.addEventListener("change", function () { self._table.start = 0; self.renderTable(); });
    prev.addEventListener("click", function () { self._table.start -= TRM.TABLE_PAGE; self.renderTable(); });
    next.addEventListener("click", function () { self._table.start += TRM.TABLE_PAGE; self.renderTable(); });
    close.addEventListener("click", function () { self.closeTable(true); });
    panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { e.preventDefault(); self.closeTable(true); }
    });
  };

  RouteApp.prototype.openTable = function () {
    if (!this._table) this.buildTable();
    var t = this._table;
    // a row's cells are made when it is first shown (or sorted on): 10,000 at once take ~0.8 s
    if (!t.rows) t.rows = this.model.routes.map(function (r) { return { route: r, cells: null }; });
    this.renderTable();
    t.panel.hidden = false;
    this._tableButton.setAttribute("aria-expanded", "true");
    t.title.focus();
  };

  RouteApp.prototype.closeTable = function (refocus) {
    if (!this._table || this._table.panel.hidden) return;
    this._table.panel.hidden = true;
    this._tableButton.setAttribute("aria-expanded", "false");
    if (refocus) this._tableButton.focus();
  };

  /* The rows the filter lets through, in the order sorted. */
  RouteApp.prototype.tableRows = function () {
    var self = this, t = this._table, value = t.filter.value;
    return t.rows.filter(function (row) {
      var r = row.route;
      if (value === "all") return true;
      if (value === "ticked") return self.map.hasLayer(self.layers[r.c]) && self.reportShown(r.s);
      return String(r.c) === value;
    });
  };

  /* A row's cells, made on first use. */
  RouteApp.prototype.cells = function (row) {
    if (!row.cells || row.cells.pending) row.cells = this.tableRow(row.route);
    return row.cells;
  };

  /* Sort by a column (again: the other way round). Keys compared case-blind as plain strings:
   * a locale collator takes ~0.7 s over 10,000 rows. Ties keep route order. */
  RouteApp.prototype.sortTable = function (key) {
    var self = this, t = this._table;
    t.dir = t.sort === key ? -t.dir : 1;
    t.sort = key;
    var dir = t.dir, field = key === "evidence" ? "sortEvidence" : key;
    t.rows.forEach(function (row) { row.key = String(self.cells(row)[field]).toLowerCase(); });
    t.rows.sort(function (a, b) {
      return (a.key < b.key ? -dir : a.key > b.key ? dir : 0) || a.route.index - b.route.index;
    });
    Array.prototype.forEach.call(t.thead.querySelectorAll("th[data-key]"), function (th) {
      th.setAttribute("aria-sort", th.getAttribute("data-key") !== key ? "none" : (dir > 0 ? "ascending" : "descending"));
    });
    t.start = 0;
    this.renderTable();
  };

  /* One page of rows (TRM.TABLE_PAGE), built now and thrown away at the next render. */
  RouteApp.prototype.renderTable = function () {
    var self = this, t = this._table, rows = this.tableRows(), tbody = t.tbody;
    t.start = Math.max(0, Math.min(t.start, Math.floor(Math.max(rows.length - 1, 0) / TRM.TABLE_PAGE) * TRM.TABLE_PAGE));
    var page = rows.slice(t.start, t.start + TRM.TABLE_PAGE);
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    page.forEach(function (item) {
      var row = self.cells(item), tr = el("tr");
      tr.setAttribute("data-route", row.route.id);
      var th = el("th", null, row.label);
      th.scope = "row";
      tr.appendChild(th);
      ["commodity", "path", "modes", "basis"].forEach(function (key) { tr.appendChild(el("td", null, row[key])); });
      var ev = el("td"), ul = el("ul", "trm-table-evidence");
      row.evidence.forEach(function (e) {
        var li = el("li");
        li.appendChild(el("span", "trm-phrase", e.phrase));
        if (e.where) li.appendChild(el("span", "trm-note", " — " + e.where));
        ul.appendChild(li);
      });
      ev.appendChild(ul);
      tr.appendChild(ev);
      var report = el("td");
      report.appendChild(TRM.reportLink(row.url, row.report));
      tr.appendChild(report);
      var act = el("td"), r = row.route;
      if (r.legs.length || r.anchor) {
        var show = el("button", "trm-table-show", "Show on map");
        show.type = "button";
        show.setAttribute("aria-label", "Show on map: " + row.label);
        show.addEventListener("click", function () {
          self.closeTable(false);
          self._returnFocus = self._tableButton;
          self.showRoute(r);
        });
        act.appendChild(show);
      } else act.textContent = "not drawn";
      tr.appendChild(act);
      tbody.appendChild(tr);
    });
    t.shown = page;
    var total = rows.length;
    t.status.textContent = total ? "Routes " + (t.start + 1) + "–" + (t.start + page.length) + " of " + total : "No route in the layers chosen";
    t.prev.disabled = t.start <= 0;
    t.next.disabled = t.start + TRM.TABLE_PAGE >= total;
  };

  /* The ticked layers changed: a table following them follows. */
  RouteApp.prototype.tableChanged = function () {
    var t = this._table;
    if (t && !t.panel.hidden && t.filter.value === "ticked") this.renderTable();
  };
})(window.TRM = window.TRM || {});
