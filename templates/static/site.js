// ll2-static: local times, countdowns and the search box. No dependencies, no innerHTML:
// every string from the data is set with textContent.
(function () {
  "use strict";
  var base = document.documentElement.getAttribute("data-base") || "";
  var STALE_MS = 2 * 24 * 3600 * 1000;  // older data gets a banner: countdowns would mislead

  // A banner at the top of the page when the snapshot is more than 2 days old.
  function staleBanner() {
    var asOf = Date.parse(document.documentElement.getAttribute("data-as-of") || "");
    var main = document.querySelector("main");
    if (isNaN(asOf) || !main || Date.now() - asOf <= STALE_MS) { return; }
    var days = Math.floor((Date.now() - asOf) / (24 * 3600 * 1000));
    var p = document.createElement("p");
    p.className = "stale";
    p.setAttribute("role", "status");
    p.textContent = "This data is a snapshot of " + new Date(asOf).toISOString().slice(0, 10) +
      ", " + days + " days old: LL2 may have changed since, and \"next\" and \"upcoming\" mean after that date, so " +
      "events listed as next may be long past (their countdowns show T+).";
    main.insertBefore(p, main.firstChild);
  }
  var indexPromise = null;

  function loadIndex() {
    if (!indexPromise) {
      indexPromise = fetch(base + "/search/index.json").then(function (r) {
        if (!r.ok) { throw new Error("search index: HTTP " + r.status); }
        return r.json();
      });
    }
    return indexPromise;
  }

  // As LL2's search: every whitespace- or comma-separated term must occur in the name.
  function search(index, text) {
    var terms = text.toLowerCase().split(/[\s,]+/).filter(Boolean);
    if (!terms.length) { return []; }
    return index.events.filter(function (row) {
      var name = String(row[1]).toLowerCase();
      return terms.every(function (t) { return name.indexOf(t) !== -1; });
    });
  }

  function resultItem(row) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = base + "/" + row[3];
    a.textContent = row[1];
    var note = document.createElement("span");
    note.className = "note";
    note.textContent = " " + row[2] + " · " + row[4];
    li.appendChild(a);
    li.appendChild(note);
    return li;
  }

  function show(list, rows, limit) {
    list.replaceChildren.apply(list, rows.slice(0, limit).map(resultItem));
  }

  function wireBox(form) {
    var input = form.querySelector("input[name=q]");
    var list = form.querySelector(".search-results");
    var run = function () {
      var text = input.value;
      if (!text.trim()) { list.hidden = true; return; }
      loadIndex().then(function (index) {
        var rows = search(index, text);
        show(list, rows, 8);
        list.hidden = rows.length === 0;
      }).catch(function () { list.hidden = true; });
    };
    input.addEventListener("focus", loadIndex, { once: true });
    input.addEventListener("input", run);
  }

  function wireSearchPage() {
    var form = document.getElementById("search-page");
    if (!form) { return; }
    var input = document.getElementById("search-query");
    var list = document.getElementById("search-list");
    var status = document.getElementById("search-status");
    var run = function () {
      var text = input.value;
      if (!text.trim()) { list.replaceChildren(); return; }
      loadIndex().then(function (index) {
        var rows = search(index, text);
        show(list, rows, 500);
        status.textContent = rows.length + (rows.length === 1 ? " event" : " events") + " match \u201c" + text.trim() + "\u201d.";
      }).catch(function (err) { status.textContent = "The search index could not be loaded (" + err.message + ")."; });
    };
    input.value = new URLSearchParams(window.location.search).get("q") || "";
    input.addEventListener("input", run);
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    run();
  }

  // The zone is named after conversion ("Dec 8, 2025, 10:45 PM GMT+1"): a bare local time
  // could be read as UTC, which the page shows before the script runs.
  var LOCAL = { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" };

  function localTimes() {
    var nodes = document.querySelectorAll("time[data-local]");
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when)) { continue; }
      el.title = el.textContent;
      el.textContent = when.toLocaleString(undefined, LOCAL);
    }
  }

  function countdowns() {
    var nodes = document.querySelectorAll("[data-countdown]");
    if (!nodes.length) { return; }
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var tick = function () {
      var now = Date.now();
      for (var i = 0; i < nodes.length; i++) {
        var target = Date.parse(nodes[i].getAttribute("data-countdown"));
        if (isNaN(target)) { continue; }
        var left = Math.round((target - now) / 1000);
        var sign = left >= 0 ? "T-" : "T+";
        left = Math.abs(left);
        var days = Math.floor(left / 86400);
        var rest = left % 86400;
        nodes[i].textContent = sign + (days ? days + "d " : "") + pad(Math.floor(rest / 3600)) + ":" +
          pad(Math.floor(rest % 3600 / 60)) + ":" + pad(rest % 60);
      }
    };
    tick();
    window.setInterval(tick, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form.search");
    for (var i = 0; i < forms.length; i++) { wireBox(forms[i]); }
    wireSearchPage();
    staleBanner();
    localTimes();
    countdowns();
  });
})();
