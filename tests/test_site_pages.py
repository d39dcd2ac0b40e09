"""The built site's pages: what a reader finds on each page type, built from the shipped sample
and from a small fixture registry with hostile names."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from conftest import HOSTILE_NAME

ROOT = Path(__file__).resolve().parent.parent


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def sample_rows() -> list[dict[str, str]]:
    with open(ROOT / "registry.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_organisation_has_a_page_and_a_json_twin(built_site):
    for row in sample_rows():
        page = read(built_site, f"org/{row['credit_code']}/index.html")
        assert f"<h1>{row['name']}</h1>" in page
        record = json.loads(read(built_site, f"org/{row['credit_code']}.json"))
        assert record["name"] == row["name"] and record["filing_no"] == row["filing_no"]


def test_a_name_that_looks_like_markup_is_shown_as_text(fixture_site, fixture_files):
    code = next(csv.DictReader(open(fixture_files / "registry.csv", encoding="utf-8-sig")))["credit_code"]
    for path in (f"org/{code}/index.html", "orgs/index.html"):
        page = read(fixture_site, path)
        assert HOSTILE_NAME not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert json.loads(read(fixture_site, f"org/{code}.json"))["name"] == HOSTILE_NAME


def test_the_directory_list_is_paginated_and_has_a_page_per_filter_value(built_site):
    first = read(built_site, "orgs/index.html")
    assert "共 300 个机构" in first
    assert (built_site / "orgs/page/2/index.html").exists()
    district = read(built_site, "orgs/district/310117/index.html")  # 松江区
    assert district.count('<a href="/org/') == sum(1 for row in sample_rows() if row["district"] == "松江区")


def sample_history() -> list[dict[str, str]]:
    with open(ROOT / "history.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def org_links(page: str) -> list[str]:
    return re.findall(r'<a href="/org/([0-9A-Z]{18})/">', page)


def test_home_counts_match_the_registry_and_the_status_pages(built_site):
    rows = sample_rows()
    home = read(built_site, "index.html")
    counts = dict((label, int(n)) for n, label in re.findall(r'<span class="count">(\d+)</span> ([^<（]+)', home))
    assert counts["公示中"] == sum(row["status"] == "公示中" for row in rows)
    assert counts["已移出"] == sum(row["status"] == "已移出" for row in rows)
    assert counts["已备案"] + counts["已过期"] == sum(row["status"] == "已备案" for row in rows)
    expired = read(built_site, "orgs/status/expired/index.html")
    assert len(org_links(expired)) == counts["已过期"]
    assert 'action="/orgs/"' in home and 'name="q"' in home  # the search form works without JavaScript


def test_an_organisation_page_shows_its_facts_grants_and_history(built_site):
    row = next(r for r in sample_rows() if r["status"] == "已移出")
    page = read(built_site, f"org/{row['credit_code']}/index.html")
    assert "该机构已移出目录" in page and row["status_note"] in page
    for fact in ("备案编号", "备案有效期", "备案类型", "机构类型", "所在区", "地址", "联系电话", "网址"):
        assert f"<dt>{fact}</dt>" in page
    assert row["filing_no"] in page and row["address"] in page and row["phone"] in page
    first_code, rest = row["occupations"].split(";")[0].split(" ", 1)
    assert f'<a href="/occupation/{first_code}/">{first_code}</a>' in page
    events = [e for e in sample_history() if e["credit_code"] == row["credit_code"]]
    history = page[page.index('id="history"'):]
    assert history.count("<tr><td>") == len(events)
    assert all(e["date"] in history for e in events)


def test_grant_levels_are_named_in_full(built_site):
    row = next(r for r in sample_rows() if ":5-3" in r["occupations"])
    page = read(built_site, f"org/{row['credit_code']}/index.html")
    assert "五级/初级工、四级/中级工、三级/高级工" in page


def test_an_occupation_page_lists_who_may_evaluate_each_level(built_site):
    code = "6-31-01-03"  # 电工
    page = read(built_site, f"occupation/{code}/index.html")
    section = page[page.index('id="level-3"'):]
    section = section[: section.index("</section>")]
    listed = set(org_links(section))
    expected = set()
    for row in sample_rows():
        record = json.loads(read(built_site, f"org/{row['credit_code']}.json"))
        grants = [g for g in record["occupations"] if g["code"] == code and 3 in g["levels"]]
        if grants and record["status"] in ("有效", "即将到期"):
            expected.add(row["credit_code"])
    assert expected and listed == expected
    assert f'href="/occupation/{code}/"' in read(built_site, "occupations/index.html")


def test_notice_and_removed_pages_list_their_organisations(built_site):
    rows = sample_rows()
    notice = read(built_site, "notice/index.html")
    assert set(org_links(notice)) == {r["credit_code"] for r in rows if r["status"] == "公示中"}
    assert "对公示有异议怎么办" in notice
    removed = read(built_site, "removed/index.html")
    for row in rows:
        if row["status"] == "已移出":
            assert row["credit_code"] in removed and row["status_note"] in removed


def test_content_pages_and_the_chinese_404_page_exist(built_site):
    assert "申请条件" in read(built_site, "apply/index.html")
    assert "<h1>关于本目录</h1>" in read(built_site, "about/index.html")
    assert "registry.csv" in read(built_site, "data-notes/index.html")
    assert "页面不存在" in read(built_site, "404.html")


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_no_page_has_an_inline_script_or_event_handler_and_each_says_sample_data(built_site):
    pages = html_files(built_site)
    assert len(pages) > 300
    for path in pages:
        page = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert not re.search(r"<script[^>]*>[^<]+</script>", page), path
        assert not re.search(r"\son[a-z]+=", page), path
        assert "Content-Security-Policy" in page and "示例数据" in page, path
        assert re.search(r'<html lang="zh-CN">', page) and "<main" in page, path


def test_no_page_requests_anything_from_another_site(built_site):
    for path in html_files(built_site):
        page = path.read_text(encoding="utf-8")
        assert not re.search(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', page), path


def test_a_page_built_for_a_later_day_shows_filings_as_expired(fixture_files, build_site, tmp_path):
    result = build_site(tmp_path, fixture_files / "registry.csv", fixture_files / "history.csv", today="2040-01-01")
    assert result.returncode == 0, result.stderr
    with open(fixture_files / "registry.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    expired = read(tmp_path, "orgs/status/expired/index.html")
    assert set(org_links(expired)) == {r["credit_code"] for r in rows if r["status"] == "已备案"}
    assert not (tmp_path / "orgs/status/valid/index.html").exists()


def test_an_invalid_registry_stops_the_build_with_the_validators_messages(fixture_files, build_site, tmp_path):
    broken = tmp_path / "registry.csv"
    text = (fixture_files / "registry.csv").read_text(encoding="utf-8")
    broken.write_text(text.replace("普陀区", "火星区", 1), encoding="utf-8")
    output = tmp_path / "out"
    result = build_site(output, broken, fixture_files / "history.csv")
    assert result.returncode != 0
    assert "registry.csv:2:district" in result.stdout + result.stderr and "火星区" in result.stdout + result.stderr
    assert not (output / "index.html").exists()


def test_a_rebuild_leaves_unchanged_files_untouched(fixture_files, build_site, tmp_path):
    args = (tmp_path, fixture_files / "registry.csv", fixture_files / "history.csv")
    assert build_site(*args).returncode == 0
    before = modification_times(tmp_path)
    assert {"index.html", "data/registry.xlsx", "about/index.html"} <= set(before)
    assert any(path.startswith("theme/css/mulu.") for path in before)
    assert build_site(*args).returncode == 0
    assert modification_times(tmp_path) == before


def modification_times(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
