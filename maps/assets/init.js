/* trafficking-route-mapper page script: start: draw the page's routes on its map.
 *
 * Written for this project. The script is several files sharing the namespace window.TRM,
 * inlined into the page in the order of maps/layer.py's SCRIPTS. Page data arrives as JSON
 * (JSON.parse, never evaluated; maps/page_keys.py describes every key) and catalogue text
 * reaches the page through textContent and DOM nodes only, never innerHTML.
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
    var app = new TRM.RouteApp(map, data);
    // no painting until the start view is set (it depends on the panels' size): each layer is
    // then laid out and painted once, at it
    app.holdPaint = true;
    app.layers.forEach(function (layer) { layer.addTo(map); });
    app.addContext();
    app.addRings();
    app.addConflicts();
    app.addControl();
    app.addEditions();
    app.addLegend();
    app.addSearch();
    app.addTable();
    app.bindEvents();
    app.bindFocus();
    app.bindView();
    // the controls first in tab order, before the markers on the map (their stacking is
    // by z-index, not document order)
    map.getContainer().insertBefore(map._controlContainer, map.getContainer().firstChild);
    map.getContainer().setAttribute("aria-label", "Map of the routes (the same routes as text: Routes as a table)");
    app.layoutPanels();
    // quarter zooms: the routes framed as large as the free part of the map allows (whole
    // zooms would halve them when they miss the next one by a few pixels); +/- still step by 1
    map.options.zoomSnap = 0.25;
    // the view: the hash's (#view=, #off=), else the routes framed in the map the panels leave free
    if (!app.applyViewHash()) app.fitRoutes();
    // the layers, held until now, are laid out and painted once, at the start view
    app.holdPaint = false;
    app.layers.forEach(function (layer) { if (layer._map) layer._redraw(); });
    app.addLabels(); // places.js: once the controls and the view are there, they decide where labels fit
    if (app.openFromHash()) app.moved = app._hashRoute = true; // at one route: no refit past it
    app._started = true;
    window.addEventListener("hashchange", function () {
      app._started = false;
      if (!app.applyViewHash() && !app.moved) app.fitRoutes();
      if (app.openFromHash()) app.moved = app._hashRoute = true;
      app._started = true;
    });
    window.trmApp = app;
    document.documentElement.setAttribute("data-trm-ready", "1");
    return app;
  }

  TRM.init = init;
})(window.TRM = window.TRM || {});
