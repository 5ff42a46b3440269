/* trafficking-route-mapper page script: start: draw the page's routes on its map.
 *
 * Written for this project. The script is seven files sharing the namespace window.TRM,
 * inlined into the page in order: base.js, draw.js, hit.js, popup.js, links.js, panels.js, init.js. Page data
 * arrives as JSON (JSON.parse, never evaluated; maps/page_keys.py describes every key) and
 * catalogue text reaches the page through textContent and DOM nodes only, never innerHTML.
 */
(function (TRM) {
  "use strict";

  function init(map, data) {
    if (data.base) {
      // the embedded country layer: the base map of an offline page; online, it lies beneath
      // the tiles (which cover it once loaded), so a page whose tiles fail still has one
      var tiled = false;
      map.eachLayer(function (l) { if (l instanceof L.TileLayer) tiled = true; });
      var pane = "overlayPane";
      if (tiled) {
        pane = "trmBase";
        map.createPane(pane);
        map.getPane(pane).style.zIndex = 150; // below the tile pane (200)
      }
      L.geoJSON(data.base, {
        interactive: false, pane: pane,
        style: function () { return { color: "#b9b9b9", weight: 0.6, fillColor: "#f4f2ee", fillOpacity: 1 }; }
      }).addTo(map);
    }
    // the view first, so that each layer is laid out and painted once, at it
    if (data.bounds) map.fitBounds(data.bounds, { padding: [20, 20], animate: false });
    var app = new TRM.RouteApp(map, data);
    app.layers.forEach(function (layer) { layer.addTo(map); });
    app.addContext();
    app.addConflicts();
    app.addControl();
    app.addEditions();
    app.addLegend();
    app.addSearch();
    app.bindEvents();
    app.openFromHash();
    window.addEventListener("hashchange", function () { app.openFromHash(); });
    window.trmApp = app;
    document.documentElement.setAttribute("data-trm-ready", "1");
    return app;
  }

  TRM.init = init;
})(window.TRM = window.TRM || {});
