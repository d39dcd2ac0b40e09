"""A rebuild into a built folder, helped by the build cache beside it, leaves exactly the files a
build into an empty folder makes, whatever changed: the registry and history, the templates,
the day, the settings or the reference data; and it rewrites only what changed."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from mulu.csvio import render_table
from mulu.schema import HISTORY_FIELDS
from mulu.settings import DEFAULTS
from mulu.store import write_pair

from conftest import ROOT, SAMPLE_DAY
from registry_files import write_sample

NEXT_DAY = "2026-11-28"
COMPRESSED = (".gz", ".br")  # the precompressed copies beside text files
PAGE_SIZE = 200  # rows on a page of the whole list
STATUS_PAGE = r"orgs/status/\w+/(page/\d+/)?index\.html"


def build(output: Path, data: Path, today: str = SAMPLE_DAY, *overrides: str) -> None:
    settings = {"MULU_REGISTRY": str(data / "registry.csv"), "MULU_HISTORY": str(data / "history.csv"), "MULU_TODAY": today}
    argv = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output), "-e",
            *(f"{key}={json.dumps(value)}" for key, value in settings.items()), *overrides]
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def folders(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


def times(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def rebuilt_as_clean(built: Path, data: Path, clean: Path, today: str = SAMPLE_DAY, *overrides: str) -> set[str]:
    """Rebuild ``built`` from ``data``, build ``clean`` from nothing, assert the two folders are
    the same, and return the files the rebuild wrote (their compressed copies aside)."""
    before = times(built)
    build(built, data, today, *overrides)
    build(clean, data, today, *overrides)
    assert tree(built) == tree(clean)
    assert folders(built) == folders(clean)  # no folder left behind by a file no longer made
    after = times(built)
    rewritten = {path for path, mtime in after.items() if before.get(path) != mtime}
    copies = {path for path in rewritten if path.endswith(COMPRESSED)}
    # A compressed copy is written with its file, never on its own.
    assert {path.rsplit(".", 1)[0] for path in copies} <= rewritten - copies
    return rewritten - copies


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class Pair:
    """A copy of the fixture registry and history to edit as staff would."""

    def __init__(self, source: Path, folder: Path):
        self.folder = folder
        self.rows, self.events = read(source / "registry.csv"), read(source / "history.csv")

    def save(self, name: str) -> Path:
        folder = self.folder / name
        folder.mkdir()
        write_pair(folder / "registry.csv", self.rows, folder / "history.csv", self.events)
        return folder

    def filed(self) -> list[dict[str, str]]:
        return [row for row in self.rows if row["status"] == "已备案"]

    def record(self, row: dict[str, str], event: str, document: str = "", **fields: str) -> None:
        """Change the row and add the event that says so, dated the sample day."""
        row.update(fields, updated=SAMPLE_DAY)
        self.events.append({
            "date": SAMPLE_DAY, "credit_code": row["credit_code"], "event": event, "occupations": row["occupations"],
            "valid_from": row["valid_from"], "valid_until": row["valid_until"], "status": row["status"],
            "document": document, "note": "",
        })

    def drop(self, code: str) -> dict[str, str]:
        """Take an organisation out of both files (its credit code was wrong, say)."""
        row = next(r for r in self.rows if r["credit_code"] == code)
        self.rows.remove(row)
        self.events = [e for e in self.events if e["credit_code"] != code]
        return row


def workbook_phone(path: Path, code: str) -> str:
    """The phone number the workbook gives for the organisation."""
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None  # every member's data matches its checksum
    sheet = load_workbook(path, read_only=True)["机构名录"]
    header, *rows = sheet.iter_rows(values_only=True)
    row = next(dict(zip(header, row)) for row in rows if row[0] == code)
    return row["联系电话"]


def org_pages(paths: set[str]) -> set[str]:
    return {path for path in paths if path.startswith("org/")}


@pytest.fixture
def pair(fixture_files, tmp_path) -> Pair:
    return Pair(fixture_files, tmp_path)


def test_a_rebuild_after_registry_changes_is_the_clean_build(pair, fixture_files, tmp_path):
    built, original = tmp_path / "site", fixture_files
    build(built, original)
    assert (tmp_path / "site.build-cache").is_dir()  # beside the site, never in it
    assert not any("cache" in path for path in tree(built))

    corrected = pair.filed()[0]
    pair.record(corrected, "更正", phone="021-64881234")
    written = rebuilt_as_clean(built, pair.save("phone"), tmp_path / "clean-phone")
    code = corrected["credit_code"]
    assert org_pages(written) == {f"org/{code}/index.html", f"org/{code}.json"}
    assert "data/registry.xlsx" in written
    assert workbook_phone(built / "data/registry.xlsx", code) == "021-64881234"

    middle = sorted(row["credit_code"] for row in pair.filed())[len(pair.filed()) // 2]
    returning = pair.drop(middle)
    rebuilt_as_clean(built, pair.save("dropped"), tmp_path / "clean-dropped")
    assert not (built / "org" / middle).exists() and not (built / f"org/{middle}.json").exists()

    # It returns in the middle of every list and sheet, renewed from next year: not valid yet.
    pair.rows.append(returning)
    pair.events += [e for e in read(original / "history.csv") if e["credit_code"] == middle]
    pair.record(returning, "延续", valid_from="2027-01-01", valid_until="2030-12-31")
    written = rebuilt_as_clean(built, pair.save("returned"), tmp_path / "clean-returned")
    assert f"org/{middle}/index.html" in written

    # Removed before it became valid: on its occupations' pages it moves from pending to former.
    pair.record(returning, "移出", "沪人社鉴〔2026〕99号", status="已移出", status_note="不再符合条件，沪人社鉴〔2026〕99号")
    written = rebuilt_as_clean(built, pair.save("removed"), tmp_path / "clean-removed")
    assert {f"org/{middle}/index.html", "removed/index.html"} <= written

    rebuilt_as_clean(built, original, tmp_path / "clean-original")


def test_the_history_in_another_order_is_rebuilt_in_that_order(pair, fixture_files, tmp_path):
    built = tmp_path / "site"
    build(built, fixture_files)
    # Each organisation's events in their order, but grouped by organisation rather than by date.
    pair.events.sort(key=lambda event: event["credit_code"])
    folder = pair.save("regrouped")
    (folder / "history.csv").write_bytes(render_table(HISTORY_FIELDS, pair.events))
    written = rebuilt_as_clean(built, folder, tmp_path / "clean")
    assert "data/history.csv" in written and not org_pages(written)


def test_an_unchanged_rebuild_rewrites_nothing(fixture_files, tmp_path):
    built = tmp_path / "site"
    build(built, fixture_files)
    assert rebuilt_as_clean(built, fixture_files, tmp_path / "clean") == set()


@pytest.mark.parametrize("processes", [1, 2])
def test_files_changed_or_deleted_in_the_output_since_the_last_build_are_made_again(fixture_files, tmp_path, processes):
    """The cache trusts a file only as the last build left it: the same size and modification time."""
    built, setting = tmp_path / "site", f"MULU_BUILD_PROCESSES={processes}"
    build(built, fixture_files, SAMPLE_DAY, setting)
    page, twin, listed = sorted((built / "org").glob("*/index.html"))[0], sorted((built / "org").glob("*.json"))[0], built / "orgs/index.html"
    page.write_bytes(page.read_bytes().replace(b"<main", b"<MAIN", 1))  # the same size, a later time
    twin.unlink()
    listed.write_text("旧文件", encoding="utf-8")
    written = rebuilt_as_clean(built, fixture_files, tmp_path / "clean", SAMPLE_DAY, setting)
    assert written == {path.relative_to(built).as_posix() for path in (page, twin, listed)}


def test_search_files_changed_in_the_output_are_made_again_when_the_index_is_updated(pair, fixture_files, tmp_path):
    """A rebuild after a correction updates the search index and takes the files it made the same
    as last time on trust, unless they are no longer as the last build left them."""
    built = tmp_path / "site"
    build(built, fixture_files)
    display, shard = built / "search/orgs/0.json", built / "search/index/0.txt"
    display.write_bytes(display.read_bytes()[::-1])
    shard.unlink()
    corrected = pair.filed()[-1]
    pair.record(corrected, "更正", phone="021-64881234")
    written = rebuilt_as_clean(built, pair.save("phone"), tmp_path / "clean")
    assert {"search/orgs/0.json", "search/index/0.txt"} <= written


def org_statuses(site: dict[str, bytes]) -> dict[str, str]:
    """Each organisation page's path and the status it shows for the day it was built."""
    badge = re.compile(r'class="org-status">当前状态：<span class="badge[^>]*>([^<]+)</span>')
    return {path: badge.search(data.decode()).group(1) for path, data in site.items()
            if path.startswith("org/") and path.endswith("/index.html")}


def test_a_later_day_changes_only_the_pages_whose_statuses_changed(fixture_files, tmp_path):
    """Pages show the data's date, never the build day: a nightly rebuild leaves every page of an
    organisation whose status did not change byte for byte as it was."""
    built = tmp_path / "site"
    build(built, fixture_files)
    before = tree(built)
    # The day after the first filing in force ends: that organisation's status changes at least.
    ends = sorted(row["valid_until"] for row in read(fixture_files / "registry.csv")
                  if row["status"] == "已备案" and row["valid_until"] >= SAMPLE_DAY)
    later = (dt.date.fromisoformat(ends[0]) + dt.timedelta(days=1)).isoformat()
    written = rebuilt_as_clean(built, fixture_files, tmp_path / "clean", later)
    after = tree(built)
    old, new = org_statuses(before), org_statuses(after)
    changed = {path for path in old if old[path] != new[path]}
    assert changed  # the test means something only if some status changed
    assert {path for path in old if before[path] != after[path]} == changed
    twins = {path.removesuffix("/index.html") + ".json" for path in changed}  # they carry the status
    assert org_pages(written) == changed | twins
    assert {"404.html", "about/index.html", "accessibility/index.html"}.isdisjoint(written)
    assert not any(path.startswith(("data/", "search/", "feeds/")) for path in written)


def test_the_next_day_rewrites_only_what_the_day_changed(pair, tmp_path):
    # One organisation's filing enters its last 90 days on the next day: it alone changes status.
    expiring = pair.filed()[0]
    last_day = dt.date.fromisoformat(NEXT_DAY) + dt.timedelta(days=90)
    pair.record(expiring, "延续", valid_until=last_day.isoformat())
    data = pair.save("expiring")
    built = tmp_path / "site"
    build(built, data)
    written = rebuilt_as_clean(built, data, tmp_path / "clean", NEXT_DAY)
    code = expiring["credit_code"]
    assert "即将到期" in (built / f"org/{code}/index.html").read_text(encoding="utf-8")
    assert org_pages(written) == {f"org/{code}/index.html", f"org/{code}.json"}
    assert "orgs/status/expiring/index.html" in written and "index.html" in written  # the lists and counts it is in
    # Any other page written lists it, or lists statuses (which it left), or counts them.
    elsewhere = {path for path in written if path.endswith(".html") and code not in (built / path).read_text(encoding="utf-8")}
    assert all(path.startswith("orgs/status/") for path in elsewhere - {"index.html", "occupations/index.html"})
    assert "verify/meta.json" in written  # the day the verification data speaks for
    assert "verify/index.html" not in written  # its page shows the data's date, not the day
    assert not any(path.startswith(("data/", "search/", "feeds/")) for path in written)
    unchanged = rebuilt_as_clean(built, data, tmp_path / "clean-again", NEXT_DAY)
    assert unchanged == set()


def listed(page: bytes) -> list[tuple[str, str]]:
    """The organisations a list page shows: each one's credit code and status badge."""
    return re.findall(r'<tr><td><a href="/org/([0-9A-Z]{18})/">.*?<span class="badge[^>]*>([^<]+)</span>', page.decode())


def test_a_status_list_is_cut_where_the_whole_list_is_so_a_day_changes_few_of_its_pages(tmp_path):
    """Cut by count, one organisation leaving a status would move every row after it onto another
    page; cut with the whole list, a page of a status's list shows that status's organisations on
    the whole list's pages it names, and a day rewrites only the pages of organisations whose
    status changed and each list's first page, which gives the total."""
    data = tmp_path / "data"
    write_sample(data, orgs=1200, seed=5)
    built = tmp_path / "site"
    build(built, data)
    before = tree(built)
    later = (dt.date.fromisoformat(SAMPLE_DAY) + dt.timedelta(days=14)).isoformat()
    written = rebuilt_as_clean(built, data, tmp_path / "clean", later)
    after = tree(built)

    whole = {int(path.split("/")[2]) if "/page/" in path else 1: listed(data_) for path, data_ in after.items()
             if re.fullmatch(r"orgs/(page/\d+/)?index\.html", path)}
    status_pages = {path: data_ for path, data_ in after.items() if re.fullmatch(STATUS_PAGE, path)}
    assert len(whole) > 4 and any("/page/" in path for path in status_pages)  # several pages of each kind
    for path, page in status_pages.items():
        label = re.search(r"<h1>机构名录：状态 (\S+)</h1>", page.decode()).group(1)
        span = re.search(r"全部机构</a>第 (\d+)(?:–(\d+))? 页", page.decode())
        first, last = int(span.group(1)), int(span.group(2) or span.group(1))
        assert listed(page) == [row for number in range(first, last + 1) for row in whole[number] if row[1] == label]
        assert 0 < len(listed(page)) <= 2 * PAGE_SIZE
    for folder in {path.split("/")[2] for path in status_pages}:
        pages = [path for path in status_pages if path.split("/")[2] == folder]
        if sum(len(listed(status_pages[path])) for path in pages) <= PAGE_SIZE:  # fits on one page: is one
            assert pages == [f"orgs/status/{folder}/index.html"]

    changed = {path.split("/")[1] for path in org_pages(written) if path.endswith("/index.html")}
    assert changed  # the test means something only if some status changed
    # A list whose share of the whole list halved or doubled is cut anew: all its pages change.
    cut_again = {path.split("/")[2] for path in status_pages.keys() ^ {path for path in before if re.fullmatch(STATUS_PAGE, path)}}
    kept_cut = {path for path in status_pages if path.split("/")[2] not in cut_again}
    assert any("/page/" in path for path in kept_cut)
    rewritten = {path for path in written if path in kept_cut}
    first_pages = {path for path in rewritten if "/page/" not in path}
    shown = {path for path in rewritten - first_pages if changed & {code for code, _ in listed(before[path]) + listed(after[path])}}
    assert rewritten == first_pages | shown


def test_a_changed_template_renders_again_every_page_made_from_it(fixture_files, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    built = tmp_path / "site"
    build(built, fixture_files, SAMPLE_DAY, f"THEME={json.dumps(str(theme))}")
    template = theme / "templates" / "org.html"
    template.write_text(template.read_text(encoding="utf-8").replace("<h1>", '<h1 class="renamed">'), encoding="utf-8")
    written = rebuilt_as_clean(built, fixture_files, tmp_path / "clean", SAMPLE_DAY, f"THEME={json.dumps(str(theme))}")
    organisations = {path for path in tree(built) if path.startswith("org/") and path.endswith("/index.html")}
    assert organisations and organisations <= written
    assert all('<h1 class="renamed">' in (built / path).read_text(encoding="utf-8") for path in organisations)


def test_changed_settings_and_reference_data_are_rebuilt(fixture_files, tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(ROOT / "reference", reference)
    overrides = [f"MULU_REFERENCE_DIR={json.dumps(str(reference))}"]
    built = tmp_path / "site"
    build(built, fixture_files, SAMPLE_DAY, *overrides)
    rebuilt_as_clean(built, fixture_files, tmp_path / "clean-sample", SAMPLE_DAY, *overrides, "MULU_SAMPLE_DATA=false")
    assert "示例数据" not in (built / "index.html").read_text(encoding="utf-8")

    levels = reference / "skill-levels.csv"
    levels.write_text(levels.read_text(encoding="utf-8").replace("高级工", "高级技工"), encoding="utf-8")
    rebuilt_as_clean(built, fixture_files, tmp_path / "clean-reference", SAMPLE_DAY, *overrides)
    assert "高级技工" in (built / "orgs" / "index.html").read_text(encoding="utf-8")


def test_deleting_the_cache_is_safe(fixture_files, tmp_path, pair):
    built = tmp_path / "site"
    build(built, fixture_files)
    shutil.rmtree(tmp_path / "site.build-cache")
    corrected = pair.filed()[0]
    pair.record(corrected, "更正", phone="021-64881234")
    written = rebuilt_as_clean(built, pair.save("phone"), tmp_path / "clean")
    code = corrected["credit_code"]
    assert org_pages(written) == {f"org/{code}/index.html", f"org/{code}.json"}  # the others' bytes were the same
    assert (tmp_path / "site.build-cache").is_dir()


def test_a_setting_that_is_a_function_is_keyed_by_its_body():
    from mulu_directory.speedups.keys import setting_text

    def label(level):
        return f"{level} 级"

    key = setting_text({"MULU_LABEL": label})
    assert setting_text({"MULU_LABEL": label}) == key

    def label(level):  # noqa: F811 (the same setting, edited)
        return f"{level}级"

    assert setting_text({"MULU_LABEL": label}) != key


def test_a_changed_content_page_renders_again_the_page_that_includes_it(fixture_files, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    # The reference folder and the footer's images are found from the content folder's parent unless given.
    overrides = [f"PATH={json.dumps(str(content))}", f"MULU_REFERENCE_DIR={json.dumps(str(ROOT / 'reference'))}",
                 *(f"{key}={json.dumps(str(ROOT / DEFAULTS[key]))}" for key in ("MULU_GOV_MARK", "MULU_PSB_EMBLEM"))]
    built = tmp_path / "site"
    build(built, fixture_files, SAMPLE_DAY, *overrides)
    objection = content / "pages" / "notice-objection.md"
    objection.write_text(objection.read_text(encoding="utf-8") + "\n异议材料可当面递交。\n", encoding="utf-8")
    written = rebuilt_as_clean(built, fixture_files, tmp_path / "clean", SAMPLE_DAY, *overrides)
    assert "notice/index.html" in written
    assert "异议材料可当面递交。" in (built / "notice" / "index.html").read_text(encoding="utf-8")
