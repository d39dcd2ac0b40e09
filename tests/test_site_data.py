"""The machine-readable side of the site: downloads, data package, Atom feed, sitemap."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from openpyxl import load_workbook

from mulu.schema import HISTORY_FIELDS, REGISTRY_COLUMNS, REGISTRY_FIELDS
from mulu.supervision.schema import DRAW_FIELDS, INSPECTION_FIELDS

from conftest import FORMULA_NAME, HOSTILE_NAME
from conftest import sample_rows

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def csv_rows(path: Path) -> tuple[bytes, list[dict[str, str]]]:
    data = path.read_bytes()
    return data[:3], list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_registry_csv_opens_with_a_bom_and_holds_every_row(built_site):
    bom, rows = csv_rows(built_site / "data/registry.csv")
    assert bom == b"\xef\xbb\xbf"
    assert list(rows[0]) == list(REGISTRY_FIELDS)
    assert rows == sample_rows()  # the sample has no formula-like cells, so nothing is changed
    bom, events = csv_rows(built_site / "data/history.csv")
    assert bom == b"\xef\xbb\xbf" and list(events[0]) == list(HISTORY_FIELDS) and len(events) == 1300


def test_registry_json_matches_the_csv(built_site):
    records = json.loads((built_site / "data/registry.json").read_text(encoding="utf-8"))
    assert records == sample_rows()


def test_registry_xlsx_has_chinese_headers_and_every_row(built_site):
    book = load_workbook(built_site / "data/registry.xlsx", read_only=True)
    rows = list(book["机构名录"].iter_rows(values_only=True))
    assert list(rows[0]) == [c.title for c in REGISTRY_COLUMNS]
    assert len(rows) == 301
    names = {row[1] for row in rows[1:]}
    assert names == {r["name"] for r in sample_rows()}
    assert book.sheetnames == ["机构名录"]  # the history is its own download, history.csv


def test_formula_like_cells_are_neutralised_in_csv_and_xlsx_only(fixture_site):
    _, rows = csv_rows(fixture_site / "data/registry.csv")
    names = {row["name"] for row in rows}
    assert "'" + FORMULA_NAME in names and FORMULA_NAME not in names
    assert HOSTILE_NAME in names  # not formula-like: unchanged
    book = load_workbook(fixture_site / "data/registry.xlsx")
    sheet = book["机构名录"]
    cells = [sheet.cell(row, 2) for row in range(2, sheet.max_row + 1)]
    assert "'" + FORMULA_NAME in {c.value for c in cells}
    assert all(c.data_type != "f" for c in cells)
    records = json.loads((fixture_site / "data/registry.json").read_text(encoding="utf-8"))
    assert FORMULA_NAME in {r["name"] for r in records}


def test_the_data_package_describes_every_download(built_site):
    package = json.loads((built_site / "data/datapackage.json").read_text(encoding="utf-8"))
    paths = {resource["path"] for resource in package["resources"]}
    assert paths == {"registry.csv", "registry.json", "registry.xlsx", "history.csv", "inspections.csv", "draws.csv"}
    # Inspector ids are left out while the pool is not published (the default).
    expected = {"history": HISTORY_FIELDS, "inspections": tuple(f for f in INSPECTION_FIELDS if f != "inspectors"),
                "draws": tuple(f for f in DRAW_FIELDS if f != "inspectors")}
    for resource in package["resources"]:
        assert (built_site / "data" / resource["path"]).exists()
        fields = [f["name"] for f in resource["schema"]["fields"]]
        if resource["name"] == "registry-xlsx":  # named by its header row, the Chinese titles
            assert fields == [c.title for c in REGISTRY_COLUMNS]
        else:
            assert fields == list(expected.get(resource["name"], REGISTRY_FIELDS))
        assert all(f["title"] for f in resource["schema"]["fields"])
    page = (built_site / "data/index.html").read_text(encoding="utf-8")
    assert all(f'href="/data/{path}"' in page for path in paths | {"datapackage.json"})


def test_the_standards_validator_accepts_the_data_package(fixture_site, fixture_files):
    """``frictionless validate`` reads every resource against its schema: the workbook's
    Chinese header row included, and ``created`` as the datetime the standard requires."""
    done = subprocess.run([sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"],
                          cwd=fixture_site / "data", capture_output=True, text=True)
    report = json.loads(done.stdout)
    errors = [error["message"] for task in report["tasks"] for error in task["errors"]] + report["errors"]
    assert done.returncode == 0 and report["valid"], errors
    assert {task["name"] for task in report["tasks"]} == {"registry", "registry-json", "registry-xlsx", "history",
                                                          "inspections", "draws"}
    package = json.loads((fixture_site / "data/datapackage.json").read_text(encoding="utf-8"))
    _, events = csv_rows(fixture_files / "history.csv")
    latest = max(event["date"] for event in events)
    assert dt.datetime.fromisoformat(package["created"]) == dt.datetime.fromisoformat(f"{latest}T00:00:00+08:00")


def test_the_atom_feed_lists_recent_events_linking_to_organisation_pages(built_site):
    feed = ET.parse(built_site / "feeds/events.atom.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 50
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids)
    dates = [e.find(f"{ATOM}updated").text for e in entries]
    assert dates == sorted(dates, reverse=True)
    for entry in entries:
        link = entry.find(f"{ATOM}link").get("href").split("#")[0]  # supervision entries point into a page
        assert (built_site / link.lstrip("/") / "index.html").exists()
    kinds = {e.find(f"{ATOM}title").text.split("：")[0] for e in entries}
    assert {"公示", "备案"} <= kinds or {"公示", "变更"} <= kinds


def test_the_sitemap_lists_every_page_and_only_pages_that_exist(built_site):
    urls = [loc.text for loc in ET.parse(built_site / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert len(urls) == len(set(urls))
    for url in urls:
        assert (built_site / url.lstrip("/") / "index.html").exists(), url
    listed = set(urls)
    for row in sample_rows():
        assert f"/org/{row['credit_code']}/" in listed
    assert {"/", "/orgs/", "/occupations/", "/notice/", "/removed/", "/data/", "/about/", "/apply/"} <= listed
    assert (built_site / "robots.txt").read_text().startswith("User-agent: *")


def test_publishing_gives_absolute_urls_to_the_sitemap_and_feed(build_site, tmp_path, monkeypatch):
    monkeypatch.setenv("MULU_SITEURL", "https://example.org/mulu")
    assert build_site(tmp_path, task="publish").returncode == 0
    assert "<loc>https://example.org/mulu/orgs/</loc>" in (tmp_path / "sitemap.xml").read_text()
    assert "Sitemap: https://example.org/mulu/sitemap.xml" in (tmp_path / "robots.txt").read_text()
    feed = ET.parse(tmp_path / "feeds/events.atom.xml").getroot()
    assert feed.find(f"{ATOM}entry/{ATOM}link").get("href").startswith("https://example.org/mulu/org/")
    about = (tmp_path / "about/index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/mulu/occupations/"' in about
