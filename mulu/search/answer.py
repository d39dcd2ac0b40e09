"""The answer to a query as the search page gives it (``answer`` in
``theme/static/js/search-core.js`` is the same code): its words understood
(:mod:`.understand`), the recognised ones applied as conditions (:mod:`.filters`' files, and
the organisations' statuses for the day), the others searched as text (:mod:`.query`).

A condition is one kind of recognised words, or a filter chosen on the page: its values are
alternatives, and every condition must hold. Levels typed with an occupation are levels it may
be evaluated at. Without text the answer is every organisation the conditions keep, in ref
order; with text, the text's results they keep, best first (those with only some of its terms
when none has them all). When the conditions leave nothing, the page offers the query without
each of them (:func:`alternatives`).

Two sources answer alike: :class:`SiteFiles`, the built site's search files as the page
fetches them (recording which), and :class:`WholeIndex`, one index of every organisation made
in memory (the benchmark's reference).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from ..model import PUBLIC_STATUSES, Organisation
from . import understand as words
from .filters import decode_filter, filter_files
from .index import (EPOCH, FACETS, OCCUPATIONS_ITEM, STATUS_CODES, build_index, day_number, decode_rows,
                    display_tables, field_tokens, occupation_names, ranked_organisations, term_days)
from .query import matches, reached_by
from .shards import (OCCUPATIONS_FIELD, gzip_size, index_files, occupations_by_token, page_scripts, read_manifest,
                     searched_terms)
from .tokenizer import QueryTerm, query_terms

KINDS = (words.DISTRICT, words.STATUS, words.TYPE, words.LEVEL, words.OCCUPATION)
FOLDERS = {words.DISTRICT: "d", words.TYPE: "t", words.LEVEL: "l", words.OCCUPATION: "o"}
SELECTS = ("district", "type", "level", "status")  # the search page's filter fields


@dataclass(frozen=True)
class Condition:
    kind: str
    values: tuple
    pieces: tuple[words.Recognised, ...] = ()
    select: bool = False  # chosen on the page rather than typed


@dataclass
class Answer:
    refs: list[int]
    conditions: list[Condition]
    rest: list[str]  # the words searched as text
    found: list[tuple[int, float, set[int]]] | None  # query.matches of the text
    partial: bool
    named: dict[int, str]  # the probed occupations: display number -> "code title"
    of_term: dict[str, list[int]] = field(default_factory=dict)  # the text's terms' occupations
    alternatives: list[tuple[Condition | None, int]] = field(default_factory=list)


class SiteFiles:
    """A built site's search files, read as the page fetches them; ``fetched`` lists the
    files in the order first read."""

    def __init__(self, output: str | Path):
        self.output = Path(output)
        self.manifest = read_manifest(output)
        self.fetched: dict[str, None] = {}

    def read(self, path: str) -> bytes:
        self.fetched.setdefault(f"search/{path}")
        return (self.output / "search" / path).read_bytes()

    def terms(self, terms: list[QueryTerm]) -> tuple[dict, dict[str, list[int]]]:
        of_term: dict[str, list[int]] = {}
        rows = [row for path in index_files(self.manifest, terms)
                for row in decode_rows(self.read(path.removeprefix("search/")).decode("utf-8"), of_term)]
        rows = [row for row in rows if reached_by(terms, row[0])]
        compact = {"documents": self.manifest["documents"], "fields": self.manifest["fields"], "terms": rows}
        return compact, {term: of_term[term] for term, _ in rows if term in of_term}

    def names(self, numbers: list[int]) -> list[str]:
        per = self.manifest["display"]["occupationRows"]
        return [json.loads(self.read(f"occupations/{n // per}.json"))[n % per] for n in numbers]

    def rows(self, refs: list[int]) -> list[list]:
        per = self.manifest["display"]["rows"]
        return [json.loads(self.read(f"orgs/{ref // per}.json"))[ref % per] for ref in refs]

    def filter_lines(self, kind: str, value) -> dict[str, list[int]]:
        path = f"filters/{FOLDERS[kind]}/{value}.txt"
        return decode_filter(self.read(path).decode("ascii")) if (self.output / "search" / path).exists() else {}

    def facets(self, refs: list[int]) -> list[list]:
        if self.manifest["display"]["facets"]:
            every = json.loads(self.read("facets.json"))
            return [every[ref] for ref in refs]
        return [row[FACETS] for row in self.rows(refs)]


class WholeIndex:
    """The same answers from one index of every organisation, made in memory."""

    def __init__(self, registry, settings: dict, keys: list[str]):
        orgs = ranked_organisations(registry)
        tables = display_tables(registry, settings)
        self.keys = keys  # the site's shard keys: the page searches a too broad prefix as a word
        self.occupations = occupation_names(orgs)
        self.of_token = occupations_by_token(self.occupations)
        self.compact = build_index(field_tokens(orgs, settings))
        self.filters = {path: decode_filter(data.decode("ascii")) for path, data in filter_files(
            orgs, tables["districts"], tables["types"], [level[0] for level in tables["levels"]]).items()}
        self.orgs = orgs
        self.manifest = {**tables, "documents": len(orgs), "index": keys, "words": words.word_table(
            tables["districts"], tables["types"], list(registry.reference.levels.values()), PUBLIC_STATUSES)}

    def terms(self, terms: list[QueryTerm]) -> tuple[dict, dict[str, list[int]]]:
        rows = [row for row in self.compact["terms"] if reached_by(terms, row[0])]
        return {**self.compact, "terms": rows}, {term: self.of_token[term] for term, _ in rows if term in self.of_token}

    def names(self, numbers: list[int]) -> list[str]:
        return [self.occupations[n] for n in numbers]

    def filter_lines(self, kind: str, value) -> dict[str, list[int]]:
        return self.filters.get(f"filters/{FOLDERS[kind]}/{value}.txt", {})

    def facets(self, refs: list[int]) -> list[list]:
        return [[STATUS_CODES[org.status], day_number(org.valid_from), term_days(org)] for org in map(self.orgs.__getitem__, refs)]


STATUSES = {code: status for status, code in STATUS_CODES.items()}


def public_status(facets: list, day: dt.date, warning_days: int) -> str:
    """The status a reader sees on ``day`` of a facet row (``index.FACETS``): the model's rule."""
    valid_from = EPOCH + dt.timedelta(days=facets[1]) if facets[1] is not None else None
    valid_until = valid_from + dt.timedelta(days=facets[2]) if valid_from else None
    org = SimpleNamespace(status=STATUSES[facets[0]], valid_from=valid_from, valid_until=valid_until)
    return Organisation.public_status(org, day, warning_days)


def probed_occupations(source, text: str) -> dict[int, str]:
    probes = [QueryTerm(term, prefix=False) for term in words.probes(text, source.manifest["words"])]
    _, of_term = source.terms(probes)
    numbers = list(dict.fromkeys(n for numbers in of_term.values() for n in numbers))
    return dict(zip(numbers, source.names(numbers)))


def conditions(recognised: list[words.Recognised], selected: dict, manifest: dict) -> list[Condition]:
    found = [Condition(kind, tuple(dict.fromkeys(r.value for r in pieces)), tuple(pieces))
             for kind in KINDS if (pieces := [r for r in recognised if r.kind == kind])]
    value = {"district": manifest["districts"].index, "type": manifest["types"].index, "level": int, "status": str}
    return found + [Condition(kind, (value[kind](selected[kind]),), select=True) for kind in SELECTS if selected.get(kind)]


def kept_by(source, conds: list[Condition]) -> set[int] | None:
    levels = {str(v) for c in conds if c.kind == words.LEVEL and not c.select for v in c.values}
    with_occupation = any(c.kind == words.OCCUPATION for c in conds)
    kept = None
    for c in conds:
        if c.kind == words.STATUS or (c.kind == words.LEVEL and not c.select and with_occupation):
            continue
        refs = {ref for v in c.values for label, line in source.filter_lines(c.kind, v).items()
                if c.kind != words.OCCUPATION or not levels or label in levels for ref in line}
        kept = refs if kept is None else kept & refs
    return kept


def keep(source, candidates: list[int] | None, conds: list[Condition], day: dt.date) -> list[int]:
    kept = kept_by(source, conds)
    if candidates is not None:
        refs = [ref for ref in candidates if kept is None or ref in kept]
    else:
        refs = sorted(kept) if kept is not None else list(range(source.manifest["documents"]))
    statuses = [c for c in conds if c.kind == words.STATUS]
    if not statuses or not refs:
        return refs
    facts = source.facets(refs)
    warning = source.manifest["warningDays"]
    return [ref for ref, fact in zip(refs, facts) if all(public_status(fact, day, warning) in c.values for c in statuses)]


def alternatives(source, text_refs: list[int] | None, conds: list[Condition], day: dt.date) -> list[tuple]:
    drops = [(c, keep(source, text_refs, [o for o in conds if o is not c], day)) for c in conds]
    if text_refs is not None:
        drops.append((None, keep(source, None, conds, day)))
    return [(c, len(refs)) for c, refs in drops if refs]


def answer(source, text: str, day: dt.date, selected: dict | None = None) -> Answer:
    named = probed_occupations(source, text)
    occupations = {name.split(" ")[0]: name.split(" ", 1)[1].split("/")[0] for name in named.values()}
    recognised, rest = words.understand(text, source.manifest["words"], occupations)
    conds = conditions(recognised, selected or {}, source.manifest)
    found, of_term, complete = None, {}, False
    if rest:
        terms = searched_terms(source.manifest["index"], query_terms(" ".join(rest)))
        compact, of_term = source.terms(terms)
        found = matches(compact, terms)
        complete = bool(found) and len(covered_terms(found[0][0], compact, terms)) == len(terms)
    text_refs = [ref for ref, _, _ in found] if found is not None else None
    refs = keep(source, text_refs, conds, day)
    result = Answer(refs, conds, rest, found, bool(found) and not complete and bool(refs), named, of_term)
    if not refs and conds:
        result.alternatives = alternatives(source, text_refs, conds, day)
    return result


def covered_terms(ref: int, compact: dict, terms: list[QueryTerm]) -> set[QueryTerm]:
    """The query terms a result has (in any field)."""
    return {t for term, postings in compact["terms"] if any(ref in refs for refs in postings.values())
            for t in reached_by(terms, term)}


def fetched_for(output: str | Path, query: str, day: dt.date | None = None) -> list[tuple[str, int]]:
    """``(path, gzip bytes)`` of every file the search page of the built site at ``output``
    fetches to answer ``query`` typed by a first-time reader (no filters chosen): its scripts,
    the manifest, the index shards of the terms its understanding probes and of its text, the
    names of the occupations probed, the filter files of its conditions (the facets for a
    status), the display files of the results it shows and the names of the occupations it
    names for them: those their text matched through and those a word named."""
    files = SiteFiles(output)
    found = answer(files, query, day or dt.date.today())
    shown = found.refs[:files.manifest["shown"]]
    rows = files.rows(shown)
    matched = {ref: fields for ref, _, fields in found.found or ()}
    reached = {number for numbers in found.of_term.values() for number in numbers}
    codes = {code for c in found.conditions if c.kind == words.OCCUPATION for code in c.values}
    named = [number for ref, row in zip(shown, rows) for number in row[OCCUPATIONS_ITEM]
             if (OCCUPATIONS_FIELD in matched.get(ref, ()) and number in reached)
             or found.named.get(number, " ").split(" ")[0] in codes]
    files.names(named)
    output = Path(output)
    return [(path, gzip_size((output / path).read_bytes())) for path in [*page_scripts(output), "search/manifest.json", *files.fetched]]
