/* Search without the page: the index store, the expansion into a lunr index, the query and
   the display helpers. Mirrors mulu/search/index.py and mulu/search/query.py; runs in the
   browser (globals lunr and MuluTokenizer) and in node (require). */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(require("lunr"), require("./tokenizer.js"));
  else root.MuluSearch = factory(root.lunr, root.MuluTokenizer);
})(typeof self !== "undefined" ? self : this, function (lunr, tokenizer) {
  "use strict";

  var K1 = 1.2; // lunr's default; b is 0, see index.py

  /* [[term, {fieldNumber: [ref, ...]}]] from the compact index's rows (see index.py). */
  function readTerms(compact) {
    var previous = "";
    return compact.terms.map(function (row) {
      var term = previous.slice(0, row[0]) + row[1];
      var postings = {};
      row.slice(2).forEach(function (field) {
        var ref = 0;
        postings[field[0]] = field.slice(1).map(function (gap) { return (ref += gap); });
      });
      previous = term;
      return [term, postings];
    });
  }

  function idf(documentsWithTerm, documents) {
    var x = (documents - documentsWithTerm + 0.5) / (documentsWithTerm + 0.5);
    return Math.log(1 + Math.abs(x));
  }

  /* Python's round(x, 3) for the scores lunr.py's builder writes; toFixed rounds the exact
     binary value, as Python does (they differ only on exact ties, which BM25 does not make). */
  function round3(x) { return Number(x.toFixed(3)); }

  /* lunr's serialized index from the compact one: lunr_index() in index.py. */
  function expand(compact) {
    var names = compact.fields.map(function (field) { return field[0]; });
    var inverted = [], vectors = new Map();
    // Every field of every document has a vector, even an empty one, as lunr's builder makes.
    for (var ref = 0; ref < compact.documents; ref++) {
      names.forEach(function (name) { vectors.set(name + "/" + ref, []); });
    }
    readTerms(compact).forEach(function (entry, position) {
      var postings = entry[1];
      var withTerm = 0;
      Object.keys(postings).forEach(function (number) { withTerm += new Set(postings[number]).size; });
      var termIdf = idf(withTerm, compact.documents);
      var posting = { _index: position };
      names.forEach(function (name) { posting[name] = {}; });
      Object.keys(postings).forEach(function (number) {
        var name = compact.fields[number][0], boost = compact.fields[number][1];
        var counts = new Map();
        postings[number].forEach(function (ref) { counts.set(ref, (counts.get(ref) || 0) + 1); });
        counts.forEach(function (tf, ref) {
          posting[name][String(ref)] = {};
          vectors.get(name + "/" + ref).push(position, round3(termIdf * ((K1 + 1) * tf) / (K1 + tf) * boost));
        });
      });
      inverted.push([entry[0], posting]);
    });
    return {
      version: compact.lunr,
      fields: names,
      fieldVectors: Array.from(vectors),
      invertedIndex: inverted,
      pipeline: []
    };
  }

  /* Where the index comes from. Today one file holds every term; a sharded store would fetch
     only the shards holding the query's terms and build the lunr index from those rows. */
  function SingleFileStore(load) {
    this.load = load; // () => Promise of the parsed index file
    this.index = null;
  }
  SingleFileStore.prototype.indexFor = function (terms) {
    if (!this.index) {
      this.index = this.load().then(function (compact) { return lunr.Index.load(expand(compact)); });
    }
    return this.index;
  };

  /* Every term required; if nothing has them all (a typo, bigrams across a word boundary
     such as 上海电工), each term optional, ranked by how much matched. */
  function run(index, terms) {
    if (!terms.length) return [];
    var required = query(index, terms, lunr.Query.presence.REQUIRED);
    return required.length ? required : query(index, terms, lunr.Query.presence.OPTIONAL);
  }

  function query(index, terms, presence) {
    var results = index.query(function (q) {
      terms.forEach(function (t) {
        q.term(t.term, {
          usePipeline: false,
          wildcard: t.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE,
          presence: presence
        });
      });
    });
    return ranked(results.map(function (r) {
      return { ref: Number(r.ref), score: r.score, coverage: coverage(terms, Object.keys(r.matchData.metadata)) };
    }));
  }

  /* How many of the query's terms a result matched (a prefix term through any expansion). */
  function coverage(terms, matched) {
    return terms.filter(function (t) {
      return matched.some(function (m) { return m === t.term || (t.prefix && m.startsWith(t.term)); });
    }).length;
  }

  /* More of the query's terms first, then by score, then by ref; scores are compared at 6
     decimals so that Python and JavaScript, which may differ in the last bit, agree. */
  function ranked(results) {
    return results
      .map(function (r) { return { ref: r.ref, score: r.score, coverage: r.coverage, key: Math.round(r.score * 1e6) }; })
      .sort(function (a, b) { return b.coverage - a.coverage || b.key - a.key || a.ref - b.ref; })
      .map(function (r) { return { ref: r.ref, score: r.score }; });
  }

  function search(store, text) {
    var terms = tokenizer.queryTerms(text);
    return store.indexFor(terms).then(function (index) { return run(index, terms); });
  }

  /* The status a reader sees today: Organisation.public_status in mulu/model.py. */
  var STATUS = { NOTICE: 0, FILED: 1, REMOVED: 2 };
  function publicStatus(org, today, warningDays) {
    if (org.status === STATUS.NOTICE) return "公示中";
    if (org.status === STATUS.REMOVED) return "已移出";
    if (today < org.validFrom) return "未生效";
    if (today > org.validUntil) return "已过期";
    if (org.validUntil - today <= warningDays) return "即将到期";
    return "有效";
  }

  /* Days since 1970-01-01 of the reader's calendar day. */
  function dayNumber(date) {
    return Math.round(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) / 86400000);
  }

  /* One organisation of the display data (see display_data in index.py) as an object. */
  function organisation(display, ref) {
    var row = display.orgs[ref];
    return {
      ref: ref, creditCode: row[0], name: row[1], filingNo: row[2], status: row[3],
      validFrom: row[4], validUntil: row[4] === null ? null : row[4] + row[5],
      district: display.districts[row[6]], type: display.types[row[7]], levels: row[8],
      occupations: row[9].map(function (i) { return display.occupations[i]; })
    };
  }

  /* The occupations ("code title") one of whose tokens a query term reaches. */
  function matchedOccupations(occupations, text) {
    var terms = tokenizer.queryTerms(text);
    return occupations.filter(function (occupation) {
      var found = tokenizer.tokens(occupation);
      return terms.some(function (t) {
        return found.some(function (token) { return t.prefix ? token.startsWith(t.term) : token === t.term; });
      });
    });
  }

  return {
    expand: expand, SingleFileStore: SingleFileStore, search: search, run: run,
    publicStatus: publicStatus, dayNumber: dayNumber, organisation: organisation,
    matchedOccupations: matchedOccupations
  };
});
