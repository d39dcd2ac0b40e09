"""The search split into shards, on a generated directory big enough to be split: a query
that loads only its shards finds the same organisations in the same order as the whole index
(by the page's code and by lunr.py), no term is lost, and every prefix reaches every term it starts."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from mulu.reference import Reference
from mulu.sample import generate
from mulu.search import fetched_for, shards
from mulu.search import index as search_index
from mulu.search.query import load_index, lunr_terms, run
from mulu.search.tokenizer import QueryTerm, query_terms
from mulu.settings import load_settings
from mulu.store import write_pair
from mulu.validate import load_registry

ROOT = Path(__file__).parent.parent
LUNR_CLI = ROOT / "tests" / "js" / "lunr-cli.js"
TODAY = dt.date(2026, 11, 27)
ORGS = 2000


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    settings = load_settings(ROOT / "pelicanconf.py")
    folder = tmp_path_factory.mktemp("registry")
    rows, events = generate(Reference(settings["MULU_REFERENCE_DIR"]), settings, ORGS, seed=1)
    write_pair(folder / "registry.csv", rows, folder / "history.csv", events)
    return settings, load_registry(settings, TODAY, folder / "registry.csv", folder / "history.csv")


@pytest.fixture(scope="module")
def site(registry, tmp_path_factory):
    """A built site's search files (and the page's scripts, which fetched_for counts)."""
    settings, found = registry
    output = tmp_path_factory.mktemp("site")
    files = {f"search/{name}": data for name, data in shards.search_files(found, settings).items()}
    files |= {f"theme/js/{name}": (ROOT / "theme" / "static" / "js" / name).read_bytes()
              for name in ("tokenizer.js", "search-core.js", "search.js")}
    for name, data in files.items():
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_bytes(data)
    return output


@pytest.fixture(scope="module")
def whole(registry):
    settings, found = registry
    return search_index.build_index(search_index.field_tokens(search_index.ranked_organisations(found), settings))


@pytest.fixture(scope="module")
def manifest(site):
    manifest = shards.read_manifest(site)
    assert len(manifest["index"]) > 10 and manifest["display"]["facets"]  # really split
    return manifest


@pytest.fixture(scope="module")
def queries(registry):
    """Every kind of query, from this directory's own organisations."""
    settings, found = registry
    orgs = search_index.ranked_organisations(found)
    some = orgs[::397]
    return ([org.name[2:6] for org in some] + [org.name for org in some[:2]]
            + [org.filing_no for org in some if org.filing_no] + ["S000031", "S0000310001", "s"]
            + [org.credit_code for org in some[:3]] + [org.credit_code[:8] for org in some[:3]]
            + [org.phone for org in some[:2]] + [org.phone.split("-")[-1][:5] for org in some[:2]]
            + ["养老护理员", "电工", "6-31-01-03", "浦东 养老护理", "上海电工", "华东职业学技能",
               "电", "海", "上", "𠮷", "0", "9", "量子引力", "——"])


def searched(manifest, query):
    return shards.searched_terms(manifest["index"], query_terms(query))


def sharded_search(site, manifest, query):
    terms = searched(manifest, query)
    return run(shards.load_terms(site, manifest, shards.index_files(manifest, terms)), terms)


def test_the_shards_hold_every_term_once_in_order(site, manifest, whole):
    files = [f"search/index/{n}.txt" for n in range(len(manifest["index"]))]
    assert shards.load_terms(site, manifest, files)["terms"] == whole["terms"]


def test_every_term_and_every_start_of_it_lead_to_its_shard(site, manifest):
    for number in range(len(manifest["index"])):
        for term, _ in search_index.decode_rows((site / f"search/index/{number}.txt").read_text("utf-8")):
            assert shards.shards_for(manifest["index"], QueryTerm(term, prefix=False)) == range(number, number + 1)
            for end in {1, 2, len(term) - 1}:
                if 0 < end < len(term):
                    assert number in shards.shards_for(manifest["index"], QueryTerm(term[:end], prefix=True))


def test_shards_find_what_lunr_py_finds_in_the_whole_index(site, manifest, whole, queries):
    index = load_index(whole)
    for query in queries:
        found = sharded_search(site, manifest, query)
        assert found == run(whole, searched(manifest, query)), query
        assert [ref for ref, _ in found] == [ref for ref, _ in lunr_terms(index, searched(manifest, query))], query


def test_a_prefix_thousands_of_codes_share_is_searched_as_a_whole_word(registry, site, manifest, whole):
    """So its first query does not fetch every shard of filing numbers."""
    for broad in ("S000031", "s", "9"):
        assert searched(manifest, broad) == [QueryTerm(broad.lower(), prefix=False)]
        assert len(shards.index_files(manifest, searched(manifest, broad))) == 1
    narrow = searched(manifest, "S0000310001")
    assert narrow == [QueryTerm("s0000310001", prefix=True)]
    orgs = search_index.ranked_organisations(registry[1])
    starting = {ref for ref, org in enumerate(orgs) if org.filing_no.startswith("S0000310001")}
    assert {ref for ref, _ in run(whole, narrow)} == starting and len(starting) > 50

def test_the_page_on_the_shards_finds_what_the_whole_index_finds(site, manifest, whole, queries, tmp_path):
    queries_file = tmp_path / "queries.json"
    queries_file.write_text(json.dumps(queries, ensure_ascii=False), "utf-8")
    out = subprocess.run(["node", LUNR_CLI, "search", site / "search", queries_file], check=True, capture_output=True, text=True)
    assert json.loads(out.stdout) == [[ref for ref, _ in run(whole, searched(manifest, query))] for query in queries]


def test_a_query_fetches_only_its_shards_and_the_rows_it_shows(site, manifest):
    fetched = dict(fetched_for(site, "养老护理员"))
    index = [path for path in fetched if path.startswith("search/index/")]
    shown = [path for path in fetched if path.startswith("search/orgs/")]
    assert 1 <= len(index) <= len(query_terms("养老护理员"))
    assert 1 <= len(shown) <= manifest["shown"]
    named = [path for path in fetched if path.startswith("search/occupations/")]
    assert 1 <= len(named) < len(shards.search_paths(manifest)["occupations"]) and "search/facets.json" not in fetched
    assert {"theme/js/search-core.js", "theme/js/search.js", "search/manifest.json"} <= set(fetched)
    assert all(size > 0 for size in fetched.values())
    by_number = [path for path, _ in fetched_for(site, "S000031000012")]
    assert len([path for path in by_number if path.startswith("search/orgs/")]) == 1
    assert not any(path.startswith("search/occupations/") for path in by_number)
