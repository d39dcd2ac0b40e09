// The JavaScript tokenizer against the vectors tests/test_search_tokenizer.py checks the Python one against.
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { tokens, queryTerms } = require("../../theme/static/js/tokenizer.js");
const vectors = require(path.join(__dirname, "..", "data", "tokenizer-vectors.json"));

for (const v of vectors) {
  test(`index tokens: ${v.note}`, () => {
    assert.deepEqual(tokens(v.text), v.tokens);
  });
  test(`query terms: ${v.note}`, () => {
    assert.deepEqual(queryTerms(v.text).map((t) => t.term + (t.prefix ? "*" : "")), v.query);
  });
}

test("a pasted paragraph is cut to a bounded query", () => {
  assert.equal(queryTerms(Array.from({ length: 100 }, (_, n) => String(n)).join(" ")).length, 32);
});
