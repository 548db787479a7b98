/* ll2-static edge worker: every LL2 Events URL answered at the CDN, as LL2 answers it.
 *
 * The build (--edge, generator/client/edge.py) writes dist/_worker.js as the shared engine
 * (ll2-static.js, which sets globalThis.LL2Static) followed by this file: one ES module with
 * no dependencies, for Cloudflare Pages' advanced mode (static files through env.ASSETS).
 *
 *   - an Events URL with a precomputed file: the file's bytes;
 *   - any other list: computed by the engine (LL2Static.select) over edge/{version}.json, the
 *     records sliced out of the shards edge/{version}/{mode}-{n}.ndjson as the snapshot's bytes;
 *   - next/previous of every list: LL2-style query URLs on the worker's own origin;
 *   - a bad filter value: 400 {"<field>": ["<the engine's message>"]}; a path or event LL2
 *     lacks: 404 {"detail": "Not found."}; ?format=api or Accept: text/html: the browsable shell;
 *   - any other path (the human site, dumps, feeds): the static file, as Pages serves it.
 *
 * Every answer says where it came from (X-Edge-Source: file | computed | shell | error) and how
 * many static files it read (X-Edge-Reads), and the bytes of shards held (X-Edge-Held); the facet indexes and the shards stay in the
 * isolate's memory between requests (shards up to SHARD_CACHE bytes, least recently used out).
 */
const L = globalThis.LL2Static;
const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();
const RESULTS = ENCODER.encode(',"results":[');
const SHARD_CACHE = 64 * 1024 * 1024;
// The API's paths: a first segment that starts with a digit (2.3.0, and any version LL2 lacks);
// no folder of the human site does.
const VERSION_PATH = /^\/[0-9][^\/]*(\/|$)/;
/** What a 405 names in `Allow`: LL2's views take GET only (its browsable pages show `Allow: GET`;
 * generator/responder/core.py says the same). HEAD is answered as GET, as Django does. */
const ALLOW = "GET";

const indexes = new Map(); // version -> Promise of the parsed facet index
const shards = new Map(); // path -> Uint8Array, in least-recently-used order
let shardBytes = 0;

/* One request's reads of static files (counted for X-Edge-Reads). */
class Reader {
  constructor(env, origin) { this.env = env; this.origin = origin; this.reads = 0; }
  async get(path) {
    let url = this.origin + "/" + path;
    for (let hop = 0; hop < 3; hop++) { // Pages answers /x/index.html with a redirect to /x/
      this.reads += 1;
      const response = await this.env.ASSETS.fetch(new Request(url, { redirect: "manual" }));
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return response;
      url = new URL(location, url).href;
    }
    throw new Error("too many redirects for " + path);
  }
  async bytes(path) {
    const response = await this.get(path);
    if (response.status !== 200) { await response.body?.cancel(); return null; }
    return new Uint8Array(await response.arrayBuffer());
  }
}

/* The facet index of a version: {now, events (facets, in the default order), position by
 * id, modes by name ("" for a version without modes), detailsAsFiles}. */
function facetIndex(reader, version) {
  if (!indexes.has(version)) {
    const loading = reader.bytes("edge/" + version + ".json").then((bytes) => {
      if (bytes === null) throw new Error("edge/" + version + ".json is missing: build with --edge");
      const data = L.parseJSON(DECODER.decode(bytes)); // ids past 2^53 exact
      const events = data.events.map(L.facets);
      const modes = {};
      data.modes.forEach((m) => { modes[m.mode === null ? "" : m.mode] = m; });
      return { now: L.stamp(data.now), events, position: new Map(events.map((f, i) => [f.id, i])),
        modes, detailsAsFiles: data.details_as_files };
    });
    loading.catch(() => indexes.delete(version));
    indexes.set(version, loading);
  }
  return indexes.get(version);
}

const loading = new Map(); // path -> Promise of a shard being read (concurrent requests share it)

async function shard(reader, path) {
  let bytes = shards.get(path);
  if (bytes !== undefined) { shards.delete(path); shards.set(path, bytes); return bytes; }
  if (loading.has(path)) return loading.get(path);
  const load = reader.bytes(path).then((read) => {
    if (read === null) throw new Error(path + " is missing");
    shards.set(path, read);
    shardBytes += read.length;
    for (const [old, held] of shards) {
      if (shardBytes <= SHARD_CACHE || old === path) break;
      shards.delete(old);
      shardBytes -= held.length;
    }
    return read;
  }).finally(() => loading.delete(path));
  loading.set(path, load);
  return load;
}

/* The snapshot's bytes of each event of `ids` in `mode`, each shard read once. */
async function records(reader, index, mode, ids) {
  const m = index.modes[mode || ""];
  const at = ids.map((id) => 3 * index.position.get(id));
  const wanted = [...new Set(at.map((k) => m.spans[k]))];
  const loaded = new Map(await Promise.all(wanted.map(async (n) => [n, await shard(reader, m.shards[n])])));
  return at.map((k) => loaded.get(m.spans[k]).subarray(m.spans[k + 1], m.spans[k + 1] + m.spans[k + 2]));
}

/* LL2's envelope around records that are JSON bytes already (as mirror.envelope writes it),
 * as a list of byte arrays: the records stay views into the cached shards, never copied. */
function envelope(count, links, results) {
  const parts = [ENCODER.encode('{"count":' + count + ',"next":' + JSON.stringify(links.next) +
    ',"previous":' + JSON.stringify(links.previous) + ',"results":[')];
  const comma = ENCODER.encode(",");
  results.forEach((r, i) => { if (i) parts.push(comma); parts.push(r); });
  parts.push(ENCODER.encode("]}"));
  return parts;
}

/* A response body of byte arrays, with its length known (workerd's FixedLengthStream where
 * there is one, so the answer has a Content-Length as a file has). */
function body(parts) {
  let size = 0;
  for (const p of parts) size += p.length;
  if (typeof FixedLengthStream === "undefined") {
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  const { readable, writable } = new FixedLengthStream(size);
  const writer = writable.getWriter();
  (async () => { for (const p of parts) await writer.write(p); await writer.close(); })().catch(() => writer.abort());
  return readable;
}

function find(bytes, pattern) {
  const first = pattern[0];
  outer: for (let i = bytes.indexOf(first); i >= 0; i = bytes.indexOf(first, i + 1)) {
    for (let j = 1; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

/* A precomputed list page with the request's own next/previous (as byte arrays). */
function relink(bytes, query, where) {
  const at = find(bytes, RESULTS);
  const count = /^\{"count":([0-9]+),/.exec(DECODER.decode(bytes.subarray(0, Math.min(at, 64))));
  if (at < 0 || !count) throw new Error("not an LL2 list page: " + L.queryPath(query));
  const links = L.requestLinks(query, Number(count[1]), where.origin, where.path, where.search);
  const head = ENCODER.encode('{"count":' + count[1] + ',"next":' + JSON.stringify(links.next) +
    ',"previous":' + JSON.stringify(links.previous));
  return [head, bytes.subarray(at)];
}

function inSubset(index, query, event) {
  return query.subset === "all" || L.select([event], { subset: query.subset, params: [] }, index.now).length > 0;
}

/* Whether the event a detail query names is in the snapshot, and in the subset asked. */
async function eventFound(reader, query) {
  const index = await facetIndex(reader, query.version);
  const position = index.position.get(query.eventId);
  return position !== undefined && inSubset(index, query, index.events[position]);
}

/* The JSON answer to a canonical query: [status, body (byte arrays), source]. `where`: the
 * request's {origin, path, search}, for the links. */
async function answer(reader, query, where) {
  const path = L.queryPath(query);
  if (query.eventId !== null) {
    const index = await facetIndex(reader, query.version);
    if (!(await eventFound(reader, query))) return [404, null, "missing"];
    if (index.detailsAsFiles) {
      const bytes = await reader.bytes(path);
      if (bytes !== null) return [200, [bytes], "file"];
    }
    return [200, await records(reader, index, L.modeOf(query), [query.eventId]), "computed"];
  }
  const [bytes, index] = await Promise.all([reader.bytes(path), facetIndex(reader, query.version)]);
  if (bytes !== null) return [200, relink(bytes, query, where), "file"];
  const ids = L.select(index.events, query, index.now);
  const page = L.page(ids, query);
  const links = L.requestLinks(query, ids.length, where.origin, where.path, where.search);
  return [200, envelope(ids.length, links, await records(reader, index, L.modeOf(query), page)), "computed"];
}

function respond(status, content, type, reader, source, head, extra) {
  const headers = {
    "content-type": type, "access-control-allow-origin": "*",
    "x-edge-source": source, "x-edge-reads": String(reader.reads), "x-edge-held": String(shardBytes),
    ...extra,
  };
  if (status === 405) headers.allow = ALLOW; // RFC 9110: a 405 names the methods that work (DRF does)
  return new Response(head ? null : content, { status, headers });
}
function json(status, value, reader, source, head, extra) {
  return respond(status, ENCODER.encode(JSON.stringify(value)), "application/json", reader, source, head, extra);
}

/* Whether a request asks for the browsable page: ?format=api (the last format given), or a
 * browser's Accept, unless ?format=json or a file asked by name (.../index.json). */
function wantsPage(format, url, request) {
  if (format === "api") return true;
  if (url.pathname.endsWith("/index.json")) return false;
  const pairs = url.searchParams.getAll("format");
  if (pairs.length && pairs[pairs.length - 1] === "json") return false;
  return (request.headers.get("accept") || "").includes("text/html");
}

/* A path LL2 has (an endpoint, a subset, an event, a mirror folder): Django's APPEND_SLASH
 * redirects to it when asked without its slash. */
function isApiPath(path) {
  try {
    L.parseRequest(path, "");
    return true;
  } catch (error) {
    if (error instanceof L.QueryError || error instanceof TypeError) return L.badRequest(error) !== null;
    throw error;
  }
}

/* The origin clients see: the request's, with the scheme a proxy in front (nginx, Pages) says. */
function publicOrigin(request, url) {
  const proto = (request.headers.get("x-forwarded-proto") || "").split(",")[0].trim();
  return /^https?$/.test(proto) ? proto + "://" + url.host : url.origin;
}

async function handle(request, env) {
  const url = new URL(request.url);
  const reader = new Reader(env, url.origin);
  const head = request.method === "HEAD";
  if (request.method !== "GET" && !head) { // DRF's 405: GET is the API's one method
    const detail = { detail: 'Method "' + request.method + '" not allowed.' };
    return json(405, detail, reader, "error", false, { allow: "GET" });
  }
  if (!VERSION_PATH.test(url.pathname)) return env.ASSETS.fetch(request); // the rest of the site
  if (!url.pathname.endsWith("/") && !/\/index\.(json|html)$/.test(url.pathname) && isApiPath(url.pathname + "/")) {
    const location = url.pathname + "/" + url.search;
    return respond(301, null, "text/html; charset=utf-8", reader, "redirect", head, { location });
  }
  let query;
  try {
    query = L.parseRequest(url.pathname + url.search, "");
  } catch (error) {
    const bad = L.badRequest(error);
    if (bad) {
      const format = url.searchParams.getAll("format").filter((f) => f === "json" || f === "api").pop();
      if (wantsPage(format, url, request)) return shell(reader, L.parseRequest(url.pathname, ""), 400, head);
      return json(400, { [bad.field]: [bad.message] }, reader, "error", head);
    }
    if (error instanceof L.QueryError || error instanceof TypeError) return json(404, L.NOT_FOUND, reader, "error", head);
    throw error;
  }
  if (wantsPage(query.format, url, request)) {
    const found = query.eventId === null || (await eventFound(reader, query));
    return shell(reader, query, found ? 200 : 404, head);
  }
  query.format = "json";
  const where = { origin: publicOrigin(request, url), path: url.pathname, search: url.search };
  const [status, parts, source] = await answer(reader, query, where);
  if (status !== 200) return json(status, L.NOT_FOUND, reader, source, head);
  return respond(200, head ? null : body(parts), "application/json", reader, source, head);
}

/* The browsable shell of a query's endpoint, with the status of the JSON it renders. */
async function shell(reader, query, status, head) {
  const page = await reader.get(L.shellPath(query));
  return respond(status, page.body, "text/html; charset=utf-8", reader, "shell", head);
}

export default {
  async fetch(request, env) {
    try {
      return await handle(request, env);
    } catch (error) {
      // Never an exception to the client: LL2's shape for a server error, and the log.
      console.error(error && error.stack ? error.stack : String(error));
      return new Response('{"detail":"A server error occurred."}', {
        status: 500, headers: { "content-type": "application/json", "x-edge-source": "error" },
      });
    }
  },
};
