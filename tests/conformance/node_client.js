// The JS client (dist/ll2-static.js, LL2Static.Client) answering the conformance requests
// under Node, reading dist/'s files as a browser would fetch them (run by runners.py):
// stdin: [{method, url, accept}, ...]; stdout: [{status, body} | {skip: why}, ...].
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const DIST = process.argv[2];
const L = require(path.join(DIST, "ll2-static.js"));
const BASE = "https://mirror.test";

function fileFetch(url) {
  const rel = decodeURIComponent(new URL(url).pathname).replace(/^\/+/, "");
  const file = path.join(DIST, rel);
  if (!file.startsWith(DIST) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return Promise.resolve({ ok: false, status: 404 });
  }
  const text = () => Promise.resolve(fs.readFileSync(file, "utf8"));
  return Promise.resolve({ ok: true, status: 200, text, json: () => text().then(JSON.parse) });
}

async function answer(client, request) {
  if (request.method !== "GET") return { skip: "a client library sends GET only" };
  if (!/^\/[0-9]/.test(request.url)) return { skip: "not an API path: the static host's answer" };
  if (request.html) {
    return { skip: "the browsable page: the Chromium runner's" };
  }
  try {
    const found = await client.lookup(request.url);
    return { status: found.status, body: JSON.stringify(found.body) };
  } catch (error) {
    const bad = L.badRequest(error);
    if (bad) return { status: 400, body: JSON.stringify({ [bad.field]: [bad.message] }) };
    if (error instanceof L.QueryError || error instanceof TypeError) return { status: 404, body: JSON.stringify(L.NOT_FOUND) };
    throw error;
  }
}

async function main() {
  const requests = JSON.parse(fs.readFileSync(0, "utf8"));
  const client = new L.Client({ base: BASE, fetch: fileFetch });
  const out = [];
  for (const request of requests) out.push(await answer(client, request));
  process.stdout.write(JSON.stringify(out));
}
main().catch((e) => { console.error(e && e.stack ? e.stack : String(e)); process.exit(1); });
