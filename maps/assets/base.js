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

  /* Encoded polylines (PAGE.lines: (lat, lon) pairs at 10^-precision degrees; maps/polyline.py)
   * decoded into one flat array [lon, lat, lon, lat, ...]: line i is out[at[i]..at[i + 1]). */
  function decodeLines(lines, precision) {
    var total = 0, i, j, text, c, n = lines.length;
    for (i = 0; i < n; i++) {
      text = lines[i];
      for (j = 0; j < text.length; j++) if (text.charCodeAt(j) < 95) total++; // 63 + 32
    }
    var out = new Float64Array(total), at = new Array(n + 1), scale = Math.pow(10, precision);
    var k = 0, shift, value, lat, lon, even;
    for (i = 0; i < n; i++) {
      text = lines[i];
      at[i] = k;
      shift = value = lat = lon = 0;
      even = true;
      for (j = 0; j < text.length; j++) {
        c = text.charCodeAt(j) - 63;
        // bit operations while the value fits in 30 bits; past that, arithmetic (<< wraps)
        if (shift < 30) value |= (c & 31) << shift;
        else value += (c & 31) * Math.pow(2, shift);
        shift += 5;
        if (c < 32) {
          value = value % 2 ? -(value + 1) / 2 : value / 2;
          if (even) lat += value;
          else { lon += value; out[k] = lon / scale; out[k + 1] = lat / scale; k += 2; }
          even = !even;
          shift = value = 0;
        }
      }
    }
    at[n] = k;
    return { points: out, at: at };
  }
  TRM.decodeLine = function (text, precision) { return decodeLines([text], precision).points; };

  /* The page data, every leg's line decoded (leg.p: [lon, lat, ...]) and in world pixels
   * (leg.w), and each line's length in world pixels (lineLength[leg.g]). Legs on the same
   * line share both arrays (views of one buffer each), which are never written to. */
  function Model(data) {
    this.data = data;
    this.routes = data.routes;
    this.commodities = data.commodities;
    var lines = decodeLines(data.lines || [], data.precision), p = lines.points;
    var w = new Float64Array(p.length), at = lines.at, n = at.length - 1;
    var flat = new Array(n), world = new Array(n), length = new Float64Array(n);
    var i, j, k, r, leg;
    for (k = 0; k < p.length; k += 2) {
      w[k] = mercX(p[k]);
      w[k + 1] = mercY(p[k + 1]);
    }
    for (i = 0; i < n; i++) {
      flat[i] = p.subarray(at[i], at[i + 1]);
      world[i] = w.subarray(at[i], at[i + 1]);
      length[i] = TRM.pathLength(world[i]);
    }
    this.lineLength = length;
    for (i = 0; i < this.routes.length; i++) {
      r = this.routes[i];
      r.index = i;
      for (j = 0; j < r.legs.length; j++) {
        leg = r.legs[j];
        leg.p = flat[leg.g];
        leg.w = world[leg.g];
      }
    }
  }
  TRM.Model = Model;
})(window.TRM = window.TRM || {});
