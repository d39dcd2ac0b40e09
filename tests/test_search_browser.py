"""Real queries typed into the real search page, built from the sample registry, in headless
Chromium."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from mulu.reference import Reference
from mulu.sample import NON_BMP_NAME, generate
from mulu.search.answer import fetched_for
from mulu.settings import load_settings, resolve
from mulu.store import write_pair
from registry_files import filed_on, holding, searched_org

from conftest import SAMPLE_DAY, sample_rows

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def page(browser, site_url):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{site_url}/search/")
    yield page
    page.close()
    assert errors == []


def type_query(page, text):
    page.fill("#q", "")
    page.locator("#q").press_sequentially(text)
    page.wait_for_function("t => document.querySelector('#search-results').dataset.query === t", arg=text.strip())


def first_names(page, count):
    return page.locator("#search-results .result-name").all_text_contents()[:count]


# Queries as people type them, and which organisations the first result may be: made from the
# sample's rows and ``one`` organisation, which a query naming it must find first.
QUERIES = {
    "word of a name": lambda rows, one: (f"{one.word}职业", {one.name}),
    "filing number": lambda rows, one: (one.filing_no, {one.name}),
    "credit code": lambda rows, one: (one.credit_code, {one.name}),
    "phone": lambda rows, one: (one.phone, {one.name}),
    "name outside the BMP": lambda rows, one: ("上海𠮷祥", {NON_BMP_NAME}),
    "character outside the BMP": lambda rows, one: ("𠮷", {NON_BMP_NAME}),
    "a letter too many": lambda rows, one: (f"{one.word}职业技能培训x", {one.name}),
    "district and occupation": lambda rows, one: (
        "浦东 养老护理", {row["name"] for row in rows if row["district"] == "浦东新区"} & holding(rows, "养老护理员")),
}


@pytest.mark.parametrize("kind", QUERIES)
def test_typed_query_finds_the_organisation_first(page, kind):
    rows = sample_rows()
    query, firsts = QUERIES[kind](rows, searched_org(rows))
    type_query(page, query)
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0")
    assert firsts and first_names(page, 1)[0] in firsts


def test_occupation_query_shows_the_matching_occupation_and_a_status(page):
    type_query(page, "养老护理员")
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0")
    first = page.locator("#search-results li").first
    assert "养老护理员" in first.locator(".result-occupations").text_content()
    assert first.locator(".badge").text_content() in {"有效", "即将到期", "已过期", "公示中", "已移出", "未生效"}
    assert first.locator("a").get_attribute("href").startswith("/org/")


def test_start_of_a_filing_number_and_one_character(page):
    type_query(page, "S00003100001")
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0")
    numbers = page.locator("#search-results .result-number").all_text_contents()
    assert len(numbers) == 10 and all(n.startswith("备案编号 S00003100001") for n in numbers)
    type_query(page, "电")
    page.wait_for_function("() => document.querySelector('#search-status').textContent.includes('显示最相关')")
    assert "电" in first_names(page, 1)[0]


def test_no_match_says_what_to_try(page):
    type_query(page, "量子引力")
    page.wait_for_function("() => document.querySelector('#search-status').textContent.includes('没有找到')")
    assert page.locator("#search-results li").count() == 0
    assert page.locator("#search-status").get_attribute("aria-live") == "polite"


def test_query_and_filters_are_kept_in_the_address(page, site_url):
    type_query(page, "电工")
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0")
    page.select_option("#filter-status", "已移出")
    page.wait_for_function("() => location.search.includes('status=')")
    page.wait_for_function("""() => { const badges = [...document.querySelectorAll('#search-results .badge')];
        return badges.length > 0 && badges.every((b) => b.textContent === '已移出'); }""")
    shared = page.url
    assert "q=%E7%94%B5%E5%B7%A5" in shared
    statuses = set(page.locator("#search-results .badge").all_text_contents())
    assert statuses == {"已移出"}
    other = page.context.browser.new_page()
    other.goto(shared)
    other.wait_for_function("() => document.querySelector('#search-status').textContent !== ''")
    assert other.locator("#q").input_value() == "电工"
    assert set(other.locator("#search-results .badge").all_text_contents()) == statuses
    other.close()


def test_keyboard_only_from_the_home_page(browser, site_url):
    page = browser.new_page()
    page.goto(f"{site_url}/")
    page.keyboard.press("Tab")  # skip link
    while page.evaluate("document.activeElement.id") != "q":
        page.keyboard.press("Tab")
    one = searched_org(sample_rows())
    page.keyboard.type(f"{one.word}职业")
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0")
    assert first_names(page, 1) == [one.name]
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0")
    assert first_names(page, 1) == [one.name]
    page.close()


def test_without_javascript_the_form_opens_the_list_of_organisations(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}/search/")
    page.fill("#q", "电工")
    page.press("#q", "Enter")
    page.wait_for_url("**/orgs/?q=*")
    context.close()


def test_a_certificate_number_leads_to_its_verification(browser, site_url, sample_files):
    """A 22-character certificate number typed in the home search box opens /verify/ for it."""
    issuer = filed_on(sample_files, SAMPLE_DAY)
    page = browser.new_page()
    page.goto(f"{site_url}/")
    certificate = issuer["filing_no"] + "24" + "3" + "000123"
    page.fill("#q", certificate[:11] + " " + certificate[11:])  # as printed, with a space
    link = page.locator("#search-results a", has_text="核验证书")
    link.wait_for()
    assert link.get_attribute("href").endswith(f"/verify/?cert={certificate}")
    page.press("#q", "Enter")
    page.wait_for_url(f"**/verify/?cert={certificate}")
    page.locator("#certificate-result").filter(has_text=issuer["name"]).wait_for()
    page.close()


@pytest.fixture(scope="module")
def sharded_site(build_site, tmp_path_factory):
    """A 2,000-organisation directory: big enough that its search files are split."""
    settings = load_settings(ROOT / "pelicanconf.py")
    folder = tmp_path_factory.mktemp("sharded")
    rows, events = generate(Reference(resolve(settings, "MULU_REFERENCE_DIR")), settings, 2000, 1)
    write_pair(folder / "registry.csv", rows, folder / "history.csv", events)
    result = build_site(folder / "site", folder / "registry.csv", folder / "history.csv")
    assert result.returncode == 0, result.stderr
    return folder / "site"


@pytest.fixture(scope="module")
def sharded_site_url(sharded_site, static_server):
    return static_server(sharded_site)


@pytest.mark.parametrize("query", ["浦东新区 电工", "徐汇 养老护理员 三级", "养老护理员", "华东职业", "电", "企业 有效", "静安 量子"])
def test_the_page_fetches_the_files_fetched_for_lists(browser, sharded_site, sharded_site_url, query):
    """What the benchmark counts without a browser is what the page fetches."""
    page = browser.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(urlsplit(request.url).path.lstrip("/")))
    page.goto(f"{sharded_site_url}/search/?{urlencode({'q': query})}")
    page.wait_for_function("q => document.querySelector('#search-results').dataset.query === q", arg=query)
    page.close()
    listed = {path for path, _ in fetched_for(sharded_site, query)}
    assert {path for path in fetched if path.startswith("search/") and "." in path} == {p for p in listed if p.startswith("search/")}


def test_a_split_index_fetches_only_what_the_query_needs(browser, sharded_site_url):
    page = browser.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url.split("/search/")[-1]))
    page.goto(f"{sharded_site_url}/search/")
    page.fill("#q", "养老护理员")  # pasted: one query, not one per keystroke; an occupation: a filter
    page.wait_for_function("() => document.querySelector('#search-status').textContent.includes('显示前 20 个')")
    matched = page.locator(".result-occupations").all_text_contents()
    assert len(matched) == 20 and all("养老护理员" in line for line in matched)
    assert page.locator("#search-results li").count() == 20
    index = [path for path in fetched if path.startswith("index/")]
    shown = [path for path in fetched if path.startswith("orgs/")]
    assert 1 <= len(index) <= 4 and 1 <= len(shown) <= 20 and "facets.json" not in fetched
    assert [path for path in fetched if path.startswith("filters/")] == ["filters/o/4-10-01-05.txt"]
    page.select_option("#filter-status", "公示中")
    page.wait_for_function("() => location.search.includes('status=')")
    page.wait_for_function("() => !document.querySelector('#search-status').textContent.includes('显示前 20 个')")
    assert "facets.json" in fetched
    assert set(page.locator("#search-results .badge").all_text_contents()) == {"公示中"}
    page.close()


def test_the_start_of_a_code_thousands_share_asks_for_more_characters(browser, sharded_site_url):
    page = browser.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url.split("/search/")[-1]))
    page.goto(f"{sharded_site_url}/search/")
    page.fill("#q", "S000031")  # every filing number of the city starts so
    page.wait_for_function("() => document.querySelector('#search-results').dataset.query === 'S000031'")
    assert "以「s000031」开头的编号和词太多" in page.locator("#search-status").text_content()
    assert len([path for path in fetched if path.startswith("index/")]) == 1
    page.fill("#q", "S0000310001")  # ten more digits: a prefix again
    page.wait_for_function("() => document.querySelector('#search-results').dataset.query === 'S0000310001'")
    numbers = page.locator("#search-results .result-number").all_text_contents()
    assert numbers and all(n.startswith("备案编号 S0000310001") for n in numbers)
    assert "太多" not in page.locator("#search-status").text_content()
    page.close()
