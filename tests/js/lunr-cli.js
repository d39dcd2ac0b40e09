// Used by the Python tests to run the JavaScript side on the search files Python wrote
// (a built site's search/ directory):
//   node lunr-cli.js expand SEARCH_DIR          → lunr's serialized index of all the shards
//   node lunr-cli.js search SEARCH_DIR Q.json   → [[ref, ...], ...] for each query in Q.json,
//                                                 loading only the shards each query needs
const fs = require("node:fs");
const path = require("node:path");
const search = require("../../theme/static/js/search-core.js");

const [command, directory, queriesPath] = process.argv.slice(2);
const read = (file) => fs.readFileSync(path.join(directory, file), "utf-8");
const manifest = JSON.parse(read("manifest.json"));

async function main() {
  if (command === "expand") {
    const terms = manifest.index.flatMap((_, n) => search.decodeRows(read(`index/${n}.txt`)));
    return search.expand({ lunr: manifest.lunr, documents: manifest.documents, fields: manifest.fields, terms });
  }
  const store = new search.ShardedStore(manifest, async (file) => read(file));
  const queries = JSON.parse(fs.readFileSync(queriesPath, "utf-8"));
  const found = [];
  for (const query of queries) found.push((await search.search(store, query)).map((r) => r.ref));
  return found;
}

main().then((result) => process.stdout.write(JSON.stringify(result)));
