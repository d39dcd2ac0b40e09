"""The built site's pages: what a reader finds on each page type, built from the shipped sample
and from a small fixture registry with hostile names."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from mulu.reference import Reference
from mulu.sample import generate
from mulu.settings import load_settings, resolve
from mulu.store import write_pair

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
FORMULA_NAME = "=HYPERLINK(\"http://example.com\",\"点此\")"


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def sample_rows() -> list[dict[str, str]]:
    with open(ROOT / "registry.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def fixture_files(tmp_path_factory) -> Path:
    """A 12-organisation registry whose first names would be markup or a formula if not escaped."""
    folder = tmp_path_factory.mktemp("fixture-registry")
    settings = load_settings(ROOT / "pelicanconf.py")
    rows, events = generate(Reference(resolve(settings, "MULU_REFERENCE_DIR")), settings, 12, 7)
    rows[0]["name"] = HOSTILE_NAME
    rows[1]["name"] = FORMULA_NAME
    write_pair(folder / "registry.csv", rows, folder / "history.csv", events)
    return folder


@pytest.fixture(scope="module")
def fixture_site(fixture_files, build_site, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("fixture-site")
    result = build_site(output, fixture_files / "registry.csv", fixture_files / "history.csv")
    assert result.returncode == 0, result.stderr
    return output


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
