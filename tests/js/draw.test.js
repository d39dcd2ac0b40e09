// The browser's draw (theme/static/js/draw-core.js) against the vectors tests/test_draw.py holds
// the Python draw to (tests/data/draw-vectors.json), RFC 3797's worked example first.
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const D = require("../../theme/static/js/draw-core.js");
const vectors = require(path.join(__dirname, "..", "data", "draw-vectors.json"));

test("RFC 3797's worked example: key string, every MD5 and the picks", () => {
  const example = vectors.rfc3797;
  const selector = new D.Selector(D.keyString(example.beacon));
  const picks = selector.picks(example.pool, example.picks.length);
  assert.equal(selector.key, example.key);
  assert.deepEqual(selector.steps.map((step) => step[1]), example.md5);
  assert.deepEqual(picks, example.picks);
});

test("key strings and canonical beacons", () => {
  for (const v of vectors.keys) {
    assert.equal(D.keyString(v.beacon), v.key, v.beacon);
    assert.equal(D.canonicalBeacon(v.beacon), v.canonical, v.beacon);
  }
  for (const beacon of vectors.bad_beacons) assert.throws(() => D.keyString(beacon), D.BeaconError, beacon);
});

test("counts from a ratio and a minimum", () => {
  for (const c of vectors.counts) assert.equal(D.pickCount(c.size, D.parseRatio(c.ratio), c.minimum), c.count, JSON.stringify(c));
});

test("whole draws: picks, inspectors, every step and the lists' SHA-256", () => {
  for (const v of vectors.draws) {
    const outcome = D.runDraw(v.beacon, { focus: v.focus, general: v.general, inspectors: v.inspectors },
      D.parseRatio(v.ratio), v.minimum, v.focus_ratio ? D.parseRatio(v.focus_ratio) : null);
    assert.deepEqual(
      { key: outcome.key, focus: outcome.focusPicks, picks: outcome.picks, teams: outcome.inspectors, steps: outcome.steps },
      { key: v.key, focus: v.focus_picks, picks: v.picks, teams: v.teams, steps: v.steps }, v.beacon);
    assert.equal(D.listDigest(v.general), v.general_sha256);
    assert.equal(D.listDigest(v.focus), v.focus_sha256);
  }
});
