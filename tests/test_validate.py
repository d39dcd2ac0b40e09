"""invoke validate: every rule caught with FILE:ROW:COLUMN, every file left as it was."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from mulu import codes
from scripts import validate
from tests.registry_files import ROOT, read_rows, write_rows, write_sample

TODAY = "2026-11-27"


@pytest.fixture
def files(tmp_path):
    return write_sample(tmp_path / "reg")


def run_validate(registry: Path, history: Path, capsys, today: str = TODAY) -> tuple[int, list[str]]:
    code = validate.main(["--registry", str(registry), "--history", str(history), "--date", today])
    return code, capsys.readouterr().out.splitlines()


def first(rows, **wanted) -> int:
    """Index of the first row whose cells have the wanted values."""
    return next(i for i, row in enumerate(rows) if all(row[k] == v for k, v in wanted.items()))


def line_of(index: int) -> int:
    return index + 2  # the header is line 1


def edit_file(path: Path, edit) -> tuple[int, str]:
    """Apply ``edit(rows) -> (row index, column)`` to a CSV file; returns the line and column."""
    rows = read_rows(path)
    index, column = edit(rows)
    write_rows(path, rows)
    return line_of(index), column


def set_cell(**wanted_and_change):
    """An edit that sets ``column`` to ``value`` in the first row matching ``where``."""
    def edit(rows):
        index = first(rows, **wanted_and_change.get("where", {}))
        rows[index][wanted_and_change["column"]] = wanted_and_change["value"]
        return index, wanted_and_change["column"]
    return edit


def assert_reported(files, capsys, line: int, column: str, fragment: str, file: str = "registry.csv"):
    code, out = run_validate(*files, capsys)
    expected = f"{file}:{line}:{column}: "
    hits = [o for o in out if o.startswith(expected) and fragment in o]
    assert code == 1, out
    assert hits, f"no line starting {expected!r} containing {fragment!r} in:\n" + "\n".join(out)
    assert out[-1].startswith("共 ")


FILED = {"status": "已备案", "scope": "本市遴选"}
CELL_RULES = [
    ("check character", set_cell(column="credit_code", value="91310000MA1FL0000A", where=FILED), "校验位"),
    ("credit code length", set_cell(column="credit_code", value="9131000", where=FILED), "18 位"),
    ("credit code letters", set_cell(column="credit_code", value="91310000ma1fl0000a", where=FILED), "不允许的字符"),
    ("status value", set_cell(column="status", value="有效", where=FILED), "不是允许的取值"),
    ("type value", set_cell(column="org_type", value="公司", where=FILED), "不是允许的取值"),
    ("scope value", set_cell(column="scope", value="外地", where=FILED), "不是允许的取值"),
    ("district", set_cell(column="district", value="浦东区", where=FILED), "不是上海市的区"),
    ("address required", set_cell(column="address", value="", where=FILED), "必填"),
    ("phone", set_cell(column="phone", value="6488-12", where=FILED), "电话"),
    ("website scheme", set_cell(column="website", value="ftp://example.org", where=FILED), "http://"),
    ("date format", set_cell(column="notice_from", value="2025/03/01", where=FILED), "YYYY-MM-DD"),
    ("impossible date", set_cell(column="updated", value="2025-02-30", where=FILED), "日期"),
    ("updated required", set_cell(column="updated", value="", where=FILED), "必填"),
    ("filing number shape", set_cell(column="filing_no", value="S00003100012", where=FILED), "格式错误"),
    ("filing number province", set_cell(column="filing_no", value="S000044000999", where=FILED), "省份代码"),
    ("local filing number", set_cell(column="filing_no", value="S012331000999", where=FILED), "0000"),
    ("filed without number", set_cell(column="filing_no", value="", where=FILED), "必填"),
    ("number while under notice", set_cell(column="filing_no", value="S000031999999", where={"status": "公示中"}), "留空"),
    ("validity while under notice", set_cell(column="valid_from", value="2026-12-30", where={"status": "公示中"}), "留空"),
    ("removed without reason", set_cell(column="status_note", value="", where={"status": "已移出"}), "移出原因"),
    ("leading space", set_cell(column="name", value=" 上海某某职业技能培训有限公司", where=FILED), "空格"),
    ("zero-width character", set_cell(column="name", value="上海某某\u200b职业技能培训有限公司", where=FILED), "U+200B"),
    ("unknown occupation", set_cell(column="occupations", value="6-99-99-99 火星工:5", where=FILED), "不在职业分类目录"),
    ("occupation name", set_cell(column="occupations", value="6-31-01-03 电焊工:5", where=FILED), "电工"),
    ("levels backwards", set_cell(column="occupations", value="6-31-01-03 电工:3-5", where=FILED), "由低技能等级"),
    ("level out of range", set_cell(column="occupations", value="6-31-01-03 电工:6", where=FILED), "等级为 1–5"),
    ("occupation twice", set_cell(column="occupations", value="6-31-01-03 电工:5;6-31-01-03 电工:3", where=FILED), "两次"),
    ("full-width separators", set_cell(column="occupations", value="6-31-01-03 电工：5-3；4-10-01-05 养老护理员:5", where=FILED), "invoke normalize"),
    ("stray spaces", set_cell(column="occupations", value="6-31-01-03 电工 : 5-3", where=FILED), "多余空格"),
    ("no occupations", set_cell(column="occupations", value="", where=FILED), "至少需要一个"),
    ("entry shape", set_cell(column="occupations", value="电工 5-3", where=FILED), "格式应为"),
]


def swap_validity(rows):
    index = first(rows, **FILED)
    rows[index]["valid_from"], rows[index]["valid_until"] = rows[index]["valid_until"], rows[index]["valid_from"]
    return index, "valid_until"


def notice_after_validity(rows):
    index = first(rows, **FILED)
    rows[index]["notice_until"] = rows[index]["valid_until"]
    return index, "valid_from"


def notice_backwards(rows):
    index = first(rows, status="公示中")
    rows[index]["notice_from"], rows[index]["notice_until"] = rows[index]["notice_until"], "2020-01-01"
    return index, "notice_until"


def type_against_code(rows):
    index = first(rows, org_type="企业", scope="本市遴选")
    rows[index]["org_type"] = "行业协会"
    return index, "org_type"


def registered_elsewhere(rows):
    index = first(rows, org_type="企业", scope="本市遴选")
    code = rows[index]["credit_code"]
    first17 = code[:2] + "44" + code[4:17]
    rows[index]["credit_code"] = first17 + codes.uscc_check_char(first17)
    rows.sort(key=lambda r: r["credit_code"])
    return first(rows, credit_code=first17 + codes.uscc_check_char(first17)), "credit_code"


def national_with_local_number(rows):
    index = first(rows, scope="属地备案", status="已备案")
    rows[index]["filing_no"] = "S0000" + rows[index]["filing_no"][5:]
    return index, "filing_no"


def duplicate_name_by_width(rows):
    a, b = 0, 1
    rows[a]["name"] = "上海（浦东）职业技能培训有限公司"
    rows[b]["name"] = "上海(浦东)职业技能培训有限公司"
    return b, "name"


def duplicate_filing_number(rows):
    filed = [i for i, r in enumerate(rows) if r["filing_no"]]
    rows[filed[1]]["filing_no"] = rows[filed[0]]["filing_no"]
    return filed[1], "filing_no"


def unsorted(rows):
    rows[0], rows[1] = rows[1], rows[0]
    return 1, "credit_code"


ROW_RULES = [
    ("validity order", swap_validity, "须晚于备案有效期起"),
    ("notice before validity", notice_after_validity, "公示结束之后"),
    ("notice order", notice_backwards, "不能早于公示开始日期"),
    ("type against credit code", type_against_code, "不符"),
    ("selected here but registered elsewhere", registered_elsewhere, "本市登记"),
    ("national filing with a local number", national_with_local_number, "不能是 0000"),
    ("same name in full and half width", duplicate_name_by_width, "重复"),
    ("duplicate filing number", duplicate_filing_number, "重复"),
    ("rows out of order", unsorted, "invoke normalize"),
]


REGISTRY_RULES = CELL_RULES + ROW_RULES


@pytest.mark.parametrize("edit, fragment", [c[1:] for c in REGISTRY_RULES], ids=[c[0] for c in REGISTRY_RULES])
def test_each_registry_rule_names_file_row_and_column(files, capsys, edit, fragment):
    line, column = edit_file(files[0], edit)
    assert_reported(files, capsys, line, column, fragment)


def test_duplicate_credit_code(files, capsys):
    registry, history = files
    rows = read_rows(registry)
    rows.insert(1, {**rows[0], "name": "上海另一家职业技能培训有限公司", "filing_no": ""})
    write_rows(registry, rows)
    assert_reported(files, capsys, 3, "credit_code", "统一社会信用代码与第 2 行重复")


# --- Structure --------------------------------------------------------------------------------

def test_gbk_file_explains_how_to_save_as_utf8(files, capsys):
    registry, history = files
    registry.write_bytes(registry.read_text(encoding="utf-8").encode("gb18030"))
    code, out = run_validate(registry, history, capsys)
    assert code == 1
    assert out[0].startswith("registry.csv:2:-: 文件不是 UTF-8 编码")
    assert "GBK" in out[0] and "CSV UTF-8" in out[0]


def test_bom_is_accepted(files, capsys):
    registry, history = files
    registry.write_bytes(b"\xef\xbb\xbf" + registry.read_bytes())
    code, out = run_validate(registry, history, capsys)
    assert code == 0, out


@pytest.mark.parametrize("header, column, fragment", [
    (lambda h: h[:-1], "updated", "缺少列"),
    (lambda h: h + ["remarks"], "remarks", "未知的列"),
    (lambda h: h[:5] + ["name"] + h[6:], "name", "重复"),
    (lambda h: [h[1], h[0]] + h[2:], "-", "列顺序"),
    (lambda h: [h[0] + " "] + h[1:], "credit_code ", "多了空格"),
], ids=["missing", "unknown", "duplicate", "order", "spaces"])
def test_header_problems(files, capsys, header, column, fragment):
    registry, history = files
    lines = registry.read_text(encoding="utf-8").split("\n")
    lines[0] = ",".join(header(lines[0].split(",")))
    registry.write_text("\n".join(lines), encoding="utf-8")
    assert_reported(files, capsys, 1, column, fragment)


@pytest.mark.parametrize("mangle, line, fragment", [
    (lambda lines: lines.insert(3, ""), 4, "空行"),
    (lambda lines: lines.insert(3, ",,,,,,,,,,,,,,,,"), 4, "空行"),
    (lambda lines: lines.insert(3, lines[2]), 4, "与第 3 行完全相同"),
    (lambda lines: lines.__setitem__(2, lines[2] + ",extra"), 3, "应为 17 个"),
    (lambda lines: lines.__setitem__(2, lines[2].rsplit(",", 1)[0]), 3, "少了"),
    (lambda lines: lines.__setitem__(2, lines[2].replace(",", ',"', 1)), 3, "引号"),
], ids=["blank", "empty cells", "duplicate", "too many", "too few", "quote"])
def test_row_structure_problems(files, capsys, mangle, line, fragment):
    registry, _ = files
    lines = registry.read_text(encoding="utf-8").split("\n")
    mangle(lines)
    registry.write_text("\n".join(lines), encoding="utf-8")
    assert_reported(files, capsys, line, "-", fragment)


def test_line_numbers_count_physical_lines_after_a_multiline_cell(files, capsys):
    registry, _ = files
    rows = read_rows(registry)
    rows[0]["address"] = "上海市黄浦区\n人民路1号"
    rows[2]["phone"] = "12"
    write_rows(registry, rows)
    # row 3 starts on line 5 because row 1 spans two lines; the newline itself is a control character
    assert_reported(files, capsys, 5, "phone", "电话")
    assert_reported(files, capsys, 2, "address", "控制字符")


# --- History ----------------------------------------------------------------------------------

def unknown_org_event(rows):
    rows.append({**rows[-1], "credit_code": "91310000MA1FL8XQ30", "date": "2026-11-27"})
    return len(rows) - 1, "credit_code"


def first_event_is_change(rows):
    index = first(rows, event="公示")
    rows[index]["event"] = "变更"
    return index, "event"


def backwards_date(rows):
    code = rows[first(rows, event="备案")]["credit_code"]
    indices = [i for i, r in enumerate(rows) if r["credit_code"] == code]
    rows[indices[1]]["date"] = "2000-01-01"
    return indices[1], "date"


def latest_state_differs(rows):
    code = rows[first(rows, event="备案")]["credit_code"]
    last = max(i for i, r in enumerate(rows) if r["credit_code"] == code)
    rows[last]["valid_until"] = "2099-12-31"
    return last, "valid_until"


def status_after_filing(rows):
    index = first(rows, event="备案")
    rows[index]["status"] = "公示中"
    return index, "status"


def unknown_event(rows):
    rows[0]["event"] = "注销"
    return 0, "event"


HISTORY_RULES = [
    ("event for an unknown organisation", unknown_org_event, "不在 registry.csv 中"),
    ("first event", first_event_is_change, "第一条记录应为 公示 或 备案"),
    ("dates go backwards", backwards_date, "日期早于"),
    ("latest state equals the registry row", latest_state_differs, "不一致"),
    ("status after the event", status_after_filing, "之后的状态应为 已备案"),
    ("event value", unknown_event, "不是允许的取值"),
]


@pytest.mark.parametrize("edit, fragment", [c[1:] for c in HISTORY_RULES], ids=[c[0] for c in HISTORY_RULES])
def test_each_history_rule(files, capsys, edit, fragment):
    line, column = edit_file(files[1], edit)
    assert_reported(files, capsys, line, column, fragment, file="history.csv")


def test_organisation_without_events(files, capsys):
    registry, history = files
    code = read_rows(registry)[4]["credit_code"]
    write_rows(history, [r for r in read_rows(history) if r["credit_code"] != code])
    assert_reported(files, capsys, line_of(4), "credit_code", "没有任何记录")


# --- The whole run ----------------------------------------------------------------------------

def test_reports_every_problem_in_one_run_and_changes_nothing(files, capsys):
    registry, history = files
    rows = read_rows(registry)
    rows[0]["phone"], rows[1]["district"], rows[2]["website"] = "x", "y", "z"
    write_rows(registry, rows)
    before = registry.read_bytes(), history.read_bytes()
    code, out = run_validate(registry, history, capsys)
    assert code == 1
    assert [o.split(": ")[0] for o in out[:3]] == ["registry.csv:2:phone", "registry.csv:3:district", "registry.csv:4:website"]
    assert out[-1].startswith("共 3 个错误")
    assert (registry.read_bytes(), history.read_bytes()) == before


def test_expiring_filings_are_warnings_not_errors(files, capsys):
    registry, history = files
    rows = read_rows(registry)
    index = first(rows, status="已备案")
    code, out = run_validate(registry, history, capsys, today=rows[index]["valid_until"])
    assert code == 0
    assert f"registry.csv:{line_of(index)}:valid_until: 警告：备案将于 {rows[index]['valid_until']} 到期" in "\n".join(out)
    assert "校验通过" in out[-1]


def test_a_sample_registry_is_valid_through_invoke(sample_files):
    done = subprocess.run([sys.executable, "-m", "invoke", "validate", "--date", TODAY,
                           "--registry", str(sample_files / "registry.csv"), "--history", str(sample_files / "history.csv")],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "300 个机构" in done.stdout.splitlines()[-1]


def test_invalid_registry_exits_1_through_invoke(files):
    registry, history = files
    rows = read_rows(registry)
    rows[0]["status"] = "无"
    write_rows(registry, rows)
    done = subprocess.run([sys.executable, "-m", "invoke", "validate", "--registry", str(registry),
                           "--history", str(history)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stdout.startswith("registry.csv:2:status: ")


def test_missing_file_is_reported(tmp_path, capsys):
    code, out = run_validate(tmp_path / "registry.csv", tmp_path / "history.csv", capsys)
    assert code == 1
    assert out[0].startswith("registry.csv:0:-: 无法读取文件")


# --- Credit codes -----------------------------------------------------------------------------

def uscc_vectors():
    with open(ROOT / "tests/data/uscc-samples.csv", encoding="utf-8") as handle:
        return [(row["code"], row["expected_valid"] == "true") for row in csv.DictReader(handle)]


@pytest.mark.parametrize("code, valid", uscc_vectors())
def test_credit_code_vectors(code, valid):
    assert (codes.uscc_problem(code) is None) == valid
