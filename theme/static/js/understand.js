/* What the words of a query name (district, type, level, status, occupation): the same code as
   mulu/search/understand.py, checked against tests/data/query-vectors.json. The names come from
   the search manifest's word table and the occupations' names; none are written here. A plain
   script: a global in the browser, a module in node. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.MuluUnderstand = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var SEPARATORS = /[\s,、;。]+/u; // SEPARATORS in understand.py
  var CODE = /^[0-9]-?[0-9]{2}-?[0-9]{2}-?[0-9]{2}$/;

  function words(text) {
    return String(text).normalize("NFKC").split(SEPARATORS).filter(Boolean);
  }

  /* The code of the occupation a word names or codes (occupations: {code: name}): occupation_of(). */
  function occupationOf(word, occupations) {
    var codes = Object.keys(occupations);
    if (CODE.test(word)) {
      var digits = word.replace(/-/g, "");
      return codes.find(function (code) { return code.replace(/-/g, "") === digits; }) || null;
    }
    return codes.find(function (code) { return occupations[code] === word; }) || null;
  }

  /* The longest name of the table that starts (or ends) the text; names have two characters or more. */
  function longestStart(text, table) {
    var chars = Array.from(text);
    for (var n = chars.length; n > 1; n--) if (Object.hasOwn(table, chars.slice(0, n).join(""))) return chars.slice(0, n).join("");
    return null;
  }
  function longestEnd(text, table) {
    var chars = Array.from(text);
    for (var n = chars.length; n > 1; n--) if (Object.hasOwn(table, chars.slice(-n).join(""))) return chars.slice(-n).join("");
    return null;
  }

  /* [{starts, middle, ends}] as names come off the word: peelings(). */
  function peelings(word, table) {
    var step = { starts: [], middle: word, ends: [] };
    var found = [step];
    while (step.middle) {
      var start = longestStart(step.middle, table);
      var end = start ? null : longestEnd(step.middle, table);
      if (start) step = { starts: step.starts.concat([start]), middle: step.middle.slice(start.length), ends: step.ends };
      else if (end) step = { starts: step.starts, middle: step.middle.slice(0, -end.length), ends: [end].concat(step.ends) };
      else break;
      found.push(step);
    }
    return found;
  }

  function named(form, table) {
    return { word: form, kind: table[form][0], value: table[form][1] };
  }

  /* The names a word is made of, or null: recognise(). */
  function recognise(word, table, occupations) {
    var steps = peelings(word, table);
    for (var i = 0; i < steps.length; i++) {
      var step = steps[i];
      var code = step.middle ? occupationOf(step.middle, occupations) : null;
      if (code || !step.middle) {
        var middle = code ? [{ word: step.middle, kind: "occupation", value: code }] : [];
        var name = function (form) { return named(form, table); };
        return step.starts.map(name).concat(middle, step.ends.map(name));
      }
    }
    return null;
  }

  /* {recognised: [{word, kind, value}], rest: [word]}: understand(). */
  function understand(text, table, occupations) {
    var recognised = [], rest = [];
    words(text).forEach(function (word) {
      var found = recognise(word, table, occupations);
      if (found) recognised = recognised.concat(found);
      else rest.push(word);
    });
    return { recognised: recognised, rest: rest };
  }

  /* The index terms whose occupations understanding the text needs: probes(). */
  function probes(text, table) {
    var found = [];
    words(text).forEach(function (word) {
      peelings(word, table).forEach(function (step) {
        var middle = step.middle;
        if (CODE.test(middle)) found.push(middle.replace(/-/g, "").toLowerCase());
        else if (Array.from(middle).length >= 2 && /[^\x00-\x7f]/.test(middle)) found.push(Array.from(middle).slice(0, 2).join(""));
      });
    });
    return Array.from(new Set(found));
  }

  return { words: words, understand: understand, probes: probes };
});
