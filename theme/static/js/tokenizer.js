/* Split text into search tokens: the same code as mulu/search/tokenizer.py, checked against
   tests/data/tokenizer-vectors.json. A plain script: a global in the browser, a module in node. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.MuluTokenizer = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // Kept identical to HAN in tokenizer.py.
  var HAN = "\\u3007\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3ffff}";
  var TOKEN_RUN = new RegExp("([" + HAN + "]+)|([0-9A-Za-z]+(?:-[0-9A-Za-z]+)*)", "gu");
  var MAX_QUERY_TERMS = 32;

  /* [{kind: "han" | "word", text}] in reading order. */
  function runs(text) {
    var found = [];
    for (var match of String(text).normalize("NFKC").matchAll(TOKEN_RUN)) {
      if (match[1]) found.push({ kind: "han", text: match[1] });
      else found.push({ kind: "word", text: match[2].replace(/-/g, "").toLowerCase() });
    }
    return found;
  }

  /* Overlapping bigrams and the last character alone, by code point. */
  function hanTokens(run) {
    var chars = Array.from(run);
    var found = [];
    for (var i = 0; i + 1 < chars.length; i++) found.push(chars[i] + chars[i + 1]);
    found.push(chars[chars.length - 1]);
    return found;
  }

  function tokens(text) {
    var found = [];
    runs(text).forEach(function (run) {
      if (run.kind === "han") found.push.apply(found, hanTokens(run.text));
      else found.push(run.text);
    });
    return found;
  }

  /* [{term, prefix}]: see query_terms in tokenizer.py. */
  function queryTerms(text) {
    var terms = [];
    var seen = new Set();
    function add(term, prefix) {
      var key = term + (prefix ? "*" : "");
      if (!seen.has(key)) { seen.add(key); terms.push({ term: term, prefix: prefix }); }
    }
    runs(text).forEach(function (run) {
      if (run.kind === "word" || Array.from(run.text).length === 1) add(run.text, true);
      else hanTokens(run.text).slice(0, -1).forEach(function (bigram) { add(bigram, false); });
    });
    return terms.slice(0, MAX_QUERY_TERMS);
  }

  return { tokens: tokens, queryTerms: queryTerms };
});
