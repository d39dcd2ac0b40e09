// Used by the Python tests to run the JavaScript side on what Python wrote:
//   node lunr-cli.js search SEARCH_DIR Q.json  → [[ref, ...], ...] for each query in Q.json, as
//                                                the page finds them in a site's search/ files
//   node lunr-cli.js lunr INDEX.json Q.json    → the same through lunr.js's own query on a
//                                                serialized lunr index (the reference)
const fs = require("node:fs");
const path = require("node:path");
const lunr = require("lunr");
const search = require("../../theme/static/js/search-core.js");
const { queryTerms } = require("../../theme/static/js/tokenizer.js");

const [command, source, queriesPath] = process.argv.slice(2);
const queries = JSON.parse(fs.readFileSync(queriesPath, "utf-8"));

async function pageSearch() {
  const read = (file) => fs.readFileSync(path.join(source, file), "utf-8");
  const store = new search.ShardedStore(JSON.parse(read("manifest.json")), async (file) => read(file));
  const found = [];
  for (const query of queries) found.push((await search.search(store, query)).results.map((r) => r.ref));
  return found;
}

// lunr_search() in mulu/search/query.py.
function lunrSearch() {
  const index = lunr.Index.load(JSON.parse(fs.readFileSync(source, "utf-8")));
  return queries.map((text) => {
    const terms = queryTerms(text);
    if (!terms.length) return [];
    const required = lunrQuery(index, terms, lunr.Query.presence.REQUIRED);
    return required.length ? required : lunrQuery(index, terms, lunr.Query.presence.OPTIONAL);
  });
}

function lunrQuery(index, terms, presence) {
  const results = index.query((q) => {
    for (const t of terms) {
      q.term(t.term, { usePipeline: false, wildcard: t.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE, presence });
    }
  });
  const coverage = (matched) => terms.filter((t) => matched.some((m) => m === t.term || (t.prefix && m.startsWith(t.term)))).length;
  return results
    .map((r) => ({ ref: Number(r.ref), key: Math.round(r.score * 1e6), coverage: coverage(Object.keys(r.matchData.metadata)) }))
    .sort((a, b) => b.coverage - a.coverage || b.key - a.key || a.ref - b.ref)
    .map((r) => r.ref);
}

(command === "lunr" ? Promise.resolve(lunrSearch()) : pageSearch())
  .then((result) => process.stdout.write(JSON.stringify(result)));
