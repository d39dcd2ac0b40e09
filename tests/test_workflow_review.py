"""invoke review on a branch with a few changes, invoke report, and the receipt's escaping."""

from __future__ import annotations

import copy
import shutil
import subprocess

import pytest

from mulu.receipt import render_receipt
from workflow_support import ANCHOR, APPLICATION, REFERENCE, SETTINGS, Files

DAY = ("--date", "2026-12-08")


def git(folder, *arguments):
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=staff", "-c", "user.email=staff@example.org", *arguments],
                   check=True, capture_output=True)


def ok(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def branch(tmp_path_factory):
    """A git repository holding a registry, with a few staff changes in the working tree."""
    tmp_path = tmp_path_factory.mktemp("branch")
    files = Files(tmp_path, orgs=40, seed=5)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "registry.csv", "history.csv")
    git(tmp_path, "commit", "-qm", "base")
    notice, filed = files.first("公示中"), files.first("已备案", ANCHOR)
    others = [o for o in files.validated().registry.organisations.values() if o.status == "已备案" and o is not filed]
    ok(files.invoke("intake", str(files.write_application()), "--date", "2026-11-27"))
    ok(files.invoke("approve", notice.credit_code, *DAY, "--document", "沪人社职〔2026〕301号", "--receipts", str(files.receipts)))
    ok(files.invoke("amend", filed.credit_code, *DAY, "--add", "4-10-01-05 养老护理员:5-3", "--receipts", str(files.receipts)))
    ok(files.invoke("remove", others[0].credit_code, *DAY, "--reason", "评价过程弄虚作假", "--document", "沪人社职〔2026〕302号"))
    ok(files.invoke("correct", others[1].credit_code, *DAY, "--field", "address", "--value", "上海市黄浦区中山东一路1号", "--reason", "笔误"))
    return files, notice, filed, others


def test_review_summarises_the_branch(branch):
    files, notice, filed, others = branch
    result = files.invoke("review", "--base", "HEAD", *DAY)
    assert result.returncode == 0, result.stderr
    summary = result.stdout
    assert "## 目录变更摘要（与 `HEAD` 相比）" in summary
    assert "### 新增机构（1）" in summary and APPLICATION["name"] in summary and "焊工（6-18-02-04，五级至三级）" in summary
    filing_no = files.validated().registry.organisations[notice.credit_code].filing_no
    assert filing_no and f"**{notice.name}**（{notice.credit_code}）：公示中 → **已备案**，备案编号 {filing_no}" in summary
    assert f"**{others[0].name}**（{others[0].credit_code}）：已备案 → **已移出**，评价过程弄虚作假（沪人社职〔2026〕302号）" in summary
    assert f"**{filed.name}**（{filed.credit_code}）：新增 养老护理员（4-10-01-05，五级至三级）" in summary
    assert f"地址 「{others[1].address}」→「上海市黄浦区中山东一路1号」" in summary
    assert "### history.csv 新增记录（5）" in summary
    assert "✅" in summary and "⚠️" not in summary


def test_review_warns_about_deleted_rows_and_rewritten_history(branch, tmp_path):
    shutil.copytree(branch[0].folder, tmp_path / "copy")
    files = copy.copy(branch[0])
    files.folder, files.registry, files.history = tmp_path / "copy", tmp_path / "copy/registry.csv", tmp_path / "copy/history.csv"
    registry = files.registry.read_text("utf-8").splitlines(keepends=True)
    files.registry.write_text("".join(registry[:3] + registry[4:]), encoding="utf-8")
    history = files.history.read_text("utf-8").splitlines(keepends=True)
    files.history.write_text("".join(history[:1] + history[2:]), encoding="utf-8")
    output = files.folder / "review.md"
    result = files.invoke("review", "--output", str(output), *DAY)  # no origin/main here: falls back to HEAD
    assert result.returncode == 0 and f"已写入 {output}" in result.stdout
    summary = output.read_text("utf-8")
    assert "与 `HEAD` 相比" in summary
    assert "### ⚠️ 被删除的机构（1）" in summary and "### ⚠️ history.csv 原有记录被删除或改动（1）" in summary
    assert "❌ 校验未通过" in summary


def test_review_with_an_unknown_base(branch):
    result = branch[0].invoke("review", "--base", "no-such-branch", *DAY)
    assert result.returncode == 1 and "找不到 git 版本「no-such-branch」" in result.stderr


def test_report_lists_what_needs_doing(tmp_path):
    files = Files(tmp_path, orgs=60, seed=1)
    registry = files.validated().registry
    waiting = [o for o in registry.organisations.values() if o.status == "公示中" and o.notice_until < ANCHOR]
    expiring = [o for o in registry.organisations.values() if o.status == "已备案" and 0 <= (o.valid_until - ANCHOR).days <= 90]
    result = files.invoke("report", "--date", ANCHOR.isoformat())
    assert result.returncode == 0, result.stderr
    assert f"共 {len(registry.organisations)} 个机构" in result.stdout
    assert f"### 90 天内到期（{len(expiring)}）" in result.stdout and f"### 公示期已满、待备案（{len(waiting)}）" in result.stdout
    for org in waiting:
        assert f"invoke approve {org.credit_code} --document 文号" in result.stdout
    for org in expiring:
        assert org.filing_no in result.stdout


def test_receipt_escapes_what_it_shows(tmp_path):
    files = Files(tmp_path, orgs=10, seed=3)
    filed = files.first("已备案", ANCHOR)
    row = {**files.row(filed.credit_code), "name": "<script>alert(1)</script>有限公司", "address": "A & B",
           "occupations": "6-31-01-03 电工:5-3"}
    events = [{"credit_code": filed.credit_code, "event": "备案", "date": row["valid_from"], "document": "沪人社职〔2026〕1号", "note": ""}]
    html = render_receipt(row, events, REFERENCE, SETTINGS)
    assert "<script>" not in html and "&lt;script&gt;" in html and "A &amp; B" in html
    assert "五级至三级" in html and "五级/初级工、四级/中级工、三级/高级工" in html
    assert filed.filing_no in html
