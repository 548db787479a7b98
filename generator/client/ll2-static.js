/* ll2-static client: LL2 URLs -> the mirror's static files, with a client-side fallback.
 *
 * No dependencies; works in browsers (window.LL2Static) and Node (require). The canonical
 * mapping and the query semantics are those of the Python generator (generator/api/query.py,
 * generator/api/engine.py); tests/data/query_vectors.json keeps the two in step.
 *
 *   LL2Static.resolve("/2.3.0/events/?type__ids=8,2&mode=list", "https://host/base")
 *     -> "https://host/base/2.3.0/events/mode-list/type__ids-2.8/index.json"
 *   new LL2Static.Client({base}).get(url)   // the precomputed file, else the fallback answer
 *
 * The module touches no DOM (fetch, URL and TextEncoder only): the browsable pages
 * (templates/static/browse.js) and any other JS host run this same engine.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.LL2Static = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // -- generated from generator/api/surface.py by python -m generator.api.jstables: do not edit
  var DEFAULT_LIMIT = 10, MAX_LIMIT = 100;
  var SUBSETS = ["all", "upcoming", "previous"];
  var VERSIONS = {
    "2.2.0": { endpoint: "event", modes: [], listMode: null, detailMode: null, upcomingParams: [] },
    "2.3.0": { endpoint: "events", modes: ["list", "normal", "detailed"], listMode: "normal", detailMode: "detailed", upcomingParams: ["hide_recent_previous"] },
  };
  var ORDERING_FIELDS = ["date", "last_updated"];
  var DEFAULT_ORDERING = {"all": "date", "upcoming": "date", "previous": "-date"};
  var PRESENTATION = {"limit": 1, "offset": 1, "mode": 1, "ordering": 1};
  /* Each version's filters: name -> normaliser. */
  var FILTERS = {
    "2.2.0": {
      agency__ids: intList,
      last_updated: datetime_,
      last_updated__gte: datetime_,
      last_updated__lte: datetime_,
      program: intList,
      type: choice_,
      type__ids: intList,
    },
    "2.3.0": {
      agency__ids: intList,
      date__gt: datetime_,
      date__gte: datetime_,
      date__lt: datetime_,
      date__lte: datetime_,
      day: numberList,
      id: intList,
      last_updated__gte: datetime_,
      last_updated__lte: datetime_,
      month: numberList,
      program: intList,
      slug: slug_,
      type: choice_,
      type__ids: intList,
      video_url: strList,
      year: numberList,
    },
  };
  var ALIASES = {"date__gt__lt": "date__lt"};
  /* The compact data's columns; the stamped ones are times (ms). */
  var FACETS = ["id", "name", "slug", "date", "last_updated", "type", "agencies", "programs", "videos"];
  var STAMPED = {"date": 1, "last_updated": 1};
  /* The whole-number columns, read as BigInt: ids go up to 2^63-1, past a Number's 2^53. */
  var BIG = {"id": 1, "type": 1, "agencies": 1, "programs": 1};
  /* Filters whose single values have a page of the human site: [its folder, its name]. */
  var SITE_LISTS = {"type__ids": ["types", "Event type"], "agency__ids": ["agencies", "Agency"], "program": ["programs", "Program"], "year": ["years", "Year"]};
  /* Each filter's test: [test, the facet it reads, its kind of value]. */
  var TESTS = {
    type__ids: ["in", "type", "int_list"],
    agency__ids: ["overlaps", "agencies", "int_list"],
    program: ["overlaps", "programs", "int_list"],
    year: ["in", "year", "number_list"],
    month: ["in", "month", "number_list"],
    type: ["is", "type", "choice"],
    id: ["in", "id", "int_list"],
    day: ["in", "day", "number_list"],
    slug: ["is", "slug", "slug"],
    video_url: ["overlaps", "videos", "str_list"],
    last_updated: ["is", "last_updated", "datetime"],
    last_updated__gte: ["gte", "last_updated", "datetime"],
    last_updated__lte: ["lte", "last_updated", "datetime"],
    date__gt: ["gt", "date", "datetime"],
    date__gte: ["gte", "date", "datetime"],
    date__lt: ["lt", "date", "datetime"],
    date__lte: ["lte", "date", "datetime"],
  };
  // -- end of the generated tables
  var RECENT_MS = 24 * 3600 * 1000; // engine.RECENT: `upcoming` still lists the last day's events
  var ZONE_OFFSET_LIMIT_MS = 24 * 3600 * 1000; // Python refuses a UTC offset of a day or more
  var NOT_FOUND = { detail: "Not found." }; // LL2's body for an unknown event or path (status 404)

  function QueryError(message) { this.name = "QueryError"; this.message = message; }
  QueryError.prototype = Object.create(Error.prototype);

  function quoted(s) { return "'" + String(s).replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'"; }
  /* As query.shown: quoted, cut to 80 characters (a hostile URL can be megabytes). */
  function repr(s) { var c = Array.from(String(s)); return c.length <= 80 ? quoted(s) : quoted(c.slice(0, 77).join("")) + "..."; }
  function cmp(a, b) { // Python's str order: by code point
    var x = Array.from(a), y = Array.from(b);
    for (var i = 0; i < Math.min(x.length, y.length); i++) {
      var d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) return d;
    }
    return x.length - y.length;
  }
  function uniqSorted(items) {
    var seen = {}, out = [];
    items.forEach(function (s) { if (!Object.prototype.hasOwnProperty.call(seen, s)) { seen[s] = 1; out.push(s); } });
    return out.sort(cmp);
  }

  // -- values: raw string -> canonical string ("" drops it), QueryError for LL2's 400 --------
  var INT = /^[ \t\n\r\f\v]*([+-]?[0-9]+(?:_[0-9]+)*)[ \t\n\r\f\v]*$/;
  function parseInt_(raw) {
    var m = INT.exec(raw);
    if (m && m[1].replace(/[_+-]/g, "").length > 4300) return null; // Python's int_max_str_digits
    return m ? BigInt(m[1].replace(/_/g, "")) : null;
  }
  function limit_(raw) {
    var v = parseInt_(raw);
    if (v === null || v <= 0n) return "";
    if (v > BigInt(MAX_LIMIT)) v = BigInt(MAX_LIMIT);
    return v === BigInt(DEFAULT_LIMIT) ? "" : v.toString();
  }
  function offset_(raw) { var v = parseInt_(raw); return v !== null && v > 0n ? v.toString() : ""; }
  function intList(raw) {
    var values = [];
    raw.split(",").forEach(function (item) {
      if (item.trim()) {
        var v = parseInt_(item);
        if (v === null) throw new QueryError(repr(raw) + " is not a comma-separated list of whole numbers");
        values.push(v);
      }
    });
    values.sort(function (a, b) { return a < b ? -1 : a > b ? 1 : 0; });
    return values.filter(function (v, i) { return i === 0 || v !== values[i - 1]; }).join(",");
  }
  function int_(raw) {
    var v = parseInt_(raw);
    if (v === null) throw new QueryError(repr(raw) + " is not a whole number");
    return v.toString();
  }
  /* As query.parse_number: LL2's NumberFilter reads a decimal (13.0, 1.3e1), compared by its
     whole part (13.7 is 13); a magnitude past 2^63 selects nothing and is kept as 2^63. */
  var NUMBER = /^[ \t\n\r\f\v]*([+-]?)([0-9]+(?:_[0-9]+)*)?(?:\.([0-9]+(?:_[0-9]+)*)?)?(?:[eE]([+-]?[0-9]+(?:_[0-9]+)*))?[ \t\n\r\f\v]*$/;
  var NUMBER_BOUND = 2n ** 63n;
  function parseNumber(raw) {
    var m = NUMBER.exec(raw);
    if (!m || (m[2] === undefined && m[3] === undefined)) return null;
    var whole = (m[2] || "").replace(/_/g, ""), frac = (m[3] || "").replace(/_/g, "");
    var digits = (whole + frac).replace(/^0+/, "");
    if (!digits) return 0n;
    var exp = m[4] === undefined ? 0n : BigInt(m[4].replace(/_/g, ""));
    /* the place of the leading digit (Decimal.adjusted()) */
    var lead = whole.replace(/^0+/, "").length, zeros = frac.length - frac.replace(/^0+/, "").length;
    var adjusted = (lead ? BigInt(lead) - 1n : -BigInt(zeros) - 1n) + exp;
    var sign = m[1] === "-" ? -1n : 1n;
    if (adjusted >= 19n) return sign * NUMBER_BOUND;
    if (adjusted < 0n) return 0n;
    var v = BigInt(digits.slice(0, Number(adjusted) + 1).padEnd(Number(adjusted) + 1, "0")) * sign;
    return v > NUMBER_BOUND ? NUMBER_BOUND : v < -NUMBER_BOUND ? -NUMBER_BOUND : v;
  }
  function numberList(raw) {
    var values = [];
    raw.split(",").forEach(function (item) {
      if (item.trim()) {
        var v = parseNumber(item);
        if (v === null) throw new QueryError(repr(raw) + " is not a comma-separated list of numbers");
        values.push(v);
      }
    });
    values.sort(function (a, b) { return a < b ? -1 : a > b ? 1 : 0; });
    return values.filter(function (v, i) { return i === 0 || v !== values[i - 1]; }).join(",");
  }
  /* As query._choice: LL2's `type` is a ModelChoiceFilter on 32-bit ids. */
  var NO_CHOICE = "Select a valid choice. That choice is not one of the available choices.";
  function choice_(raw) {
    var v = int_(raw);
    if (BigInt(v) < -(2n ** 31n) || BigInt(v) >= 2n ** 31n) throw new QueryError(NO_CHOICE);
    return v;
  }
  function strList(raw) { return uniqSorted(raw.split(",").map(function (s) { return s.trim(); }).filter(Boolean)).join(","); }

  var DATETIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?)?(Z|z|[+ -][0-9]{2}(?::?[0-9]{2})?)?$/;
  function pad(n, w) { var s = String(n); while (s.length < w) s = "0" + s; return s; }
  /* {ms, micro} of the UTC time raw spells, or null. */
  function parseDatetime(raw) {
    var m = DATETIME.exec(raw.trim());
    if (!m) return null;
    var y = +m[1], mo = +m[2], d = +m[3], h = +(m[4] || 0), mi = +(m[5] || 0), s = +(m[6] || 0);
    var micro = +((m[7] || "0") + "000000").slice(0, 6);
    var days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days[mo - 1] || h > 23 || mi > 59 || s > 59) return null;
    var base = new Date(0); base.setUTCFullYear(y, mo - 1, d); base.setUTCHours(h, mi, s, 0);
    var ms = base.getTime();
    var zone = m[8];
    if (zone && zone !== "Z" && zone !== "z") {
      var digits = zone.slice(1).replace(":", "");
      var offset = (+digits.slice(0, 2) * 60 + +(digits.slice(2) || 0)) * 60000;
      if (offset >= ZONE_OFFSET_LIMIT_MS) return null;
      ms -= zone[0] === "-" ? -offset : offset;
      var year = new Date(ms).getUTCFullYear();
      if (year < 1 || year > 9999) return null; // outside Python's datetime once in UTC
    }
    return { ms: ms, micro: micro };
  }
  function formatDatetime(t) {
    var d = new Date(t.ms);
    var text = pad(d.getUTCFullYear(), 4) + "-" + pad(d.getUTCMonth() + 1, 2) + "-" + pad(d.getUTCDate(), 2) +
      "T" + pad(d.getUTCHours(), 2) + ":" + pad(d.getUTCMinutes(), 2) + ":" + pad(d.getUTCSeconds(), 2);
    if (t.micro) text += "." + pad(t.micro, 6).replace(/0+$/, "");
    return text + "Z";
  }
  function datetime_(raw) {
    var t = parseDatetime(raw);
    if (t === null) throw new QueryError(repr(raw) + " is not a date and time (ISO 8601)");
    return formatDatetime(t);
  }
  function search_(raw) { return uniqSorted(raw.replace(/,/g, " ").toLowerCase().split(/\s+/).filter(Boolean)).join(" "); }
  function bool_(raw) {
    var v = raw.trim().toLowerCase();
    if (["true", "1", "yes", "on"].indexOf(v) >= 0) return "true";
    if (["false", "0", "no", "off", ""].indexOf(v) >= 0) return "";
    throw new QueryError(repr(raw) + " is not true or false");
  }
  function slug_(raw) { return raw.trim(); }
  function ordering_(raw) {
    var terms = [], seen = {};
    raw.split(",").forEach(function (term) {
      term = term.trim();
      var field = term.charAt(0) === "-" ? term.slice(1) : term;
      if (ORDERING_FIELDS.indexOf(field) >= 0 && !seen[field]) { terms.push(term); seen[field] = 1; }
    });
    return terms.join(",");
  }

  /* A canonical query: {version, subset, eventId, params: [[name, value]...], format}. */
  function normalise(version, subset, eventId, pairs, fmt) {
    var spec = VERSIONS[version], filters = FILTERS[version];
    var merged = new Map();
    pairs.forEach(function (pair) {
      var name = ALIASES[pair[0]] || pair[0], value = pair[1];
      if (name === "format") { if (value === "json" || value === "api") fmt = value; }
      else if (name === "program" && merged.has(name)) merged.set(name, merged.get(name) + "," + value);
      else merged.set(name, value);
    });
    var params = {};
    merged.forEach(function (raw, name) {
      var value;
      if (name === "limit" && eventId === null) value = limit_(raw);
      else if (name === "offset" && eventId === null) value = offset_(raw);
      else if (name === "mode" && spec.modes.length) {
        var dflt = eventId !== null ? spec.detailMode : spec.listMode;
        value = spec.modes.indexOf(raw) >= 0 && raw !== dflt ? raw : "";
      } else if (eventId !== null) return;
      else if (name === "ordering") { value = ordering_(raw); if (value === DEFAULT_ORDERING[subset]) value = ""; }
      else if (name === "search") value = search_(raw);
      else if (Object.prototype.hasOwnProperty.call(filters, name) ||
               (subset === "upcoming" && spec.upcomingParams.indexOf(name) >= 0)) {
        try { value = Object.prototype.hasOwnProperty.call(filters, name) ? filters[name](raw) : bool_(raw); } catch (e) {
          if (e instanceof QueryError) throw new QueryError("LL2 answers 400 Bad Request: " + name + ": " + e.message);
          throw e;
        }
      } else return;
      if (value) params[name] = value;
    });
    if (params.type !== undefined && (params.type__ids === undefined || params.type__ids.split(",").indexOf(params.type) >= 0)) {
      params.type__ids = params.type;
      delete params.type;
    }
    var sorted = Object.keys(params).sort(cmp).map(function (k) { return [k, params[k]]; });
    return { version: version, subset: subset, eventId: eventId, params: sorted, format: fmt };
  }

  function get(query, name) {
    for (var i = 0; i < query.params.length; i++) if (query.params[i][0] === name) return query.params[i][1];
    return null;
  }
  function withParams(query, changes) {
    var pairs = query.params.filter(function (p) { return !(p[0] in changes); });
    Object.keys(changes).forEach(function (k) { if (changes[k] !== null) pairs.push([k, String(changes[k])]); });
    return normalise(query.version, query.subset, query.eventId, pairs, query.format);
  }

  // -- paths ----------------------------------------------------------------------------------
  var SAFE = /^[a-z0-9_-]$/;
  function encodeValue(value) {
    var out = "";
    Array.from(value).forEach(function (ch) {
      if (SAFE.test(ch)) out += ch;
      else if (ch === ",") out += ".";
      else new TextEncoder().encode(ch).forEach(function (b) { out += "~" + pad(b.toString(16).toUpperCase(), 2); });
    });
    return out;
  }
  function decodeValue(text) {
    var bytes = [];
    for (var i = 0; i < text.length;) {
      var ch = text[i];
      if (ch === "~") {
        var hex = text.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new QueryError("bad escape in path segment " + repr(text));
        bytes.push(parseInt(hex, 16)); i += 3; continue;
      }
      new TextEncoder().encode(ch === "." ? "," : ch).forEach(function (b) { bytes.push(b); });
      i += 1;
    }
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  }
  /* The folder of a query's file. An event asked for under a subset (upcoming/{id}/) is the
   * event's own file: whether it is in that subset is for the server (or Client) to check. */
  function queryDir(query) {
    var parts = [query.version, VERSIONS[query.version].endpoint];
    if (query.subset !== "all" && query.eventId === null) parts.push(query.subset);
    if (query.eventId !== null) parts.push(String(query.eventId));
    query.params.forEach(function (p) { parts.push(p[0] + "-" + encodeValue(p[1])); });
    return parts.join("/");
  }
  function queryPath(query) { return queryDir(query) + "/" + (query.format === "api" ? "index.html" : "index.json"); }

  /* The LL2-style URL of a query: its endpoint's path and its parameters as a query string
   * (`extra` pairs appended, e.g. [["format", "api"]]), under `basePath`. */
  function queryUrl(query, basePath, extra) {
    var parts = [query.version, VERSIONS[query.version].endpoint];
    if (query.subset !== "all") parts.push(query.subset);
    if (query.eventId !== null) parts.push(String(query.eventId));
    var pairs = query.params.concat(extra || []).map(function (p) {
      return p[0] + "=" + encodeURIComponent(p[1]).replace(/%2C/g, ",").replace(/%3A/g, ":");
    });
    return (basePath || "").replace(/\/+$/, "") + "/" + parts.join("/") + "/" + (pairs.length ? "?" + pairs.join("&") : "");
  }

  function unquote(text) {
    try { return decodeURIComponent(text); } catch (e) { return text; }
  }
  /* The canonical query of an LL2 URL or a mirror path (host and basePath ignored). */
  function parseRequest(url, basePath) {
    // As Python's urlsplit: drop scheme and host, split off the query and the fragment.
    var rest0 = url.split("#")[0].replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\/?]*/, "");
    var q = rest0.indexOf("?");
    var path = unquote(q < 0 ? rest0 : rest0.slice(0, q));
    var search = new URLSearchParams(q < 0 ? "" : rest0.slice(q + 1));
    var base = (basePath || "").replace(/\/+$/, "");
    if (base && (path === base || path.indexOf(base + "/") === 0)) path = path.slice(base.length);
    var segments = path.split("/").filter(Boolean);
    var fmt = "json";
    var last = segments[segments.length - 1];
    if (last === "index.json" || last === "index.html") fmt = segments.pop() === "index.html" ? "api" : "json";
    if (segments.length < 2) throw new QueryError(repr(url) + " is not an events path such as /2.3.0/events/");
    var version = segments[0], endpoint = segments[1], rest = segments.slice(2);
    if (!VERSIONS[version]) throw new QueryError("unknown API version " + repr(version) + " in " + repr(url) + " (the mirror has " + Object.keys(VERSIONS).join(", ") + ")");
    var spec = VERSIONS[version];
    if (endpoint !== spec.endpoint) throw new QueryError(version + " serves events at /" + version + "/" + spec.endpoint + "/, not /" + endpoint + "/");
    var subset = "all";
    if (rest.length && (rest[0] === "upcoming" || rest[0] === "previous")) subset = rest.shift();
    var eventId = null;
    if (rest.length && /^[0-9]+$/.test(rest[0])) eventId = BigInt(rest.shift());
    var pairs = [];
    rest.forEach(function (segment) {
      var i = segment.indexOf("-");
      if (i < 0) throw new QueryError(repr(url) + ": " + repr(segment) + " is not a mirror path segment (name-value)");
      pairs.push([segment.slice(0, i), decodeValue(segment.slice(i + 1))]);
    });
    // A mirror path names a file: only its canonical segments do (`limit-10`, `foo-bar`,
    // `-538` name none, as LL2 has no such path: its 404).
    var canonical = null;
    try {
      canonical = normalise(version, subset, eventId, pairs, fmt).params.map(function (p) { return p[0] + "-" + encodeValue(p[1]); });
    } catch (e) { if (!(e instanceof QueryError)) throw e; }
    if (canonical === null || canonical.join("/") !== rest.join("/")) throw new QueryError(repr(url) + " is not a path of the mirror");
    search.forEach(function (value, name) { pairs.push([name, value]); });
    return normalise(version, subset, eventId, pairs, fmt);
  }
  function resolve(url, base) {
    return (base || "").replace(/\/+$/, "") + "/" + queryPath(parseRequest(url, base ? new URL(base, "http://host.invalid").pathname : ""));
  }

  // -- the engine -----------------------------------------------------------------------------
  var PARTS = { year: ["getUTCFullYear", 0], month: ["getUTCMonth", 1], day: ["getUTCDate", 0] };
  function ints(value) { return value.split(",").map(Number); }
  function bigs(value) { return value.split(",").map(function (v) { return BigInt(v); }); }
  function big(x) { return typeof x === "bigint" ? x : BigInt(x); }
  /* JSON.parse, but integers of 16 digits or more (past 2^53, where a Number rounds) come as
   * their decimal text, for BigInt: ids go up to 2^63-1. `quoted` counts those it turned into text. */
  function parseJSON(text) {
    var out = [], from = 0, i = 0, n = text.length;
    while (i < n) {
      var c = text.charCodeAt(i);
      if (c === 34) { // a string: skip it whole
        for (i++; i < n && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
        i++;
      } else if (c === 45 || (c >= 48 && c <= 57)) {
        var j = i;
        while (j < n && /[-+0-9.eE]/.test(text[j])) j++;
        if (/^-?[0-9]{16,}$/.test(text.slice(i, j))) { out.push(text.slice(from, i), '"', text.slice(i, j), '"'); from = j; parseJSON.quoted++; }
        i = j;
      } else i++;
    }
    out.push(text.slice(from));
    return JSON.parse(out.join(""));
  }
  parseJSON.quoted = 0;
  function anyOf(wanted, have) { return have.some(function (x) { return wanted.indexOf(x) >= 0; }); }
  function stamp(text) { if (text === null) return null; var t = parseDatetime(text); return t.ms + Math.floor(t.micro / 1000); }

  /* Event facets from a compact row: [id, name, slug, date, last_updated, type, agencies, programs, videos]. */
  function facets(row) {
    var f = {};
    FACETS.forEach(function (name, i) {
      var v = row[i];
      f[name] = STAMPED[name] ? stamp(v) : !BIG[name] || v === null ? v : Array.isArray(v) ? v.map(big) : big(v);
    });
    return f;
  }
  /* A facet's value as TESTS name it: the date's UTC parts are computed (null without a date). */
  function reader(facet) {
    var part = PARTS[facet];
    if (!part) return function (f) { return f[facet]; };
    return function (f) { return f.date === null ? null : new Date(f.date)[part[0]]() + part[1]; };
  }
  /* A filter's value as its test compares it: ids as BigInt (BIG facets), date parts as numbers. */
  function wanted(kind, value, facet) {
    if (kind === "int" || kind === "choice") return BIG[facet] ? BigInt(value) : Number(value);
    if (kind === "int_list" || kind === "number_list") return BIG[facet] ? bigs(value) : ints(value);
    if (kind === "str_list") return value.split(",");
    if (kind === "datetime") return stamp(value);
    return value;
  }

  /* One filter as a test on an event's facets: its row of TESTS (as engine.predicate). */
  function predicate(name, value) {
    if (name === "search") {
      var terms = value.split(" ");
      return function (f) { var n = f.name.toLowerCase(); return terms.every(function (term) { return n.indexOf(term) >= 0; }); };
    }
    if (name === "hide_recent_previous") return function () { return true; };
    if (!Object.prototype.hasOwnProperty.call(TESTS, name)) throw new Error("no filter named " + name);
    var test = TESTS[name][0], read = reader(TESTS[name][1]), w = wanted(TESTS[name][2], value, TESTS[name][1]);
    if (test === "is") return function (f) { return read(f) === w; };
    if (test === "in") return function (f) { return w.indexOf(read(f)) >= 0; };
    if (test === "overlaps") return function (f) { return anyOf(w, read(f)); };
    return function (f) {
      var x = read(f);
      if (x === null) return false;
      return test === "gt" ? x > w : test === "gte" ? x >= w : test === "lt" ? x < w : x <= w;
    };
  }

  function ordering(query) { return get(query, "ordering") || DEFAULT_ORDERING[query.subset]; }

  /* Ids of every event matching a canonical list query, in its order (as engine.select). */
  function select(events, query, nowMs) {
    var tests = [];
    if (query.subset === "upcoming") {
      var start = get(query, "hide_recent_previous") === "true" ? nowMs : nowMs - RECENT_MS;
      tests.push(function (f) { return f.date !== null && f.date >= start; });
    } else if (query.subset === "previous") {
      tests.push(function (f) { return f.date !== null && f.date < nowMs; });
    }
    query.params.forEach(function (p) { if (!PRESENTATION[p[0]]) tests.push(predicate(p[0], p[1])); });
    var terms = ordering(query).split(",");
    return events.filter(function (f) { return tests.every(function (t) { return t(f); }); })
      .sort(function (a, b) {
        for (var i = 0; i < terms.length; i++) {
          var desc = terms[i].charAt(0) === "-", attr = desc ? terms[i].slice(1) : terms[i];
          var x = a[attr], y = b[attr];
          if (x === y) continue;
          if (x === null) return desc ? -1 : 1; // PostgreSQL: nulls last ascending, first descending
          if (y === null) return desc ? 1 : -1;
          return desc ? y - x : x - y;
        }
        return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      })
      .map(function (f) { return f.id; });
  }

  function limitOf(query) { return Number(get(query, "limit") || DEFAULT_LIMIT); }
  function offsetOf(query) { return Number(get(query, "offset") || 0); }
  function modeOf(query) {
    var spec = VERSIONS[query.version];
    return get(query, "mode") || (query.eventId !== null ? spec.detailMode : spec.listMode);
  }

  // -- the client -----------------------------------------------------------------------------
  function Client(options) {
    options = options || {};
    this.base = (options.base || "").replace(/\/+$/, "");
    // Where next/previous of a computed answer point (the build's --base-url, as in the files).
    this.links = options.links !== undefined && options.links !== null ? String(options.links).replace(/\/+$/, "") : this.base;
    this.fetch = options.fetch || (typeof fetch !== "undefined" ? fetch.bind(null) : null);
    this._compact = {};
  }
  Client.prototype.url = function (path) { return this.base + "/" + path; };
  Client.prototype._json = function (path) {
    return this.fetch(this.url(path)).then(function (r) {
      if (!r.ok) { var e = new Error("HTTP " + r.status + " for " + path); e.status = r.status; throw e; }
      return r.json();
    });
  };
  /* The compact data of a version: {now, events: [facets], records: [list-mode records]}. */
  Client.prototype.compact = function (version) {
    if (!this._compact[version]) {
      var path = "compact/" + version + ".json";
      this._compact[version] = this.fetch(this.url(path)).then(function (r) {
        if (!r.ok) { var e = new Error("HTTP " + r.status + " for " + path); e.status = r.status; throw e; }
        return r.text();
      }).then(function (text) {
        var before = parseJSON.quoted, data = parseJSON(text);
        // The records as JSON reads them (no id turned into text), in the events' order.
        var records = parseJSON.quoted === before ? data.records : JSON.parse(text).records;
        var events = data.events.map(facets);
        return { now: stamp(data.now), listMode: data.list_mode, events: events, records: records,
          byId: new Map(records.map(function (r, i) { return [events[i].id, r]; })) };
      });
    }
    return this._compact[version];
  };
  Client.prototype.basePath = function () { return this.base ? new URL(this.base, "http://host.invalid").pathname : ""; };
  /* Answer an LL2 URL: the precomputed file when there is one, else computed here. An event
   * the snapshot lacks rejects with status 404 and LL2's body (`e.body`). */
  Client.prototype.get = function (url) {
    return this.lookup(url).then(function (found) {
      if (found.status === 200) return found.body;
      var e = new Error("HTTP " + found.status + " for " + url); e.status = found.status; e.body = found.body; throw e;
    });
  };
  /* What LL2 would answer to a URL, and where the answer came from:
   * {query, path, status, body, source: "file" | "computed" | "missing"}. A list without a
   * file is computed from the compact data; an event without a file is LL2's 404 (every
   * event of the snapshot has its file); upcoming/{id}/ and previous/{id}/ are 404 unless
   * the event is in that subset. A query LL2 refuses (400) rejects with QueryError. */
  Client.prototype.lookup = function (url) {
    var self = this, query = parseRequest(url, this.basePath());
    query.format = "json"; // ?format=api asks for the browsable view of this same JSON
    var path = queryPath(query);
    var missing = function () { return { query: query, path: path, status: 404, body: NOT_FOUND, source: "missing" }; };
    var inSubset = query.eventId === null || query.subset === "all" ? Promise.resolve(true)
      : this.compact(query.version).then(function (data) {
        var event = data.events.filter(function (f) { return f.id === query.eventId; });
        return select(event, { subset: query.subset, params: [] }, data.now).length > 0;
      });
    return inSubset.then(function (ok) {
      if (!ok) return missing();
      return self._json(path).then(function (body) {
        return { query: query, path: path, status: 200, body: body, source: "file" };
      }, function (e) {
        if (e.status !== 404) throw e;
        if (query.eventId !== null) return missing();
        return self.answer(query).then(function (body) {
          return { query: query, path: path, status: 200, body: body, source: "computed" };
        });
      });
    });
  };
  /* The fallback: LL2's envelope for a list query, from the compact data. */
  Client.prototype.answer = function (query) {
    var self = this;
    return this.compact(query.version).then(function (data) {
      var ids = select(data.events, query, data.now), offset = offsetOf(query), limit = limitOf(query);
      var pageIds = ids.slice(offset, offset + limit), mode = modeOf(query);
      var records = mode && mode === data.listMode
        ? Promise.resolve(pageIds.map(function (i) { return data.byId.get(i); }))
        : Promise.all(pageIds.map(function (i) {
          return self._json(queryPath(normalise(query.version, "all", i, mode ? [["mode", mode]] : [], "json")));
        }));
      return records.then(function (results) {
        var link = function (q) { return self.links + "/" + queryPath(q); };
        var next = offset + limit < ids.length ? link(withParams(query, { offset: offset + limit })) : null;
        var previous = offset > 0 ? link(withParams(query, { offset: Math.max(offset - limit, 0) })) : null;
        return { count: ids.length, next: next, previous: previous, results: results };
      });
    });
  };

  // -- for HTTP hosts (the edge worker, generator/client/worker.js) ---------------------------
  /* LL2's links to the pages around a page of `count` events, as DRF writes them: the
   * request's parameters in name order, `limit` always given, `offset` left out at 0, under
   * `origin`. {next, previous}, each a URL or null. Offsets are BigInt: any offset LL2 reads. */
  function pageLinks(query, count, origin) {
    var offset = BigInt(get(query, "offset") || "0"), limit = BigInt(limitOf(query));
    function at(o) {
      var pairs = query.params.filter(function (p) { return p[0] !== "limit" && p[0] !== "offset"; });
      pairs.push(["limit", limit.toString()]);
      if (o > 0n) pairs.push(["offset", o.toString()]);
      pairs.sort(function (a, b) { return cmp(a[0], b[0]); });
      return queryUrl({ version: query.version, subset: query.subset, eventId: query.eventId, params: pairs }, origin);
    }
    return {
      next: offset + limit < BigInt(count) ? at(offset + limit) : null,
      previous: offset > 0n ? at(offset - limit > 0n ? offset - limit : 0n) : null,
    };
  }
  /* Python's quote_plus: all but letters, digits and _.-~ escaped, a space as "+". */
  function quotePlus(text) {
    return encodeURIComponent(text).replace(/[!'()*]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase();
    }).replace(/%20/g, "+");
  }
  /* LL2's links, as DRF's LimitOffsetPagination writes them: the request's own URL (`path`,
   * its query string `search` with every parameter as sent, unknown ones too) with `limit`
   * set to the limit read and `offset` to the page's (left out at 0), the parameters sorted by
   * name (replace_query_param: parse_qs, sorted, urlencode). {next, previous}. */
  function requestLinks(query, count, origin, path, search) {
    var offset = BigInt(get(query, "offset") || "0"), limit = BigInt(limitOf(query));
    var params = new Map();
    new URLSearchParams(search).forEach(function (value, name) {
      if (!params.has(name)) params.set(name, []);
      params.get(name).push(value);
    });
    function at(o) {
      var m = new Map(params);
      m.set("limit", [limit.toString()]);
      if (o > 0n) m.set("offset", [o.toString()]); else m.delete("offset");
      var pairs = [];
      Array.from(m.keys()).sort(cmp).forEach(function (name) {
        m.get(name).forEach(function (value) { pairs.push(quotePlus(name) + "=" + quotePlus(value)); });
      });
      return origin + path + "?" + pairs.join("&");
    }
    return {
      next: offset + limit < BigInt(count) ? at(offset + limit) : null,
      previous: offset > 0n ? at(offset - limit) : null,
    };
  }
  /* The parameter and the reason of a QueryError that is LL2's 400 (a bad filter value), as
   * {field, message}; null for any other error (a path LL2 does not have: its 404). */
  function badRequest(error) {
    var m = error instanceof QueryError ? /^LL2 answers 400 Bad Request: ([^:]+): ([\s\S]*)$/.exec(error.message) : null;
    return m ? { field: m[1], message: m[2] } : null;
  }
  /* The browsable shell that renders a query (api.html at its list endpoint). */
  function shellPath(query) {
    var parts = [query.version, VERSIONS[query.version].endpoint];
    if (query.subset !== "all" && query.eventId === null) parts.push(query.subset);
    return parts.join("/") + "/index.html";
  }

  return {
    QueryError: QueryError, parseRequest: parseRequest, normalise: normalise, queryPath: queryPath,
    queryUrl: queryUrl, withParams: withParams, limitOf: limitOf, offsetOf: offsetOf, modeOf: modeOf,
    VERSIONS: VERSIONS, SUBSETS: SUBSETS, NOT_FOUND: NOT_FOUND, SITE_LISTS: SITE_LISTS,
    encodeValue: encodeValue, decodeValue: decodeValue, resolve: resolve, select: select,
    facets: facets, stamp: stamp, parseJSON: parseJSON, page: function (ids, q) { return ids.slice(offsetOf(q), offsetOf(q) + limitOf(q)); },
    Client: Client,
    pageLinks: pageLinks, requestLinks: requestLinks, badRequest: badRequest, shellPath: shellPath, // edge worker
  };
});
