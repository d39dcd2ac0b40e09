"""What a government site must carry: the footer's marks and links and the page metadata on
every page type, from the settings; marked placeholders in a sample build; a publish of real data
that refuses missing or malformed settings; the complaint part and the data date of each page."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

from conftest import GOVERNMENT, ROOT
from test_site_rebuild import tree

CENTRE = "上海市职业技能鉴定中心"


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def latest_event(history: list[dict[str, str]], code: str | None = None) -> str:
    return max(e["date"] for e in history if code is None or e["credit_code"] == code)


def page_types(files: Path) -> dict[str, tuple[str, str]]:
    """Each page type of a site built from ``files``: its path and its section (ColumnName)."""
    rows = read(files / "registry.csv")
    org = next(r for r in rows if r["status"] == "已备案")
    occupation = org["occupations"].split(" ", 1)[0]
    return {
        "home": ("/", "首页"),
        "org": (f"/org/{org['credit_code']}/", "机构名录"),
        "orgs": ("/orgs/", "机构名录"),
        "orgs-filtered": ("/orgs/status/valid/", "机构名录"),
        "occupation": (f"/occupation/{occupation}/", "评价职业"),
        "occupations": ("/occupations/", "评价职业"),
        "notice": ("/notice/", "公示"),
        "removed": ("/removed/", "机构名录"),
        "search": ("/search/", "机构搜索"),
        "verify": ("/verify/", "证书核验"),
        "data": ("/data/", "数据下载"),
        "content": ("/apply/", "申报须知"),
        "sitemap": ("/sitemap/", "网站服务"),
        "accessibility": ("/accessibility/", "网站服务"),
        "404": ("/404.html", "网站服务"),
    }


KINDS = ("home", "org", "orgs", "orgs-filtered", "occupation", "occupations", "notice", "removed", "search", "verify",
         "data", "content", "sitemap", "accessibility", "404")


def footer_facts(page) -> dict[str, str]:
    return dict(zip(page.locator(".gov-facts dt").all_text_contents(),
                    [text.strip() for text in page.locator(".gov-facts dd").all_text_contents()]))


def metadata(page) -> dict[str, str]:
    return page.evaluate("Object.fromEntries([...document.querySelectorAll('meta[name]')]"
                         ".map(m => [m.getAttribute('name'), m.getAttribute('content')]))")


def image_loaded(locator) -> bool:
    return locator.evaluate("image => image.complete && image.naturalWidth > 0")


def check_footer_and_metadata(page, base_url: str, column: str, data_date: str) -> None:
    """The footer and metadata of a page, or a receipt, with every setting of GOVERNMENT."""
    assert footer_facts(page) == {
        "主办单位": GOVERNMENT["MULU_SITE_HOST"], "承办单位": CENTRE, "联系电话": GOVERNMENT["MULU_CONTACT_PHONE"],
        "联系地址": GOVERNMENT["MULU_CONTACT_ADDRESS"], "电子邮箱": GOVERNMENT["MULU_CONTACT_EMAIL"],
        "网站标识码": GOVERNMENT["MULU_SITE_ID_CODE"], "ICP备案号": GOVERNMENT["MULU_ICP_NUMBER"],
        "公安机关备案号": GOVERNMENT["MULU_PSB_NUMBER"],
    }
    footer = page.locator(".gov-facts")
    assert footer.get_by_role("link", name=GOVERNMENT["MULU_CONTACT_EMAIL"]).get_attribute("href") == \
        "mailto:" + GOVERNMENT["MULU_CONTACT_EMAIL"]
    assert footer.get_by_role("link", name=GOVERNMENT["MULU_ICP_NUMBER"]).get_attribute("href") == "https://beian.miit.gov.cn/"
    psb = footer.get_by_role("link", name=GOVERNMENT["MULU_PSB_NUMBER"])
    assert psb.get_attribute("href") == "https://beian.mps.gov.cn/#/query/webSearch?code=31010402001234"
    assert image_loaded(psb.locator("img"))
    links = page.locator(".gov-links")
    mark = links.get_by_role("link", name="党政机关网站标识")
    assert mark.get_attribute("href") == GOVERNMENT["MULU_GOV_MARK_URL"] and image_loaded(mark.locator("img"))
    assert links.get_by_role("link", name="我为政府网站找错").get_attribute("href") == (
        "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3100000099&url=https%3A%2F%2Frsj.example.gov.cn%2Fmulu%2F")
    for name, path in (("网站地图", "/sitemap/"), ("无障碍说明", "/accessibility/")):
        assert links.get_by_role("link", name=name).get_attribute("href") == base_url + path
    assert page.locator(".placeholder").count() == 0
    assert page.locator(".data-date").text_content() == f"数据更新于 {data_date}"
    values = metadata(page)
    assert {key: values[key] for key in ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "PubDate", "ContentSource")} == {
        "SiteName": "上海市社会培训评价组织目录", "SiteDomain": "rsj.example.gov.cn", "SiteIDCode": "3100000099",
        "ColumnName": column, "PubDate": f"{data_date} 00:00", "ContentSource": CENTRE}
    assert values["ColumnType"] and values["ArticleTitle"]
    assert len(values["description"]) >= 20


LISTS = ("orgs", "orgs-filtered", "occupation", "notice", "removed")


def page_data_date(kind: str, path: str, page, history: list[dict[str, str]]) -> str:
    """An organisation's page is dated by its latest event, a list by the latest event of the
    organisations it lists, every other page by the latest event of all."""
    if kind == "org":
        return latest_event(history, path.split("/")[2])
    listed = set(re.findall(r'href="/org/([0-9A-Z]{18})/"', page.content())) if kind in LISTS else set()
    return max((latest_event(history, code) for code in listed), default=latest_event(history))


@pytest.mark.browser
@pytest.mark.parametrize("kind", KINDS)
def test_every_page_type_carries_the_footer_and_the_metadata(browser, government_url, fixture_files, kind):
    path, column = page_types(fixture_files)[kind]
    history = read(fixture_files / "history.csv")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(government_url + path)
    try:
        check_footer_and_metadata(page, "", column, page_data_date(kind, path, page, history))
        assert metadata(page)["ArticleTitle"] == page.locator("h1").text_content()
        for target in ("/sitemap/", "/accessibility/"):
            assert page.request.get(government_url + target).ok
    finally:
        context.close()


def test_a_sample_build_shows_marked_placeholders(fixture_site):
    page = (fixture_site / "index.html").read_text("utf-8")
    for key in ("MULU_SITE_HOST", "MULU_CONTACT_PHONE", "MULU_CONTACT_EMAIL", "MULU_SITE_ID_CODE", "MULU_ICP_NUMBER",
                "MULU_PSB_NUMBER", "MULU_GOV_MARK_URL"):
        assert f'<span class="placeholder">〔示例占位：上线前填写 {key}〕</span>' in page
    assert 'alt="党政机关网站标识（示例占位图）"' in page
    assert "占位" in (fixture_site / "marks/gov-mark.svg").read_text("utf-8")


def test_publish_refuses_real_data_without_every_setting_and_writes_nothing(fixture_files, government_conf, tmp_path,
                                                                            build_site):
    conf = government_conf(tmp_path, MULU_SITE_ID_CODE=None, MULU_CONTACT_EMAIL=None, MULU_ICP_NUMBER="沪ICP12345678",
                           MULU_GOV_MARK=str(ROOT / "theme/marks/gov-mark-placeholder.svg"))
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("上一次发布的网站", encoding="utf-8")
    before = tree(output)
    result = build_site(output, fixture_files / "registry.csv", fixture_files / "history.csv", task="publish", conf=conf)
    assert result.returncode == 2
    named = re.findall(r"conf\.py: (MULU_[A-Z_]+)（", result.stderr)
    assert named == ["MULU_CONTACT_EMAIL", "MULU_SITE_ID_CODE", "MULU_ICP_NUMBER", "MULU_GOV_MARK"]
    assert "未填写" in result.stderr and "格式不对" in result.stderr and "示例占位图" in result.stderr
    assert "共 4 项设置缺失或有误" in result.stderr
    assert tree(output) == before
    assert not (tmp_path / "output.build-cache").exists()


def test_a_malformed_setting_stops_any_build(fixture_files, government_conf, tmp_path):
    conf = government_conf(tmp_path, MULU_PSB_NUMBER="沪公网安备 3101号")
    argv = [sys.executable, "-m", "pelican", "content", "-s", str(conf), "-o", str(tmp_path / "out")]
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert "MULU_PSB_NUMBER（公安机关备案号）格式不对" in result.stdout + result.stderr
    assert not (tmp_path / "out" / "index.html").exists()


def test_each_organisation_page_shows_the_date_of_its_latest_event(government_site, fixture_files):
    history = read(fixture_files / "history.csv")
    for row in read(fixture_files / "registry.csv"):
        page = (government_site / f"org/{row['credit_code']}/index.html").read_text("utf-8")
        date = latest_event(history, row["credit_code"])
        assert f'数据更新于 <time datetime="{date}">{date}</time>' in page
        assert f'<meta name="PubDate" content="{date} 00:00">' in page


@pytest.mark.browser
def test_an_organisation_page_says_how_to_complain_about_it(browser, government_url, fixture_files):
    row = next(r for r in read(fixture_files / "registry.csv") if r["status"] == "已备案")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{government_url}/org/{row['credit_code']}/")
    part = page.locator("section.complaint")
    assert part.get_by_role("heading", name="投诉举报").is_visible()
    assert "12333" in part.text_content()
    assert part.get_by_role("link").get_attribute("href") == GOVERNMENT["MULU_COMPLAINT_URL"]
    ready = dict(zip(part.locator("dt").all_text_contents(), part.locator("dd").all_text_contents()))
    assert ready["机构名称"] == row["name"] and ready["备案编号"] == row["filing_no"] and "证书编号" in ready
    assert part.locator("form").count() == 0  # the site stays static: no form posts anywhere
    context.close()


def template_sources() -> dict[str, str]:
    folders = (ROOT / "theme/templates", ROOT / "mulu/templates")
    return {path.name: path.read_text("utf-8") for folder in folders for path in sorted(folder.glob("*.html"))}


def test_no_template_reads_the_build_day():
    """A page shows the date of its data, never the day it was built: a nightly rebuild then
    leaves unchanged pages alone."""
    environment = Environment()
    reading = {name: {node.name for node in environment.parse(source).find_all(nodes.Name)} & {"today", "MULU_TODAY"}
               for name, source in template_sources().items()}
    assert len(reading) > 15 and not any(reading.values()), reading


def test_sitemap_page_links_every_section(government_site):
    page = (government_site / "sitemap/index.html").read_text("utf-8")
    main = page.split('<main', 1)[1]
    navigation = re.findall(r'href="([^"]+)"', page.split('aria-label="主导航"', 1)[1].split("</nav>", 1)[0])
    for path in ("/orgs/", "/occupations/", "/notice/", "/removed/", "/verify/", "/supervision/", "/search/", "/data/",
                 "/about/", "/apply/", "/data-notes/", "/accessibility/", "/orgs/status/valid/", *navigation):
        assert f'href="{path}"' in main, path
    assert "<loc>/sitemap/</loc>" in (government_site / "sitemap.xml").read_text("utf-8")
    pages = sum(1 for path in (government_site / "occupation").iterdir() if (path / "index.html").is_file())
    assert f"{pages} 个职业(工种)，每个职业一页" in main
