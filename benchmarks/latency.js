/* Query latency in node with the site's own search code (theme/static/js/search-core.js).
   Usage: node latency.js SITE_DIR < queries.json   (a JSON list of query strings)
   Prints {"cold_ms": [...], "warm_ms": [...], "refs": [[ref, ...], ...]}:
   cold is a first-time reader's first query, from the fetched files' text (already in memory:
   the network is measured elsewhere) to the answer (its words understood, its text ranked and
   its conditions applied, see answer() in search-core.js); warm is the same query once the
   files are in memory; refs are the answer's organisations, to compare with the single-index
   design. Statuses are those of the sample's day. */
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

var DAY = MuluSearch.dayNumber(new Date(2026, 10, 27)); // the sample's day (mulu.sample.ANCHOR)

/* A reader's stores, as search.js makes them: the manifest, then the files a query needs. */
function newStores() {
  var manifest = JSON.parse(text("search/manifest.json"));
  var read = function (relpath) { return Promise.resolve(text("search/" + relpath)); };
  return {
    manifest: manifest,
    index: new MuluSearch.ShardedStore(manifest, read),
    display: new MuluSearch.DisplayStore(manifest, function (relpath) { return read(relpath).then(JSON.parse); }),
    filters: new MuluSearch.FilterStore(read)
  };
}

function answer(stores, q) { return MuluSearch.answer(stores, q, {}, DAY); }

function ms(since) { return Number(process.hrtime.bigint() - since) / 1e6; }

async function main() {
  var queries = JSON.parse(fs.readFileSync(0, "utf8"));
  var out = { cold_ms: [], warm_ms: [], refs: [] };
  var warmStores = newStores();
  for (var q of queries) await answer(warmStores, q); // every file once, for the warm figures
  for (q of queries) {
    var started = process.hrtime.bigint();
    var refs = (await answer(newStores(), q)).refs;
    out.cold_ms.push(ms(started));
    started = process.hrtime.bigint();
    await answer(warmStores, q);
    out.warm_ms.push(ms(started));
    out.refs.push(refs);
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch(function (error) { console.error(error); process.exit(1); });
