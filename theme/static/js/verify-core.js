/* Point-in-time verification in the browser: the same rules and sentences as mulu/verify.py,
 * computed from the compact files the build writes: verify/meta.json, what every question needs,
 * and the bucket files verify/k/{n}.json, each organisation in the bucket of its credit code and
 * in that of its 备案编号 (compact in mulu/verify.py). The answering functions take `data`: meta,
 * with `oc` the occupations [code, name] the organisations' intervals name by index (the page
 * reads them from its form), and `o` the organisations of the bucket the question needs (dataFor).
 * No DOM here, so node can test it against the Python answers (tests/js/verify.test.js). */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.MuluVerify = api;
})(globalThis, function () {
  "use strict";

  const DAY_MS = 86400000;
  const USCC_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
  const FILING_NO_SHAPE = /^S\d{12}$/;
  const OCCUPATION_SHAPE = /^\d-\d\d-\d\d-\d\d$/;
  const FILED = "已备案", NOTICE = "公示中", REMOVED = "已移出";

  class QuestionError extends Error {}

  function isoDate(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  /* A YYYY-MM-DD date as a day number, or null when it is not a real date. */
  function dayNumber(text) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!match) return null;
    const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    const day = Math.round(ms / DAY_MS);
    return isoDate(day) === text ? day : null;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  /* 32-bit FNV-1a over the UTF-16 code units of key; key_hash in mulu/verify.py is the same. */
  function keyHash(key) {
    let value = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) value = Math.imul(value ^ key.charCodeAt(i), 0x01000193) >>> 0;
    return value;
  }

  function bucketOf(key, count) {
    return keyHash(key) % count;
  }

  /* The data to answer a question about the organisation with this key (null: no organisation
   * can match): meta and the organisations of the key's bucket, from fetchBucket(number). */
  async function dataFor(meta, key, fetchBucket) {
    const organisations = key === null ? [] : await fetchBucket(bucketOf(key, meta.b));
    return Object.assign({}, meta, { o: organisations });
  }

  /* A credit code or 备案编号 as typed, trimmed and upper-cased. */
  function normalKey(text) {
    return String(text || "").trim().toUpperCase();
  }

  function isOrgKey(key) {
    return USCC_SHAPE.test(key) || FILING_NO_SHAPE.test(key);
  }

  /* The key a question looks its organisation up by, or null when it is not a key's shape. */
  function questionKey(question) {
    const key = normalKey(question.org);
    return isOrgKey(key) ? key : null;
  }

  function bracketed(document) {
    return document ? "（" + document + "）" : "";
  }

  /* Lookups built once per data object: organisations by key, occupations by code, timelines. */
  const prepared = new WeakMap();

  function prepare(data) {
    if (prepared.has(data)) return prepared.get(data);
    const byKey = new Map();
    for (const org of data.o) {
      byKey.set(org.c, org);
      if (org.f) byKey.set(org.f, org);
    }
    const occupations = new Map(data.oc.map(([code, name]) => [code, name]));
    const ready = { byKey, occupations, timelines: new WeakMap() };
    prepared.set(data, ready);
    return ready;
  }

  /* An organisation's events, segments and intervals as objects, intervals one per occupation. */
  function timeline(data, org) {
    const ready = prepare(data);
    if (ready.timelines.has(org)) return ready.timelines.get(org);
    const events = org.e.map(([day, event, document]) => ({ day, event: data.ev[event], document }));
    const segments = org.s.map(([start, status, event, from, until]) =>
      ({ start, status: data.st[status], event, from, until }));
    const intervals = [];
    for (const [start, end, opened, closed, ...grants] of org.g) {
      for (let i = 0; i < grants.length; i += 2) {
        intervals.push({ code: data.oc[grants[i]][0], levels: grants[i + 1].split("").map(Number),
          start, end, opened, closed });
      }
    }
    intervals.sort((a, b) => a.start - b.start || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const line = { org, events, segments, intervals };
    ready.timelines.set(org, line);
    return line;
  }

  function occupationName(data, code) {
    const name = prepare(data).occupations.get(code);
    return name ? code + " " + name : code;
  }

  function levelNames(data, levels) {
    return [...levels].sort((a, b) => b - a).map((level) => data.lv[level]).join("、");
  }

  /* Whether the organisation was authorised for code at level on day (a day number). */
  function answer(data, org, code, level, day) {
    const line = timeline(data, org);
    const events = line.events;
    const values = { date: isoDate(day), occupation: occupationName(data, code), level: data.lv[level] };
    const says = (verdict, reason, refs, more) => {
      const text = fill(data.t[reason], Object.assign({}, values, more || {}));
      const cited = [...new Set(refs || [])].sort((a, b) => a - b).map((i) => events[i]);
      return { verdict, code: reason, reason: text, events: cited };
    };
    if (day > data.asOf) return says("unknown", "after_data", [], { as_of: isoDate(data.asOf) });
    const segment = line.segments.filter((s) => s.start <= day).pop();
    if (!segment) {
      const first = events[0];
      if (first.event === "公示") return says("not_authorised", "not_listed", [0], { first: isoDate(first.day) });
      return says("unknown", "before_records", [0], { first: isoDate(first.day), event: first.event });
    }
    const own = line.intervals.filter((i) => i.code === code && i.levels.includes(level));
    const covering = own.find((i) => i.start <= day && day <= i.end);
    if (covering) {
      return says("authorised", "authorised", [covering.opened, segment.event], {
        valid_from: isoDate(segment.from), valid_until: isoDate(segment.until),
        start: isoDate(covering.start), end: isoDate(covering.end),
      });
    }
    if (segment.status === NOTICE) return says("not_authorised", "notice", [segment.event], { since: isoDate(segment.start) });
    if (segment.status === REMOVED) {
      return says("not_authorised", "removed", [segment.event],
        { since: isoDate(segment.start), document: bracketed(events[segment.event].document) });
    }
    if (segment.status === FILED && day < segment.from) {
      return says("not_authorised", "not_yet_valid", [segment.event],
        { valid_from: isoDate(segment.from), valid_until: isoDate(segment.until) });
    }
    if (segment.status === FILED && day > segment.until) {
      return says("not_authorised", "expired", [segment.event], { valid_until: isoDate(segment.until) });
    }
    return scopeAnswer(data, line, own, code, day, says);
  }

  /* Why a filed, valid organisation was not authorised; mirrors scope_answer in mulu/verify.py. */
  function scopeAnswer(data, line, own, code, day, says) {
    const before = own.filter((i) => i.end < day);
    const last = before[before.length - 1];
    if (last && last.closed !== null) {
      const closing = line.events[last.closed];
      return says("not_authorised", "scope_ended", [last.closed],
        { since: isoDate(closing.day), event: closing.event, document: bracketed(closing.document) });
    }
    const others = line.intervals.filter((i) => i.code === code && i.start <= day && day <= i.end);
    if (others.length) {
      const levels = new Set(others.flatMap((i) => i.levels));
      return says("not_authorised", "level_not_in_scope", others.map((i) => i.opened), { levels: levelNames(data, levels) });
    }
    if (last) return says("not_authorised", "scope_lapsed", [last.opened], { end: isoDate(last.end) });
    const next = own.find((i) => i.start > day);
    if (next) {
      const opening = line.events[next.opened];
      return says("not_authorised", "scope_later", [next.opened],
        { since: isoDate(next.start), event: opening.event, document: bracketed(opening.document) });
    }
    return says("not_authorised", "never_in_scope");
  }

  function findOrganisation(data, text) {
    const key = normalKey(text);
    if (!key) throw new QuestionError(data.t.org_missing);
    if (!isOrgKey(key)) throw new QuestionError(fill(data.t.org_malformed, { org: key }));
    const org = prepare(data).byKey.get(key);
    if (!org) throw new QuestionError(fill(data.t.org_unknown, { org: key }));
    return org;
  }

  /* A question as typed ({org, occupation, level, date}); throws QuestionError when it cannot be asked.
   * Unlike the staff command it has no occupation catalogue: a well-formed code no organisation
   * was ever filed for is answered "never in scope". */
  function ask(data, question) {
    const org = findOrganisation(data, question.org);
    const code = String(question.occupation || "").trim();
    if (!OCCUPATION_SHAPE.test(code)) throw new QuestionError(fill(data.t.occupation_malformed, { occupation: code }));
    const levelText = String(question.level || "").trim();
    if (!/^[1-5]$/.test(levelText)) throw new QuestionError(fill(data.t.level_malformed, { level: levelText }));
    const dateText = String(question.date || "").trim();
    const day = dayNumber(dateText);
    if (day === null) throw new QuestionError(fill(data.t.date_malformed, { date: dateText }));
    return { org, answer: answer(data, org, code, Number(levelText), day) };
  }

  /* A certificate number: what is wrong with it, why it is not ours, or its issuer and the
   * occupations the issuer was authorised for at its level during its year. Mirrors
   * check_certificate in mulu/codes.py and read_certificate in mulu/verify.py. */
  function readCertificate(data, text) {
    const checked = checkCertificate(data, text);
    if (checked.kind !== "ok") return checked;
    const { filingNo, year, level } = checked;
    const org = prepare(data).byKey.get(filingNo);
    if (!org || org.f !== filingNo) return failedReading(data, "certificate_org_unknown", { filing_no: filingNo });
    return { kind: "ok", message: "", org, year, level, options: certificateOptions(data, org, level, year) };
  }

  function failedReading(data, kind, values) {
    return { kind, message: fill(data.t[kind], values || {}), org: null, options: [] };
  }

  /* What a certificate number says before its issuer is looked up: a failed reading, or
   * {kind: "ok", filingNo, year, level}. Needs only meta. */
  function checkCertificate(data, text) {
    const number = String(text || "").replace(/\s+/g, "").toUpperCase();
    const says = (kind, values) => failedReading(data, kind, values);
    if (!number) return says("empty");
    const chars = [...number];
    if (chars.length !== 22) return says("length", { count: chars.length });
    if (chars[0] !== "S" && chars[0] !== "Y") return says("kind", { char: chars[0] });
    for (let i = 1; i < chars.length; i++) {
      if (!/[0-9]/.test(chars[i])) return says("digit", { position: i + 1, char: chars[i] });
    }
    const province = number.slice(5, 7);
    const year = 2000 + Number(number.slice(13, 15));
    const level = Number(number[15]);
    const latest = new Date(data.asOf * DAY_MS).getUTCFullYear();
    if (!(province in data.provinces)) return says("province_unknown", { province });
    if (level < 1 || level > 5) return says("level", { level });
    if (year > latest) return says("year", { year, latest });
    if (chars[0] === "Y") return says("employer");
    if (province !== data.province) {
      return says("other_province", { province, province_name: data.provinces[province], city: data.city });
    }
    return { kind: "ok", filingNo: number.slice(0, 13), year, level };
  }

  /* The key a certificate number's issuer is looked up by, or null when the number fails before. */
  function certificateKey(data, text) {
    const checked = checkCertificate(data, text);
    return checked.kind === "ok" ? checked.filingNo : null;
  }

  /* [{code, name, spans: [[from, to], …]}] by code: the stretches of year authorised at level. */
  function certificateOptions(data, org, level, year) {
    const first = Date.UTC(year, 0, 1) / DAY_MS, last = Date.UTC(year, 11, 31) / DAY_MS;
    const byCode = new Map();
    for (const i of timeline(data, org).intervals) {
      if (!i.levels.includes(level) || i.start > last || i.end < first) continue;
      if (!byCode.has(i.code)) byCode.set(i.code, []);
      byCode.get(i.code).push([Math.max(i.start, first), Math.min(i.end, last)]);
    }
    return [...byCode.keys()].sort().map((code) => ({ code, name: occupationName(data, code), spans: byCode.get(code) }));
  }

  return { QuestionError, ask, answer, readCertificate, findOrganisation, isoDate, dayNumber, timeline,
    keyHash, bucketOf, dataFor, questionKey, certificateKey, OCCUPATION_SHAPE };
});
