/* trafficking-route-mapper page script: the layer control, legend, search and context layers.
 *
 * Written for this project. The script is several files sharing the namespace window.TRM,
 * inlined into the page in the order of maps/layer.py's SCRIPTS. Page data arrives as JSON
 * (JSON.parse, never evaluated; maps/page_keys.py describes every key) and catalogue text
 * reaches the page through textContent and DOM nodes only, never innerHTML.
 */
(function (TRM) {
  "use strict";

  var el = TRM.el, collapsible = TRM.collapsible;
  var RouteApp = TRM.RouteApp;

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
        if (self.smallScreen()) panel.head.click();
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
            box2.setAttribute("data-start", "1");
            box2.addEventListener("change", function () {
              if (box2.checked) self.map.addLayer(self.layers[i]);
              else self.map.removeLayer(self.layers[i]);
              self.refreshHighlight();
              self.layersChanged();
            });
            label.appendChild(box2);
            label.appendChild(TRM.swatch(c));
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
        [["regions", "Regions named by routes", self.regionLayer], ["hubs", "Hubs in " + data.reportingName, self.hubLayer],
         ["conflicts", "Conflicts between reports (" + data.conflicts.length + ")", self.conflictLayer]].forEach(function (row) {
          if (!row[2]) return;
          var label = el("label", "trm-layer"), input = el("input");
          input.type = "checkbox";
          input.checked = self.map.hasLayer(row[2]);
          input.setAttribute("data-overlay", row[0]);
          input.setAttribute("data-start", input.checked ? "1" : "0");
          input.addEventListener("change", function () {
            if (input.checked) self.map.addLayer(row[2]); else self.map.removeLayer(row[2]);
            self.writeHash();
          });
          label.appendChild(input);
          label.appendChild(el("span", "trm-name", row[1]));
          extras.appendChild(label);
        });
        box.appendChild(extras);
        if (data.agreement && data.reports.length > 1) {
          var table = el("a", "trm-agreement-link", "Agreement table");
          table.href = data.agreement;
          box.appendChild(table);
        }
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
    var data = this.model.data, self = this;
    var Legend = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var panel = collapsible("trm-legend", "Legend", "trm-legend-body");
        var outer = panel.outer, box = panel.box;
        L.DomEvent.disableClickPropagation(outer);
        L.DomEvent.disableScrollPropagation(outer);
        if (self.smallScreen()) panel.head.click();
        var rows = [
          ["solid", "Stated by the report"],
          ["dashed", "Inferred from another source (or a corridor's waypoints)"],
          ["arrow", data.dense ? "Arrowheads: direction of the flow, shown for the route under the pointer (too many routes to show them all)" : "Arrowheads: direction of the flow, along each leg and just before its end"],
          ["ring", "Ring: the report does not say where the route begins or ends"],
          ["hub", "Hub in " + data.reportingName + ": what passes through it"],
          ["area", "Tinted area, name in italics: a region the route starts, passes or ends in, not a point"],
          ["sea", "Leg by sea: follows shipping lanes where computed"]
        ];
        if (data.routes.some(function (r) { return r.w !== undefined; })) {
          rows.splice(5, 0, ["mark", "Disc with a white ring: a flow within one country or region (its area shaded on hover)"]);
        }
        // a row only for what the page draws
        var has = { solid: false, dashed: false, arrow: false, ring: false, area: false,
                    hub: data.hubs.length > 0, sea: !!data.sea };
        data.routes.forEach(function (r) {
          for (var j = 0; j < r.legs.length; j++) {
            if (r.legs[j].s) has.solid = true; else has.dashed = true;
          }
          if (r.legs.length) has.arrow = true;
          if (r.open.length) has.ring = true;
          if (r.regions.length) has.area = true;
        });
        rows = rows.filter(function (row) { return has[row[0]] !== false; });
        if (data.conflicts.length) rows.push(["conflict", "Reports disagree on this link (direction, one side only, or role): click for which"]);
        var widths = self.corroborated();
        var colours = el("div", "trm-legend-colours");
        data.commodities.forEach(function (c) {
          var item = el("div", "trm-legend-colour");
          item.appendChild(TRM.swatch(c));
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
        if (widths) {
          var scale = el("div", "trm-legend-row trm-legend-widths");
          for (var n = 1; n <= TRM.WIDEST; n++) {
            var sample = el("span", "trm-width-sample");
            var bar = el("span", "trm-width-bar");
            bar.style.height = TRM.widthFor(self.width, n) + "px";
            sample.appendChild(bar);
            sample.appendChild(el("span", null, n === TRM.WIDEST ? n + "+" : String(n)));
            scale.appendChild(sample);
          }
          scale.appendChild(el("span", null, "Line width: reports that state the leg (or a matching one: the same market, a place inside the other), in the edition shown"));
          box.appendChild(scale);
        }
        box.appendChild(el("div", "trm-legend-note", "Colour: the criminal market (every two markets' colours stay apart under the common colour-vision deficiencies). " +
          "Pattern inside the line (none, white stripe, white dots, dark line) tells the commodities of one market apart. " +
          (widths ? "" : "Line width carries no meaning. ") +
          "A leg several routes state is drawn once; parallel lines: different links sharing two ends, drawn side by side. Lines fanning out from one place: one statement naming several places for a stage."));
        // one report: its full line; several: their titles (each popup names its report and note)
        box.appendChild(el("div", "trm-legend-note", data.reports.length === 1 ? "Source: " + data.sources[0] :
          "Sources (" + data.reports.length + "): " + data.reports.map(function (r) { return r.title; }).join("; ")));
        return outer;
      }
    });
    new Legend().addTo(this.map);
  };

  /* The search box: a combobox over a list of places and routes; the arrow keys move through
   * the list, Enter picks, Escape closes it. */
  RouteApp.prototype.addSearch = function () {
    var self = this, data = this.model.data;
    var Search = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var box = el("div", "trm-search leaflet-bar");
        box.setAttribute("role", "search");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        var input = el("input"), active = -1;
        input.type = "search";
        input.placeholder = "Find a place or route";
        input.setAttribute("aria-label", "Find a place or route");
        input.setAttribute("role", "combobox");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-expanded", "false");
        input.setAttribute("aria-controls", "trm-results");
        var list = el("ul", "trm-results");
        list.id = "trm-results";
        list.setAttribute("role", "listbox");
        list.setAttribute("aria-label", "Places and routes found");
        box.appendChild(input);
        box.appendChild(list);
        function clear() {
          while (list.firstChild) list.removeChild(list.firstChild);
          active = -1;
          input.removeAttribute("aria-activedescendant");
          input.setAttribute("aria-expanded", "false");
        }
        function options() { return list.querySelectorAll(".trm-result"); }
        function activate(n) {
          var items = options();
          if (!items.length) return;
          active = (n + items.length) % items.length;
          for (var i = 0; i < items.length; i++) {
            items[i].setAttribute("aria-selected", i === active ? "true" : "false");
            items[i].classList.toggle("trm-active", i === active);
          }
          input.setAttribute("aria-activedescendant", items[active].id);
          items[active].scrollIntoView({ block: "nearest" });
        }
        // after a pick: the list closes (it would cover the popup), the input names the pick.
        // Closed once the click is handled: Leaflet tells a control's click from a map click
        // by the clicked element's ancestors, which a removed element no longer has
        function close(name) {
          window.setTimeout(function () {
            clear();
            input.value = name;
          }, 0);
        }
        function pickPlace(p) {
          close(p.name);
          self.map.setView([p.lat, p.lon], Math.max(self.map.getZoom(), 5));
          // the place found: a ring of its own until the next search
          if (self.foundMarker) self.map.removeLayer(self.foundMarker);
          self.foundMarker = L.circleMarker([p.lat, p.lon], {
            radius: 11, color: "#1f5fa8", weight: 3, fill: false, interactive: false,
            className: "trm-found"
          }).addTo(self.map);
        }
        function pickRoute(r) {
          close(r.label);
          self._returnFocus = input;
          self.showRoute(r);
        }
        input.addEventListener("keydown", function (e) {
          var items = options();
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            if (!items.length) return;
            e.preventDefault();
            activate(active < 0 ? (e.key === "ArrowDown" ? 0 : -1) : active + (e.key === "ArrowDown" ? 1 : -1));
          } else if (e.key === "Enter") {
            if (!items.length) return;
            e.preventDefault();
            items[active < 0 ? 0 : active].click();
          } else if (e.key === "Escape" && list.firstChild) {
            e.preventDefault();
            e.stopPropagation();
            clear();
          }
        });
        input.addEventListener("input", function () {
          clear();
          var q = input.value.trim().toLowerCase();
          if (q.length < 2) return;
          var hits = [];
          data.places.forEach(function (p) {
            if (p.name.toLowerCase().indexOf(q) >= 0) hits.push({ kind: "place", p: p });
          });
          self.model.routes.forEach(function (r) {
            if ((r.label + " " + r.path + " " + r.id).toLowerCase().indexOf(q) >= 0) hits.push({ kind: "route", r: r });
          });
          hits.slice(0, 12).forEach(function (h, n) {
            var li = el("li", "trm-result");
            li.id = "trm-result-" + n;
            li.setAttribute("role", "option");
            li.setAttribute("aria-selected", "false");
            if (h.kind === "place") {
              li.textContent = h.p.name + " (" + h.p.kind + ")";
              li.addEventListener("click", function () { pickPlace(h.p); });
            } else {
              li.textContent = h.r.label;
              li.setAttribute("data-route", h.r.id);
              li.addEventListener("click", function () { pickRoute(h.r); });
            }
            list.appendChild(li);
          });
          if (!hits.length) {
            var none = el("li", "trm-none", "No match");
            none.setAttribute("role", "option");
            none.setAttribute("aria-disabled", "true");
            list.appendChild(none);
          }
          input.setAttribute("aria-expanded", "true");
        });
        return box;
      }
    });
    new Search().addTo(this.map);
  };

  RouteApp.prototype.addContext = function () {
    var data = this.model.data;
    var regionFeatures = Object.keys(data.regions).sort().map(function (k) { return data.regions[k]; });
    if (regionFeatures.length) this.regionEnds().addTo(this.map); // regions.js
    this.addHubs(); // places.js
  };
})(window.TRM = window.TRM || {});
