/* trafficking-route-mapper page script: region ends drawn as regions.
 *
 * Written for this project. The script is several files sharing the namespace window.TRM,
 * inlined into the page in the order of maps/layer.py's SCRIPTS. Page data arrives as JSON
 * (JSON.parse, never evaluated; maps/page_keys.py describes every key) and catalogue text
 * reaches the page through textContent and DOM nodes only, never innerHTML.
 */
(function (TRM) {
  "use strict";

  var RouteApp = TRM.RouteApp;

  /* Region ends drawn as regions: a faint tinted area beneath the lines, for every region (or
   * flow's area) that a route of a ticked layer names, from the start, not only on hover; the
   * region's name is among the place labels, in italic capitals (places.js). Without it a line ending at the
   * point of "Europe" reads as a line to Poland, "Asia" as Bangladesh. The shapes are the page's
   * region outlines (PAGE.regions), already there for the hover shading. */
  TRM.REGION_TINT = "#9A6A2F"; // a brown: no commodity's hue (maps/static_draw.py uses the same)
  RouteApp.prototype.regionEnds = function () {
    var map = this.map;
    if (!map.getPane("trmRegions")) {
      map.createPane("trmRegions").style.zIndex = 420; // above the base map, below the routes
    }
    this.regionLayer = L.layerGroup();
    this._regionKeys = null;
    this.refreshRegions();
    return this.regionLayer;
  };

  RouteApp.prototype.refreshRegions = function () {
    if (!this.regionLayer) return;
    var regions = this.model.data.regions, keys = {}, self = this;
    this.layers.forEach(function (layer) {
      if (!layer._map || !layer._canvas) return; // a layer being removed has no canvas
      layer._routes.forEach(function (r) {
        if (!self.reportShown(r.s)) return;
        (r.regions || []).forEach(function (k) { if (regions[k]) keys[k] = true; });
      });
    });
    var wanted = Object.keys(keys).sort();
    if (wanted.join(" ") === this._regionKeys) return;
    this._regionKeys = wanted.join(" ");
    var group = this.regionLayer;
    group.clearLayers();
    if (!wanted.length) return;
    var features = wanted.map(function (k) { return regions[k]; });
    group.addLayer(L.geoJSON({ type: "FeatureCollection", features: features }, {
      interactive: false, pane: "trmRegions",
      style: function () {
        return { color: TRM.REGION_TINT, weight: 1, opacity: 0.45, dashArray: "4 3",
                 fillColor: TRM.REGION_TINT, fillOpacity: 0.14 };
      }
    }));
  };
})(window.TRM = window.TRM || {});
