// The JavaScript query understanding against the vectors tests/test_search_understand.py checks the Python one against.
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { understand, probes } = require("../../theme/static/js/understand.js");
const vectors = require(path.join(__dirname, "..", "data", "query-vectors.json"));

for (const v of vectors.cases) {
  test(`understood: ${v.note}`, () => {
    const found = understand(v.text, vectors.table, vectors.occupations);
    assert.deepEqual(found.recognised.map((r) => [r.word, r.kind, r.value]), v.recognised);
    assert.deepEqual(found.rest, v.rest);
  });
  test(`probes: ${v.note}`, () => {
    assert.deepEqual(probes(v.text, vectors.table), v.probes);
  });
}
