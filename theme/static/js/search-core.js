/* Search without the page: the index, display and filter stores, the query, the answer to a
   query (its words understood as filters, the rest searched as text) and the display helpers.
   Mirrors mulu/search/index.py, shards.py, query.py, filters.py and answer.py; runs in the
   browser (globals MuluTokenizer, MuluUnderstand) and in node (require). */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(require("./tokenizer.js"), require("./understand.js"));
  else root.MuluSearch = factory(root.MuluTokenizer, root.MuluUnderstand);
})(typeof self !== "undefined" ? self : this, function (tokenizer, understanding) {
  "use strict";

  var K1 = 1.2; // lunr's default; b is 0, see index.py

  // The letters of a ref gap and of a shared length: see gap_code in index.py.
  var LAST = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/";
  var MORE = "!#$%&()*,-.:;<=>?@[]^_`{|}~";
  var OCCUPATIONS_MARK = "#";
  var LAST_VALUE = {}, MORE_VALUE = {};
  LAST.split("").forEach(function (letter, i) { LAST_VALUE[letter] = i; });
  MORE.split("").forEach(function (letter, i) { MORE_VALUE[letter] = i; });

  /* [[term, {fieldNumber: [ref, ...]}, [occupation, ...]]] from the lines of an index shard:
     decode_rows() in index.py; the occupations (display numbers) the term is a token of. */
  function decodeRows(text) {
    var previous = "";
    return (text ? text.split("\n") : []).map(function (line) {
      var fields = line.split(" ");
      var head = fields.shift();
      var term = previous.slice(0, LAST_VALUE[head[0]]) + head.slice(1);
      var postings = {}, occupations = [];
      fields.forEach(function (field) {
        if (field[0] === OCCUPATIONS_MARK) occupations = decodeGaps(field);
        else postings[field[0]] = decodeGaps(field);
      });
      previous = term;
      return [term, postings, occupations];
    });
  }

  /* The refs of a field's gaps; the field's letter comes first and is skipped. */
  function decodeGaps(field) {
    var refs = [], ref = 0, high = 0;
    for (var i = 1; i < field.length; i++) {
      var letter = field[i];
      if (letter in MORE_VALUE) high = high * 27 + MORE_VALUE[letter];
      else { ref += high * 64 + LAST_VALUE[letter]; refs.push(ref); high = 0; }
    }
    return refs;
  }

  function idf(documentsWithTerm, documents) {
    var x = (documents - documentsWithTerm + 0.5) / (documentsWithTerm + 0.5);
    return Math.log(1 + Math.abs(x));
  }

  /* Python's round(x, 3) for the scores lunr.py's builder writes; toFixed rounds the exact
     binary value, as Python does (they differ only on exact ties, which BM25 does not make). */
  function round3(x) { return Number(x.toFixed(3)); }

  /* The shards holding a query term, or every term it starts when it is a prefix: shards_for()
     in shards.py. Keys are sorted; JavaScript compares strings in UTF-16 order, as lunr does. */
  function shardsFor(keys, term) {
    var low = 0, high = keys.length; // the first key after the term
    while (low < high) {
      var middle = (low + high) >> 1;
      if (keys[middle] <= term.term) low = middle + 1; else high = middle;
    }
    var first = low - 1, last = first;
    while (term.prefix && last + 1 < keys.length && keys[last + 1].startsWith(term.term)) last++;
    var found = [];
    for (var n = first; n <= last; n++) found.push(n);
    return found;
  }

  var MAX_PREFIX_SHARDS = 4; // MAX_PREFIX_SHARDS in shards.py

  /* The terms as the page searches them: a prefix whose terms span more than MAX_PREFIX_SHARDS
     shards (the start of a code thousands of codes share) is searched as a whole word:
     searched_terms() in shards.py. */
  function searchedTerms(keys, terms) {
    return terms.map(function (t) {
      return t.prefix && shardsFor(keys, t).length > MAX_PREFIX_SHARDS ? { term: t.term, prefix: false } : t;
    });
  }

  /* The index, fetched shard by shard (see shards.py): a query loads the shards of its terms;
     a term's postings are all in its shard, so they score exactly as the whole index would. */
  function ShardedStore(manifest, fetchText) {
    this.manifest = manifest;
    this.fetchText = fetchText; // (path under search/) => Promise of the file's text
    this.shards = new Map(); // shard number => Promise of its rows
  }
  ShardedStore.prototype.shardNumbers = function (terms) {
    var keys = this.manifest.index, numbers = new Set();
    terms.forEach(function (t) { shardsFor(keys, t).forEach(function (n) { numbers.add(n); }); });
    return Array.from(numbers).sort(function (a, b) { return a - b; });
  };
  ShardedStore.prototype.rows = function (number) {
    if (!this.shards.has(number)) {
      this.shards.set(number, this.fetchText("index/" + number + ".txt").then(decodeRows));
    }
    return this.shards.get(number);
  };
  /* Promise of the index rows the query's terms reach, from the shards they live in. */
  ShardedStore.prototype.termsFor = function (terms) {
    var store = this, manifest = this.manifest;
    return Promise.all(this.shardNumbers(terms).map(function (n) { return store.rows(n); })).then(function (shards) {
      var rows = [].concat.apply([], shards).filter(function (row) { return reachedBy(terms, row[0]).length; });
      return { documents: manifest.documents, fields: manifest.fields, terms: rows };
    });
  };

  /* The query terms that reach an index term: itself, or a start of it for a prefix. */
  function reachedBy(terms, term) {
    return terms.filter(function (t) { return term === t.term || (t.prefix && term.startsWith(t.term)); });
  }

  /* [{ref, score, occupation, fields, covered}] best first: matches() in query.py, which says
     why this is what lunr's query computes. occupation: the result matched through its
     occupations; fields and covered: bit masks of the fields it matched in and of the terms
     it has. When nothing has every term, the results are those with some of them. */
  function run(compact, terms) {
    var rows = compact.terms.map(function (row) { return { row: row, reached: reachedBy(terms, row[0]) }; })
      .filter(function (entry) { return entry.reached.length; });
    if (!rows.length) return [];
    var length = Math.sqrt(rows.reduce(function (sum, entry) { return sum + entry.reached.length * entry.reached.length; }, 0));
    var totals = new Float64Array(compact.documents), covered = new Int32Array(compact.documents);
    var fields = new Int32Array(compact.documents), touched = [];
    rows.forEach(function (entry) {
      var postings = entry.row[1], numbers = Object.keys(postings);
      var withTerm = 0;
      numbers.forEach(function (number) { withTerm += new Set(postings[number]).size; });
      var termIdf = idf(withTerm, compact.documents), count = entry.reached.length;
      var mask = 0;
      entry.reached.forEach(function (t) { mask |= 1 << terms.indexOf(t); });
      numbers.forEach(function (number) {
        var refs = postings[number], boost = compact.fields[number][1];
        for (var i = 0; i < refs.length; ) {
          var ref = refs[i], tf = 0;
          while (i < refs.length && refs[i] === ref) { tf++; i++; } // a repeated ref is a repeated token
          if (!fields[ref]) touched.push(ref);
          totals[ref] += count * round3(termIdf * ((K1 + 1) * tf) / (K1 + tf) * boost);
          covered[ref] |= mask;
          fields[ref] |= 1 << number;
        }
      });
    });
    var everything = touched.filter(function (ref) { return bits(covered[ref]) === terms.length; });
    if (!everything.length) everything = touched;
    var occupation = compact.fields.findIndex(function (field) { return field[0] === "o"; });
    return everything.map(function (ref) {
      var score = totals[ref] / length;
      return { ref: ref, score: score, coverage: bits(covered[ref]), key: Math.round(score * 1e6), covered: covered[ref], fields: fields[ref] };
    }).sort(function (a, b) { return b.coverage - a.coverage || b.key - a.key || a.ref - b.ref; })
      .map(function (r) {
        return { ref: r.ref, score: r.score, occupation: Boolean(r.fields >> occupation & 1), fields: r.fields, covered: r.covered };
      });
  }

  function bits(mask) {
    var count = 0;
    for (; mask; mask &= mask - 1) count++;
    return count;
  }

  /* Promise of {results: run()'s, complete: whether they have every term, terms: the terms
     searched (asked: as typed), occupations: Set of the occupations (display numbers) one of
     whose tokens a searched term reaches, broad: the prefixes searchedTerms() searched as whole
     words (the page asks the reader for more characters)}. */
  function search(store, text) {
    var asked = tokenizer.queryTerms(text);
    var terms = searchedTerms(store.manifest.index, asked);
    var broad = asked.filter(function (t, i) { return t.prefix && !terms[i].prefix; }).map(function (t) { return t.term; });
    return store.termsFor(terms).then(function (compact) {
      var occupations = new Set();
      compact.terms.forEach(function (row) { row[2].forEach(function (n) { occupations.add(n); }); });
      var results = run(compact, terms);
      var complete = results.length > 0 && bits(results[0].covered) === terms.length;
      return { results: results, complete: complete, terms: terms, asked: asked, occupations: occupations, broad: broad };
    });
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

  /* The display rows (see display_data in index.py), fetched by file of manifest.display.rows
     rows (search_files in shards.py): showing results fetches only the files of their refs. */
  function DisplayStore(manifest, fetchJson) {
    this.manifest = manifest;
    this.fetchJson = fetchJson; // (path under search/) => Promise of the parsed file
    this.files = new Map();
  }
  DisplayStore.prototype.file = function (path) {
    if (!this.files.has(path)) this.files.set(path, this.fetchJson(path));
    return this.files.get(path);
  };
  /* Promise of the display rows of refs, in their order. */
  DisplayStore.prototype.rows = function (refs) {
    var store = this, per = this.manifest.display.rows;
    return Promise.all(refs.map(function (ref) {
      return store.file("orgs/" + Math.floor(ref / per) + ".json").then(function (rows) { return rows[ref % per]; });
    }));
  };
  /* Promise of the occupations ("code title") of display numbers, in their order; fetches only
     their files (manifest.display.occupationRows names each). */
  DisplayStore.prototype.occupations = function (numbers) {
    var store = this, per = this.manifest.display.occupationRows;
    return Promise.all(numbers.map(function (n) {
      return store.file("occupations/" + Math.floor(n / per) + ".json").then(function (names) { return names[n % per]; });
    }));
  };
  /* Promise of what the filters need of refs: from the facets file when the display data is
     split (so filtering does not fetch every display file), else from the display rows. */
  DisplayStore.prototype.facts = function (refs) {
    var manifest = this.manifest;
    var facetRows = manifest.display.facets
      ? this.file("facets.json").then(function (all) { return refs.map(function (ref) { return all[ref]; }); })
      : this.rows(refs).then(function (rows) { return rows.map(function (row) { return row.slice(3, 8); }); });
    return facetRows.then(function (rows) { return rows.map(function (row) { return facts(manifest, row); }); });
  };

  /* Status, validity, district and type of a facet row (a display row's items 3 to 7). */
  function facts(manifest, row) {
    return {
      status: row[0], validFrom: row[1], validUntil: row[1] === null ? null : row[1] + row[2],
      district: manifest.districts[row[3]], type: manifest.types[row[4]]
    };
  }

  /* One organisation of a display row as an object; occupations: the numbers of row[8], and
     grantLevels their levels ("543"). */
  function organisation(manifest, ref, row) {
    var org = facts(manifest, row.slice(3, 8));
    org.ref = ref;
    org.creditCode = row[0];
    org.name = row[1];
    org.filingNo = row[2];
    org.occupations = row[8];
    org.grantLevels = row[9];
    return org;
  }

  /* The filter files (filters.py), each fetched once: Promise of {label: [ref, ...]}. */
  function FilterStore(fetchText) {
    this.fetchText = fetchText; // (path under search/) => Promise of the file's text
    this.files = new Map();
  }
  FilterStore.prototype.lines = function (path) {
    if (!this.files.has(path)) {
      this.files.set(path, this.fetchText("filters/" + path + ".txt").then(function (text) {
        var lines = {};
        text.split("\n").forEach(function (line) { if (line) lines[line[0]] = decodeGaps(line); });
        return lines;
      }));
    }
    return this.files.get(path);
  };

  var KINDS = ["district", "status", "type", "level", "occupation"]; // conditions in this order
  var FILTER_FOLDERS = { district: "d/", type: "t/", level: "l/", occupation: "o/" };

  /* The conditions of a query: one per kind of its recognised words ({kind, values, pieces}),
     then one per filter chosen on the page ({kind, values, select: its field's name}). */
  function conditions(recognised, selected, manifest) {
    var found = KINDS.map(function (kind) {
      var pieces = recognised.filter(function (r) { return r.kind === kind; });
      return { kind: kind, pieces: pieces, values: Array.from(new Set(pieces.map(function (r) { return r.value; }))) };
    }).filter(function (c) { return c.pieces.length; });
    var value = { district: function (v) { return manifest.districts.indexOf(v); }, type: function (v) { return manifest.types.indexOf(v); },
      level: Number, status: String };
    Object.keys(value).forEach(function (kind) {
      if (selected[kind]) found.push({ kind: kind, pieces: [], values: [value[kind](selected[kind])], select: kind });
    });
    return found;
  }

  function union(lists) {
    var refs = new Set();
    lists.forEach(function (list) { list.forEach(function (ref) { refs.add(ref); }); });
    return refs;
  }

  /* Promise of the Set of refs the conditions other than status keep (null: they keep every
     organisation). Values of one condition are alternatives; conditions must all hold. Levels
     typed with an occupation are the levels it may be evaluated at, else any occupation's. */
  function keptBy(filters, conds) {
    var levels = [].concat.apply([], conds.filter(function (c) { return c.kind === "level" && !c.select; })
      .map(function (c) { return c.values.map(String); }));
    var withOccupation = conds.some(function (c) { return c.kind === "occupation"; });
    var sets = conds.filter(function (c) {
      return c.kind !== "status" && !(c.kind === "level" && !c.select && withOccupation);
    }).map(function (c) {
      return Promise.all(c.values.map(function (v) { return filters.lines(FILTER_FOLDERS[c.kind] + v); })).then(function (files) {
        return union([].concat.apply([], files.map(function (lines) {
          return Object.keys(lines).filter(function (label) {
            return c.kind !== "occupation" || !levels.length || levels.indexOf(label) >= 0;
          }).map(function (label) { return lines[label]; });
        })));
      });
    });
    return Promise.all(sets).then(function (all) {
      if (!all.length) return null;
      return all.reduce(function (kept, set) { return new Set(Array.from(kept).filter(function (ref) { return set.has(ref); })); });
    });
  }

  /* Promise of the refs the conditions keep: of the candidates in their order, or (null) of
     every organisation in ref order. Statuses are read off the organisations' facts. */
  function keep(stores, candidates, conds, today) {
    return keptBy(stores.filters, conds).then(function (kept) {
      var refs = candidates ? candidates.filter(function (ref) { return !kept || kept.has(ref); })
        : kept ? Array.from(kept).sort(function (a, b) { return a - b; })
          : Array.from({ length: stores.manifest.documents }, function (_, ref) { return ref; });
      var statuses = conds.filter(function (c) { return c.kind === "status"; });
      if (!statuses.length || !refs.length) return refs;
      return stores.display.facts(refs).then(function (facts) {
        return refs.filter(function (ref, i) {
          var status = publicStatus(facts[i], today, stores.manifest.warningDays);
          return statuses.every(function (c) { return c.values.indexOf(status) >= 0; });
        });
      });
    });
  }

  /* Promise of the alternatives to a query the conditions emptied: each condition dropped
     (and the text, if any), with how many organisations that finds; those finding some. */
  function alternatives(stores, textRefs, conds, today) {
    var drops = conds.map(function (c) {
      return { drop: c, refs: keep(stores, textRefs, conds.filter(function (other) { return other !== c; }), today) };
    });
    if (textRefs) drops.push({ drop: null, refs: keep(stores, null, conds, today) });
    return Promise.all(drops.map(function (d) { return d.refs; })).then(function (found) {
      return drops.map(function (d, i) { return { drop: d.drop, count: found[i].length }; })
        .filter(function (a) { return a.count; });
    });
  }

  /* "code title" by display number: the occupations whose tokens the understanding probed. */
  function probedOccupations(stores, text) {
    var probes = understanding.probes(text, stores.manifest.words).map(function (term) { return { term: term, prefix: false }; });
    return stores.index.termsFor(probes).then(function (compact) {
      var numbers = Array.from(union(compact.terms.map(function (row) { return row[2]; })));
      return stores.display.occupations(numbers).then(function (names) {
        var named = new Map();
        numbers.forEach(function (n, i) { named.set(n, names[i]); });
        return named;
      });
    });
  }

  /* Promise of the answer to a typed query and the filters chosen on the page (selected:
     {district, type, level, status}, names and codes as the page's fields have them):
     {parts: [{word, recognised}] (each word as understood), rest: the words searched as text,
     conds: conditions(), found: search() of the rest (null without), refs: the organisations
     that answer, best first, partial: they have only some of the text's terms, named: the
     occupations probed (display number => "code title"), alternatives: when the conditions
     left nothing, see alternatives()}. answer() in mulu/search/answer.py is the same. */
  function answer(stores, text, selected, today) {
    return probedOccupations(stores, text).then(function (named) {
      var occupations = {};
      named.forEach(function (name) { occupations[name.split(" ")[0]] = name.slice(name.indexOf(" ") + 1).split("/")[0]; });
      var parts = understanding.words(text).map(function (word) {
        return { word: word, recognised: understanding.understand(word, stores.manifest.words, occupations).recognised };
      });
      var rest = parts.filter(function (p) { return !p.recognised.length; }).map(function (p) { return p.word; });
      var conds = conditions([].concat.apply([], parts.map(function (p) { return p.recognised; })), selected, stores.manifest);
      var searched = rest.length ? search(stores.index, rest.join(" ")) : Promise.resolve(null);
      return searched.then(function (found) {
        var textRefs = found ? found.results.map(function (r) { return r.ref; }) : null;
        return keep(stores, textRefs, conds, today).then(function (refs) {
          var result = { parts: parts, rest: rest, conds: conds, found: found, refs: refs, named: named,
            partial: Boolean(found && !found.complete && refs.length), alternatives: [] };
          if (refs.length || !conds.length) return result;
          return alternatives(stores, textRefs, conds, today).then(function (found) { result.alternatives = found; return result; });
        });
      });
    });
  }

  /* The typed words a result has every term of, and those it lacks: for a partial answer. */
  function wordsOf(found, words, result) {
    var keys = found.asked.map(function (t) { return t.term + (t.prefix ? "*" : ""); });
    var has = function (word) {
      return tokenizer.queryTerms(word).every(function (t) {
        var i = keys.indexOf(t.term + (t.prefix ? "*" : ""));
        return i < 0 || (result.covered >> i & 1);
      });
    };
    return { matched: words.filter(has), lacking: words.filter(function (w) { return !has(w); }) };
  }

  return {
    decodeRows: decodeRows, shardsFor: shardsFor, ShardedStore: ShardedStore,
    DisplayStore: DisplayStore, FilterStore: FilterStore, search: search, run: run, answer: answer,
    wordsOf: wordsOf, publicStatus: publicStatus, dayNumber: dayNumber, organisation: organisation
  };
});
