"""Queries against the index with lunr.py: the same steps as ``run`` in
``theme/static/js/search-core.js``, so the tests can check one against the other."""

from __future__ import annotations

from lunr.index import Index
from lunr.query import Query, QueryPresence

from .index import lunr_index
from .tokenizer import QueryTerm, query_terms


def load_index(compact: dict) -> Index:
    return Index.load(lunr_index(compact))


def search(index: Index, text: str) -> list[tuple[int, float]]:
    """``(ref, score)`` best first for a typed query: organisations matching more of the
    query's terms first, then by lunr's score, then by ref."""
    return run(index, query_terms(text))


def run(index: Index, terms: list[QueryTerm]) -> list[tuple[int, float]]:
    """Every term required; if nothing has them all (a typo, bigrams across a word boundary
    such as 上海电工), each term optional, ranked by how much matched."""
    if not terms:
        return []
    return query(index, terms, QueryPresence.REQUIRED) or query(index, terms, QueryPresence.OPTIONAL)


def query(index: Index, terms: list[QueryTerm], presence: QueryPresence) -> list[tuple[int, float]]:
    q = index.create_query()
    for t in terms:
        wildcard = Query.WILDCARD_TRAILING if t.prefix else Query.WILDCARD_NONE
        q.term(t.term, use_pipeline=False, wildcard=wildcard, presence=presence)
    results = [(int(match["ref"]), match["score"], coverage(terms, match["match_data"].metadata))
               for match in index.query(q)]
    # Scores compared at 6 decimals: Python and JavaScript may differ in the last bit.
    results.sort(key=lambda result: (-result[2], -round(result[1] * 1e6), result[0]))
    return [(ref, score) for ref, score, _ in results]


def coverage(terms: list[QueryTerm], matched: dict) -> int:
    """How many of the query's terms a result matched (a prefix term through any expansion)."""
    return sum(any(m == t.term or (t.prefix and m.startswith(t.term)) for m in matched) for t in terms)
