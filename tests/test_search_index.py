"""The search index built from a sample like the shipped one: it is exactly what lunr.py's own
builder makes, the queries people type find the right organisations first, and lunr.js on the
same files returns the same organisations in the same order."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from itertools import accumulate
from pathlib import Path

import pytest
from lunr.builder import Builder

from mulu.jsonio import compact_json_bytes
from mulu.search import index as search_index
from mulu.search import shards
from mulu.sample import NON_BMP_NAME
from mulu.search.query import load_index, lunr_search, search
from mulu.settings import load_settings
from mulu.validate import load_registry
from registry_files import read_rows, searched_org

ROOT = Path(__file__).parent.parent
LUNR_CLI = ROOT / "tests" / "js" / "lunr-cli.js"
TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def settings():
    return load_settings(ROOT / "pelicanconf.py")


@pytest.fixture(scope="module")
def registry(settings, sample_files):
    return load_registry(settings, TODAY, sample_files / "registry.csv", sample_files / "history.csv")


@pytest.fixture(scope="module")
def orgs(registry):
    return search_index.ranked_organisations(registry)


@pytest.fixture(scope="module")
def compact(orgs, settings):
    return search_index.build_index(search_index.field_tokens(orgs, settings))


@pytest.fixture(scope="module")
def lunr_py(compact):
    return load_index(compact)


def write_files(directory: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes(data)
    return directory


@pytest.fixture(scope="module")
def search_dir(registry, settings, tmp_path_factory):
    """The search files of the sample as the site has them."""
    return write_files(tmp_path_factory.mktemp("search"), shards.search_files(registry, settings))


def index_dir(directory: Path, compact: dict) -> Path:
    """Search files holding just an index, for lunr-cli.js."""
    keys, made = shards.shard_index([(term, search_index.posting_text(postings)) for term, postings in compact["terms"]])
    files = shards.shard_files(made)
    manifest = {"documents": compact["documents"], "fields": compact["fields"], "index": keys}
    return write_files(directory, {"manifest.json": compact_json_bytes(manifest), **files})


def node(*argv) -> object:
    out = subprocess.run(["node", LUNR_CLI, *map(str, argv)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def comparable(serialized: dict) -> tuple:
    """A serialized lunr index with term numbers replaced by terms and lists by mappings, so
    two builds that number or order terms differently compare equal when they mean the same."""
    terms = {posting["_index"]: term for term, posting in serialized["invertedIndex"]}
    postings = {term: {k: v for k, v in posting.items() if k != "_index"}
                for term, posting in serialized["invertedIndex"]}
    # lunr's builder also keeps the empty vector of a field without terms (a 公示中
    # organisation's 备案编号): no query reads it.
    vectors = {ref: {terms[e[i]]: e[i + 1] for i in range(0, len(e), 2)} for ref, e in serialized["fieldVectors"] if e}
    return serialized["version"], serialized["fields"], postings, vectors, serialized["pipeline"]


def lunr_py_build(orgs, settings) -> dict:
    builder = Builder()
    builder.ref("ref")
    builder.b(0)
    for field in search_index.FIELDS:
        builder.field(field.name, boost=field.boost, extractor=lambda doc, name=field.name: doc[name])
    for ref, document in enumerate(search_index.field_tokens(orgs, settings)):
        builder.add({"ref": ref, **document})
    return builder.build().serialize()


def test_expanded_index_is_what_lunr_py_builds(compact, orgs, settings):
    assert comparable(search_index.lunr_index(compact)) == comparable(lunr_py_build(orgs, settings))


def test_terms_are_in_the_utf16_order_javascript_compares_in(tmp_path):
    # 𠮷 (U+20BB7, Extension B) comes after 﨑 (U+FA11) by code point, before it in UTF-16.
    compact = search_index.build_index([{f.name: [] for f in search_index.FIELDS} | {"n": tokens}
                                        for tokens in (["﨑"], ["𠮷"], ["𠮷祥"])])
    assert [term for term, _ in compact["terms"]] == ["𠮷", "𠮷祥", "﨑"]
    queries_file = tmp_path / "queries.json"
    queries_file.write_text('["﨑", "𠮷"]', "utf-8")
    assert node("search", index_dir(tmp_path / "search", compact), queries_file) == [[0], [1, 2]]


def test_index_lines_read_back_as_written(compact):
    """With the occupations each term is a token of, which lunr's part leaves out."""
    of_term = {term: [n, n + 70] for n, (term, _) in enumerate(compact["terms"]) if n % 3 == 0}
    rows = [(term, search_index.posting_text(postings, of_term.get(term, ()))) for term, postings in compact["terms"]]
    read: dict[str, list[int]] = {}
    assert search_index.decode_rows(search_index.encode_rows(rows), read) == compact["terms"]
    assert read == of_term


def test_a_gap_of_any_size_reads_back():
    gaps = [0, 1, 63, 64, 1727, 1728, 46655, 46656, 10 ** 7]
    refs = list(accumulate(gaps))
    assert search_index.decode_gaps(search_index.posting_text({3: refs})[2:]) == refs


def names(orgs, results, count=None):
    return [orgs[ref].name for ref, _ in results[:count]]


def with_occupation(orgs, name):
    return {org.name for org in orgs if any(name in (g.name, g.work_type) for g in org.grants)}


# Every kind of query people type: the query and what the first results must be, made from the
# sample's organisations and ``one`` of them, which a query naming it must find first
# (registry_files.searched_org).
QUERIES = {
    "word of a name": lambda orgs, one: (f"{one.word}职业", [one.name]),
    "whole name": lambda orgs, one: (one.name, [one.name]),
    "occupation": lambda orgs, one: ("养老护理员", with_occupation(orgs, "养老护理员")),
    "short occupation": lambda orgs, one: ("电工", with_occupation(orgs, "电工")),
    "work type": lambda orgs, one: ("维修电工", with_occupation(orgs, "维修电工")),
    "occupation code": lambda orgs, one: ("6-31-01-03", with_occupation(orgs, "电工")),
    "district and occupation": lambda orgs, one: (
        "浦东 养老护理", {o.name for o in orgs if o.district == "浦东新区"} & with_occupation(orgs, "养老护理员")),
    "city and occupation": lambda orgs, one: ("上海电工", with_occupation(orgs, "电工")),
    "filing number": lambda orgs, one: (one.filing_no, [one.name]),
    "start of filing numbers in lower case": lambda orgs, one: (
        "s00003100001", {o.name for o in orgs if o.filing_no.startswith("S00003100001")}),
    "credit code": lambda orgs, one: (one.credit_code, [one.name]),
    "start of a credit code": lambda orgs, one: (one.credit_code[:10], [one.name]),
    "phone": lambda orgs, one: (one.phone, [one.name]),
    "phone without area code": lambda orgs, one: (one.phone.split("-")[-1], [one.name]),
    "district and road": lambda orgs, one: (
        "静安 环城路", {o.name for o in orgs if o.district == "静安区" and "环城路" in o.address}),
    "name outside the BMP": lambda orgs, one: ("上海𠮷祥", [NON_BMP_NAME]),
    "character outside the BMP": lambda orgs, one: ("𠮷", [NON_BMP_NAME]),
    "a letter too many": lambda orgs, one: (f"{one.word}职业技能培训x", [one.name]),
    "a character too many": lambda orgs, one: (f"{one.word}职业学技能", [one.name]),
    "a character twice": lambda orgs, one: ("养老护理理员", with_occupation(orgs, "养老护理员")),
    "nothing like it": lambda orgs, one: ("ＳＯ", []),
}


@pytest.fixture(scope="module")
def one(sample_files):
    return searched_org(read_rows(sample_files / "registry.csv"))


@pytest.fixture(scope="module")
def all_queries(orgs, one):
    return [make(orgs, one)[0] for make in QUERIES.values()] + ["电", "量子引力", "上海", "职业 技能", "S", "9", "海 电工 员"]


@pytest.mark.parametrize("kind", QUERIES)
def test_query_finds_the_right_organisations_first(compact, orgs, one, kind):
    query, wanted = QUERIES[kind](orgs, one)
    assert wanted or kind == "nothing like it"
    assert set(names(orgs, search(compact, query), len(wanted))) == set(wanted)


def test_one_character_finds_every_organisation_with_it(compact, orgs):
    found = set(names(orgs, search(compact, "电")))
    assert found == {o.name for o in orgs if "电" in o.name + "".join(g.title for g in o.grants) + o.address}


def test_a_query_matching_nothing_finds_nothing(compact):
    assert search(compact, "量子引力") == []
    assert search(compact, "——") == []


def test_queries_score_and_rank_as_lunr_py_does(compact, lunr_py, all_queries):
    for query in all_queries:
        found, reference = search(compact, query), lunr_search(lunr_py, query)
        assert [ref for ref, _ in found] == [ref for ref, _ in reference], query
        assert [round(score, 6) for _, score in found] == pytest.approx([round(s, 6) for _, s in reference], abs=2e-6)


def test_the_page_and_lunr_js_find_the_same_organisations_in_the_same_order(compact, search_dir, all_queries, tmp_path):
    queries_file, lunr_file = tmp_path / "queries.json", tmp_path / "lunr.json"
    queries_file.write_text(json.dumps(all_queries, ensure_ascii=False), "utf-8")
    lunr_file.write_bytes(compact_json_bytes(search_index.lunr_index(compact)))
    expected = [[ref for ref, _ in search(compact, query)] for query in all_queries]
    assert node("search", search_dir, queries_file) == expected
    assert node("lunr", lunr_file, queries_file) == expected


def test_display_rows_follow_the_refs(registry, orgs, settings):
    refs = shards.Refs.of(registry)
    rows = [json.loads(row) for row, _ in refs.display(refs.orgs)]
    assert [row[1] for row in rows] == [org.name for org in orgs]
    first = rows[0]
    assert dt.date(1970, 1, 1) + dt.timedelta(days=first[4] + first[5]) == orgs[0].valid_until


def test_search_payload_of_the_sample_is_within_48_kb_gzipped(built_site):
    """The search scripts, the index and the display data, all of it, as the built site serves
    them; not the filter files, of which a query fetches only those its words name. (40 KB
    before the page understood queries: its scripts, word table and each occupation's levels.)"""
    sizes = shards.payload_sizes(built_site)
    assert sum(gzipped for group, _, _, gzipped, _ in sizes if group != "filters") <= 48 * 1024
