"""The supervision cycle through the real ``invoke`` commands, as staff run it: a draw, each
result recorded, an order to rectify and its completion, a second 不合格, the report naming the
organisation, and its removal citing the inspection; refusals and interruptions leave every file
byte for byte as it was."""

from __future__ import annotations

import csv
import io
import re
import signal
import subprocess
import sys

import pytest

from tests.supervision_support import ROOT, copy_files, snapshot
from tests.workflow_support import KILL_AT_CALL

ROUND = "2026-双随机-3"
BEACON = "2026140 / 01 07 13 22 28 31 / 09"
SOURCE = "测试用：福利彩票双色球第 2026140 期开奖号码"


def invoke(supervised, task: str, *arguments: str) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "invoke", task, *arguments, "--registry", str(supervised / "registry.csv"),
            "--history", str(supervised / "history.csv")]
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)


def rows(supervised, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((supervised / name).read_text("utf-8"))))


def draw(supervised, beacon: str = BEACON, round_name: str = ROUND) -> subprocess.CompletedProcess:
    return invoke(supervised, "draw", "--round", round_name, "--ratio", "10%", "--min", "3", "--beacon", beacon,
                  "--source", SOURCE, "--date", "2026-12-01")


def picks_of(supervised, round_name: str = ROUND) -> list[str]:
    record = next(r for r in rows(supervised, "draws.csv") if r["round"] == round_name)
    return (record["focus_picks"].split(";") if record["focus_picks"] else []) + record["picks"].split(";")


def test_the_full_cycle(supervised, tmp_path):
    done = draw(supervised)
    assert done.returncode == 0, done.stderr
    picks = picks_of(supervised)
    assert len(picks) >= 3 and all(code in done.stdout for code in picks)
    assert f"密钥字符串：2026140./1.7.13.22.28.31./9./" in done.stdout
    # Each pick's result: all clear but the first, ordered to rectify.
    target, *others = picks
    for number, code in enumerate(others, start=1):
        done = invoke(supervised, "inspect", code, "--round", ROUND, "--items", "JC-01,JC-02", "--result", "未发现问题",
                      "--document", f"测试督〔2026〕{number}号", "--date", "2026-12-05")
        assert done.returncode == 0, done.stderr
    done = invoke(supervised, "inspect", target, "--round", ROUND, "--items", "JC-02", "--items", "JC-06", "--result", "责令整改",
                  "--deadline", "2027-01-05", "--note", "视频监控存档缺失", "--document", "测试督〔2026〕90号", "--date", "2026-12-05")
    assert done.returncode == 0, done.stderr
    recorded = [r for r in rows(supervised, "inspections.csv") if r["round"] == ROUND]
    assert sorted(r["credit_code"] for r in recorded) == sorted(picks)
    drawn = dict(zip(picks, next(r for r in rows(supervised, "draws.csv") if r["round"] == ROUND)["inspectors"].split(";")))
    assert all(r["inspectors"] == drawn[r["credit_code"]].replace("+", ";") for r in recorded)  # the drawn two by default

    report = invoke(supervised, "report", "--date", "2027-01-10")
    assert report.returncode == 0, report.stderr
    overdue = report.stdout.split("### 责令整改已过期限")[1].split("###")[0]
    assert "测试督〔2026〕90号" in overdue and "2027-01-05" in overdue
    done = invoke(supervised, "inspect", target, "--round", ROUND, "--items", "JC-02", "--result", "整改完成",
                  "--document", "测试督〔2027〕1号", "--date", "2027-01-08")
    assert done.returncode == 0, done.stderr
    assert "测试督〔2026〕90号" not in invoke(supervised, "report", "--date", "2027-01-10").stdout

    # Two 不合格 within two years: a special check and a complaint.
    for round_name, document, day in (("2027-专项-1", "测试督〔2027〕2号", "2027-02-01"), ("2027-投诉-1", "测试督〔2027〕3号", "2027-03-01")):
        done = invoke(supervised, "inspect", target, "--round", round_name, "--items", "JC-03", "--result", "不合格",
                      "--inspectors", drawn[target].replace("+", ","), "--note", "委托他人组织考核",
                      "--document", document, "--date", day)
        assert done.returncode == 0, done.stderr
    report = invoke(supervised, "report", "--date", "2027-03-02").stdout
    candidates = report.split("两次检查不合格、可予移出")[1]
    assert target in candidates and f"--inspection 测试督〔2027〕3号" in candidates

    done = invoke(supervised, "remove", target, "--reason", "两年内两次检查不合格", "--document", "测试人社〔2027〕5号",
                  "--inspection", "测试督〔2027〕3号", "--date", "2027-03-05")
    assert done.returncode == 0, done.stderr
    removal = rows(supervised, "history.csv")[-1]
    assert (removal["event"], removal["credit_code"]) == ("移出", target)
    assert removal["note"] == "两年内两次检查不合格；依据检查：测试督〔2027〕3号"
    assert invoke(supervised, "validate", "--date", "2027-03-05").returncode == 0
    assert target not in invoke(supervised, "report", "--date", "2027-03-06").stdout.split("可予移出")[1]

    # The organisation's page lists its inspections and links its removal to the one it cites.
    output = tmp_path / "site"
    built = subprocess.run([sys.executable, "-m", "invoke", "build", "--output", str(output), "--today", "2027-03-06",
                            "--registry", str(supervised / "registry.csv"), "--history", str(supervised / "history.csv")],
                           cwd=ROOT, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    page = (output / f"org/{target}/index.html").read_text("utf-8")
    removal_part = page.split('id="removal-title"')[1].split("</section>")[0]
    cited = re.search(r'<tr id="(inspection-\d+)">(?:(?!</tr>).)*测试督〔2027〕3号', page, flags=re.DOTALL)[1]
    assert f'href="#{cited}"' in removal_part
    assert page.count('<tr id="inspection-') == sum(r["credit_code"] == target for r in rows(supervised, "inspections.csv"))
    assert "据此移出目录" in page


def test_an_inspection_and_a_removal_on_the_day_of_the_draw_leave_the_draw_standing(supervised):
    """Staff draw in the morning, inspect a pick, find it 不合格 and remove it that same day: the
    draw and the inspection stand, as both are of the directory as the day began."""
    assert draw(supervised).returncode == 0
    target = picks_of(supervised)[0]
    done = invoke(supervised, "inspect", target, "--round", ROUND, "--items", "JC-03", "--result", "不合格",
                  "--note", "委托他人组织考核", "--document", "测试督〔2026〕91号", "--date", "2026-12-01")
    assert done.returncode == 0, done.stderr
    done = invoke(supervised, "remove", target, "--reason", "检查不合格", "--document", "测试人社〔2026〕9号",
                  "--inspection", "测试督〔2026〕91号", "--date", "2026-12-01")
    assert done.returncode == 0, done.stderr
    assert (rows(supervised, "history.csv")[-1]["event"], picks_of(supervised)[0]) == ("移出", target)
    checked = invoke(supervised, "validate", "--date", "2026-12-01")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_draw_is_reproducible_and_another_beacon_picks_others(supervised, supervised_base, tmp_path):
    again, other = copy_files(supervised_base, tmp_path / "again"), copy_files(supervised_base, tmp_path / "other")
    assert draw(supervised).returncode == draw(again).returncode == draw(other, "2026141 / 02 08 14 23 29 32 / 10").returncode == 0
    assert (supervised / "draws.csv").read_bytes() == (again / "draws.csv").read_bytes()
    assert picks_of(supervised) != picks_of(other)


REFUSALS = {
    "round drawn before": ("draw", "--round", "2026-双随机-1", "--ratio", "5%", "--beacon", "1 2 3", "--source", "某期开奖",
                           "--date", "2026-12-01"),
    "beacon without a key string": ("draw", "--round", ROUND, "--ratio", "5%", "--beacon", "一二三", "--source", "某期开奖",
                                    "--date", "2026-12-01"),
    "no source": ("draw", "--round", ROUND, "--ratio", "5%", "--beacon", "1 2 3", "--date", "2026-12-01"),
    "unknown item": ("inspect", "PICK", "--round", "2026-双随机-2", "--items", "JC-99", "--result", "未发现问题",
                     "--document", "测试督〔2026〕7号", "--date", "2026-12-05"),
    "completion without an order": ("inspect", "PICK", "--round", "2026-双随机-2", "--items", "JC-01", "--result", "整改完成",
                                    "--document", "测试督〔2026〕7号", "--date", "2026-12-05"),
    "removal citing a clear result": ("remove", "PICK", "--reason", "测试", "--document", "测试人社〔2026〕1号",
                                      "--inspection", "CLEAR", "--date", "2026-12-05"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_refused_step_changes_no_byte(supervised, case):
    latest = next(r for r in rows(supervised, "draws.csv") if r["round"] == "2026-双随机-2")
    pick = latest["picks"].split(";")[0]
    clear = next(r["document"] for r in rows(supervised, "inspections.csv") if r["result"] == "未发现问题" and r["credit_code"] == pick)
    before = snapshot(supervised)
    done = invoke(supervised, *(clear if a == "CLEAR" else pick if a == "PICK" else a for a in REFUSALS[case]))
    assert done.returncode == 1, done.stdout
    assert done.stderr.strip().endswith("未做任何修改。")
    assert snapshot(supervised) == before


def test_a_missing_option_is_a_usage_error(supervised):
    before = snapshot(supervised)
    done = invoke(supervised, "draw", "--round", ROUND, "--ratio", "5%")
    assert done.returncode != 0 and snapshot(supervised) == before


# The child runs a staff command's script and SIGKILLs itself just before its n-th fsync, rename
# or unlink (argument 1; 0: never).
CHILD = KILL_AT_CALL + r"""
import importlib, sys
kill_at_call(int(sys.argv[1]), ("fsync", "replace", "unlink"))
sys.exit(importlib.import_module("scripts." + sys.argv[2]).main(sys.argv[3:]))
"""

STEPS = {
    "draw": ("draw", "--round", ROUND, "--ratio", "10%", "--min", "3", "--beacon", BEACON, "--source", SOURCE,
             "--date", "2026-12-01"),
    "inspect": ("inspect", "PICK", "--round", "2026-双随机-2", "--items", "JC-01", "--result", "责令整改",
                "--deadline", "2027-01-05", "--note", "测试", "--document", "测试督〔2026〕8号", "--date", "2026-12-05"),
}


@pytest.mark.parametrize("step", STEPS)
def test_killed_at_every_file_system_call_the_files_are_all_old_or_all_new(supervised_base, tmp_path, step):
    pick = next(r for r in rows(supervised_base, "draws.csv") if r["round"] == "2026-双随机-2")["picks"].split(";")[-1]
    script, *arguments = [pick if a == "PICK" else a for a in STEPS[step]]
    files = ["--registry", "registry.csv", "--history", "history.csv"]
    old = snapshot(supervised_base)
    expected = copy_files(supervised_base, tmp_path / "expected")
    assert subprocess.run([sys.executable, "-c", CHILD, "0", script, *arguments, "--registry", str(expected / "registry.csv"),
                           "--history", str(expected / "history.csv")], cwd=ROOT, capture_output=True).returncode == 0
    new = snapshot(expected)
    assert new != old
    seen = []
    for stop_at in range(1, 60):
        supervised = copy_files(supervised_base, tmp_path / f"run-{stop_at}")
        child = subprocess.run([sys.executable, "-c", CHILD, str(stop_at), script, *arguments,
                                *(str(supervised / f) if f.endswith(".csv") else f for f in files)], cwd=ROOT, capture_output=True)
        recovered = subprocess.run([sys.executable, "-m", "invoke", "validate", "--registry", str(supervised / "registry.csv"),
                                    "--history", str(supervised / "history.csv"), "--date", "2026-12-05"], cwd=ROOT,
                                   capture_output=True, text=True)
        assert recovered.returncode == 0, recovered.stdout
        state = snapshot(supervised)
        assert state in (old, new), f"a mix of old and new files after a kill at call {stop_at}"
        seen.append("new" if state == new else "old")
        if child.returncode == 0:
            break
        assert child.returncode == -signal.SIGKILL
    assert seen[0] == "old" and seen[-1] == "new" and "new" in seen
