/* The publicly verifiable draw of RFC 3797 in the browser: the same steps as
 * mulu/supervision/draw.py, proven equal on the shared vectors (tests/data/draw-vectors.json,
 * tests/js/draw.test.js). MD5 and SHA-256 come from the pinned js-md5 and js-sha256 packages
 * (the page loads them first; node requires them). No DOM here. */
(function (root, factory) {
  "use strict";
  const inNode = typeof module === "object" && module.exports;
  const api = inNode ? factory(require("js-md5"), require("js-sha256").sha256) : factory(root.md5, root.sha256);
  if (inNode) module.exports = api;
  else root.MuluDraw = api;
})(globalThis, function (md5, sha256) {
  "use strict";

  const INTEGER = /^[0-9]+$/;
  const DECIMAL = /^([0-9]+)\.([0-9]+)$/;
  const PERCENT = /^([0-9]+)(?:\.([0-9]+))?%$/;
  const SOURCE_SEPARATOR = /[/／]/;
  const VALUE_SEPARATOR = /[ \t\u3000,，、]+/;
  const TEAM = 2; // inspectors per organisation

  class BeaconError extends Error {}

  function beaconSources(text) {
    const sources = text.split(SOURCE_SEPARATOR).map((part) => part.split(VALUE_SEPARATOR).filter((value) => value));
    if (sources.some((values) => !values.length)) throw new BeaconError("随机数不能为空，每个来源至少一个数");
    return sources;
  }

  function sourceKey(values) {
    if (values.every((v) => INTEGER.test(v))) {
      const numbers = values.map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return numbers.map((n) => n.toString() + ".").join("") + "/";
    }
    const decimals = values.map((v) => DECIMAL.exec(v));
    if (decimals.every((m) => m)) return decimals.map((m) => BigInt(m[1]).toString() + "." + m[2].replace(/0+$/, "")).join("") + "/";
    throw new BeaconError("随机数只能是非负整数或小数，同一来源的数须全是整数或全是小数");
  }

  /* RFC 3797's key string of a beacon such as "9319 / 2 5 12 8 10". */
  function keyString(beacon) {
    return beaconSources(beacon).map(sourceKey).join("");
  }

  function canonicalBeacon(beacon) {
    return beaconSources(beacon).map((values) => values.join(" ")).join(" / ");
  }

  /* MD5 of the selection number's two bytes (big-endian), the key string and the two bytes again. */
  function selectionDigest(key, number) {
    const bytes = new Uint8Array(key.length + 4);
    bytes[0] = bytes[key.length + 2] = number >> 8;
    bytes[1] = bytes[key.length + 3] = number & 255;
    for (let i = 0; i < key.length; i++) bytes[i + 2] = key.charCodeAt(i); // the key string is ASCII
    return md5.array(bytes);
  }

  function hex(bytes) {
    return bytes.map((b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
  }

  class Selector {
    constructor(key) {
      this.key = key;
      this.number = 0;
      this.steps = []; // [number, MD5 in hex, candidates, position]
    }

    /* Take the next selection's candidate out of candidates and return it. */
    pick(candidates) {
      const digest = selectionDigest(this.key, this.number);
      const position = Number(BigInt("0x" + hex(digest)) % BigInt(candidates.length));
      this.steps.push([this.number, hex(digest), candidates.length, position]);
      this.number += 1;
      return candidates.splice(position, 1)[0];
    }

    picks(candidates, count) {
      const remaining = candidates.slice();
      const picked = [];
      for (let i = 0; i < count; i++) picked.push(this.pick(remaining));
      return picked;
    }
  }

  /* "12.5%" as an exact fraction [numerator, denominator] of BigInts. */
  function parseRatio(text) {
    const match = PERCENT.exec(text);
    if (!match) throw new Error("比例应写作百分数，如 5%");
    const fraction = match[2] || "";
    return [BigInt(match[1] + fraction), 100n * 10n ** BigInt(fraction.length)];
  }

  /* The ratio of size rounded up, at least minimum, at most all of them. */
  function pickCount(size, ratio, minimum) {
    const [numerator, denominator] = ratio;
    const up = Number((BigInt(size) * numerator + denominator - 1n) / denominator);
    return Math.min(size, Math.max(minimum || 0, up));
  }

  function listText(codes) {
    return codes.map((code) => code + "\n").join("");
  }

  function listDigest(codes) {
    return sha256.hex(listText(codes));
  }

  /* The lines of a published list (listText). */
  function readList(text) {
    return text.split("\n").slice(0, -1);
  }

  /* For each organisation, the inspectors of a pool (pool_text in mulu/supervision/records.py)
   * it may be inspected by, in the pool's order. */
  function allowedInspectors(poolText, codes) {
    const pool = readList(poolText).map((line) => {
      const [id, excluded] = line.split(":");
      return { id, excluded: new Set(excluded ? excluded.split(";") : []) };
    });
    return Object.fromEntries(codes.map((code) => [code, pool.filter((i) => !i.excluded.has(code)).map((i) => i.id)]));
  }

  /* The whole draw: 重点对象, then the others, then two inspectors for each organisation picked
   * (when candidates.inspectors is given), one count of selections throughout. */
  function runDraw(beacon, candidates, ratio, minimum, focusRatio) {
    const selector = new Selector(keyString(beacon));
    const focusPicks = selector.picks(candidates.focus, focusRatio ? pickCount(candidates.focus.length, focusRatio, 0) : 0);
    const picks = selector.picks(candidates.general, pickCount(candidates.general.length, ratio, minimum));
    let inspectors = null;
    if (candidates.inspectors) {
      inspectors = focusPicks.concat(picks).map((code) => {
        if (candidates.inspectors[code].length < TEAM) throw new Error("可派的检查人员不足两名：" + code);
        return selector.picks(candidates.inspectors[code], TEAM);
      });
    }
    return { key: selector.key, focusPicks, picks, inspectors, steps: selector.steps };
  }

  return { BeaconError, keyString, canonicalBeacon, Selector, parseRatio, pickCount, listDigest, readList,
    allowedInspectors, runDraw };
});
