// The browser's answers equal the Python answers on the shared case table
// (tests/data/verify-cases.json, written by tests/verify_cases.py).
const test = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const path = require("node:path");
const MuluVerify = require("../../theme/static/js/verify-core.js");

const cases = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "data", "verify-cases.json"), "utf8"));
const data = cases.data;

test("answers, reasons and cited events equal Python's", () => {
  assert.ok(cases.questions.length > 100);
  for (const q of cases.questions) {
    const { answer } = MuluVerify.ask(data, { org: q.org, occupation: q.occupation, level: String(q.level), date: q.date });
    const events = answer.events.map((e) => [MuluVerify.isoDate(e.day), e.event, e.document]);
    assert.deepStrictEqual(
      { verdict: answer.verdict, code: answer.code, reason: answer.reason, events },
      { verdict: q.verdict, code: q.code, reason: q.reason, events: q.events },
      `${q.org} ${q.occupation} ${q.level} ${q.date}`);
  }
});

test("bad questions get Python's messages", () => {
  for (const q of cases.errors) {
    assert.throws(() => MuluVerify.ask(data, q), (error) => error instanceof MuluVerify.QuestionError && error.message === q.error);
  }
});

test("certificate numbers read as Python reads them", () => {
  for (const c of cases.certificates) {
    const reading = MuluVerify.readCertificate(data, c.input);
    const options = Object.fromEntries(reading.options.map((o) =>
      [o.code, o.spans.map(([a, b]) => [MuluVerify.isoDate(a), MuluVerify.isoDate(b)])]));
    assert.deepStrictEqual(
      { kind: reading.kind, message: reading.message, org: reading.org ? reading.org.c : null, options },
      { kind: c.kind, message: c.message, org: c.org, options: c.options }, JSON.stringify(c.input));
  }
});

test("dates that do not exist are refused", () => {
  assert.strictEqual(MuluVerify.dayNumber("2024-02-29"), 19782);
  assert.strictEqual(MuluVerify.dayNumber("2023-02-29"), null);
  assert.strictEqual(MuluVerify.dayNumber("2023-2-1"), null);
});
