"""The site in headless Chromium: each page type with and without JavaScript at phone and desktop
widths, the list filters, the status re-check against the reader's clock, and axe-core at WCAG
2.1 AA on each page type."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import sample_rows

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules/axe-core/axe.min.js"
WIDTHS = (360, 1280)


REMOVED_ORG = next(r for r in sample_rows() if r["status"] == "已移出")["credit_code"]
PAGE_TYPES = {
    "home": "/",
    "org": f"/org/{REMOVED_ORG}/",
    "occupation": "/occupation/6-31-01-03/",
    "orgs": "/orgs/",
    "occupations": "/occupations/",
    "notice": "/notice/",
    "removed": "/removed/",
    "data": "/data/",
    "supervision": "/supervision/",
    "content": "/apply/",
    "search": "/search/",
    "verify": "/verify/",
    "sitemap": "/sitemap/",
    "accessibility": "/accessibility/",
    "404": "/404.html",
}
MAIN_PAGES = ("home", "org", "occupation", "orgs")


def open_page(browser, site_url: str, path: str, width: int, javascript: bool = True):
    """A fresh page at the given width, with the problems a reader would hit: script errors,
    console errors, requests to anywhere but the site."""
    context = browser.new_context(viewport={"width": width, "height": 800}, java_script_enabled=javascript)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("request", lambda request: request.url.startswith((site_url, "data:"))
            or problems.append(f"outside request: {request.url}"))
    page.goto(site_url + path)
    return context, page, problems


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("javascript", (True, False), ids=("js", "nojs"))
@pytest.mark.parametrize("kind", MAIN_PAGES)
def test_page_reads_well_with_and_without_javascript(browser, site_url, kind, javascript, width):
    context, page, problems = open_page(browser, site_url, PAGE_TYPES[kind], width, javascript)
    try:
        assert page.locator("h1").count() == 1 and page.locator("h1").is_visible()
        assert page.get_by_text("示例数据").first.is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"page is {overflow}px wider than the {width}px screen"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "跳到正文"
        assert problems == []
    finally:
        context.close()


def test_the_list_filter_form_appears_only_with_javascript(browser, site_url):
    context, page, _ = open_page(browser, site_url, "/orgs/", 1280, javascript=False)
    assert not page.locator("#org-filter").is_visible()
    page.get_by_role("link", name="松江区（30）").click()
    assert page.url.endswith("/orgs/district/310117/")
    assert page.locator("table.orgs tbody tr").count() == 30
    context.close()


def test_javascript_filters_combine_over_the_whole_directory(browser, site_url):
    rows = sample_rows()
    context, page, problems = open_page(browser, site_url, "/orgs/", 1280)
    page.get_by_label("所在区").select_option(label="松江区")
    page.get_by_label("机构类型").select_option(label="企业")
    page.get_by_label("可评价等级").select_option(label="三级/高级工")
    expected = [r for r in rows if r["district"] == "松江区" and r["org_type"] == "企业"
                and any(has_level(entry, 3) for entry in r["occupations"].split(";"))]
    # Each choice filters at once: wait for the last one's result, not the first one's.
    expect(page.locator(".filter-result")).to_have_text(f"找到 {len(expected)} 个机构")
    assert page.locator("table.orgs tbody tr").count() == len(expected) > 0
    assert "district=310117" in page.url and "level=3" in page.url
    assert problems == []
    context.close()


def test_a_choice_made_before_the_rows_arrive_is_shown_once_they_have(browser, site_url):
    expected = sum(r["district"] == "松江区" for r in sample_rows())
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    held = []
    context.route("**/orgs/rows.json", lambda route: held.append(route))  # the rows wait for the choice
    page = context.new_page()
    page.goto(site_url + "/orgs/")
    page.get_by_label("所在区").select_option(label="松江区")
    while not held:
        page.wait_for_timeout(20)
    held[0].continue_()
    expect(page.locator(".filter-result")).to_have_text(f"找到 {expected} 个机构")
    assert page.locator("table.orgs tbody tr").count() == expected
    context.close()


def has_level(entry: str, level: int) -> bool:
    from mulu.grants import parse_levels

    return level in parse_levels(entry.rsplit(":", 1)[1])[0]


def test_an_occupation_page_shows_the_organisations_of_the_level_chosen(browser, site_url):
    context, page, problems = open_page(browser, site_url, PAGE_TYPES["occupation"], 1280)
    rows = page.locator("#holders tbody tr")
    everyone = rows.count()
    third = page.locator("#holders tbody tr[data-levels~='3']")
    holding = third.count()
    assert 0 < holding < everyone
    page.get_by_label("只看可评价此等级的机构").select_option(label="三级/高级工")
    expect(page.locator("#holders tbody tr:visible")).to_have_count(holding)
    assert all(third.nth(i).is_visible() for i in range(holding))
    expect(page.locator("#level-filter .filter-result")).to_have_text(f"可评价三级/高级工的机构 {holding} 个")
    expect(page.locator(".level-counts")).to_contain_text(f"三级/高级工{holding} 个机构")
    assert page.url.endswith("?level=3")
    page.reload()  # the address keeps the choice
    expect(page.locator("#holders tbody tr:visible")).to_have_count(holding)
    page.get_by_label("只看可评价此等级的机构").select_option(label="全部等级")
    expect(page.locator("#holders tbody tr:visible")).to_have_count(everyone)
    assert problems == []
    context.close()


def test_without_javascript_an_occupation_page_lists_every_organisation_and_no_filter(browser, site_url):
    context, page, _ = open_page(browser, site_url, PAGE_TYPES["occupation"] + "?level=3", 1280, javascript=False)
    assert not page.locator("#level-filter").is_visible()
    rows = page.locator("#holders tbody tr")
    assert rows.count() > page.locator("#holders tbody tr[data-levels~='3']").count()
    assert all(rows.nth(i).is_visible() for i in range(rows.count()))
    context.close()


def test_the_home_search_without_javascript_leads_to_the_list(browser, site_url):
    context, page, _ = open_page(browser, site_url, "/", 360, False)
    page.get_by_label("搜索机构").fill(sample_rows()[5]["name"])
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/orgs/?q=*")
    assert page.locator("h1").text_content() == "机构名录"
    context.close()


def test_the_list_filters_by_the_query_in_its_address(browser, site_url):
    name = sample_rows()[5]["name"]
    context, page, _ = open_page(browser, site_url, "/orgs/?q=" + name, 360, True)
    page.locator(".filter-result").filter(has_text="找到").wait_for()
    assert page.locator("table.orgs tbody tr").count() == 1
    assert page.locator("table.orgs tbody a").text_content() == name
    context.close()


def test_status_badges_follow_the_readers_clock(browser, site_url):
    """A page built on 2026-11-27 and read in 2040 shows every filing as expired."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.clock.set_fixed_time(dt.datetime(2040, 1, 1, 12))
    page.goto(site_url + "/orgs/status/valid/")
    badges = page.locator("table.orgs .badge")
    assert badges.count() > 0
    assert set(badges.all_text_contents()) == {"已过期"}
    assert page.locator("table.orgs .badge-valid").count() == 0
    context.close()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/orgs/status/valid/")
    assert set(page.locator("table.orgs .badge").all_text_contents()) == {"有效"}
    context.close()


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_each_page_type_passes_axe_at_wcag_21_aa(browser, site_url, kind):
    # bypass_csp lets the test inject axe; the site's own pages never need it.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(site_url + PAGE_TYPES[kind])
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]]
    context.close()
    assert violations == [], violations


def test_the_list_says_when_no_organisation_has_every_word(browser, fixture_site, fixture_files, static_server):
    """/orgs/?q= with words no name has together lists those with some, and says so."""
    from tests.registry_files import read_rows

    rows = read_rows(fixture_files / "registry.csv")[2:]  # the generated names, not the hostile ones
    words = sorted({r["name"][2:4] for r in rows})  # the word after the city's name
    first, second = next((a, b) for a in words for b in words
                         if a < b and not any(a in r["name"] and b in r["name"] for r in rows))
    with_one = [r for r in rows if first in r["name"] or second in r["name"]]
    context, page, problems = open_page(browser, static_server(fixture_site), f"/orgs/?q={first}+{second}", 1280)
    expect(page.locator(".filter-result")).to_have_text(
        f"没有同时符合「{first}」「{second}」的机构。以下 {len(with_one)} 个机构只符合其中部分词语")
    notes = page.locator("table.orgs .row-words").all_text_contents()
    assert len(notes) == len(with_one) and all(n.startswith("符合「") and "；不含「" in n for n in notes)
    assert problems == []
    context.close()
