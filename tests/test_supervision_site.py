"""Supervision on the built site: /supervision/ with every round, the lists each drew from,
each organisation's inspections, the feed, the downloads and their Table Schema; 「自己核对」
drawing a real round again in Chromium; the verification answers untouched by inspections;
and the sample generator's supervision."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mulu.sample import generate
from mulu.store import render_pair
from mulu.supervision.schema import INSPECTION_COLUMNS
from tests.supervision_support import REFERENCE, ROOT, SETTINGS, copy_files

DAY = "2026-11-27"
ROUND = "2026-双随机-3"
ATOM = "{http://www.w3.org/2005/Atom}"
AXE = ROOT / "node_modules/axe-core/axe.min.js"


def invoke(folder: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "invoke", *arguments, "--registry", str(folder / "registry.csv"),
                           "--history", str(folder / "history.csv")], cwd=ROOT, capture_output=True, text=True)


def pelican(folder: Path, output: Path, *overrides: str) -> None:
    settings = [f"MULU_TODAY={json.dumps(DAY)}", f"MULU_REGISTRY={json.dumps(str(folder / 'registry.csv'))}",
                f"MULU_HISTORY={json.dumps(str(folder / 'history.csv'))}", *overrides]
    done = subprocess.run([sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output), "-e", *settings],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))


@pytest.fixture(scope="module")
def files(supervised_base, tmp_path_factory) -> Path:
    """Generated files with a draw and a result on the build day, so that they head the feed."""
    folder = copy_files(supervised_base, tmp_path_factory.mktemp("supervised-site-files"))
    done = invoke(folder, "draw", "--round", ROUND, "--ratio", "5%", "--min", "3", "--focus-ratio", "50%",
                  "--beacon", "2026138 / 05 11 17 20 26 30 / 14", "--source", "测试用：某期开奖号码", "--date", DAY)
    assert done.returncode == 0, done.stderr
    draw = rows(folder / "draws.csv")[-1]
    pick = (draw["focus_picks"] or draw["picks"]).split(";")[0]
    done = invoke(folder, "inspect", pick, "--round", ROUND, "--items", "JC-01", "--result", "未发现问题",
                  "--document", "测试督〔2026〕77号", "--date", DAY)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture(scope="module")
def site(files, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("supervised-site")
    pelican(files, output)
    return output


@pytest.fixture(scope="module")
def published_site(files, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("published-pool-site")
    pelican(files, output, "MULU_PUBLISH_INSPECTORS=true")
    return output


def test_the_page_shows_every_round_its_inputs_and_picks_and_the_pool_only_as_counts(files, site):
    page = (site / "supervision/index.html").read_text("utf-8")
    registry = {r["credit_code"]: r["name"] for r in rows(files / "registry.csv")}
    for draw in rows(files / "draws.csv"):
        assert draw["round"] in page and draw["beacon"] in page and draw["eligible_sha256"] in page
        for code in filter(None, (draw["focus_picks"] + ";" + draw["picks"]).split(";")):
            assert registry[code] in page
    assert all(f"<td>{item['code']}</td>" in page for item in rows(ROOT / "reference/inspection-items.csv"))
    pool = rows(files / "inspectors.csv")
    assert f"名录库现有检查人员 {len(pool)} 名" in page
    assert not any(inspector["name"] in page for inspector in pool)


def test_the_lists_a_round_drew_from_hash_to_the_published_digests(files, site):
    for draw in rows(files / "draws.csv"):
        folder = site / "supervision/rounds" / (draw["round"].split("-")[0] + "-" + draw["round"].split("-")[2])
        for name, column, count in (("eligible.txt", "eligible_sha256", "eligible"), ("focus.txt", "focus_sha256", "focus_eligible")):
            data = (folder / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == draw[column]
            assert data.count(b"\n") == int(draw[count])


def test_each_organisation_page_lists_its_inspections(files, site):
    inspections = rows(files / "inspections.csv")
    code = max({i["credit_code"] for i in inspections}, key=lambda c: sum(i["credit_code"] == c for i in inspections))
    page = (site / f"org/{code}/index.html").read_text("utf-8")
    own = [i for i in inspections if i["credit_code"] == code]
    assert page.count('<tr id="inspection-') == len(own) > 1
    assert all(i["document"] in page and i["result"] in page for i in own)
    quiet = next(r["credit_code"] for r in rows(files / "registry.csv") if r["credit_code"] not in {i["credit_code"] for i in inspections})
    assert "尚无对该机构的检查记录" in (site / f"org/{quiet}/index.html").read_text("utf-8")


def test_the_feed_has_an_entry_for_the_draw_and_for_the_result(site):
    entries = ET.parse(site / "feeds/events.atom.xml").getroot().findall(f"{ATOM}entry")
    ids = {e.find(f"{ATOM}id").text for e in entries}
    assert f"urn:mulu:draw:{ROUND}" in ids and "urn:mulu:inspection:测试督〔2026〕77号" in ids


def test_the_downloads_and_their_table_schema(files, site, published_site):
    package = json.loads((site / "data/datapackage.json").read_text("utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    fields = [f["name"] for f in resources["inspections"]["schema"]["fields"]]
    assert fields == [c.name for c in INSPECTION_COLUMNS if c.name != "inspectors"]
    assert "inspectors" not in resources and "inspectors" not in [f["name"] for f in resources["draws"]["schema"]["fields"]]
    downloaded = rows(site / "data/inspections.csv")
    assert (site / "data/inspections.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    assert downloaded == [{k: v for k, v in r.items() if k != "inspectors"} for r in rows(files / "inspections.csv")]
    assert [r["round"] for r in rows(site / "data/draws.csv")] == [r["round"] for r in rows(files / "draws.csv")]
    published = {r["name"] for r in json.loads((published_site / "data/datapackage.json").read_text("utf-8"))["resources"]}
    assert "inspectors" in published and rows(published_site / "data/inspections.csv") == rows(files / "inspections.csv")


def test_a_published_pool_shows_names_and_who_inspects_whom(files, published_site):
    page = (published_site / "supervision/index.html").read_text("utf-8")
    assert all(inspector["name"] in page for inspector in rows(files / "inspectors.csv"))


def test_the_verification_answers_are_the_same_without_any_inspection(files, site, tmp_path):
    bare = copy_files(files, tmp_path / "bare")
    for name in ("inspections.csv", "draws.csv", "inspectors.csv"):
        (bare / name).unlink()
    output = tmp_path / "site"
    pelican(bare, output)
    verify = sorted(p.relative_to(site) for p in (site / "verify").rglob("*") if p.is_file())
    assert verify and verify == sorted(p.relative_to(output) for p in (output / "verify").rglob("*") if p.is_file())
    assert all((site / p).read_bytes() == (output / p).read_bytes() for p in verify)
    assert "尚未进行双随机抽取" in (output / "supervision/index.html").read_text("utf-8")


def test_a_bad_inspection_stops_the_build_with_its_location(files, tmp_path):
    broken = copy_files(files, tmp_path / "broken")
    text = (broken / "inspections.csv").read_text("utf-8").replace(",JC-01,", ",JC-66,", 1)
    (broken / "inspections.csv").write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if ",JC-66," in row)
    done = subprocess.run([sys.executable, "-m", "invoke", "build", "--output", str(tmp_path / "site"), "--today", DAY,
                           "--registry", str(broken / "registry.csv"), "--history", str(broken / "history.csv")],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "COLUMNS": "400"})  # unwrapped log
    assert done.returncode != 0
    assert f"inspections.csv:{line}:items: 检查事项「JC-66」不在抽查事项清单中" in done.stdout + done.stderr


def test_the_sample_generator_adds_rounds_and_leaves_the_registry_as_it_was(tmp_path):
    done = subprocess.run([sys.executable, "-m", "invoke", "sample", "--orgs", "60", "--seed", "4", "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert render_pair(*generate(REFERENCE, SETTINGS, 60, 4)) == ((tmp_path / "registry.csv").read_bytes(),
                                                                 (tmp_path / "history.csv").read_bytes())
    draws, inspections = rows(tmp_path / "draws.csv"), rows(tmp_path / "inspections.csv")
    assert len(draws) >= 3 and {i["kind"] for i in inspections} >= {"双随机抽查", "投诉核查", "专项检查"}
    assert invoke(tmp_path, "validate", "--date", DAY).returncode == 0


# --- in Chromium ------------------------------------------------------------------------------

def open_supervision(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.goto(url + "/supervision/")
    return context, page, problems


@pytest.mark.browser
def test_the_page_draws_a_real_round_again_in_chromium(browser, static_server, files, site):
    context, page, problems = open_supervision(browser, static_server(site))
    latest = rows(files / "draws.csv")[-1]
    expect(page.get_by_label("批次")).to_have_value(latest["round"])
    page.get_by_role("button", name="在本机重新抽取并核对").click()
    verdict = page.locator("#draw-result .verdict")
    expect(verdict).to_contain_text("一致：在本机重新抽取的")
    picked = [code for code in (latest["focus_picks"] + ";" + latest["picks"]).split(";") if code]
    assert page.locator("#draw-result tbody tr").count() == len(picked)
    assert page.locator("#draw-result tbody a").all_text_contents() == picked
    assert page.locator("#draw-result li").all_text_contents()[0].endswith("SHA-256 与公布的一致")
    page.get_by_label("随机数").fill("1 / 2 3 4")
    page.get_by_role("button", name="在本机重新抽取并核对").click()
    expect(verdict).to_contain_text("您改动了随机数")
    assert problems == []
    context.close()


@pytest.mark.browser
def test_with_the_pool_published_the_page_checks_the_inspectors_too(browser, static_server, published_site):
    context, page, problems = open_supervision(browser, static_server(published_site))
    page.get_by_role("button", name="在本机重新抽取并核对").click()
    expect(page.locator("#draw-result .verdict")).to_contain_text("一致")
    expect(page.locator("#draw-result")).to_contain_text("检查人员：按公布的名录库重新抽取，与公布的一致。")
    assert problems == []
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ("supervision/index.html", "org"))
def test_supervision_pages_pass_axe(browser, static_server, files, site, path):
    if path == "org":
        path = f"org/{rows(files / 'inspections.csv')[0]['credit_code']}/index.html"
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{static_server(site)}/{path}")
    page.get_by_role("button", name="在本机重新抽取并核对").click() if "supervision" in path else None
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
    context.close()
    assert [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]] == []


def test_a_recorded_inspection_rebuilds_what_shows_it_and_equals_a_clean_build(files, tmp_path):
    from test_site_rebuild import build, rebuilt_as_clean

    data = copy_files(files, tmp_path / "data")
    built = tmp_path / "site"
    build(built, data, DAY)
    draw = rows(data / "draws.csv")[-1]
    pick = next(code for code in draw["picks"].split(";")
                if code not in {r["credit_code"] for r in rows(data / "inspections.csv") if r["round"] == ROUND})
    done = invoke(data, "inspect", pick, "--round", ROUND, "--items", "JC-02", "--result", "责令整改", "--deadline",
                  "2026-12-31", "--note", "测试：评价记录不全", "--document", "测试督〔2026〕78号", "--date", DAY)
    assert done.returncode == 0, done.stderr
    written = rebuilt_as_clean(built, data, tmp_path / "clean", DAY)
    assert {f"org/{pick}/index.html", "supervision/index.html", "feeds/events.atom.xml", "data/inspections.csv"} <= written
    assert not any(path.startswith(("verify/", "search/")) for path in written)
    assert "测试督〔2026〕78号" in (built / f"org/{pick}/index.html").read_text("utf-8")
