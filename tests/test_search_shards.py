"""The search split into shards, on a generated directory big enough to be split: a query
that loads only its shards finds the same organisations in the same order as the whole index
(by the page's code and by lunr.py), no term is lost, and every prefix reaches every term it starts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from mulu.model import Registry
from mulu.reference import Reference
from mulu.sample import generate
from mulu.search import shards
from mulu.search.answer import fetched_for
from mulu.search import index as search_index
from mulu.search.query import load_index, lunr_terms, run
from mulu.search.tokenizer import QueryTerm, query_terms
from mulu.settings import load_settings
from mulu.store import write_pair
from mulu.validate import load_registry
from mulu_directory.speedups.search import updated_search_files

ROOT = Path(__file__).parent.parent
LUNR_CLI = ROOT / "tests" / "js" / "lunr-cli.js"
TODAY = dt.date(2026, 11, 27)
ORGS = 2000
PAGE_SCRIPTS = ("tokenizer.js", "understand.js", "search-core.js", "search.js")


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    settings = load_settings(ROOT / "pelicanconf.py")
    folder = tmp_path_factory.mktemp("registry")
    rows, events = generate(Reference(settings["MULU_REFERENCE_DIR"]), settings, ORGS, seed=1)
    write_pair(folder / "registry.csv", rows, folder / "history.csv", events)
    return settings, load_registry(settings, TODAY, folder / "registry.csv", folder / "history.csv")


@pytest.fixture(scope="module")
def site(registry, tmp_path_factory):
    """A built site's search files, and the search page's scripts, which fetched_for counts."""
    settings, found = registry
    output = tmp_path_factory.mktemp("site")
    files = {f"search/{name}": data for name, data in shards.search_files(found, settings).items()}
    files |= {f"theme/js/{name}": (ROOT / "theme" / "static" / "js" / name).read_bytes() for name in PAGE_SCRIPTS}
    files["search/index.html"] = "".join(f'<script src="/theme/js/{name}" defer></script>' for name in PAGE_SCRIPTS).encode()
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
def filing_prefixes(registry):
    """The start most filing numbers share (``S000031``: the city's own filings), and a longer
    one that some dozens share (``S0000310001``)."""
    numbers = [org.filing_no for org in registry[1].organisations.values() if org.filing_no]
    broad, narrow = (Counter(number[:length] for number in numbers).most_common(1)[0][0] for length in (7, 11))
    return broad, narrow


@pytest.fixture(scope="module")
def queries(registry, filing_prefixes):
    """Every kind of query, from this directory's own organisations."""
    settings, found = registry
    orgs = search_index.ranked_organisations(found)
    some = orgs[::397]
    return ([org.name[2:6] for org in some] + [org.name for org in some[:2]]
            + [org.filing_no for org in some if org.filing_no] + [*filing_prefixes, "s"]
            + [org.credit_code for org in some[:3]] + [org.credit_code[:8] for org in some[:3]]
            + [org.phone for org in some[:2]] + [org.phone.split("-")[-1][:5] for org in some[:2]]
            + [f"{some[0].name[2:6]}学{some[0].name[6:8]}"]  # a name with a character too many
            + ["养老护理员", "电工", "6-31-01-03", "浦东 养老护理", "上海电工",
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


def test_a_prefix_thousands_of_codes_share_is_searched_as_a_whole_word(registry, site, manifest, whole, filing_prefixes):
    """So its first query does not fetch every shard of filing numbers."""
    shared, dozens = filing_prefixes
    for broad in (shared, "s", "9"):
        assert searched(manifest, broad) == [QueryTerm(broad.lower(), prefix=False)]
        assert len(shards.index_files(manifest, searched(manifest, broad))) == 1
    narrow = searched(manifest, dozens)
    assert narrow == [QueryTerm(dozens.lower(), prefix=True)]
    orgs = search_index.ranked_organisations(registry[1])
    starting = {ref for ref, org in enumerate(orgs) if org.filing_no.startswith(dozens)}
    assert {ref for ref, _ in run(whole, narrow)} == starting and len(starting) > 50

def test_the_page_on_the_shards_finds_what_the_whole_index_finds(site, manifest, whole, queries, tmp_path):
    queries_file = tmp_path / "queries.json"
    queries_file.write_text(json.dumps(queries, ensure_ascii=False), "utf-8")
    out = subprocess.run(["node", LUNR_CLI, "search", site / "search", queries_file], check=True, capture_output=True, text=True)
    assert json.loads(out.stdout) == [[ref for ref, _ in run(whole, searched(manifest, query))] for query in queries]


def test_a_query_fetches_only_its_shards_and_the_rows_it_shows(registry, site, manifest):
    fetched = dict(fetched_for(site, "养老护理员"))
    index = [path for path in fetched if path.startswith("search/index/")]
    shown = [path for path in fetched if path.startswith("search/orgs/")]
    assert 1 <= len(index) <= len(query_terms("养老护理员"))
    assert 1 <= len(shown) <= manifest["shown"]
    named = [path for path in fetched if path.startswith("search/occupations/")]
    assert 1 <= len(named) < len(shards.search_paths(site, manifest)["occupations"]) and "search/facets.json" not in fetched
    assert list(fetched)[:5] == [*(f"theme/js/{name}" for name in PAGE_SCRIPTS), "search/manifest.json"]
    assert all(size > 0 for size in fetched.values())
    filing_no = next(org.filing_no for org in search_index.ranked_organisations(registry[1]) if org.filing_no)
    by_number = [path for path, _ in fetched_for(site, filing_no)]
    assert len([path for path in by_number if path.startswith("search/orgs/")]) == 1
    assert not any(path.startswith("search/occupations/") for path in by_number)


def changed_registry(found, changes: dict[str, dict]) -> Registry:
    """The registry with some organisations' fields changed, each with a new digest, as if
    staff had edited their rows."""
    orgs = dict(found.organisations)
    digests = dict(found.digests)
    for code, fields in changes.items():
        orgs[code] = dataclasses.replace(orgs[code], **fields)
        digests[code] = digests[code][::-1]
    return Registry(orgs, found.events, found.reference, digests)


def test_an_updated_index_is_the_index_made_anew(registry):
    """A few organisations renamed (terms come and go, one outside the Basic Multilingual
    Plane), one given another phone and one another occupation: the last build's index
    brought up to date gives the very files a new one does."""
    settings, found = registry
    _, previous = updated_search_files(None, found, settings)
    orgs = search_index.ranked_organisations(found)
    changes = {
        orgs[5].credit_code: {"name": "𠮷野家饮食职业技能评价中心"},
        orgs[700].credit_code: {"name": orgs[700].name + "（上海）"},
        orgs[1400].credit_code: {"phone": "021-99999999"},
        orgs[1900].credit_code: {"grants": [orgs[1].grants[0]], "address": ""},
    }
    changed = changed_registry(found, changes)
    files, updated = updated_search_files(previous, changed, settings)
    assert files == shards.search_files(changed, settings)
    assert files != shards.search_files(found, settings)
    assert kept_shards(previous, updated)
    assert updated.filters != previous.filters  # made again: an organisation's occupations changed


def test_an_update_keeps_the_filter_files_while_no_district_type_or_grant_changed(registry):
    settings, found = registry
    _, previous = updated_search_files(None, found, settings)
    org = search_index.ranked_organisations(found)[1000]
    changed = changed_registry(found, {org.credit_code: {"name": org.name + "（上海）", "phone": "021-99999999"}})
    files, updated = updated_search_files(previous, changed, settings)
    assert files == shards.search_files(changed, settings)
    assert updated.filters is previous.filters


def test_an_update_makes_again_only_the_shards_a_change_touched(registry):
    """A new phone number: its old and new tokens' shards, and where their ends moved."""
    settings, found = registry
    _, previous = updated_search_files(None, found, settings)
    org = search_index.ranked_organisations(found)[1000]
    _, updated = updated_search_files(previous, changed_registry(found, {org.credit_code: {"phone": "021-99999999"}}), settings)
    assert len(updated.made.shards) - len(kept_shards(previous, updated)) <= 4


def test_an_organisation_moving_in_the_ref_order_makes_the_index_anew(registry):
    settings, found = registry
    _, previous = updated_search_files(None, found, settings)
    filed = next(org for org in search_index.ranked_organisations(found) if org.status == "已备案")
    changed = changed_registry(found, {filed.credit_code: {"status": "已移出"}})
    files, updated = updated_search_files(previous, changed, settings)
    assert files == shards.search_files(changed, settings)
    assert not kept_shards(previous, updated)


def kept_shards(previous, updated) -> list[bytes]:
    """The shard files the update took from the previous index rather than making them."""
    earlier = {id(data) for _, data in previous.made.shards}
    return [data for _, data in updated.made.shards if id(data) in earlier]
