// Used by tests/test_search_index.py to run the JavaScript side on what Python built:
//   node lunr-cli.js expand INDEX.json          → lunr's serialized index
//   node lunr-cli.js search INDEX.json Q.json   → [[ref, ...], ...] for each query in Q.json
const fs = require("node:fs");
const search = require("../../theme/static/js/search-core.js");

const [command, indexPath, queriesPath] = process.argv.slice(2);
const compact = JSON.parse(fs.readFileSync(indexPath, "utf-8"));

async function main() {
  if (command === "expand") return search.expand(compact);
  const store = new search.SingleFileStore(async () => compact);
  const queries = JSON.parse(fs.readFileSync(queriesPath, "utf-8"));
  const found = [];
  for (const query of queries) found.push((await search.search(store, query)).map((r) => r.ref));
  return found;
}

main().then((result) => process.stdout.write(JSON.stringify(result)));
