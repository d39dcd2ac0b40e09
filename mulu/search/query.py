"""Queries: what lunr's ``Index.query`` computes, read straight off the index's postings.

lunr builds a document vector per field and a query vector per field, then scores a document
by the dot products. With every query term searched in every field (as here) the query vector
is the same for all fields: one entry per expanded term, the number of query terms that expand
to it. So a document's score is the sum, over expanded terms, of that count times the term's
weight in each of the document's fields (lunr's BM25 weight, rounded to 3 places as the
serialized index keeps it), divided by the query vector's length. Computing this directly
takes a few milliseconds where lunr.js needs seconds for a query matching 25,000 documents;
``theme/static/js/search-core.js`` is the same code, and the tests check both against lunr.py.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from lunr.index import Index
from lunr.query import Query, QueryPresence

from .index import K1, inverse_document_frequency, lunr_index
from .tokenizer import QueryTerm, query_terms


def search(compact: dict, text: str) -> list[tuple[int, float]]:
    """``(ref, score)`` best first for a typed query on an index (or the shards it needs)."""
    return run(compact, query_terms(text))


def run(compact: dict, terms: list[QueryTerm]) -> list[tuple[int, float]]:
    """Every term required; if nothing has them all (a typo, bigrams across a word boundary
    such as 上海电工), each term optional, ranked by how much matched."""
    return [(ref, score) for ref, score, _ in matches(compact, terms)]


def matches(compact: dict, terms: list[QueryTerm]) -> list[tuple[int, float, set[int]]]:
    """``(ref, score, field numbers matched)`` best first: organisations matching more of the
    query's terms first, then by score (compared at 6 decimals, as JavaScript and Python may
    differ in the last bit), then by ref."""
    counts = {n: len(reached) for n, (term, _) in enumerate(compact["terms"])  # query terms expanding to it
              if (reached := reached_by(terms, term))}
    if not counts:
        return []
    length = math.sqrt(sum(count * count for count in counts.values()))
    totals: dict[int, float] = defaultdict(float)
    covered: dict[int, set[QueryTerm]] = defaultdict(set)
    fields: dict[int, set[int]] = defaultdict(set)
    for n, count in counts.items():
        term, postings = compact["terms"][n]
        idf = inverse_document_frequency(sum(len(set(refs)) for refs in postings.values()), compact["documents"])
        reached = set(reached_by(terms, term))
        for number, refs in postings.items():
            boost = compact["fields"][number][1]
            for ref, tf in Counter(refs).items():
                totals[ref] += count * round(idf * ((K1 + 1) * tf) / (K1 + tf) * boost, 3)
                covered[ref] |= reached
                fields[ref].add(number)
    everything = [ref for ref in totals if len(covered[ref]) == len(terms)] or list(totals)
    everything.sort(key=lambda ref: (-len(covered[ref]), -round(totals[ref] / length * 1e6), ref))
    return [(ref, totals[ref] / length, fields[ref]) for ref in everything]


def reached_by(terms: list[QueryTerm], term: str) -> list[QueryTerm]:
    """The query terms that reach an index term: itself, or a start of it for a prefix."""
    return [t for t in terms if term == t.term or (t.prefix and term.startswith(t.term))]


def lunr_search(index: Index, text: str) -> list[tuple[int, float]]:
    """The same query through lunr.py's own ``Index.query``: the reference the tests hold
    :func:`search` to."""
    return lunr_terms(index, query_terms(text))


def lunr_terms(index: Index, terms: list[QueryTerm]) -> list[tuple[int, float]]:
    """:func:`lunr_search` for query terms already made."""
    if not terms:
        return []
    return lunr_query(index, terms, QueryPresence.REQUIRED) or lunr_query(index, terms, QueryPresence.OPTIONAL)


def load_index(compact: dict) -> Index:
    return Index.load(lunr_index(compact))


def lunr_query(index: Index, terms: list[QueryTerm], presence: QueryPresence) -> list[tuple[int, float]]:
    q = index.create_query()
    for t in terms:
        wildcard = Query.WILDCARD_TRAILING if t.prefix else Query.WILDCARD_NONE
        q.term(t.term, use_pipeline=False, wildcard=wildcard, presence=presence)
    results = [(int(match["ref"]), match["score"], coverage(terms, match["match_data"].metadata))
               for match in index.query(q)]
    results.sort(key=lambda result: (-result[2], -round(result[1] * 1e6), result[0]))
    return [(ref, score) for ref, score, _ in results]


def coverage(terms: list[QueryTerm], matched: dict) -> int:
    """How many of the query's terms a result matched (a prefix term through any expansion)."""
    return len({t for m in matched for t in reached_by(terms, m)})
