"""The search page as the public uses it, in headless Chromium, over generated registries in
which some words never go together: words recognised as filters the reader sees and removes,
the answer a place and an occupation no organisation has together gets, partial matches that
say so, and what a screen reader hears."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from mulu.grants import parse_levels
from mulu.search.understand import DISTRICT_ENDINGS, stems
from tests.registry_files import read_rows, write_sample

pytestmark = pytest.mark.browser

AXE_RULES = "{runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}"


def grants(row: dict) -> dict[str, tuple[str, tuple[int, ...]]]:
    """The row's occupations: code -> (name, levels)."""
    found = {}
    for entry in row["occupations"].split(";"):
        head, levels = entry.rsplit(":", 1)
        code, title = head.split(" ", 1)
        found[code] = (title.split("/")[0], parse_levels(levels)[0])
    return found


def holders(rows: list[dict], code: str, level: int | None = None) -> list[dict]:
    return [r for r in rows if code in grants(r) and (level is None or level in grants(r)[code][1])]


def short(district: str) -> str:
    """The district as people type it: 浦东 for 浦东新区."""
    return stems(district, DISTRICT_ENDINGS)[-1]


def built(folder, build_site, static_server, orgs: int, seed: int):
    registry, history = write_sample(folder, orgs, seed)
    result = build_site(folder / "site", registry, history)
    assert result.returncode == 0, result.stderr
    return read_rows(registry), static_server(folder / "site")


@pytest.fixture(scope="module")
def directory(tmp_path_factory, build_site, static_server):
    """A generated directory of 80 organisations and its site's address."""
    return built(tmp_path_factory.mktemp("understood"), build_site, static_server, 80, 5)


@pytest.fixture(scope="module")
def apart(directory):
    """A district and an occupation no organisation has together, both held by some."""
    rows, _ = directory
    districts = sorted({r["district"] for r in rows})
    for code, (name, _) in sorted({c: g for r in rows for c, g in grants(r).items()}.items()):
        held = holders(rows, code)
        for district in districts:
            if len(held) >= 2 and not any(r["district"] == district for r in held):
                return district, code, name, held
    pytest.fail("the generated directory has no such pair")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def ask(page, site: str, query: str) -> None:
    page.goto(f"{site}/search/?{urlencode({'q': query})}")
    answered(page, query)


def answered(page, query: str) -> None:
    """Wait for the page (maybe still loading after a click) to answer ``query``."""
    page.wait_for_function("q => document.querySelector('#search-results')?.dataset.query === q", arg=query)


def status(page) -> str:
    return page.locator("#search-status").text_content()


def conditions(page) -> list[str]:
    return [text.removesuffix(" 去掉").strip() for text in page.locator("#search-understood .conditions li").all_text_contents()]


def names(page) -> list[str]:
    return page.locator("#search-results .result-name").all_text_contents()


def test_a_place_and_an_occupation_no_organisation_has_together(page, directory, apart):
    rows, site = directory
    district, code, name, held = apart
    ask(page, site, f"{short(district)} {name}")
    assert status(page).startswith(f"没有同时符合以下全部条件的机构：所在区 {district}；职业 {name}（{code}）。")
    assert names(page) == []  # no organisation of the district is listed as if it could
    assert conditions(page) == [f"所在区 {district}", f"职业 {name}（{code}）"]
    city_wide = page.get_by_role("link", name=f"在全市查找，按职业 {name}（{code}）：{len(held)} 个机构")
    city_wide.click()
    answered(page, name)
    assert parse_qs(urlsplit(page.url).query) == {"q": [name]}
    assert status(page).startswith(f"按职业 {name}（{code}）：找到 {len(held)} 个符合条件的机构")
    assert sorted(names(page)) == sorted(r["name"] for r in held)


def test_a_district_an_occupation_and_a_level_are_filters(page, directory):
    rows, site = directory
    row = next(r for r in rows if any(4 in levels for _, levels in grants(r).values()))
    code, (name, _) = next((c, g) for c, g in grants(row).items() if 4 in g[1])
    expected = [r for r in holders(rows, code, 4) if r["district"] == row["district"]]
    ask(page, site, f"{short(row['district'])} {name} 四级")
    assert conditions(page) == [f"所在区 {row['district']}", "等级 四级/中级工", f"职业 {name}（{code}）"]
    assert sorted(names(page)) == sorted(r["name"] for r in expected)
    for item in page.locator("#search-results li").all():
        assert item.locator(".result-facts").text_content().startswith(row["district"])
        assert f"{name}（" in item.locator(".result-occupations").text_content()
        assert "四级" in item.locator(".result-occupations").text_content()
    assert parse_qs(urlsplit(page.url).query)["q"] == [f"{short(row['district'])} {name} 四级"]


def name_words(rows: list[dict]) -> tuple[str, str]:
    """Two words of the generated names (the part after the city) that no name has both of."""
    words = sorted({r["name"][2:4] for r in rows if r["name"][2:4].isalpha()})
    for first in words:
        for second in words:
            together = [r for r in rows if first in r["name"] and second in r["name"]]
            alone = [r for r in rows if (first in r["name"]) != (second in r["name"])]
            if first < second and not together and len(alone) >= 3:
                return first, second
    pytest.fail("no two words apart")


def test_words_no_organisation_has_together_are_a_partial_answer_that_says_so(page, directory):
    rows, site = directory
    first, second = name_words(rows)
    ask(page, site, f"{first} {second}")
    with_one = [r for r in rows if first in r["name"] or second in r["name"]]
    assert status(page).startswith(f"没有同时符合「{first}」「{second}」的机构。以下是只符合其中部分词语的机构：共 {len(with_one)} 个")
    for item in page.locator("#search-results li").all():
        has_first = first in item.locator(".result-name").text_content()
        expected = f"符合「{first}」；不含「{second}」" if has_first else f"符合「{second}」；不含「{first}」"
        assert item.locator(".result-why").text_content() == expected


def test_a_result_found_by_its_phone_number_alone_says_so(page, directory):
    rows, site = directory
    row = next(r for r in rows if r["phone"].startswith("021-"))
    ask(page, site, row["phone"].split("-")[1])
    item = page.locator("#search-results li").filter(has_text=row["name"])
    expect(item.locator(".result-why")).to_have_text("只有联系电话与查询相符")
    ask(page, site, row["name"])
    expect(page.locator("#search-results li").first.locator(".result-why")).to_have_count(0)


def test_a_recognised_word_is_removed_with_the_keyboard_and_the_change_is_announced(page, directory, apart):
    rows, site = directory
    district, code, name, held = apart
    query = f"{short(district)} {name}"
    ask(page, site, query)
    assert page.locator("#search-status").get_attribute("role") == "status"
    assert page.locator("#search-status").get_attribute("aria-live") == "polite"
    remove = page.get_by_role("button", name=f"去掉条件「所在区 {district}」（查询中的「{short(district)}」）")
    page.locator("#q").focus()
    for _ in range(20):  # past the filters and the search button to the condition's button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label') || ''").startswith("去掉条件「所在区"):
            break
    expect(remove).to_be_focused()
    page.keyboard.press("Enter")
    answered(page, name)
    expect(page.locator("#q")).to_be_focused()
    expect(page.locator("#q")).to_have_value(name)
    assert conditions(page) == [f"职业 {name}（{code}）"]
    assert f"找到 {len(held)} 个符合条件的机构" in status(page)
    assert parse_qs(urlsplit(page.url).query) == {"q": [name]}


def test_the_page_with_conditions_and_offers_passes_axe(browser, directory, apart):
    _, site = directory
    district, _, name, _ = apart
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    ask(page, site, f"{short(district)} {name}")
    page.add_script_tag(path="node_modules/axe-core/axe.min.js")
    result = page.evaluate(f"axe.run(document, {AXE_RULES})")
    context.close()
    assert [(v["id"], v["help"]) for v in result["violations"]] == []


@pytest.mark.slow
def test_done_on_a_sample_like_the_shipped_one(tmp_path_factory, build_site, static_server, page):
    """The issue's own examples, on the generator's 300 organisations of seed 1: 浦东 电工
    says no organisation matches both and offers the city's electricians; 静安 养老护理员 四级
    is a district, an occupation and a level."""
    rows, site = built(tmp_path_factory.mktemp("sample"), build_site, static_server, 300, 1)
    electricians = holders(rows, "6-31-01-03")
    assert not [r for r in electricians if r["district"] == "浦东新区"]  # the generated sample's own fact
    ask(page, site, "浦东 电工")
    assert status(page).startswith("没有同时符合以下全部条件的机构：所在区 浦东新区；职业 电工（6-31-01-03）。")
    expect(page.get_by_role("link", name=f"在全市查找，按职业 电工（6-31-01-03）：{len(electricians)} 个机构")).to_be_visible()
    ask(page, site, "静安 养老护理员 四级")
    assert conditions(page) == ["所在区 静安区", "等级 四级/中级工", "职业 养老护理员（4-10-01-05）"]
