/* trafficking-route-mapper page script: start: draw the page's routes on its map.
 *
 * Written for this project. The script is eight files sharing the namespace window.TRM,
 * inlined into the page in order: base.js, draw.js, hit.js, popup.js, links.js, panels.js, places.js, init.js. Page data
 * arrives as JSON (JSON.parse, never evaluated; maps/page_keys.py describes every key) and
 * catalogue text reaches the page through textContent and DOM nodes only, never innerHTML.
 */
(function (TRM) {
  "use strict";

  function init(map, data) {
    if (data.base) {
      L.geoJSON(data.base, {
        interactive: false,
        style: function () { return { color: "#b9b9b9", weight: 0.6, fillColor: "#f4f2ee", fillOpacity: 1 }; }
      }).addTo(map);
    }
    var app = new TRM.RouteApp(map, data);
    app.layers.forEach(function (layer) { layer.addTo(map); });
    app.addContext();
    app.addRings();
    app.addConflicts();
    app.addControl();
    app.addEditions();
    app.addLegend();
    app.addSearch();
    app.bindEvents();
    if (data.bounds) map.fitBounds(data.bounds, { padding: [20, 20], animate: false });
    app.addLabels(); // once the controls and the view are there: they decide where labels fit
    app.openFromHash();
    window.addEventListener("hashchange", function () { app.openFromHash(); });
    window.trmApp = app;
    document.documentElement.setAttribute("data-trm-ready", "1");
    return app;
  }

  TRM.init = init;
})(window.TRM = window.TRM || {});
