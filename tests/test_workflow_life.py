"""The whole life of an organisation through the real invoke tasks, checking the files after each step."""

from __future__ import annotations

import datetime as dt

import pytest

from mulu import codes
from mulu.settings import SettingsError, check_settings
from mulu.workflow import notice_period
from workflow_support import APPLICANT, Files


def changed_lines(before: list[str], after: list[str]) -> tuple[set[str], set[str]]:
    return set(before) - set(after), set(after) - set(before)


@pytest.fixture
def files(tmp_path):
    return Files(tmp_path)


def step(files: Files, task: str, *arguments: str) -> tuple[dict[str, str], list[str], str]:
    """Run one step; check it succeeded, changed one registry line and appended one event."""
    registry_before, history_before = files.lines()
    result = files.invoke(task, *arguments)
    assert result.returncode == 0, result.stderr
    registry_after, history_after = files.lines()
    removed, added = changed_lines(registry_before, registry_after)
    assert len(added) == 1 and len(removed) <= 1, (removed, added)
    assert len(registry_after) - len(registry_before) == (1 if task == "intake" else 0)
    assert len(history_after) == len(history_before) + 1
    assert set(history_before) <= set(history_after), "history only grows"
    event = next(iter(set(history_after) - set(history_before))).split(",")
    files.validated(dt.date.fromisoformat(event[0]))
    return files.row(APPLICANT), event, result.stdout


def receipt_text(files: Files, row: dict[str, str]) -> str:
    return (files.receipts / f"{row['credit_code']}-{row['filing_no']}.html").read_text("utf-8")


def test_intake_approve_amend_renew_remove(files):
    sequence = max(int(codes.parse_filing_no(o.filing_no).seq)
                   for o in files.validated().registry.organisations.values() if o.filing_no)
    receipts = ["--receipts", str(files.receipts)]

    row, event, out = step(files, "intake", str(files.write_application()), "--date", "2026-11-27")
    assert row["status"] == "公示中" and row["filing_no"] == ""
    assert (row["notice_from"], row["notice_until"]) == ("2026-11-30", "2026-12-04")  # five working days
    assert event[2] == "公示" and event[6] == "公示中"
    assert "已登记公示" in out and "2026-11-30 至 2026-12-04" in out

    row, event, out = step(files, "approve", APPLICANT, "--date", "2026-12-07", "--document", "沪人社职〔2026〕300号", *receipts)
    assert row["filing_no"] == f"S000031{sequence + 1:06d}"
    assert (row["valid_from"], row["valid_until"], row["status"]) == ("2026-12-07", "2029-12-06", "已备案")
    assert event[2:] == ["备案", row["occupations"], "2026-12-07", "2029-12-06", "已备案", "沪人社职〔2026〕300号", "公示无异议，予以备案"]
    receipt = receipt_text(files, row)
    for expected in ("备案回执", "上海申江焊接技术有限公司", row["filing_no"], "2026-12-07 至 2029-12-06",
                     "焊工", "五级至三级", "电工", "五级至四级", "沪人社职〔2026〕300号"):
        assert expected in receipt
    assert "@page { size: A4" in receipt

    row, event, out = step(files, "amend", APPLICANT, "--date", "2027-03-01", "--add", "4-10-01-05 养老护理员:5-3",
                           "--remove", "6-31-01-03", "--document", "沪职鉴〔2027〕8号", *receipts)
    assert row["occupations"] == "6-18-02-04 焊工:5-3;4-10-01-05 养老护理员:5-3"
    assert event[2] == "变更" and "新增评价项目：养老护理员" in event[8] and "减少评价项目：电工" in event[8]
    receipt = receipt_text(files, row)
    assert "养老护理员" in receipt and "6-31-01-03" not in receipt.split("<tbody>")[1].split("</tbody>")[0]

    row, event, out = step(files, "renew", APPLICANT, "--date", "2029-11-01", "--until", "2032-12-06", *receipts)
    assert (row["valid_from"], row["valid_until"]) == ("2026-12-07", "2032-12-06")
    assert event[2] == "延续" and event[5] == "2032-12-06"
    assert "2026-12-07 至 2032-12-06" in receipt_text(files, row)
    receipt_before_removal = receipt_text(files, row)

    row, event, out = step(files, "remove", APPLICANT, "--date", "2030-01-02", "--reason", "超出备案范围开展评价",
                           "--document", "沪人社职〔2030〕5号")
    assert row["status"] == "已移出" and row["status_note"] == "超出备案范围开展评价（沪人社职〔2030〕5号）"
    assert row["filing_no"] == f"S000031{sequence + 1:06d}", "the row stays, number and all"
    assert event[2] == "移出" and event[7:] == ["沪人社职〔2030〕5号", "超出备案范围开展评价"]
    assert receipt_text(files, row) == receipt_before_removal
    assert "公众仍可查到" in out


def test_correct_records_old_and_new_value(files):
    org = files.first("已备案")
    history_before = files.lines()[1]
    result = files.invoke("correct", org.credit_code, "--field", "phone", "--value", "021-58881235",
                          "--reason", "申请表填写错误", "--date", "2026-11-27")
    assert result.returncode == 0, result.stderr
    assert files.row(org.credit_code)["phone"] == "021-58881235"
    event = files.lines()[1][-1].split(",")
    assert files.lines()[1][:-1] == history_before
    assert event[2] == "更正" and f"{org.phone} → 021-58881235" in event[8]


def test_nationally_filed_organisation_gets_its_national_code(files):
    national = "91110000MA01ABCD9"  # registered in 北京 (11)
    code = national + codes.uscc_check_char(national)
    application = files.write_application(credit_code=code, name="中国焊接技能评价有限公司", scope="属地备案", national_code="0123")
    assert files.invoke("intake", str(application), "--date", "2026-11-27").returncode == 0
    result = files.invoke("approve", code, "--date", "2026-12-07", "--document", "沪人社职〔2026〕301号",
                          "--receipts", str(files.receipts))
    assert result.returncode == 0, result.stderr
    assert files.row(code)["filing_no"].startswith("S012331")


def test_selection_narrows_the_occupations(files):
    result = files.invoke("intake", str(files.write_application()), "--date", "2026-11-27",
                          "--occupations", "6-18-02-04 焊工:5-4")
    assert result.returncode == 0, result.stderr
    assert files.row(APPLICANT)["occupations"] == "6-18-02-04 焊工:5-4"


def test_forced_approval_starts_validity_when_the_notice_ends(files):
    files.invoke("intake", str(files.write_application()), "--date", "2026-11-27")
    result = files.invoke("approve", APPLICANT, "--date", "2026-12-02", "--document", "沪人社职〔2026〕302号",
                          "--force", "--reason", "公示期内已确认无异议", "--receipts", str(files.receipts))
    assert result.returncode == 0, result.stderr
    assert files.row(APPLICANT)["valid_from"] == "2026-12-04"
    assert "公示期未满即予备案：公示期内已确认无异议" in files.history.read_text("utf-8")


def test_holidays_and_make_up_days_shape_the_notice_period():
    settings = check_settings({"MULU_HOLIDAYS": ["2026-12-01", "2026-12-02"], "MULU_WORKDAYS": ["2026-12-05"]})
    assert notice_period(settings, dt.date(2026, 11, 27)) == (dt.date(2026, 11, 30), dt.date(2026, 12, 7))
    assert notice_period(check_settings({}), dt.date(2026, 11, 27)) == (dt.date(2026, 11, 30), dt.date(2026, 12, 4))


def test_bad_holiday_setting_is_explained():
    with pytest.raises(SettingsError, match="MULU_HOLIDAYS"):
        check_settings({"MULU_HOLIDAYS": ["2026-13-01"]})
