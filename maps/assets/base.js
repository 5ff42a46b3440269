/* trafficking-route-mapper page script: DOM helpers, Web Mercator and the model.
 *
 * Written for this project. The script is several files sharing the namespace window.TRM,
 * inlined into the page in the order of maps/layer.py's SCRIPTS. Page data arrives as JSON
 * (JSON.parse, never evaluated; maps/page_keys.py describes every key) and catalogue text
 * reaches the page through textContent and DOM nodes only, never innerHTML.
 */
(function (TRM) {
  "use strict";

  TRM.TILE = 256;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  TRM.el = el;

  /* A link to a report's address, or its name as text where the address is not http(s) (no
   * javascript: or data: link from a catalogue); opened in a new tab without an opener. */
  TRM.reportLink = function (url, text) {
    if (!url || !/^https?:\/\//.test(url)) return document.createTextNode(text || "");
    var a = el("a", null, text);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  };

  /* A map-sized canvas at the top left of the map's view, at the screen's pixel ratio; its
   * 2D context, drawing in CSS px. */
  TRM.fitCanvas = function (canvas, map) {
    var size = map.getSize(), ratio = window.devicePixelRatio || 1;
    L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
    canvas.width = size.x * ratio;
    canvas.height = size.y * ratio;
    canvas.style.width = size.x + "px";
    canvas.style.height = size.y + "px";
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return ctx;
  };

  /* A panel with a button that folds its body away. */
  function collapsible(outerClass, title, bodyClass) {
    var outer = el("div", outerClass), head = el("button", "trm-toggle", title);
    head.type = "button";
    head.setAttribute("aria-expanded", "true");
    var box = el("div", bodyClass);
    box.id = bodyClass; // one panel of each kind on a page
    head.setAttribute("aria-controls", box.id);
    outer.appendChild(head);
    outer.appendChild(box);
    head.addEventListener("click", function () {
      var open = box.style.display === "none";
      box.style.display = open ? "" : "none";
      head.setAttribute("aria-expanded", open ? "true" : "false");
    });
    return { outer: outer, head: head, box: box };
  }

  TRM.collapsible = collapsible;

  /* One piece of evidence: the section, the verbatim phrase, the coder's summary. */
  function evidenceBlock(ev) {
    var q = el("blockquote", "trm-evidence");
    if (ev.section) q.appendChild(el("div", "trm-section", ev.section));
    q.appendChild(el("div", "trm-phrase", "“" + ev.phrase + "”"));
    q.appendChild(el("div", "trm-summary", ev.summary));
    if (ev.source) q.appendChild(el("div", "trm-note", "Source: " + ev.source));
    return q;
  }
  TRM.evidenceBlock = evidenceBlock;

  /* Web Mercator at zoom 0, in pixels of a 256-px world. */
  function mercX(lon) { return (lon + 180) / 360 * TRM.TILE; }
  function mercY(lat) {
    var s = Math.sin(Math.max(Math.min(lat, 85.0511), -85.0511) * Math.PI / 180);
    return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * TRM.TILE;
  }
  TRM.mercX = mercX;
  TRM.mercY = mercY;

  /* The page data, every leg also in world pixels (leg.w). */
  function Model(data) {
    this.data = data;
    this.routes = data.routes;
    this.commodities = data.commodities;
    var i, j, r, leg, p, w;
    for (i = 0; i < this.routes.length; i++) {
      r = this.routes[i];
      r.index = i;
      for (j = 0; j < r.legs.length; j++) {
        leg = r.legs[j];
        p = leg.p;
        w = new Float64Array(p.length);
        for (var k = 0; k < p.length; k += 2) {
          w[k] = mercX(p[k]);
          w[k + 1] = mercY(p[k + 1]);
        }
        leg.w = w;
      }
    }
  }
  TRM.Model = Model;
})(window.TRM = window.TRM || {});
