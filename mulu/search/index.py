"""The search files: a compact token-keyed index and the display data of every organisation.

The index holds, for each token, the documents it occurs in: everything lunr's scoring needs
and nothing keyed by document, so it can later be split into shards by token.
:func:`lunr_index` (and ``expand`` in ``theme/static/js/search-core.js``) turn it into lunr's
serialized index; the tests prove that equal to what lunr.py's builder makes from the same
documents.

lunr's BM25 runs with ``b = 0``: a score does not depend on how long a name or an address is,
so field lengths need not be shipped, and ties (say every organisation evaluating 电工) are
broken by ref, which follows :func:`ranked_organisations`.

Index file layout (``FORMAT`` 1)::

    {"format": 1, "lunr": "2.3.9", "documents": N, "fields": [[name, boost], ...],
     "terms": [[shared, rest, [field, ref gap, ref gap, ...], [field, ...]], ...]}

Terms are sorted in UTF-16 order (lunr.js builds its token set in that order) and front-coded:
a term is the first ``shared`` UTF-16 code units of the previous term followed by ``rest``.
A field's refs (positions in the display data) are written as gaps from the previous ref; a
ref listed twice (gap 0) means the token occurs twice in that field.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
import re
from collections import Counter, defaultdict
from itertools import accumulate
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..model import Organisation, Registry
from ..schema import ORG_TYPES
from .tokenizer import tokens

FORMAT = 1
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
    rank = {"已备案": 0, "公示中": 1, "已移出": 2}
    return sorted(registry.organisations.values(), key=lambda org: rank[org.status])


def field_tokens(orgs: list[Organisation], settings: dict) -> list[dict[str, list[str]]]:
    """Each organisation's tokens by field; its position in the list is its ref."""
    return [{field.name: tokens(field.text(org, settings)) for field in FIELDS} for org in orgs]


def build_index(documents: list[dict[str, list[str]]]) -> dict:
    """The compact index (see the module documentation) of tokenized documents."""
    postings: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for ref, document in enumerate(documents):
        for number, field in enumerate(FIELDS):
            for term in sorted(document[field.name]):
                postings[term][number].append(ref)
    terms, previous = [], ""
    for term in sorted(postings, key=utf16_units):
        shared = shared_prefix(utf16_units(previous), utf16_units(term))
        row: list = [shared, from_utf16(utf16_units(term)[shared:])]
        for number, refs in sorted(postings[term].items()):
            row.append([number] + [ref - before for before, ref in zip([0] + refs, refs)])
        terms.append(row)
        previous = term
    return {
        "format": FORMAT,
        "lunr": LUNR_VERSION,
        "documents": len(documents),
        "fields": [[field.name, field.boost] for field in FIELDS],
        "terms": terms,
    }


def utf16_units(text: str) -> tuple[int, ...]:
    """lunr.js compares strings, and JavaScript measures them, in UTF-16 code units; that
    differs from Python's code points above the Basic Multilingual Plane (CJK Extension B on)."""
    data = text.encode("utf-16-be")
    return tuple(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))


def from_utf16(units: tuple[int, ...]) -> str:
    return b"".join(unit.to_bytes(2, "big") for unit in units).decode("utf-16-be")


def shared_prefix(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """Code units two terms share, never ending inside a surrogate pair."""
    shared = 0
    while shared < min(len(a), len(b)) and a[shared] == b[shared]:
        shared += 1
    if shared and 0xD800 <= a[shared - 1] <= 0xDBFF:
        shared -= 1
    return shared


def read_terms(compact: dict) -> list[tuple[str, dict[int, list[int]]]]:
    """``(term, {field number: [ref, ...]})`` for every row, refs repeated as often as the
    term occurs in the field."""
    found, previous = [], ()
    for row in compact["terms"]:
        units = previous[:row[0]] + utf16_units(row[1])
        postings = {field[0]: list(accumulate(field[1:])) for field in row[2:]}
        found.append((from_utf16(units), postings))
        previous = units
    return found


def lunr_index(compact: dict) -> dict:
    """lunr's serialized index (for ``lunr.Index.load`` in Python or JavaScript) from the
    compact one, with the scores lunr's builder computes (BM25 with ``b = 0``)."""
    documents = compact["documents"]
    names = [name for name, _ in compact["fields"]]
    inverted = []
    # Every field of every document has a vector, even an empty one, as lunr's builder makes.
    vectors = {f"{name}/{ref}": [] for ref in range(documents) for name in names}
    for position, (term, postings) in enumerate(read_terms(compact)):
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
        "version": compact["lunr"],
        "fields": names,
        "fieldVectors": [[field_ref, elements] for field_ref, elements in vectors.items()],
        "invertedIndex": inverted,
        "pipeline": [],
    }


def inverse_document_frequency(documents_with_term: int, documents: int) -> float:
    """lunr's idf; like lunr, a document counts once per field the term occurs in."""
    x = (documents - documents_with_term + 0.5) / (documents_with_term + 0.5)
    return math.log(1 + abs(x))


STATUS_CODES = {"公示中": 0, "已备案": 1, "已移出": 2}


def display_data(registry: Registry, settings: dict) -> dict:
    """What a result shows and filters on, by ref; small numbers index the shared tables.

    A row: credit code, name, 备案编号, status (``STATUS_CODES``), first valid day (days since
    1970-01-01), days from it to the last valid day, district, type, skill levels ("543"),
    occupations ("code title").
    """
    reference = registry.reference
    districts = list(reference.districts)
    occupations: dict[str, int] = {}
    rows = []
    for org in ranked_organisations(registry):
        grants = [occupations.setdefault(f"{g.code} {g.title}", len(occupations)) for g in org.grants]
        levels = "".join(str(level) for level in sorted({l for g in org.grants for l in g.levels}))
        rows.append([
            org.credit_code, org.name, org.filing_no, STATUS_CODES[org.status],
            day_number(org.valid_from), term_days(org),
            districts.index(org.district), ORG_TYPES.index(org.org_type), levels, grants,
        ])
    return {
        "format": FORMAT,
        "warningDays": settings["MULU_EXPIRY_WARNING_DAYS"],
        "districts": districts,
        "types": list(ORG_TYPES),
        "occupations": list(occupations),  # in order of first use
        "orgs": rows,
    }


EPOCH = dt.date(1970, 1, 1)


def term_days(org: Organisation) -> int | None:
    """The last valid day as days after the first: nearly always the same number, so it
    compresses to almost nothing."""
    return (org.valid_until - org.valid_from).days if org.valid_from else None


def day_number(day: dt.date | None) -> int | None:
    """Days since 1970-01-01: short, and what JavaScript dates count in (times 86 400 000)."""
    return (day - EPOCH).days if day else None


def to_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def search_files(registry: Registry, settings: dict) -> dict[str, bytes]:
    """The index and the display data, by file name."""
    orgs = ranked_organisations(registry)
    return {
        "index.json": to_json(build_index(field_tokens(orgs, settings))),
        "orgs.json": to_json(display_data(registry, settings)),
    }


def sizes(files: dict[str, bytes]) -> list[tuple[str, int, int]]:
    """``(name, bytes, bytes gzipped)`` of each file, as a web server would send it."""
    return [(name, len(data), len(gzip.compress(data, compresslevel=9, mtime=0))) for name, data in files.items()]


# What a first search downloads, relative to the built site.
PAYLOAD = ("search/lunr.min.js", "search/index.json", "search/orgs.json",
           "theme/js/tokenizer.js", "theme/js/search-core.js", "theme/js/search.js")


def payload_sizes(output: str | Path) -> list[tuple[str, int, int]]:
    """``(path, bytes, bytes gzipped)`` of the built site's search files."""
    return sizes({path: (Path(output) / path).read_bytes() for path in PAYLOAD if (Path(output) / path).exists()})
