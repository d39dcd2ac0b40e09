"""The search index and the display data of every organisation.

The index holds, for each token, the documents it occurs in: everything lunr's scoring needs
and nothing keyed by document, so :mod:`mulu.search.shards` can split it by token into files
a query fetches only some of. :func:`lunr_index` (and ``expand`` in
``theme/static/js/search-core.js``) turn any run of its terms into lunr's serialized index; the
tests prove the whole of it equal to what lunr.py's builder makes from the same documents.

lunr's BM25 runs with ``b = 0``: a score does not depend on how long a name or an address is,
so field lengths need not be shipped, and ties (say every organisation evaluating 电工) are
broken by ref, which follows :func:`ranked_organisations`. A term's score needs only its own
postings and the number of documents, so a part of the index scores as the whole does.

In memory the index is ``{"documents": N, "fields": [[name, boost], ...], "terms": [(term,
{field number: [ref, ...]}), ...]}`` with refs repeated as often as the term occurs and terms
in UTF-16 order (lunr.js builds its token set in that order). On disk (:func:`encode_rows`)
each term is a line: how many leading code units it shares with the term before (one letter
of ``LAST``), the rest of the term, then for each field it occurs in a space, the field number
and the refs as gaps from the previous ref (see ``gap_code``; a gap of 0 repeats a ref), and
for a token of some occupations a space, ``#`` and their numbers as gaps (not lunr's: the page
names the occupations a result matched through from them).
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from typing import Callable, Iterable, Iterator

from ..jsonio import compact_json
from ..model import Organisation, Registry
from ..schema import FILED, NOTICE, ORG_TYPES, REMOVED
from .tokenizer import tokens

LUNR_VERSION = "2.3.9"
HOUSE_NUMBER = re.compile(r"[0-9０-９]+(?:[-－][0-9０-９]+)*")
K1 = 1.2  # lunr's default; b is 0 (see above)


@dataclass(frozen=True)
class Field:
    name: str  # one letter: it is repeated in every expanded field reference
    boost: int
    text: Callable[[Organisation, dict], str]


def occupations_text(org: Organisation, settings: dict) -> str:
    return " ".join(f"{grant.code} {grant.title}" for grant in org.grants)


def address_text(org: Organisation, settings: dict) -> str:
    """The address without the city and district (the district field has it) and without house
    numbers, which people do not search by and which would each be a token of their own."""
    address = org.address.removeprefix(settings["MULU_CITY_NAME"]).removeprefix(org.district)
    return HOUSE_NUMBER.sub(" ", address)


def phone_text(org: Organisation, settings: dict) -> str:
    """The number as written, and without its area code, the way people also dial it."""
    area, _, local = org.phone.partition("-")
    return f"{org.phone} {local}" if local else org.phone


FIELDS = (
    Field("n", 10, lambda org, settings: org.name),
    Field("f", 1, lambda org, settings: org.filing_no),
    Field("c", 1, lambda org, settings: org.credit_code),
    Field("o", 2, occupations_text),
    Field("d", 3, lambda org, settings: org.district),
    Field("a", 1, address_text),
    Field("t", 1, phone_text),
)


def ranked_organisations(registry: Registry) -> list[Organisation]:
    """The organisations in ref order: filed first, then under notice, removed last."""
    rank = {FILED: 0, NOTICE: 1, REMOVED: 2}
    return sorted(registry.organisations.values(), key=lambda org: rank[org.status])


def field_tokens(orgs: list[Organisation], settings: dict) -> Iterator[dict[str, list[str]]]:
    """Each organisation's tokens by field, in ref order; one at a time, so a big directory's
    tokens are never all in memory at once."""
    return ({field.name: tokens(field.text(org, settings)) for field in FIELDS} for org in orgs)


def build_index(documents: Iterable[dict[str, list[str]]]) -> dict:
    """The index (see the module documentation) of tokenized documents."""
    by_field: list[dict[str, list[int]]] = [defaultdict(list) for _ in FIELDS]
    count = 0
    for ref, document in enumerate(documents):
        count += 1
        for postings, field in zip(by_field, FIELDS):
            for term in document[field.name]:
                postings[term].append(ref)
    by_term: dict[str, dict[int, list[int]]] = defaultdict(dict)
    for number, postings in enumerate(by_field):  # so each term's fields are in number order
        for term, refs in postings.items():
            by_term[term][number] = refs
    return {
        "documents": count,
        "fields": [[field.name, field.boost] for field in FIELDS],
        "terms": sorted(by_term.items(), key=lambda item: utf16(item[0])),
    }


def utf16(text: str) -> bytes:
    """lunr.js compares strings, and JavaScript measures them, in UTF-16 code units; that
    differs from Python's code points above the Basic Multilingual Plane (CJK Extension B on).
    Big-endian bytes compare in code-unit order."""
    return text.encode("utf-16-be")


def shared_prefix(a: bytes, b: bytes) -> int:
    """UTF-16 code units two terms share, never ending inside a surrogate pair."""
    shared = 0
    limit = min(len(a), len(b)) // 2
    while shared < limit and a[2 * shared:2 * shared + 2] == b[2 * shared:2 * shared + 2]:
        shared += 1
    if shared and 0xD8 <= a[2 * shared - 2] <= 0xDB:
        shared -= 1
    return shared


# A posting's refs are gaps from the previous ref, each written as letters of MORE (a number
# in base 27, most significant first, only when the gap is 64 or more) and one letter of LAST
# (the gap modulo 64): no separators, and one letter for the common small gap.
LAST = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/"
MORE = "!#$%&()*,-.:;<=>?@[]^_`{|}~"
MAX_SHARED = len(LAST) - 1  # a term shares at most this many code units with the one before


def gap_code(gap: int) -> str:
    code, high = LAST[gap % 64], gap // 64
    while high:
        code, high = MORE[high % 27] + code, high // 27
    return code


@cache
def gap_codes() -> list[str]:
    """Every gap_code below 64 * 27 * 27, made at once: the high part takes no letter, one, or
    two. Made when first needed: at import, it took 10 ms of every build's start."""
    return [high + last for high in ["", *MORE[1:], *(a + b for a in MORE[1:] for b in MORE)] for last in LAST]


@cache
def gap_values() -> dict[str, int]:
    return {code: gap for gap, code in enumerate(gap_codes())}


def posting_text(postings: dict[int, list[int]], occupations: list[int] = ()) -> str:
    """`` {field number}{gaps}`` for each field the term occurs in, then `` #{gaps}`` of the
    occupations (display numbers, see :func:`display_row`) the term is a token of, if any:
    the page names a result's matched occupations from them."""
    parts = [f" {number}{gaps_text(refs)}" for number, refs in postings.items()]
    if occupations:
        parts.append(f" {OCCUPATIONS_MARK}{gaps_text(occupations)}")
    return "".join(parts)


OCCUPATIONS_MARK = "#"


def gaps_text(numbers: list[int]) -> str:
    gaps = list(map(operator.sub, numbers, [0, *numbers]))
    try:
        return "".join(map(gap_codes().__getitem__, gaps))
    except IndexError:  # a gap beyond the table: tens of thousands of refs apart
        return "".join(gap_code(gap) for gap in gaps)


def encode_rows(terms: list[tuple[str, str]]) -> str:
    """Lines of ``(term, posting text)`` rows, each term front-coded against the one before:
    one LAST letter says how many code units it shares, then the rest of the term."""
    lines, previous = [], b""
    for term, posting in terms:
        units = utf16(term)
        shared = min(shared_prefix(previous, units), MAX_SHARED)
        lines.append(LAST[shared] + units[2 * shared:].decode("utf-16-be") + posting)
        previous = units
    return "\n".join(lines)


def decode_rows(text: str, occupations: dict[str, list[int]] | None = None) -> list[tuple[str, dict[int, list[int]]]]:
    """``(term, {field number: [ref, ...]})`` for every line, refs repeated as often as the
    term occurs in the field; each term's occupations go into ``occupations`` if given."""
    found, previous = [], b""
    for line in text.split("\n") if text else []:
        head, _, posting = line.partition(" ")
        units = previous[:2 * LAST.index(head[0])] + utf16(head[1:])
        term = units.decode("utf-16-be")
        postings, numbers = decode_posting(posting)
        found.append((term, postings))
        if occupations is not None and numbers:
            occupations[term] = numbers
        previous = units
    return found


def decode_posting(text: str) -> tuple[dict[int, list[int]], list[int]]:
    """A :func:`posting_text` (without its leading space) read back: the refs by field
    number, and the occupations' numbers."""
    postings, occupations = {}, []
    for field in text.split(" ") if text else ():
        if field[0] == OCCUPATIONS_MARK:
            occupations = decode_gaps(field[1:])
        else:
            postings[int(field[0])] = decode_gaps(field[1:])
    return postings, occupations


def decode_gaps(code: str) -> list[int]:
    values = gap_values()
    return list(accumulate(values[gap] if gap in values else gap_value(gap) for gap in GAP.findall(code)))


GAP = re.compile(f"[{re.escape(MORE)}]*[{re.escape(LAST)}]")  # one gap's letters


def gap_value(code: str) -> int:
    """The gap :func:`gap_code` wrote as ``code``."""
    high = 0
    for letter in code[:-1]:
        high = high * 27 + MORE.index(letter)
    return high * 64 + LAST.index(code[-1])


def lunr_index(compact: dict) -> dict:
    """lunr's serialized index (for ``lunr.Index.load`` in Python or JavaScript) from the
    index, or from some of its terms, with the scores lunr's builder computes (BM25 with
    ``b = 0``). A field vector exists for each field a loaded term occurs in: a query only
    ever reads the vectors of the fields it matched."""
    documents = compact["documents"]
    names = [name for name, _ in compact["fields"]]
    inverted = []
    vectors: dict[str, list] = defaultdict(list)
    for position, (term, postings) in enumerate(compact["terms"]):
        idf = inverse_document_frequency(sum(len(set(refs)) for refs in postings.values()), documents)
        posting = {name: {} for name in names}
        posting["_index"] = position
        for number, refs in postings.items():
            name, boost = compact["fields"][number]
            for ref, tf in Counter(refs).items():
                posting[name][str(ref)] = {}
                score = idf * ((K1 + 1) * tf) / (K1 + tf) * boost
                vectors[f"{name}/{ref}"] += [position, round(score, 3)]
        inverted.append([term, posting])
    return {
        "version": LUNR_VERSION,
        "fields": names,
        "fieldVectors": [[field_ref, elements] for field_ref, elements in vectors.items()],
        "invertedIndex": inverted,
        "pipeline": [],
    }


def inverse_document_frequency(documents_with_term: int, documents: int) -> float:
    """lunr's idf; like lunr, a document counts once per field the term occurs in."""
    x = (documents - documents_with_term + 0.5) / (documents_with_term + 0.5)
    return math.log(1 + abs(x))


STATUS_CODES = {NOTICE: 0, FILED: 1, REMOVED: 2}


def display_tables(registry: Registry, settings: dict) -> dict:
    """What the display rows' small numbers index, but the occupations (see
    :func:`occupation_names`): districts, types and levels (code, name, label), and the days
    before expiry a result is flagged."""
    levels = registry.reference.levels.values()
    return {"warningDays": settings["MULU_EXPIRY_WARNING_DAYS"], "districts": list(registry.reference.districts),
            "types": list(ORG_TYPES), "levels": [[level.code, level.name, level.label] for level in levels]}


def occupation_names(orgs: list[Organisation]) -> list[str]:
    """Every occupation ("code title") the organisations hold, in code order: neighbouring
    codes share their start, which compresses. The display rows number them by position."""
    return sorted({occupation(g) for org in orgs for g in org.grants})


FACETS = slice(3, 8)  # of a display row: status, first day, days valid, district, type
OCCUPATIONS_ITEM = 8  # of a display row: the occupations' numbers


def display_row(org: Organisation, districts: list[str], numbers: dict[str, int]) -> list:
    """What a result shows and filters on: credit code, name, 备案编号, status
    (``STATUS_CODES``), first valid day (days since 1970-01-01), days from it to the last valid
    day, district, type, occupations (their ``numbers``) and each occupation's levels ("543", as
    the grant lists them: lower skill first). The filters by level and occupation read
    :mod:`.filters`' files."""
    return [
        org.credit_code, org.name, org.filing_no, STATUS_CODES[org.status], day_number(org.valid_from),
        term_days(org), districts.index(org.district), ORG_TYPES.index(org.org_type),
        [numbers[occupation(g)] for g in org.grants], ["".join(map(str, g.levels)) for g in org.grants],
    ]


def display_json(org: Organisation, districts: list[str], numbers: dict[str, int]) -> tuple[str, str]:
    """The organisation's display row and its facets, as JSON."""
    row = display_row(org, districts, numbers)
    return compact_json(row), compact_json(row[FACETS])


def occupation(grant) -> str:
    return f"{grant.code} {grant.title}"


EPOCH = dt.date(1970, 1, 1)


def term_days(org: Organisation) -> int | None:
    """The last valid day as days after the first: nearly always the same number, so it
    compresses to almost nothing."""
    return (org.valid_until - org.valid_from).days if org.valid_from else None


def day_number(day: dt.date | None) -> int | None:
    """Days since 1970-01-01: short, and what JavaScript dates count in (times 86 400 000)."""
    return (day - EPOCH).days if day else None
