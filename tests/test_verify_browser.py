"""The /verify/ page in headless Chromium, against a real build of the registry the shared case
table was made from: the page gives Python's answers, from a shared link, from a certificate
number, and explains itself without JavaScript."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from mulu.verify import bucket_of
from tests.verify_cases import CASES_FILE, IMPORTED, TODAY, sample_registry

pytestmark = pytest.mark.browser

CASES = json.loads(CASES_FILE.read_text(encoding="utf-8"))
VERDICTS = {"authorised": "已获授权", "not_authorised": "未获授权", "unknown": "无法判断"}


@pytest.fixture(scope="module")
def site(tmp_path_factory, build_site, static_server):
    """The case table's registry built into a site and served over HTTP."""
    folder = tmp_path_factory.mktemp("verify-site")
    sample_registry(folder, orgs=40, seed=7, with_imported=True)
    output = folder / "output"
    result = build_site(output, folder / "registry.csv", folder / "history.csv", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    return output, static_server(output)


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def read_json(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_built_files_are_the_case_tables_data(site):
    output, _ = site
    meta = read_json(output / "verify" / "meta.json")
    assert meta == CASES["data"]["meta"]
    assert sorted((output / "verify" / "k").glob("*.json")) == sorted(output / "verify" / "k" / f"{n}.json" for n in range(meta["b"]))
    assert [read_json(output / "verify" / "k" / f"{n}.json") for n in range(meta["b"])] == CASES["data"]["buckets"]


def test_the_form_lists_the_occupations_the_data_numbers(site, page):
    """The page reads the occupations' names, which answers quote, from its form's list."""
    _, base = site
    page.goto(base + "/verify/")
    options = page.locator("#occupation-list option")
    assert [[code, f"{code} {name}"] for code, name in CASES["data"]["occupations"]] == [
        [value, text] for value, text in zip(options.evaluate_all("os => os.map((o) => o.value)"), options.all_text_contents())]


def test_page_script_gives_pythons_answers_for_every_case(site, page):
    _, base = site
    page.goto(base + "/verify/")
    expect(page.locator("#verify")).to_have_attribute("data-ready", "true")
    results = page.evaluate("""async ([questions, oc]) => {
        const urls = document.getElementById("verify").dataset;
        const meta = Object.assign(await (await fetch(urls.meta)).json(), { oc });
        const fetchBucket = async (n) => (await fetch(urls.bucket.replace("{n}", n))).json();
        const results = [];
        for (const q of questions) {
            const question = { org: q.org, occupation: q.occupation, level: String(q.level), date: q.date };
            const { answer } = MuluVerify.ask(await MuluVerify.dataFor(meta, MuluVerify.questionKey(question), fetchBucket), question);
            results.push([answer.verdict, answer.code, answer.reason,
                          answer.events.map((e) => [MuluVerify.isoDate(e.day), e.event, e.document])]);
        }
        return results;
    }""", [CASES["questions"], CASES["data"]["occupations"]])
    expected = [[q["verdict"], q["code"], q["reason"], q["events"]] for q in CASES["questions"]]
    assert results == expected


def one_case_per_reason() -> list[dict]:
    chosen = {}
    for case in CASES["questions"]:
        chosen.setdefault(case["code"], case)
    return list(chosen.values())


@pytest.mark.parametrize("case", one_case_per_reason(), ids=lambda c: c["code"])
def test_shared_link_shows_the_answer(site, page, case):
    _, base = site
    page.goto(f"{base}/verify/?org={case['org']}&occupation={case['occupation']}&level={case['level']}&date={case['date']}")
    answer = page.locator("#answer")
    expect(answer.locator(".verdict")).to_have_text(VERDICTS[case["verdict"]])
    expect(answer.locator(".reason")).to_have_text(case["reason"])
    expect(answer.locator(".basis li")).to_have_count(len(case["events"]))
    expect(page.locator("#org")).to_have_value(case["org"])


def verify_requests(page) -> list[str]:
    """The verification data files the page fetches from now on, as site paths."""
    fetched = []
    page.on("request", lambda request: fetched.append(urlsplit(request.url).path)
            if urlsplit(request.url).path.endswith(".json") else None)
    return fetched


def test_a_question_fetches_meta_and_its_organisations_bucket(site, page):
    _, base = site
    fetched = verify_requests(page)
    page.goto(f"{base}/verify/?org=S000031009999&occupation=6-31-01-03&level=4&date=2025-01-10")
    expect(page.locator("#answer .verdict")).to_have_text("已获授权")
    bucket = bucket_of("S000031009999", CASES["data"]["meta"]["b"])
    assert fetched == ["/verify/meta.json", f"/verify/k/{bucket}.json"]


def test_answer_links_to_the_organisation_page(site, page):
    _, base = site
    page.goto(f"{base}/verify/?org=S000031009999&occupation=6-31-01-03&level=3&date=2025-01-10")
    expect(page.locator("#answer .reason")).to_contain_text("已于 2025-01-10 经变更（沪职鉴〔2025〕3号）移出")
    page.locator("#answer a").click()
    expect(page.locator("h1")).to_have_text("上海迁入示例职业技能评价有限公司")
    expect(page.locator(".timeline tbody tr")).to_have_count(4)


def test_bad_question_gets_a_precise_message(site, page):
    _, base = site
    page.goto(f"{base}/verify/?org={IMPORTED}&occupation=6-31-01-03&level=3&date=2024-02-30")
    expect(page.locator("#answer .error")).to_have_text("日期「2024-02-30」无效，应写作 YYYY-MM-DD，如 2024-03-01")


def test_certificate_number_leads_to_an_answer(site, page):
    _, base = site
    fetched = verify_requests(page)
    page.goto(base + "/verify/")
    page.fill("#cert", "S000031009999 24 3 000123")
    page.locator("#certificate-form button").click()
    result = page.locator("#certificate-result")
    expect(result).to_contain_text("证书年份 2024 年，等级 三级/高级工。")
    # Its issuer's data came from the bucket of the certificate's first 13 characters.
    assert [path for path in fetched if "/k/" in path] == [f"/verify/k/{bucket_of('S000031009999', CASES['data']['meta']['b'])}.json"]
    options = result.locator(".options a")
    expect(options).to_have_text(["6-31-01-03 电工"])
    expect(result.locator(".options li")).to_have_text(["6-31-01-03 电工（2024 年内授权期间：2024-01-01 至 2024-02-28、2024-04-01 至 2024-12-31）"])
    options.first.click()
    expect(page.locator("#answer .prompt")).to_have_text("请填写证书上的发证日期，再点击「核验」。")
    expect(page.locator("#occupation")).to_have_value("6-31-01-03")
    expect(page.locator("#level")).to_have_value("3")
    page.fill("#date", "2024-03-15")
    page.locator("#question-form button").click()
    expect(page.locator("#answer .verdict")).to_have_text("未获授权")
    expect(page.locator("#answer .reason")).to_contain_text("备案有效期已于 2024-02-28 届满")


@pytest.mark.parametrize("number", [c["input"] for c in CASES["certificates"] if c["kind"] not in ("ok", "empty")])
def test_certificate_explanations(site, page, number):
    _, base = site
    expected = next(c["message"] for c in CASES["certificates"] if c["input"] == number)
    page.goto(base + "/verify/")
    page.fill("#cert", number)
    page.locator("#certificate-form button").click()
    expect(page.locator("#certificate-result p")).to_have_text(expected)


def test_without_javascript_the_page_points_to_organisation_pages(site, browser):
    _, base = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/verify/")
    note = page.locator(".noscript")
    expect(note).to_be_visible()
    expect(note.locator("a")).to_have_attribute("href", "/orgs/")
    expect(page.locator("#verify")).to_be_hidden()
    context.close()


def offered(page) -> list[str]:
    return page.locator("#occupation-options [role=option]").all_text_contents()


def test_the_occupation_field_offers_occupations_by_name_and_code(site, page):
    """Typing part of a name or the start of a code lists the data's matching occupations
    (code and name); the keyboard chooses one and the question is asked by its code."""
    _, base = site
    page.goto(base + "/verify/")
    names = [f"{code} {name}" for code, name in CASES["data"]["occupations"]]
    field = page.get_by_role("combobox", name="职业(工种)")
    for typed in ("电工", "养老", "6-31"):
        field.fill(typed)
        expected = [n for n in names if typed in n.split(" ", 1)[1] or n.startswith(typed)][:12]
        assert expected and offered(page) == expected, typed
        expect(field).to_have_attribute("aria-expanded", "true")
        expect(page.locator("#occupation-count")).to_contain_text(f"有 {len([n for n in names if typed in n.split(' ', 1)[1] or n.startswith(typed)])} 个匹配")
    field.fill("")
    field.press_sequentially("电工")
    field.press("ArrowDown")
    first = page.locator("#occupation-options [role=option]").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(field).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    field.press("Enter")
    expect(field).to_have_value(first.get_attribute("data-code"))
    expect(page.locator("#occupation-options")).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")


def test_a_question_may_name_its_occupation(site, page):
    _, base = site
    page.goto(f"{base}/verify/?org=S000031009999&occupation=电工&level=4&date=2025-01-10")
    expect(page.locator("#answer .verdict")).to_have_text("已获授权")
    expect(page.locator("#occupation")).to_have_value("6-31-01-03")
    page.goto(f"{base}/verify/?org=S000031009999&occupation=工&level=4&date=2025-01-10")
    meant = [f"{code} {name}" for code, name in CASES["data"]["occupations"] if "工" in name]
    expect(page.locator("#answer .prompt")).to_contain_text("「工」可能是以下职业(工种)之一")
    expect(page.locator("#answer .prompt")).to_contain_text("、".join(meant[:12]) + f" 等 {len(meant)} 个")
