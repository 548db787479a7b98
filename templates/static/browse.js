// ll2-static: the browsable view of any API URL (like LL2's ?format=api), rendered in the page.
// The page is a shell (404.html, and index.html at each list endpoint): it reads its own URL,
// maps it to the mirror's file with the shared engine (dist/ll2-static.js: the same mapping
// and semantics as the Python build), loads that JSON, or, for a list with no file, computes
// the answer from dist/compact/ and says so. No innerHTML: data is set with textContent.
(function () {
  "use strict";
  var L = window.LL2Static;
  var root = document.getElementById("browse");
  if (!root || !L) { return; }
  var base = document.documentElement.getAttribute("data-base") || "";
  var human = JSON.parse(root.getAttribute("data-pages") || "{}");
  var STATUS = { 200: "HTTP 200 OK", 400: "HTTP 400 Bad Request", 404: "HTTP 404 Not Found" };
  var LL2_HOSTS = { "ll.thespacedevs.com": 1, "lldev.thespacedevs.com": 1 };
  var client = new L.Client({ base: location.origin + base, links: human.base_url });

  function part(selector) { return root.querySelector(selector); }
  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function link(text, href) { return href ? el("a", text, { href: href }) : el("span", text, { "class": "off" }); }
  function browseHref(query) { return L.queryUrl(query, base, [["format", "api"]]); }
  function fill(node, children, separator) {
    node.replaceChildren();
    children.forEach(function (child, i) {
      if (i && separator) { node.appendChild(document.createTextNode(separator)); }
      node.appendChild(child);
    });
  }

  // -- links inside the JSON --------------------------------------------------------------
  function ownPath(url) { // the mirror's own file URL -> its path under the site, or null
    var prefixes = [human.base_url, location.origin + base, base].filter(function (p) { return p !== undefined && p !== null; });
    for (var i = 0; i < prefixes.length; i++) {
      var p = prefixes[i].replace(/\/+$/, "");
      if (url.indexOf(p + "/") === 0 && /\/index\.json$/.test(url)) { return url.slice(p.length); }
    }
    return null;
  }
  function jsonHref(url) {
    var own = ownPath(url);
    try {
      if (own !== null) { return browseHref(L.parseRequest(own, "")); }
      var parsed = new URL(url);
      if (LL2_HOSTS[parsed.hostname]) {
        var query = L.parseRequest(url);
        if (query.eventId !== null) { return browseHref(query); }
      }
      if (parsed.protocol === "http:" || parsed.protocol === "https:") { return { out: url }; }
    } catch (e) { /* not a URL the mirror serves */ }
    return null;
  }
  var URL_TOKEN = /"((?:https?:\/\/|\/)[^"\\\s]*)"/g;
  function prettyJson(node, value) {
    var text = JSON.stringify(value, null, "\t"), last = 0, match;
    node.replaceChildren();
    URL_TOKEN.lastIndex = 0;
    while ((match = URL_TOKEN.exec(text)) !== null) {
      if (match.index > 0 && text[match.index - 1] === "\\") { continue; }
      var href = jsonHref(match[1]);
      if (!href) { continue; }
      node.appendChild(document.createTextNode(text.slice(last, match.index + 1)));
      var a = el("a", match[1], { href: href.out || href });
      if (href.out) { a.rel = "nofollow noopener noreferrer"; }
      node.appendChild(a);
      node.appendChild(document.createTextNode("\""));
      last = match.index + match[0].length;
    }
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  // -- the parts of the page ----------------------------------------------------------------
  function crumbs(query) {
    var items = [el("a", "Home", { href: base + "/" })];
    items.push(el("a", "API " + query.version, { href: browseHref(L.normalise(query.version, "all", null, [])) }));
    if (query.subset !== "all") {
      items.push(el("a", query.subset, { href: browseHref(L.normalise(query.version, query.subset, null, [])) }));
    }
    if (query.eventId !== null) { items.push(el("span", String(query.eventId))); }
    fill(part(".crumbs"), items, " \u203a ");
  }
  function formats(query, found) {
    var items = [];
    if (found.source === "file") { items.push(el("a", "Raw JSON (index.json)", { href: base + "/" + found.path })); }
    else if (found.source === "computed") {
      items.push(el("a", "Compact data (compact/" + query.version + ".json)", { href: base + "/compact/" + query.version + ".json" }));
    }
    L.VERSIONS[query.version].modes.forEach(function (mode) {
      items.push(mode === L.modeOf(query) ? el("strong", "mode=" + mode) : el("a", "mode=" + mode, { href: browseHref(L.withParams(query, { mode: mode })) }));
    });
    fill(part(".formats"), items, " \u00b7 ");
  }
  function paging(query, body) {
    var nav = part("nav.paging");
    if (query.eventId !== null || !body || typeof body.count !== "number") { nav.hidden = true; return; }
    var limit = L.limitOf(query), offset = L.offsetOf(query), count = body.count;
    var pages = Math.max(1, Math.ceil(count / limit)), number = Math.floor(offset / limit) + 1;
    var at = function (off, usable) { return usable ? browseHref(L.withParams(query, { offset: off > 0 ? off : null })) : null; };
    var items = [
      link("\u00ab first", at(0, number > 1)),
      link("\u2039 previous", at(Math.max(offset - limit, 0), body.previous !== null)),
      link("next \u203a", at(offset + limit, body.next !== null)),
      link("last \u00bb", at((pages - 1) * limit, number < pages)),
      el("span", "page " + number + " of " + pages + " (" + (count === 1 ? "1 event" : count + " events") + ", " + limit + " per page)", { "class": "note" }),
    ];
    fill(nav, items, " ");
    nav.hidden = false;
  }
  /* The human page an answer corresponds to: the event's page, or the page of the one type,
   * agency, program or year a list filters by. */
  function humanPage(query) {
    var node = part(".human");
    var show = function (label, href) { fill(node, [document.createTextNode(label + ": "), el("a", href.text, { href: href.href })]); node.hidden = false; };
    if (query.eventId !== null) {
      fetch(base + "/search/index.json").then(function (r) { return r.ok ? r.json() : null; }).then(function (index) {
        var row = index && index.events.filter(function (e) { return String(e[0]) === String(query.eventId); })[0];
        if (row) { show("Event page", { text: row[1], href: base + "/" + row[3] }); }
      }).catch(function () { /* no search index: no link */ });
      return;
    }
    var filters = query.params.filter(function (p) { return ["limit", "offset", "mode", "ordering"].indexOf(p[0]) < 0; });
    var families = L.SITE_LISTS; // filter -> [site folder, name] (from generator/api/surface.py)
    if (filters.length !== 1 || !families[filters[0][0]] || !/^[0-9]+$/.test(filters[0][1])) { return; }
    var family = families[filters[0][0]], value = Number(filters[0][1]);
    if ((human[family[0]] || []).indexOf(value) >= 0) {
      show(family[1] + " page", { text: family[0] + "/" + value + "/", href: base + "/" + family[0] + "/" + value + "/" });
    }
  }

  function render(query, target, found) {
    var what = query === null ? "bad request" : query.eventId !== null ? query.version + " event " + query.eventId : query.version + " " + query.subset + " events";
    var title = query === null ? "Bad request" : (query.eventId !== null ? "Event Instance: " : "Event List: ") + what;
    document.title = title + " \u00b7 LL2 events mirror";
    part("h1").textContent = title;
    if (query !== null) {
      crumbs(query);
      formats(query, found);
      paging(query, found.status === 200 ? found.body : null);
      humanPage(query);
      [].forEach.call(root.querySelectorAll("details.endpoint"), function (d) { d.hidden = d.getAttribute("data-version") !== query.version; });
    }
    var note = part(".computed");
    if (found.note) { note.textContent = found.note; note.hidden = false; }
    part("pre.request b").textContent = "GET " + target;
    var headers = [STATUS[found.status], "Allow: GET", "Content-Type: application/json", "Vary: Accept"];
    part("pre.headers").textContent = headers.join("\n") + "\n";
    prettyJson(part("pre.json"), found.body);
    root.setAttribute("data-source", found.source);
    root.hidden = false;
    var page = document.getElementById("static-page");
    if (page) { page.hidden = true; }
  }

  function start() {
    var url = location.pathname + location.search, query;
    try { query = L.parseRequest(url, base); } catch (e) {
      // A query LL2 refuses is its 400; any other path is not the API's: the page for people.
      if (e instanceof L.QueryError && /^LL2 answers 400/.test(e.message)) {
        render(null, url.slice(base.length), { status: 400, body: { detail: e.message }, source: "refused" });
      }
      return;
    }
    var target = L.queryUrl(query, "", [["format", "api"]]);
    client.lookup(url).then(function (found) {
      if (found.source === "computed") {
        found.note = "Computed in the browser: the mirror has no file for this query, so this page selected the events from compact/" +
          query.version + ".json with the mirror's engine (LL2's filters, ordering and paging).";
      } else if (found.source === "missing") {
        found.note = "No such event: the snapshot has no event " + query.eventId + (query.subset !== "all" ? " among the " + query.subset + " events" : "") + " (LL2 answers 404).";
      }
      render(query, target, found);
    }).catch(function (e) {
      render(query, target, { status: 404, body: L.NOT_FOUND, source: "error", note: "The answer could not be loaded: " + e.message });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
