// The draft review page (maps/drafting.py): the text with its marks, the proposed routes with
// Accept / Reject / Edit, and a download of the accepted routes as a catalogue. Text reaches
// the page through textContent only.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("trm-draft-data").textContent);
  var root = document.getElementById("trm-draft");
  var state = data.routes.map(function (r) { return { status: "", yaml: r.yaml }; });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var header = el("header");
  header.appendChild(el("h1", "", data.title));
  var counts = el("span", "trm-status");
  header.appendChild(counts);
  var download = el("button", "", "Download accepted routes (YAML)");
  download.id = "trm-download";
  header.appendChild(download);
  var legend = el("span", "trm-legend");
  [["trm-place", "place"], ["trm-commodity", "commodity"], ["trm-cue", "cue or mode"],
   ["trm-hedge", "hedge or negation"]].forEach(function (p) { legend.appendChild(el("span", p[0], p[1])); });
  header.appendChild(legend);
  root.appendChild(header);

  var layout = el("div", "trm-layout");
  var textBox = el("section", "trm-text");
  textBox.setAttribute("aria-label", "The report's text");
  var list = el("section", "trm-routes");
  list.setAttribute("aria-label", "Proposed routes");
  layout.appendChild(textBox);
  layout.appendChild(list);
  root.appendChild(layout);

  var sentenceSpans = {};
  data.pieces.forEach(function (p) {
    var node = p[1] ? el("span", "trm-" + p[1], p[0]) : document.createTextNode(p[0]);
    if (p[2] >= 0) {
      var s = el("span", "trm-sentence");
      s.dataset.sentence = p[2];
      s.appendChild(node);
      (sentenceSpans[p[2]] = sentenceSpans[p[2]] || []).push(s);
      s.addEventListener("click", function () { focusSentence(p[2], true); });
      node = s;
    }
    textBox.appendChild(node);
  });

  var cards = [];
  function focusSentence(sentence, fromText) {
    document.querySelectorAll(".trm-current").forEach(function (e) { e.classList.remove("trm-current"); });
    (sentenceSpans[sentence] || []).forEach(function (s) { s.classList.add("trm-current"); });
    var first = null;
    data.routes.forEach(function (r, k) {
      if (r.sentences.indexOf(sentence) >= 0) {
        cards[k].classList.add("trm-current");
        if (!first) first = cards[k];
      }
    });
    var target = fromText ? first : (sentenceSpans[sentence] || [])[0];
    if (target && target.scrollIntoView) target.scrollIntoView({ block: "center" });
  }

  function refresh() {
    var a = 0, r = 0;
    state.forEach(function (s, k) {
      cards[k].classList.toggle("trm-accepted", s.status === "accepted");
      cards[k].classList.toggle("trm-rejected", s.status === "rejected");
      cards[k].querySelector(".trm-card-status").textContent = s.status || "not reviewed";
      if (s.status === "accepted") a++;
      if (s.status === "rejected") r++;
    });
    counts.textContent = a + " accepted, " + r + " rejected, " + (state.length - a - r) +
      " to review of " + state.length;
  }

  data.routes.forEach(function (route, k) {
    var card = el("article", "trm-card");
    card.dataset.route = route.id;
    var h = el("h2");
    h.appendChild(el("span", "trm-badge", "draft " + Math.round(route.confidence * 100) + "%"));
    h.appendChild(document.createTextNode(route.label));
    card.appendChild(h);
    card.appendChild(el("div", "trm-reason", route.reason));
    var status = el("div", "trm-card-status");
    card.appendChild(status);
    var bar = el("div");
    var accept = el("button", "trm-accept", "Accept");
    var reject = el("button", "trm-reject", "Reject");
    var edit = el("button", "trm-edit", "Edit");
    var show = el("button", "trm-show", "Show sentence");
    [accept, reject, edit, show].forEach(function (b) {
      b.setAttribute("aria-label", b.textContent + ": " + route.label);
      bar.appendChild(b);
    });
    card.appendChild(bar);
    var area = el("textarea");
    area.hidden = true;
    area.value = route.yaml;
    area.setAttribute("aria-label", "YAML of " + route.label);
    card.appendChild(area);
    accept.addEventListener("click", function () {
      state[k].status = state[k].status === "accepted" ? "" : "accepted"; refresh();
    });
    reject.addEventListener("click", function () {
      state[k].status = state[k].status === "rejected" ? "" : "rejected"; refresh();
    });
    edit.addEventListener("click", function () { area.hidden = !area.hidden; if (!area.hidden) area.focus(); });
    area.addEventListener("input", function () { state[k].yaml = area.value; });
    show.addEventListener("click", function () { focusSentence(route.sentences[0], false); });
    list.appendChild(card);
    cards.push(card);
  });
  refresh();

  function acceptedYaml() {
    var parts = [data.head, "routes:\n"];
    state.forEach(function (s) { if (s.status === "accepted") parts.push(s.yaml.replace(/\s*$/, "\n")); });
    return parts.join("");
  }
  window.trmAcceptedYaml = acceptedYaml;
  download.addEventListener("click", function () {
    var blob = new Blob([acceptedYaml()], { type: "application/yaml" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = data.file.replace(/\.ya?ml$/, "") + "-reviewed.yaml";
    document.body.appendChild(a);
    a.click();
    a.remove();
  });
})();
