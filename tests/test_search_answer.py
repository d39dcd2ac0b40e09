"""The answer to a query (mulu.search.answer) on a generated directory big enough that its
search files are split: the filter files hold exactly the organisations each filter keeps,
recognised words answer as filters should, the split files answer as one index of every
organisation does, and a place with an occupation fetches two small filter files, not the
facts of every organisation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mulu.search.answer import fetched_for
from mulu.search.answer import SiteFiles, WholeIndex, answer
from mulu.search.filters import decode_filter
from mulu.search.index import ranked_organisations
from mulu.search.shards import read_manifest
from mulu.search.understand import DISTRICT_ENDINGS, stems
from tests.test_search_shards import registry, site  # noqa: F401  (fixtures: 2,000 organisations, their search files)

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def orgs(registry):
    return ranked_organisations(registry[1])


def refs_in(site: Path, path: str) -> dict[str, list[int]]:
    return decode_filter((site / "search/filters" / path).read_text("ascii"))


def test_the_filter_files_hold_the_organisations_each_filter_keeps(site, orgs):
    manifest = read_manifest(site)
    for number, district in enumerate(manifest["districts"]):
        assert refs_in(site, f"d/{number}.txt") == {"*": [ref for ref, org in enumerate(orgs) if org.district == district]}
    for number, kind in enumerate(manifest["types"]):
        assert refs_in(site, f"t/{number}.txt") == {"*": [ref for ref, org in enumerate(orgs) if org.org_type == kind]}
    for level, _, _ in manifest["levels"]:
        assert refs_in(site, f"l/{level}.txt") == {"*": [ref for ref, org in enumerate(orgs) if any(level in g.levels for g in org.grants)]}
    electricians = refs_in(site, "o/6-31-01-03.txt")
    for level, refs in electricians.items():
        assert refs == [ref for ref, org in enumerate(orgs) if any(g.code == "6-31-01-03" and int(level) in g.levels for g in org.grants)]
    assert len(electricians) >= 3


def test_a_district_an_occupation_and_a_level_keep_what_they_name(site, orgs):
    district = orgs[0].district
    found = answer(SiteFiles(site), f"{stems(district, DISTRICT_ENDINGS)[-1]} 电工 三级", TODAY)
    assert [c.kind for c in found.conditions] == ["district", "level", "occupation"] and found.rest == []
    assert found.refs == [ref for ref, org in enumerate(orgs) if org.district == district
                          and any(g.code == "6-31-01-03" and 3 in g.levels for g in org.grants)]
    assert found.refs


def test_an_emptied_answer_offers_each_condition_dropped(site, orgs):
    districts = read_manifest(site)["districts"]
    holders = {org.district for org in orgs if any(g.code == "4-03-02-01" for g in org.grants) and org.status == "已移出"}
    district = next(d for d in districts if d not in holders)
    found = answer(SiteFiles(site), f"{district} 中式烹调师 已移出", TODAY)
    assert found.refs == []
    dropped = {c.kind if c else None: count for c, count in found.alternatives}
    removed = [org for org in orgs if org.status == "已移出"]
    assert dropped["district"] == sum(1 for org in removed if any(g.code == "4-03-02-01" for g in org.grants))
    assert dropped["occupation"] == sum(1 for org in removed if org.district == district)


QUERIES = ["浦东新区 电工", "徐汇 养老护理员", "松江区 保育师", "长宁 美发师", "电工 三级", "企业 有效", "协会 公示",
           "静安电工四级", "6-31-01-03 已过期", "华东 鼎新", "华东职业", "同济技师学院", "养老服务行业协会", "电", "S0000310001",
           "浦东 量子", "崇明 院校 高级技师"]


def test_the_split_files_answer_as_one_index_of_everything(registry, site):
    settings, found = registry
    files, whole = SiteFiles(site), WholeIndex(found, settings, read_manifest(site)["index"])
    for query in QUERIES:
        split, single = answer(files, query, TODAY), answer(whole, query, TODAY)
        assert (split.refs, split.partial, split.alternatives) == (single.refs, single.partial, single.alternatives), query


def test_a_place_and_an_occupation_fetch_two_small_filter_files(site):
    district = read_manifest(site)["districts"][0]
    fetched = dict(fetched_for(site, f"{district} 电工", TODAY))
    assert "search/facets.json" not in fetched
    assert {"search/filters/d/0.txt", "search/filters/o/6-31-01-03.txt"} <= fetched.keys()
    assert sum(fetched.values()) <= 64 * 1024
