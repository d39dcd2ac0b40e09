/* Query latency in node with the site's own search code (theme/static/js/search-core.js).
   Usage: node latency.js SITE_DIR < queries.json   (a JSON list of query strings)
   Prints {"cold_ms": [...], "warm_ms": [...], "refs": [[ref, ...], ...]}:
   cold is a first-time reader's first query, from the fetched files' text (already in memory:
   the network is measured elsewhere) to ranked results; warm is the same query once the index
   is in memory; refs are the ranked results, to compare with the single-index design. */
"use strict";
var fs = require("fs");
var path = require("path");
var MuluSearch = require(path.join(__dirname, "..", "theme", "static", "js", "search-core.js"));

var site = process.argv[2];
var texts = new Map(); // site path -> file text, read once so that disk time is not counted

function text(relpath) {
  if (!texts.has(relpath)) texts.set(relpath, fs.readFileSync(path.join(site, relpath), "utf8"));
  return texts.get(relpath);
}

/* A reader's index store, as search.js makes it: the manifest, then the shards a query needs. */
function newStore() {
  var manifest = JSON.parse(text("search/manifest.json"));
  return new MuluSearch.ShardedStore(manifest, function (relpath) { return Promise.resolve(text("search/" + relpath)); });
}

function ms(since) { return Number(process.hrtime.bigint() - since) / 1e6; }

async function main() {
  var queries = JSON.parse(fs.readFileSync(0, "utf8"));
  var out = { cold_ms: [], warm_ms: [], refs: [] };
  var warmStore = newStore();
  await MuluSearch.search(warmStore, "预热"); // load once for the warm figures
  for (var q of queries) {
    var started = process.hrtime.bigint();
    var results = (await MuluSearch.search(newStore(), q)).results;
    out.cold_ms.push(ms(started));
    started = process.hrtime.bigint();
    await MuluSearch.search(warmStore, q);
    out.warm_ms.push(ms(started));
    out.refs.push(results.map(function (r) { return r.ref; }));
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch(function (error) { console.error(error); process.exit(1); });
