"""Any base path keeps working: every internal link of every page resolves to a built file, for a
site built at the root and one published under a sub-path, and the reader's flows (search, the
list filters, an organisation page, verification, a certificate number) work under the sub-path
in Chromium without a single failed request or a request outside the sub-path."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from mulu.settings import load_settings
from mulu.validate import load_registry
from mulu.verify import data_date, verify
from reader import Reader
from registry_files import filed_on, read_rows
from site_links import broken_links

from conftest import ROOT, SAMPLE_DAY

PREFIX = "some/path"  # two levels, as a consolidated platform's column may be
VERDICTS = {"authorised": "已获授权", "not_authorised": "未获授权", "unknown": "无法判断"}


@pytest.fixture(scope="module")
def prefixed(tmp_path_factory, fixture_files, static_server, build_site):
    """The fixture registry published (publishconf.py) for ``http://127.0.0.1:PORT/some/path``
    and served there: the server's root holds nothing else."""
    root = tmp_path_factory.mktemp("prefixed")
    siteurl = f"{static_server(root)}/{PREFIX}"
    result = build_site(root / PREFIX, fixture_files / "registry.csv", fixture_files / "history.csv",
                        task="publish", siteurl=siteurl)
    assert result.returncode == 0, result.stderr
    return root / PREFIX, siteurl


def test_every_internal_link_resolves_at_the_root(fixture_site):
    broken, checked = broken_links(fixture_site)
    assert broken == []
    assert checked > 1000


def test_every_internal_link_resolves_under_a_prefix(prefixed):
    output, siteurl = prefixed
    broken, checked = broken_links(output, siteurl)
    assert broken == []
    assert checked > 1000


def test_a_link_past_the_prefix_or_to_a_missing_file_is_found(tmp_path):
    """The check itself: a root-relative link on a site under a prefix is broken."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<a href="/orgs/">x</a><a href="https://h.example/p/a/">y</a><a href="https://h.example/p/b/">z</a>'
        '<img src="data:,"><a href="https://elsewhere.example/">w</a>', encoding="utf-8")
    assert broken_links(tmp_path, "https://h.example/p") == (
        ["a/index.html: /orgs/", "a/index.html: https://h.example/p/b/"], 3)


@pytest.fixture
def reader(browser, prefixed):
    reader = Reader(browser, prefixed[1])
    yield reader
    reader.close()
    assert reader.problems == []


@pytest.mark.browser
def test_search_then_an_organisation_page_under_a_prefix(prefixed, reader, fixture_files):
    org = filed_on(fixture_files, SAMPLE_DAY)
    page = reader.page
    page.goto(f"{prefixed[1]}/search/")
    page.locator("#q").press_sequentially(org["name"])
    first = page.locator("#search-results li a").first
    expect(first).to_have_text(org["name"])
    first.click()
    expect(page.locator("h1")).to_have_text(org["name"])
    assert page.url == f"{prefixed[1]}/org/{org['credit_code']}/"


@pytest.mark.browser
def test_list_filters_under_a_prefix(prefixed, reader, fixture_files):
    org = filed_on(fixture_files, SAMPLE_DAY)
    expected = sum(1 for row in read_rows(fixture_files / "registry.csv") if row["district"] == org["district"])
    page = reader.page
    page.goto(f"{prefixed[1]}/orgs/")
    page.get_by_label("所在区").select_option(label=org["district"])
    expect(page.locator(".filter-result")).to_have_text(f"找到 {expected} 个机构")
    page.locator("table.orgs tbody a", has_text=org["name"]).click()
    expect(page.locator("h1")).to_have_text(org["name"])


def expected_verdict(fixture_files, org: str, occupation: str, level: int, day: str) -> str:
    settings = load_settings(ROOT / "pelicanconf.py")
    today = dt.date.fromisoformat(SAMPLE_DAY)
    registry = load_registry(settings, today, fixture_files / "registry.csv", fixture_files / "history.csv")
    _, answer = verify(registry, org, occupation, str(level), day, data_date(registry, today))
    return VERDICTS[answer.verdict]


def first_grant(org: dict[str, str]) -> tuple[str, int]:
    """The organisation's first occupation and its lowest level (five is the lowest)."""
    occupation, levels = org["occupations"].split(";")[0].rsplit(":", 1)
    return occupation.split(" ")[0], int(levels[0])


@pytest.mark.browser
def test_verification_under_a_prefix(prefixed, reader, fixture_files):
    org = filed_on(fixture_files, SAMPLE_DAY)
    occupation, level = first_grant(org)
    page = reader.page
    page.goto(f"{prefixed[1]}/verify/?org={org['filing_no']}&occupation={occupation}&level={level}&date={org['valid_from']}")
    expect(page.locator("#answer .verdict")).to_have_text(
        expected_verdict(fixture_files, org["filing_no"], occupation, level, org["valid_from"]))
    page.locator("#answer a").first.click()
    expect(page.locator("h1")).to_have_text(org["name"])


@pytest.mark.browser
def test_certificate_flow_under_a_prefix(prefixed, reader, fixture_files):
    org = filed_on(fixture_files, SAMPLE_DAY)
    occupation, level = first_grant(org)
    year = org["valid_from"][:4]
    page = reader.page
    page.goto(f"{prefixed[1]}/verify/")
    page.fill("#cert", f"{org['filing_no']}{year[2:]}{level}000123")
    page.locator("#certificate-form button").click()
    result = page.locator("#certificate-result")
    expect(result).to_contain_text(f"证书年份 {year} 年")
    result.locator(".options a", has_text=occupation).click()
    expect(page.locator("#occupation")).to_have_value(occupation)
    page.fill("#date", org["valid_from"])
    page.locator("#question-form button").click()
    expect(page.locator("#answer .verdict")).to_have_text(
        expected_verdict(fixture_files, org["filing_no"], occupation, level, org["valid_from"]))
