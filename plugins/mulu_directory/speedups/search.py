"""The search files of a rebuild: the last build's index, kept in the build cache, brought up to
date rather than made again when a few organisations changed.

A ref whose organisation's rows are unchanged (same digest, see ``Registry.digests``) keeps its
tokens, its postings and its display row: only the changed refs are tokenized again, only the
terms they had or have get new postings, and the shards whose rows are all unchanged keep
their text; the filter files are kept while every ref's district, type and grants stay the same.
What comes out is exactly what :func:`~mulu.search.shards.search_files` makes from
nothing (the tests compare the two). It applies while the refs keep their organisations' places
and the occupations their numbers: an organisation added, removed or moving in the ref order (a
new status) shifts the refs after it, which changes nearly every posting, so the index is made
again.
"""

from __future__ import annotations

import bisect
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from mulu.search.index import FIELDS, decode_posting, field_tokens, posting_text, utf16
from mulu.search.filters import FILTERS
from mulu.search.shards import Indexed, Refs, encoded, search_folder

FIELD_SEPARATOR = "\x1f"  # never in a term, nor is a space: tokens are letters, digits and Han characters
UPDATE_SHARE = 20  # update the index when at most one ref in this many changed


@dataclass
class Kept:
    """The last build's index, with what an update needs: each ref's digest, tokens and what the
    filter files read of it."""

    digests: list[bytes]  # by ref: the organisation's digest
    documents: list[str]  # by ref: its tokens (see document_text)
    made: Indexed
    facts: list[str] = field(default_factory=list)  # by ref: its filter_facts
    filters: dict[str, bytes] = field(default_factory=dict)  # the filter files made from them


def updated_search_files(kept: Kept | None, registry, settings: dict) -> tuple[dict[str, bytes], Kept]:
    """:func:`~mulu.search.shards.search_files`, from the index ``kept`` by the last build where it
    can be brought up to date; and what to keep for the next build."""
    refs = Refs.of(registry)
    digests = [registry.digests[org.credit_code] for org in refs.orgs]
    now = updated(kept, refs, digests, settings) or made_anew(refs, digests, settings)
    earlier = kept.made if kept else None
    now.facts = refs_facts(kept, refs, digests)
    filters = kept.filters if kept and kept.facts == now.facts else None
    files = search_folder(registry, settings, refs, now.made, lambda shards: encoded_shards(shards, earlier), filters)
    now.filters = filters if filters is not None else {name: data for name, data in files.items() if name.startswith(FILTERS)}
    return files, now


def refs_facts(kept: Kept | None, refs: Refs, digests: list[bytes]) -> list[str]:
    """Each ref's :func:`filter_facts`: those kept, where its organisation's digest is the same."""
    if kept is None or len(kept.facts) != len(digests):
        return list(map(filter_facts, refs.orgs))
    return [facts if before == now else filter_facts(org)
            for facts, before, now, org in zip(kept.facts, kept.digests, digests, refs.orgs)]


def filter_facts(org) -> str:
    """What the filter files read of an organisation: its district, its type, and the
    occupations and levels it may evaluate."""
    grants = (f"{grant.code}:{''.join(map(str, grant.levels))}" for grant in org.grants)
    return FIELD_SEPARATOR.join([org.district, org.org_type, *grants])


def made_anew(refs: Refs, digests: list[bytes], settings: dict) -> Kept:
    documents: list[str] = []

    def recorded(tokenized):
        for document in tokenized:
            documents.append(document_text(document))
            yield document

    rows = refs.index_rows(recorded(field_tokens(refs.orgs, settings)))
    return Kept(digests, documents, Indexed(refs.occupations, rows, refs.display(refs.orgs)))


def updated(kept: Kept | None, refs: Refs, digests: list[bytes], settings: dict) -> Kept | None:
    """``kept`` brought up to date with the organisations, or None when making the index again is
    needed (see the module documentation) or as quick."""
    if kept is None or len(kept.digests) != len(digests) or kept.made.occupations != refs.occupations:
        return None
    changed = [ref for ref, (before, now) in enumerate(zip(kept.digests, digests)) if before != now]
    if len(changed) * UPDATE_SHARE > len(digests):
        return None
    documents, display = list(kept.documents), list(kept.made.display)
    now: dict[int, Counter] = {}
    touched: set[str] = set()  # terms a changed ref now has more or fewer times in some field
    for ref, document in zip(changed, field_tokens([refs.orgs[ref] for ref in changed], settings)):
        before, now[ref] = occurrences(document_tokens(kept.documents[ref])), occurrences(document)
        touched.update(term for term, number in before.keys() | now[ref].keys() if before[term, number] != now[ref][term, number])
        documents[ref] = document_text(document)
    for ref, row in zip(changed, refs.display([refs.orgs[ref] for ref in changed])):
        display[ref] = row
    added: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for ref, counts in now.items():  # in ref order
        for (term, number), count in counts.items():
            if term in touched:
                added[term][number] += [ref] * count
    rows = updated_rows(kept.made.rows, touched, set(changed), added, refs.of_token)
    return Kept(digests, documents, Indexed(refs.occupations, rows, display))


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


def encoded_shards(shards: list[list[tuple[str, str]]], earlier: Indexed | None) -> list[bytes]:
    """Each shard's file: that of the earlier index's shard made of the very same row objects (an
    update keeps unchanged rows as they were), else made again."""
    known: dict[int, tuple[list, bytes]] = {}  # id of a shard's first row -> its rows and file
    if earlier is not None:
        ends = [start for start, _ in earlier.shards[1:]] + [len(earlier.rows)]
        known = {id(earlier.rows[start]): (earlier.rows[start:end], data)
                 for (start, data), end in zip(earlier.shards, ends) if end > start}
    found = []
    for shard in shards:
        rows, data = known.get(id(shard[0]), ((), b"")) if shard else ((), b"")
        same = len(rows) == len(shard) and all(map(operator.is_, shard, rows))
        found.append(data if same else encoded([shard])[0])
    return found
