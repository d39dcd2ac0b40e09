"""The search index of the last build, kept so that the next one updates it rather than making
it again when a few organisations changed.

A ref whose organisation's rows are unchanged (same digest, see ``Registry.digests``) keeps its
tokens, its postings and its display row: only the changed refs are tokenized again, only the
terms they had or have get new postings, and the shards whose rows are all unchanged keep
their text. What comes out is exactly what :func:`build` makes from nothing (the tests compare
the two). It applies while the refs keep their organisations' places and the occupations their
numbers: an organisation added, removed or moving in the ref order (a new status) shifts the
refs after it, which changes nearly every posting, so the index is made again.
"""

from __future__ import annotations

import bisect
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..model import Organisation
from .index import FIELDS, build_index, decode_posting, display_json, field_tokens, posting_text, utf16

FIELD_SEPARATOR = "\x1f"  # never in a term, nor is a space: tokens are letters, digits and Han characters
UPDATE_SHARE = 20  # update the index when at most one ref in this many changed


@dataclass
class Indexed:
    """The index and the display rows of every ref, with what an update needs of them."""

    digests: list[bytes]  # by ref: the organisation's digest
    documents: list[str]  # by ref: its tokens (see document_text)
    display: list[tuple[str, str]]  # by ref: its display row and its facets, as JSON
    occupations: list[str]  # the occupations the display rows number, in order
    rows: list[tuple[str, str]]  # (term, posting text) of every term, in UTF-16 order
    shards: list[tuple[int, bytes]] = field(default_factory=list)  # (first row, file) of each shard


def build(orgs: list[Organisation], digests: list[bytes], occupations: list[str], of_token: dict[str, list[int]],
          districts: list[str], settings: dict) -> Indexed:
    """The index of the organisations, in ref order, made from nothing."""
    numbers = numbered(occupations)
    documents: list[str] = []

    def recorded(tokenized):
        for document in tokenized:
            documents.append(document_text(document))
            yield document

    compact = build_index(recorded(field_tokens(orgs, settings)))
    rows = [(term, posting_text(postings, of_token.get(term, ()))) for term, postings in compact["terms"]]
    return Indexed(digests, documents, [display_json(org, districts, numbers) for org in orgs], occupations, rows)


def updated(previous: Indexed | None, orgs: list[Organisation], digests: list[bytes], occupations: list[str],
            of_token: dict[str, list[int]], districts: list[str], settings: dict) -> Indexed | None:
    """``previous`` brought up to date with the organisations, or None when making the index
    again is needed (see the module documentation) or as quick."""
    if previous is None or len(previous.digests) != len(digests) or previous.occupations != occupations:
        return None
    changed = [ref for ref, (before, now) in enumerate(zip(previous.digests, digests)) if before != now]
    if len(changed) * UPDATE_SHARE > len(digests):
        return None
    numbers = numbered(occupations)
    documents, display = list(previous.documents), list(previous.display)
    now: dict[int, Counter] = {}
    touched: set[str] = set()  # terms a changed ref now has more or fewer times in some field
    for ref, document in zip(changed, field_tokens([orgs[ref] for ref in changed], settings)):
        before, now[ref] = occurrences(document_tokens(previous.documents[ref])), occurrences(document)
        touched.update(term for term, number in before.keys() | now[ref].keys() if before[term, number] != now[ref][term, number])
        documents[ref] = document_text(document)
        display[ref] = display_json(orgs[ref], districts, numbers)
    added: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for ref, counts in now.items():  # in ref order
        for (term, number), count in counts.items():
            if term in touched:
                added[term][number] += [ref] * count
    rows = updated_rows(previous.rows, touched, set(changed), added, of_token)
    return Indexed(digests, documents, display, occupations, rows)


def numbered(occupations: list[str]) -> dict[str, int]:
    """Each occupation's number in the display rows: its place."""
    return {name: number for number, name in enumerate(occupations)}


def document_text(document: dict[str, list[str]]) -> str:
    """A tokenized document as one string, which keeps far smaller than its lists."""
    return FIELD_SEPARATOR.join(" ".join(document[field_.name]) for field_ in FIELDS)


def document_tokens(text: str) -> dict[str, list[str]]:
    return {field_.name: tokens.split(" ") if tokens else [] for field_, tokens in zip(FIELDS, text.split(FIELD_SEPARATOR))}


def occurrences(document: dict[str, list[str]]) -> Counter:
    """How often each term occurs in each field (by number)."""
    return Counter((term, number) for number, field_ in enumerate(FIELDS) for term in document[field_.name])


def updated_rows(rows: list[tuple[str, str]], touched: set[str], changed: set[int],
                 added: dict[str, dict[int, list[int]]], of_token: dict[str, list[int]]) -> list[tuple[str, str]]:
    """The rows with the changed refs taken out of the touched terms' postings and all their
    occurrences of those terms (``added``) put back; a term left without postings goes, a new
    one comes in its UTF-16 place. Rows that do not change stay the same objects."""
    replaced: dict[int, tuple[str, str] | None] = {}
    new = []
    for term in touched:
        number = row_of(rows, term)
        before = decode_posting(rows[number][1][1:])[0] if number is not None else {}
        postings = {n: [ref for ref in refs if ref not in changed] for n, refs in before.items()}
        for n, refs in added.get(term, {}).items():
            postings[n] = sorted(postings.get(n, []) + refs)
        postings = {n: postings[n] for n in sorted(postings) if postings[n]}
        row = (term, posting_text(postings, of_token.get(term, ()))) if postings else None
        if number is None:
            new += [row] if row else []
        elif row != rows[number]:  # an unchanged row stays the same object
            replaced[number] = row
    kept = [replaced.get(number, row) for number, row in enumerate(rows)]
    if None in replaced.values():
        kept = [row for row in kept if row is not None]
    for row in new:
        kept.insert(place_of(kept, row[0]), row)
    return kept


def place_of(rows: list[tuple[str, str]], term: str) -> int:
    """Where ``term`` is or would go in the rows (UTF-16 order)."""
    return bisect.bisect_left(rows, utf16(term), key=lambda row: utf16(row[0]))


def row_of(rows: list[tuple[str, str]], term: str) -> int | None:
    at = place_of(rows, term)
    return at if at < len(rows) and rows[at][0] == term else None


def encoded_shards(shards: list[list[tuple[str, str]]], previous: Indexed | None, encode) -> list[tuple[int, bytes]]:
    """``(first row, file)`` of each shard: the file of the previous build's shard made of the
    very same row objects, else ``encode(shard)``."""
    earlier: dict[int, tuple[list, bytes]] = {}  # id of a shard's first row -> its rows and file
    if previous is not None:
        ends = [start for start, _ in previous.shards[1:]] + [len(previous.rows)]
        earlier = {id(previous.rows[start]): (previous.rows[start:end], data)
                   for (start, data), end in zip(previous.shards, ends) if end > start}
    found, start = [], 0
    for shard in shards:
        rows, data = earlier.get(id(shard[0]), ((), b"")) if shard else ((), b"")
        same = len(rows) == len(shard) and all(map(operator.is_, shard, rows))
        found.append((start, data if same else encode(shard)))
        start += len(shard)
    return found
