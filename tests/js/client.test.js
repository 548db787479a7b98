// The JS client against the shared query table (run by tests/test_client_js.py, or alone:
// `node --test tests/js/`). With LL2S_DIST and LL2S_EXPECTED set (by the Python test), it also
// checks the client's engine and fallback against the Python engine's answers.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const L2S = require(path.join(ROOT, "generator", "client", "ll2-static.js"));
const { vectors } = JSON.parse(fs.readFileSync(path.join(ROOT, "tests", "data", "query_vectors.json"), "utf8"));
const DIST = process.env.LL2S_DIST;
const EXPECTED = process.env.LL2S_EXPECTED ? JSON.parse(fs.readFileSync(process.env.LL2S_EXPECTED, "utf8")) : null;

test("every URL of the table maps to the path (or the error) the Python side gives", () => {
  for (const v of vectors) {
    if (v.error !== undefined) {
      assert.throws(() => L2S.parseRequest(v.url), (e) => e instanceof L2S.QueryError && e.message === v.error, v.url);
    } else {
      assert.equal(L2S.queryPath(L2S.parseRequest(v.url)), v.path, v.url);
    }
  }
});

test("resolve gives the static URL under a base URL", () => {
  assert.equal(
    L2S.resolve("https://ll.thespacedevs.com/2.3.0/events/?mode=list&type__ids=8,2&limit=500", "https://u.github.io/mirror"),
    "https://u.github.io/mirror/2.3.0/events/limit-100/mode-list/type__ids-2.8/index.json",
  );
});

function compact(version) {
  const data = JSON.parse(fs.readFileSync(path.join(DIST, "compact", version + ".json"), "utf8"));
  return { now: L2S.stamp(data.now), events: data.events.map(L2S.facets) };
}

test("the client's engine selects the same ids in the same order as the Python engine", { skip: !EXPECTED && "run from pytest (needs LL2S_EXPECTED)" }, () => {
  const data = { "2.2.0": compact("2.2.0"), "2.3.0": compact("2.3.0") };
  let checked = 0;
  for (const [url, want] of Object.entries(EXPECTED)) {
    const query = L2S.parseRequest(url);
    const ids = L2S.select(data[query.version].events, query, data[query.version].now);
    assert.deepEqual(ids.map(Number), want.ids, url); // BigInt ids (exact past 2^53)
    checked += 1;
  }
  assert.ok(checked >= 200, `only ${checked} list queries checked`);
});

function fileFetch(url) {
  const rel = url.replace(/^https:\/\/mirror\.test\//, "");
  const file = path.join(DIST, rel);
  if (!fs.existsSync(file)) return Promise.resolve({ ok: false, status: 404 });
  const text = () => Promise.resolve(fs.readFileSync(file, "utf8"));
  return Promise.resolve({ ok: true, status: 200, text, json: () => text().then(JSON.parse) });
}

test("a query that was not precomputed is answered client-side like the engine, envelope included", { skip: !EXPECTED && "run from pytest (needs LL2S_EXPECTED)" }, async () => {
  const client = new L2S.Client({ base: "https://mirror.test", fetch: fileFetch });
  let fallbacks = 0;
  for (const [url, want] of Object.entries(EXPECTED)) {
    const query = L2S.parseRequest(url);
    const precomputed = fs.existsSync(path.join(DIST, L2S.queryPath(query)));
    const body = await client.get(url);
    assert.equal(body.count, want.ids.length, url);
    assert.deepEqual(body.results.map((r) => r.id), L2S.page(want.ids, query), url);
    assert.equal(body.next, want.next === null ? null : "https://mirror.test/" + want.next, url);
    assert.equal(body.previous, want.previous === null ? null : "https://mirror.test/" + want.previous, url);
    const mode = want.mode;
    if (mode) for (const r of body.results) assert.equal(r.response_mode, mode, url);
    if (!precomputed) fallbacks += 1;
  }
  assert.ok(fallbacks >= 50, `only ${fallbacks} fallback answers checked`);
});

test("lookup says where an answer came from: a file, computed here, or LL2's 404", { skip: !EXPECTED && "run from pytest (needs LL2S_EXPECTED)" }, async () => {
  const client = new L2S.Client({ base: "https://mirror.test", fetch: fileFetch });
  const data = compact("2.3.0");
  const upcoming = L2S.select(data.events, L2S.parseRequest("/2.3.0/events/upcoming/"), data.now);
  const previous = L2S.select(data.events, L2S.parseRequest("/2.3.0/events/previous/"), data.now);
  assert.ok(upcoming.length && previous.length);
  let found = await client.lookup("/2.3.0/events/?limit=25&format=api");
  assert.equal(found.source, "computed");
  assert.equal(found.path, "2.3.0/events/limit-25/index.json");
  found = await client.lookup("/2.3.0/events/");
  assert.equal(found.source, "file");
  found = await client.lookup("/2.3.0/events/upcoming/" + upcoming[0] + "/?mode=list");
  assert.deepEqual([found.status, found.source, found.body.id, found.body.response_mode], [200, "file", Number(upcoming[0]), "list"]);
  for (const url of ["/2.3.0/events/upcoming/" + previous[0] + "/", "/2.3.0/events/987654/", "/2.2.0/event/987654/"]) {
    found = await client.lookup(url);
    assert.deepEqual([found.status, found.body, found.source], [404, { detail: "Not found." }, "missing"], url);
  }
  await assert.rejects(client.get("/2.3.0/events/987654/"), (e) => e.status === 404 && e.body.detail === "Not found.");
});
