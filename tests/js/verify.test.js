// The browser's answers equal the Python answers on the shared case table
// (tests/data/verify-cases.json, written by tests/verify_cases.py). The table's data is the
// build's files: meta and the bucket files; every question fetches its one bucket from it.
const test = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const path = require("node:path");
const MuluVerify = require("../../theme/static/js/verify-core.js");

const cases = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "data", "verify-cases.json"), "utf8"));
const meta = Object.assign({}, cases.data.meta, { oc: cases.data.occupations });

/* The data a page has after fetching the bucket of key, and the buckets it fetched. */
async function fetched(key) {
  const numbers = [];
  const data = await MuluVerify.dataFor(meta, key, async (number) => {
    numbers.push(number);
    return cases.data.buckets[number];
  });
  return { data, numbers };
}

test("the key hash equals Python's and spreads the organisations", () => {
  for (const [key, value] of cases.hashes) assert.strictEqual(MuluVerify.keyHash(key), value, JSON.stringify(key));
  assert.strictEqual(cases.data.buckets.length, meta.b);
  assert.ok(meta.b > 1, "the table's registry should need more than one bucket");
});

test("answers, reasons and cited events equal Python's, from one bucket", async () => {
  assert.ok(cases.questions.length > 100);
  for (const q of cases.questions) {
    const question = { org: q.org, occupation: q.occupation, level: String(q.level), date: q.date };
    const { data, numbers } = await fetched(MuluVerify.questionKey(question));
    assert.strictEqual(numbers.length, 1);
    const { answer } = MuluVerify.ask(data, question);
    const events = answer.events.map((e) => [MuluVerify.isoDate(e.day), e.event, e.document]);
    assert.deepStrictEqual(
      { verdict: answer.verdict, code: answer.code, reason: answer.reason, events },
      { verdict: q.verdict, code: q.code, reason: q.reason, events: q.events },
      `${q.org} ${q.occupation} ${q.level} ${q.date}`);
  }
});

test("bad questions get Python's messages", async () => {
  for (const q of cases.errors) {
    const { data } = await fetched(MuluVerify.questionKey(q));
    assert.throws(() => MuluVerify.ask(data, q), (error) => error instanceof MuluVerify.QuestionError && error.message === q.error);
  }
});

test("certificate numbers read as Python reads them", async () => {
  for (const c of cases.certificates) {
    const { data, numbers } = await fetched(MuluVerify.certificateKey(meta, c.input));
    const reading = MuluVerify.readCertificate(data, c.input);
    const options = Object.fromEntries(reading.options.map((o) =>
      [o.code, o.spans.map(([a, b]) => [MuluVerify.isoDate(a), MuluVerify.isoDate(b)])]));
    assert.deepStrictEqual(
      { kind: reading.kind, message: reading.message, org: reading.org ? reading.org.c : null, options },
      { kind: c.kind, message: c.message, org: c.org, options: c.options }, JSON.stringify(c.input));
    // Only a number that names one of our issuers fetches a bucket.
    assert.strictEqual(numbers.length, ["ok", "certificate_org_unknown"].includes(c.kind) ? 1 : 0, JSON.stringify(c.input));
  }
});

test("dates that do not exist are refused", () => {
  assert.strictEqual(MuluVerify.dayNumber("2024-02-29"), 19782);
  assert.strictEqual(MuluVerify.dayNumber("2023-02-29"), null);
  assert.strictEqual(MuluVerify.dayNumber("2023-2-1"), null);
});
