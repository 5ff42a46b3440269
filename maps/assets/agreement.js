/* trafficking-route-mapper: the agreement page (agreement.html).
 *
 * Written for this project. Tables of links, conflicts and changes between editions, from the
 * JSON block #trm-agreement-data (JSON.parse, never evaluated); catalogue text reaches the page
 * through textContent only. Each table sorts on a click of its header (again: the other way),
 * filters on the words typed above it, and shows PAGE rows at a time, so that an atlas of
 * tens of thousands of links opens and sorts at once. Performance marks (trm-agreement-start,
 * trm-links, trm-conflicts, trm-changes, trm-agreement-ready) time each part for benchmarks.
 */
(function () {
  "use strict";

  var PAGE = 200;
  performance.mark("trm-agreement-start");
  var data = JSON.parse(document.getElementById("trm-agreement-data").textContent);
  var root = document.getElementById("trm-agreement");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function mapLink(id) {
    var a = el("a", "trm-map-link", "map");
    a.href = data.map + "#link=" + encodeURIComponent(id);
    a.title = "Open the map at this link";
    return a;
  }

  function evidenceCell(items, label) {
    var td = el("td", "trm-ev");
    if (!items.length) return td;
    var details = el("details"), summary = el("summary", null, label || (items.length + " phrase" + (items.length > 1 ? "s" : "")));
    details.appendChild(summary);
    items.forEach(function (i) {
      var text = data.phrases[i], at = text.indexOf(": "), q = el("blockquote");
      q.appendChild(el("span", "trm-ev-report", text.slice(0, at + 2)));
      q.appendChild(document.createTextNode("“" + text.slice(at + 2) + "”"));
      details.appendChild(q);
    });
    td.appendChild(details);
    return td;
  }

  /* A sortable, filterable, paged table. columns: [{title, key(row) -> sort value, cell(row) -> td, numeric}] */
  function table(id, caption, rows, columns, initial) {
    var section = el("section", "trm-table-section");
    section.id = id;
    section.appendChild(el("h2", null, caption + " (" + rows.length + ")"));
    if (!rows.length) {
      section.appendChild(el("p", "trm-empty", "None."));
      root.appendChild(section);
      return;
    }
    var filter = el("input", "trm-filter");
    filter.type = "search";
    filter.placeholder = "Filter " + caption.toLowerCase();
    filter.setAttribute("aria-label", "Filter " + caption.toLowerCase());
    section.appendChild(filter);
    var status = el("span", "trm-status");
    section.appendChild(status);
    var tbl = el("table", "trm-table"), thead = el("thead"), tr = el("tr"), tbody = el("tbody");
    var state = { column: initial[0], descending: initial[1], shown: PAGE, rows: rows.slice() };
    rows.forEach(function (row, i) { row._order = i; });
    var indexed = false;
    function index() { // the text a filter searches, made on the first filter typed
      if (indexed) return;
      rows.forEach(function (row) {
        row._text = columns.map(function (c) { return c.text ? c.text(row) : c.key ? String(c.key(row)) : ""; }).join(" ").toLowerCase();
      });
      indexed = true;
    }
    var heads = columns.map(function (c, i) {
      var th = el("th", null, c.title);
      th.setAttribute("data-column", String(i));
      if (c.key) {
        th.className = "trm-sortable";
        th.tabIndex = 0;
        th.addEventListener("click", function () { sortBy(i); });
        th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(i); } });
      }
      tr.appendChild(th);
      return th;
    });
    thead.appendChild(tr);
    tbl.appendChild(thead);
    tbl.appendChild(tbody);
    section.appendChild(tbl);
    var more = el("button", "trm-more", "Show more");
    more.type = "button";
    more.addEventListener("click", function () { state.shown += PAGE; render(); });
    section.appendChild(more);
    root.appendChild(section);

    function compare(a, b) {
      var c = columns[state.column], x = c.key(a), y = c.key(b), d;
      if (c.numeric) d = x - y; else d = String(x).localeCompare(String(y));
      if (d === 0) d = a._order - b._order;
      return state.descending ? -d : d;
    }
    function sortBy(i) {
      if (state.column === i) state.descending = !state.descending;
      else { state.column = i; state.descending = !!columns[i].numeric; }
      state.shown = PAGE;
      apply();
    }
    function apply() {
      var words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      if (words.length) index();
      state.rows = !words.length ? rows.slice() : rows.filter(function (row) {
        return words.every(function (w) { return row._text.indexOf(w) >= 0; });
      });
      state.rows.sort(compare);
      render();
    }
    function render() {
      heads.forEach(function (th, i) {
        if (!columns[i].key) return;
        th.setAttribute("aria-sort", i === state.column ? (state.descending ? "descending" : "ascending") : "none");
      });
      while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
      var frag = document.createDocumentFragment();
      state.rows.slice(0, state.shown).forEach(function (row) {
        var r = el("tr");
        columns.forEach(function (c) { r.appendChild(c.cell(row)); });
        frag.appendChild(r);
      });
      tbody.appendChild(frag);
      var n = Math.min(state.shown, state.rows.length);
      status.textContent = "showing " + n + " of " + state.rows.length + (state.rows.length !== rows.length ? " (filtered from " + rows.length + ")" : "");
      more.style.display = state.rows.length > state.shown ? "" : "none";
    }
    filter.addEventListener("input", apply);
    apply();
  }

  function td(text, cls) { return el("td", cls, text); }
  function phrases(refs) { return refs.map(function (i) { return data.phrases[i]; }).join(" "); }
  function joined(list) { return list.join(", "); }

  document.title = document.title || data.title;
  root.appendChild(el("h1", null, data.title));
  var intro = el("p", "trm-intro");
  var agreed = data.links.filter(function (l) { return l.n > 1; }).length;
  intro.textContent = data.reports.length + " reports, " + data.links.length + " links (" + agreed +
    " stated by two reports or more), " + data.conflicts.length + " conflicts, " + data.changes.length +
    " flows compared between editions. A link is a leg of one commodity between two places; its " +
    "corroboration is the number of reports that state it, or a matching link (the same market, " +
    "each end the same place or inside the other).";
  root.appendChild(intro);
  var back = el("a", "trm-back", "← the map");
  back.href = data.map;
  root.appendChild(back);
  var reports = el("ul", "trm-reports");
  data.reports.forEach(function (r) {
    reports.appendChild(el("li", null, r.id + ": " + r.title + " (" + r.country + (r.edition ? ", " + r.edition : "") + ")"));
  });
  root.appendChild(reports);

  performance.mark("trm-links");
  table("links", "Links", data.links, [
    { title: "Commodity", key: function (l) { return l.commodity; }, cell: function (l) { return td(l.commodity); } },
    { title: "From", key: function (l) { return l.from; }, cell: function (l) { return td(l.from); } },
    { title: "To", key: function (l) { return l.to; }, cell: function (l) { return td(l.to); } },
    { title: "Reports", numeric: true, key: function (l) { return l.n; }, cell: function (l) { return td(l.n, "trm-num"); } },
    { title: "Countries", numeric: true, key: function (l) { return l.countries; }, cell: function (l) { return td(l.countries, "trm-num"); } },
    { title: "Stated by", key: function (l) { return joined(l.reports); }, cell: function (l) {
      var cell = td(joined(l.reports));
      if (l.inferred.length) cell.appendChild(el("div", "trm-note", "inferred by " + joined(l.inferred)));
      if (l.drawnAs.length) cell.appendChild(el("div", "trm-note", "drawn as a finer link: " + joined(l.drawnAs)));
      return cell;
    } },
    { title: "Conflicts", key: function (l) { return joined(l.conflicts); }, cell: function (l) { return td(joined(l.conflicts), l.conflicts.length ? "trm-conflict" : null); } },
    { title: "Evidence", text: function (l) { return phrases(l.evidence); }, cell: function (l) { return evidenceCell(l.evidence); } },
    { title: "", cell: function (l) { var c = el("td"); c.appendChild(mapLink(l.id)); return c; } }
  ], [3, true]);

  performance.mark("trm-conflicts");
  table("conflicts", "Conflicts", data.conflicts, [
    { title: "Kind", key: function (c) { return c.kind; }, cell: function (c) { return td(c.kind, "trm-conflict"); } },
    { title: "Commodity", key: function (c) { return c.commodity; }, cell: function (c) { return td(c.commodity); } },
    { title: "Claim of", key: function (c) { return c.report; }, cell: function (c) { return td(c.report + (c.country ? " (" + c.country + ")" : "")); } },
    { title: "Other side", key: function (c) { return joined(c.other); }, cell: function (c) { return td(joined(c.other)); } },
    { title: "What", key: function (c) { return c.description; }, cell: function (c) { return td(c.description); } },
    { title: "Evidence of the claim", text: function (c) { return phrases(c.evidence); }, cell: function (c) { return evidenceCell(c.evidence); } },
    { title: "Evidence of the other side", text: function (c) { return phrases(c.otherEvidence); }, cell: function (c) { return evidenceCell(c.otherEvidence, c.otherEvidence.length ? null : ""); } },
    { title: "", cell: function (c) { var cell = el("td"); cell.appendChild(mapLink(c.link)); return cell; } }
  ], [0, false]);

  performance.mark("trm-changes");
  table("changes", "Changes between editions", data.changes, [
    { title: "Reporting country", key: function (c) { return c.country; }, cell: function (c) { return td(c.country); } },
    { title: "Commodity", key: function (c) { return c.commodity; }, cell: function (c) { return td(c.commodity); } },
    { title: "Editions", key: function (c) { return c.before + " " + c.after; }, cell: function (c) { return td(c.before + " → " + c.after); } },
    { title: "Change", key: function (c) { return c.change; }, cell: function (c) { return td(c.change, "trm-change-" + c.change); } },
    { title: "Origin", key: function (c) { return c.origin; }, cell: function (c) { return td(c.origin); } },
    { title: "Destination", key: function (c) { return c.destination; }, cell: function (c) { return td(c.destination); } },
    { title: "Before", key: function (c) { return c.pathBefore; }, cell: function (c) { return td(c.pathBefore); } },
    { title: "After", key: function (c) { return c.pathAfter; }, cell: function (c) { return td(c.pathAfter); } },
    { title: "Evidence", text: function (c) { return phrases(c.evidenceBefore.concat(c.evidenceAfter)); }, cell: function (c) { return evidenceCell(c.evidenceBefore.concat(c.evidenceAfter)); } }
  ], [0, false]);

  performance.mark("trm-agreement-ready");
  document.documentElement.setAttribute("data-trm-ready", "1");
})();
