"""The benchmark harness runs end to end at a tiny size, so that it cannot rot. It measures;
nothing here checks how fast anything is."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks import bench, hugo
from benchmarks.measure import OtherWork, compare, snapshot
from benchmarks.workload import change_one_organisation, read_rows, sample_folder
from mulu.reference import Reference
from mulu.settings import load_settings, resolve
from mulu.validate import load_registry

TODAY = dt.date(2026, 11, 27)
REQUIRED = {
    "orgs": int, "build_s": float, "plain_jinja2_s": float, "hugo_s": (float, type(None)),
    "pagefind_s": (float, type(None)), "peak_rss_mb": float, "first_query_kb_gzip_median": (float, type(None)),
    "first_query_kb_gzip_max": (float, type(None)), "pagefind_first_query_kb_median": (float, type(None)),
    "query_p95_ms": float, "rebuild_s": float, "incremental_s": float, "other_cpu_s": (float, type(None)),
    "next_day_s": float, "next_day_rewritten": int, "next_day_rewritten_kinds": dict, "output_files": int,
}


@pytest.fixture(scope="module")
def settings():
    return load_settings(bench.ROOT / "pelicanconf.py")


@pytest.fixture(scope="module")
def reference(settings):
    return Reference(resolve(settings, "MULU_REFERENCE_DIR"))


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    out = folder / "bench.json"
    code = bench.main(["--orgs", "12,20", "--repeat", "1", "--work", str(folder / "work"), "--json", str(out),
                       "--no-browser", "--hugo", "no-such-hugo", "--pagefind", "no-such-pagefind"])
    return code, json.loads(out.read_text(encoding="utf-8"))


def test_json_has_one_object_per_size_with_every_figure(tiny_run):
    code, results = tiny_run
    assert code == 0
    assert [r["orgs"] for r in results] == [12, 20]
    for result in results:
        for key, kind in REQUIRED.items():
            assert isinstance(result[key], kind), (key, result[key])
        assert result["build_s"] > 0 and result["plain_jinja2_s"] > 0 and result["peak_rss_mb"] > 10
        assert result["output_files"] > result["orgs"]
        assert sum(result["next_day_rewritten_kinds"].values()) == result["next_day_rewritten"] < result["output_files"] / 4


def test_absent_tools_give_null(tiny_run):
    _, results = tiny_run
    assert all(r["hugo_s"] is None and r["pagefind_s"] is None and r["pagefind_first_query_kb_median"] is None
               for r in results)


def test_search_answers_like_the_single_index(tiny_run):
    _, results = tiny_run
    assert all(r["results_same_as_single_index"] == len(bench.load_queries()) for r in results), \
        [r["results_differ"] for r in results]


def test_table_has_a_row_per_size_in_both_tables(tiny_run):
    printed = bench.report(tiny_run[1], {**bench.machine(), "work": "w", "repeat": 1})
    first_cells = [line.split("|")[0].strip() for line in printed.splitlines() if "|" in line]
    assert first_cells.count("12") == 2 and first_cells.count("20") == 2
    assert f"{bench.machine()['cores']} cores" in printed


def test_query_set_covers_what_readers_type():
    kinds = {item["kind"] for item in json.loads(bench.QUERIES.read_text(encoding="utf-8"))}
    assert len(bench.load_queries()) >= 45
    assert {"org name", "occupation", "filing number", "filing number prefix", "credit code", "phone",
            "district + occupation", "one character", "no match"} <= kinds


def test_one_organisation_change_is_a_valid_correction(tmp_path, settings, reference):
    data = sample_folder(tmp_path, 30, 1, reference, settings)
    code = change_one_organisation(data, tmp_path / "changed", TODAY)
    before = {r["credit_code"]: r for r in read_rows(data / "registry.csv")}
    after = {r["credit_code"]: r for r in read_rows(tmp_path / "changed" / "registry.csv")}
    assert [c for c in after if after[c] != before[c]] == [code]
    assert after[code]["phone"] != before[code]["phone"]
    registry = load_registry(settings, TODAY, tmp_path / "changed" / "registry.csv", tmp_path / "changed" / "history.csv")
    assert registry.organisations[code].events[-1].event == "更正"


def test_snapshot_tells_rewritten_from_changed(tmp_path):
    (tmp_path / "same").write_text("a")
    (tmp_path / "touched").write_text("b")
    before = snapshot(tmp_path)
    (tmp_path / "touched").write_text("b")
    (tmp_path / "new").write_text("c")
    assert compare(before, snapshot(tmp_path)) == (2, 1)


@pytest.mark.skipif(not shutil.which("hugo"), reason="hugo is not installed")
def test_hugo_reference_renders_each_organisation(tmp_path, settings, reference):
    data = sample_folder(tmp_path, 5, 1, reference, settings)
    registry = load_registry(settings, TODAY, data / "registry.csv", data / "history.csv")
    hugo.write_project(registry, TODAY, 90, tmp_path / "project")
    run = hugo.build(shutil.which("hugo"), tmp_path / "project", tmp_path / "site")
    assert run.peak_rss_mb > 0
    for org in registry.organisations.values():
        page = (tmp_path / "site" / "org" / org.credit_code / "index.html").read_text(encoding="utf-8")
        assert org.name in page and org.credit_code in page


def test_other_work_counts_what_another_process_burns_while_timing():
    """A process the benchmark does not wait for (here one spinning for half a second of CPU)
    shows in the figure that says the timings are disturbed."""
    spin = "import time\nwhile time.process_time() < 0.5: pass"
    with OtherWork() as other:
        process = subprocess.Popen([sys.executable, "-c", spin])
        while Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
            time.sleep(0.01)  # done, but not yet waited for: its time is not ours
    process.wait()
    assert other.seconds >= 0.4
