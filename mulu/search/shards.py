"""The search files of a site, split so that a first query fetches little.

``search/manifest.json`` is fetched first: the number of documents and the fields (all lunr's
scoring needs besides a term's own postings), the display tables, ``words`` (every form of the
names a query's word may be, see :mod:`.understand`) and ``index``, the first key of each index
shard. The index's terms, in UTF-16 order, are cut into runs of about
``SHARD_BYTES``; shard ``i`` (``search/index/{i}.txt``, lines of :func:`index.encode_rows`)
holds the terms from ``index[i]`` up to ``index[i + 1]``. Every term starting with some prefix
lies in one run of consecutive shards, so a one-character query or the start of a 备案编号
finds every term it expands to (:func:`shards_for`), unless they fill more than a few shards
(:func:`searched_terms`); a term's postings are never split, so the loaded shards score
exactly as the whole index does.

The display rows (:func:`index.display_row`) are cut by ref into ``search/orgs/{i}.json`` of
``display.rows`` rows, so showing results fetches only their files; ``search/facets.json``
holds what the filters need of every organisation and is fetched only when a filter is set.
The occupations the rows name by number are cut into ``search/occupations/{i}.json`` of
``display.occupationRows`` names: when a shown result matched through its occupations, the
page names those its query's terms are tokens of (the index rows list them), fetching only
their files. A small site keeps one index shard and one display file, and then needs no facets.
``search/filters/`` holds the organisations each district, type, level and occupation keeps
(:mod:`.filters`): a query's recognised words fetch only their own.
"""

from __future__ import annotations

import bisect
import gzip
import json
import re
import zlib
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from ..jsonio import compact_json, compact_json_bytes
from ..model import Organisation, PUBLIC_STATUSES, Registry
from .filters import filter_files
from .index import (FIELDS, build_index, decode_rows, display_json, display_tables, encode_rows, field_tokens,
                    occupation_names, posting_text, ranked_organisations, shared_prefix, utf16)
from .tokenizer import QueryTerm, tokens
from .understand import word_table

FORMAT = 2
SHARD_BYTES = 4 * 1024  # raw bytes of terms an index shard aims at
CUT_ODDS = 20  # one term in this many may end a shard (rows are ~50 bytes)
MAX_PREFIX_SHARDS = 4  # a prefix whose terms span more shards is searched as a whole word
SINGLE_INDEX_BYTES = 128 * 1024  # an index up to this size stays one file
DISPLAY_ROWS = 4  # rows of a display file: the results shown fetch a bounded amount
SINGLE_DISPLAY_ROWS = 1000  # up to this many organisations the display data (and names) stay one file
OCCUPATION_ROWS = 32  # occupation names of a file: a result's matched ones fetch a few hundred bytes
SHOWN = 20  # results the page shows; the rest are only counted
SEARCH_PAGE = "search/index.html"
# A script the page loads: the theme's files are published under names carrying a digest, which
# only the page knows.
THEME_SCRIPT = re.compile(r'<script src="[^"]*?/(theme/[^"]+)"')


def split_terms(rows: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Consecutive runs of ``(term, posting text)`` rows of about ``SHARD_BYTES`` each. A term
    whose postings alone fill a shard gets one of its own: a query fetching it (a common bigram
    such as 管理) should not fetch its neighbours too, nor a query for a neighbour fetch it.

    A run ends after a term picked by its checksum (see ``CUT_ODDS``) once it holds 3/4 of
    ``SHARD_BYTES``, and at 5/4 at most: where runs end depends on the terms near the end, not
    on the sizes of all the terms before, so a change to some terms' postings moves only the
    ends near them, and an update rewrites only the shards around the change."""
    sizes = [len(term) * 3 + len(posting) for term, posting in rows]
    if sum(sizes) <= SINGLE_INDEX_BYTES:
        return [rows]
    shards, start, filled = [], 0, 0
    for end, ((term, _), size) in enumerate(zip(rows, sizes), 1):
        if size >= SHARD_BYTES and end - 1 > start:
            shards.append(rows[start:end - 1])
            start, filled = end - 1, 0
        filled += size
        if filled >= SHARD_BYTES * 3 // 4 and (filled >= SHARD_BYTES * 5 // 4 or size >= SHARD_BYTES or cut_after(term)):
            shards.append(rows[start:end])
            start, filled = end, 0
    if start < len(rows):
        shards.append(rows[start:])
    return shards


def cut_after(term: str) -> bool:
    return zlib.crc32(term.encode("utf-8")) % CUT_ODDS == 0


def separator(before: str, first: str) -> str:
    """The shortest start of ``first`` that sorts after ``before`` (UTF-16 order), so the
    manifest's keys stay short; never ending inside a surrogate pair."""
    units = utf16(first)
    length = shared_prefix(utf16(before), units) + 1
    if 0xD8 <= units[2 * length - 2] <= 0xDB:
        length += 1
    return units[:2 * length].decode("utf-16-be")


def shards_for(keys: list[str], term: QueryTerm) -> range:
    """The shards holding ``term``, or every term it is the start of when it is a prefix:
    the shard whose range holds the term itself, then each shard whose key starts with it."""
    units = [utf16(key) for key in keys]
    wanted = utf16(term.term)
    first = last = bisect.bisect_right(units, wanted) - 1
    while term.prefix and last + 1 < len(units) and units[last + 1].startswith(wanted):
        last += 1
    return range(first, last + 1)


def searched_terms(keys: list[str], terms: list[QueryTerm]) -> list[QueryTerm]:
    """The terms as the page searches them: a prefix whose terms span more than
    ``MAX_PREFIX_SHARDS`` shards is searched as a whole word. The start of a code that thousands
    of codes share (``9131``, ``S000031``) would otherwise fetch them all, for a list nobody can
    use; the page asks for more characters instead."""
    return [QueryTerm(t.term, prefix=False) if len(shards_for(keys, t)) > MAX_PREFIX_SHARDS else t for t in terms]


def occupations_by_token(occupations: list[str]) -> dict[str, list[int]]:
    """The numbers of the occupations ("code title") each token is a token of."""
    found: dict[str, list[int]] = {}
    for number, occupation in enumerate(occupations):
        for token in dict.fromkeys(tokens(occupation)):
            found.setdefault(token, []).append(number)
    return found


def shard_index(rows: list[tuple[str, str]], encode_shards=None) -> tuple[list[str], list[tuple[int, bytes]]]:
    """The manifest's ``index`` keys, and each shard's first row and file; ``encode_shards`` (the
    rows of each shard -> their files) may take files it made before."""
    shards = split_terms(rows)
    keys = [""] + [separator(before[-1][0], shard[0][0]) for before, shard in zip(shards, shards[1:])]
    files = (encode_shards or encoded)(shards)
    return keys, list(zip(accumulate((len(shard) for shard in shards[:-1]), initial=0), files))


def encoded(shards: list[list[tuple[str, str]]]) -> list[bytes]:
    return [encode_rows(shard).encode("utf-8") for shard in shards]


def shard_files(shards: list[tuple[int, bytes]]) -> dict[str, bytes]:
    return {f"index/{n}.txt": data for n, (_, data) in enumerate(shards)}


@dataclass
class Indexed:
    """The index and the display rows of every ref."""

    occupations: list[str]  # the occupations the display rows number, in order
    rows: list[tuple[str, str]]  # (term, posting text) of every term, in UTF-16 order
    display: list[tuple[str, str]]  # by ref: its display row and its facets, as JSON
    shards: list[tuple[int, bytes]] = field(default_factory=list)  # (first row, file) of each shard


@dataclass
class Refs:
    """What the index is made from: the organisations in ref order and what numbers them."""

    orgs: list[Organisation]
    occupations: list[str]
    of_token: dict[str, list[int]]  # token -> the numbers of the occupations it is a token of
    districts: list[str]

    @classmethod
    def of(cls, registry: Registry) -> Refs:
        orgs = ranked_organisations(registry)
        occupations = occupation_names(orgs)
        return cls(orgs, occupations, occupations_by_token(occupations), list(registry.reference.districts))

    def index_rows(self, documents) -> list[tuple[str, str]]:
        """``(term, posting text)`` of every term of the tokenized documents."""
        return [(term, posting_text(postings, self.of_token.get(term, ()))) for term, postings in build_index(documents)["terms"]]

    def display(self, orgs: list[Organisation]) -> list[tuple[str, str]]:
        numbers = {name: number for number, name in enumerate(self.occupations)}
        return [display_json(org, self.districts, numbers) for org in orgs]


def search_files(registry: Registry, settings: dict) -> dict[str, bytes]:
    """Every search file, by path under ``search/``."""
    refs = Refs.of(registry)
    made = Indexed(refs.occupations, refs.index_rows(field_tokens(refs.orgs, settings)), refs.display(refs.orgs))
    return search_folder(registry, settings, refs, made)


def search_folder(registry: Registry, settings: dict, refs: Refs, made: Indexed, encode_shards=None,
                  filters: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """The files of the index ``made`` (its ``shards`` set on the way); ``filters``: the filter
    files, where the caller has them already."""
    keys, made.shards = shard_index(made.rows, encode_shards)
    files = shard_files(made.shards)
    occupations = made.occupations
    rows, facets = zip(*made.display) if made.display else ((), ())
    small = len(rows) <= SINGLE_DISPLAY_ROWS
    per_file = max(len(rows), 1) if small else DISPLAY_ROWS
    names_per_file = max(len(occupations), 1) if small else OCCUPATION_ROWS
    files |= cut("orgs", rows, per_file) | cut("occupations", list(map(compact_json, occupations)), names_per_file)
    tables = display_tables(registry, settings)
    files |= filters if filters is not None else filter_files(refs.orgs, tables["districts"], tables["types"],
                                                              [level[0] for level in tables["levels"]])
    split_display = len(rows) > per_file
    if split_display:
        files["facets.json"] = json_array(facets)
    manifest = {
        "format": FORMAT,
        "documents": len(rows),
        "fields": [[f.name, f.boost] for f in FIELDS],
        "index": keys,
        "display": {"rows": per_file, "facets": split_display, "occupations": len(occupations),
                    "occupationRows": names_per_file},
        "shown": SHOWN,
        **tables,
        "words": word_table(tables["districts"], tables["types"], list(registry.reference.levels.values()), list(PUBLIC_STATUSES)),
    }
    return {"manifest.json": compact_json_bytes(manifest), **files}


def cut(folder: str, items: list[str], per_file: int) -> dict[str, bytes]:
    """``{folder}/{n}.json`` files of ``per_file`` items (JSON) each (one, empty, for no items)."""
    return {f"{folder}/{n}.json": json_array(items[start:start + per_file])
            for n, start in enumerate(range(0, max(len(items), 1), per_file))}


def json_array(items) -> bytes:
    """The array of the items, each JSON already: the text ``compact_json_bytes`` gives the list of them."""
    return ("[" + ",".join(items) + "]").encode("utf-8")


def gzip_size(data: bytes) -> int:
    """Bytes a web server sends for the file, gzipped."""
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def read_manifest(output: str | Path) -> dict:
    return json.loads((Path(output) / "search" / "manifest.json").read_bytes())


def index_files(manifest: dict, terms: list[QueryTerm]) -> list[str]:
    """The index shards a query needs, in key order (so their terms stay in UTF-16 order)."""
    numbers = sorted({n for term in terms for n in shards_for(manifest["index"], term)})
    return [f"search/index/{n}.txt" for n in numbers]


def load_terms(output: str | Path, manifest: dict, files: list[str], occupations: dict | None = None) -> dict:
    """The index made of some shards' terms, for :func:`index.lunr_index`; their terms'
    occupations go into ``occupations`` if given."""
    terms = [row for path in files for row in decode_rows((Path(output) / path).read_text("utf-8"), occupations)]
    return {"documents": manifest["documents"], "fields": manifest["fields"], "terms": terms}


OCCUPATIONS_FIELD = [f.name for f in FIELDS].index("o")


def page_scripts(output: str | Path) -> list[str]:
    """The theme's scripts the search page of the built site at ``output`` loads, as site paths."""
    return THEME_SCRIPT.findall((Path(output) / SEARCH_PAGE).read_text(encoding="utf-8"))


def search_paths(output: str | Path, manifest: dict) -> dict[str, list[str]]:
    """The built site's search files by group: the page's scripts, the manifest, the index
    shards, the display files, the facets and the occupations' names (the filter files are named
    by the data, see :func:`payload_sizes`)."""
    display = manifest["display"]
    rows = display["rows"]
    return {
        "scripts": page_scripts(output),
        "manifest": ["search/manifest.json"],
        "index": [f"search/index/{n}.txt" for n in range(len(manifest["index"]))],
        "orgs": [f"search/orgs/{n}.json" for n in range(max(1, -(-manifest["documents"] // rows)))],
        "facets": ["search/facets.json"] if manifest["display"]["facets"] else [],
        "occupations": [f"search/occupations/{n}.json" for n in range(max(1, -(-display["occupations"] // display["occupationRows"])))],
    }


def payload_sizes(output: str | Path) -> list[tuple[str, int, int, int, int]]:
    """``(group, files, bytes, bytes gzipped, largest file gzipped)`` of the built site's
    search files (see :func:`search_paths`)."""
    found = []
    filters = sorted(path.relative_to(output).as_posix() for path in (Path(output) / "search" / "filters").rglob("*.txt"))
    for group, paths in {**search_paths(output, read_manifest(output)), "filters": filters}.items():
        data = [(Path(output) / path).read_bytes() for path in paths]
        zipped = [gzip_size(d) for d in data]
        found.append((group, len(data), sum(map(len, data)), sum(zipped), max(zipped, default=0)))
    return found
