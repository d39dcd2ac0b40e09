"""Every command's bad input: a clear Chinese error, exit 1, both files byte-identical."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest

from mulu.application import write_template
from workflow_support import APPLICANT, REFERENCE, ROOT, Files


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return Files(tmp_path_factory.mktemp("errors"), orgs=60, seed=1)


@pytest.fixture(scope="module")
def orgs(files):
    """One organisation of each status, and one whose term has ended."""
    registry = files.validated().registry.organisations.values()
    return {
        "notice": files.first("公示中"),
        "filed": files.first("已备案"),
        "removed": files.first("已移出"),
        "expired": next(o for o in registry if o.status == "已备案" and o.valid_until < dt.date(2026, 11, 27)),
    }


def refused(files: Files, task: str, *arguments: str) -> str:
    """Run a command that must be refused; returns its error text."""
    before = files.snapshot()
    result = files.invoke(task, *arguments)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert files.snapshot() == before, "the files must stay byte-identical"
    assert not list(files.folder.glob(".*.new")) and not (files.folder / ".mulu-commit.json").exists()
    assert "未做任何修改" in result.stderr
    return result.stderr


DAY = ("--date", "2026-11-27")


@pytest.mark.parametrize("task, arguments, expected", [
    ("approve", [APPLICANT, "--document", "X号"], f"没有统一社会信用代码或备案编号为「{APPLICANT}」的机构"),
    ("amend", ["91310115MA1K4XY20", "--remove", "6-31-01-03"], "统一社会信用代码应为 18 位"),
    ("renew", ["91310115MA1K4XY201", "--until", "2031-01-01"], "校验位错误"),
    ("remove", [APPLICANT, "--reason", "x", "--document", "y"], "没有统一社会信用代码"),
    ("correct", [APPLICANT, "--field", "phone", "--value", "021-58881234", "--reason", "x"], "没有统一社会信用代码"),
])
def test_unknown_organisation(files, task, arguments, expected):
    assert expected in refused(files, task, *arguments, *DAY)


@pytest.mark.parametrize("task, who, arguments, expected", [
    ("approve", "filed", ["--document", "X号"], "只有公示中的机构才能备案"),
    ("approve", "removed", ["--document", "X号"], "只有公示中的机构才能备案"),
    ("amend", "notice", ["--add", "6-31-01-03 电工:5"], "只有已备案的机构才能变更评价项目"),
    ("renew", "removed", ["--until", "2035-01-01"], "只有已备案的机构才能延续"),
    ("remove", "removed", ["--reason", "x", "--document", "y"], "只有已备案的机构才能移出目录"),
    ("remove", "notice", ["--reason", "x", "--document", "y"], "只有已备案的机构才能移出目录"),
    ("amend", "expired", ["--add", "6-31-01-03 电工:5"], "不在"),
])
def test_wrong_status_for_the_step(files, orgs, task, who, arguments, expected):
    message = refused(files, task, orgs[who].credit_code, *arguments, *DAY)
    assert expected in message and orgs[who].name in message


def test_approval_before_the_notice_ends(files, orgs):
    org = orgs["notice"]
    day = ("--date", org.notice_until.isoformat())
    assert f"公示期至 {org.notice_until} 结束" in refused(files, "approve", org.credit_code, "--document", "X号", *day)
    assert "--reason 说明" in refused(files, "approve", org.credit_code, "--document", "X号", "--force", *day)


def test_approval_needs_a_document(files, orgs):
    later = (orgs["notice"].notice_until + dt.timedelta(days=1)).isoformat()
    assert "须写明文号" in refused(files, "approve", orgs["notice"].credit_code, "--date", later)


@pytest.mark.parametrize("arguments, expected", [
    (["--add", "9-99-99-99 不存在:5"], "不在职业分类目录"),
    (["--add", "6-31-01-03 电工:3-5"], "应由低技能等级写到高技能等级"),
    (["--add", "6-31-01-03 焊工:5"], "在目录中的名称是「电工」"),
    (["--add", "电工:5"], "格式应为"),
    (["--add", "4-07-03-04 企业人力资源管理师:5-3"], "只设四级至一级"),
    (["--remove", "6-99-99-99"], "不在该机构的评价职业中"),
    ([], "请用 --add"),
])
def test_bad_occupation_in_an_amendment(files, orgs, arguments, expected):
    assert expected in refused(files, "amend", orgs["filed"].credit_code, *arguments, *DAY)


def test_other_refusals(files, orgs):
    filed = orgs["filed"].credit_code
    assert "须晚于现在的有效期止" in refused(files, "renew", filed, "--until", orgs["filed"].valid_until.isoformat(), *DAY)
    assert "--document 文号" in refused(files, "remove", filed, "--reason", "违规", *DAY)
    assert "不能用更正修改「filing_no」" in refused(files, "correct", filed, "--field", "filing_no", "--value", "S", "--reason", "x", *DAY)
    assert "电话「021-5888」格式无法识别" in refused(files, "correct", filed, "--field", "phone", "--value", "021-5888", "--reason", "x", *DAY)
    assert "早于该机构最近一条记录" in refused(files, "correct", filed, "--field", "phone", "--value", "021-58881235",
                                             "--reason", "x", "--date", "2000-01-01")


# --- applications -----------------------------------------------------------------------

@pytest.mark.parametrize("changes, expected", [
    ({"org_type": "行业协会", "credit_code": "51310000501234567G", "rating": "3A"}, "application.yaml:{line}:rating: 行业协会的社会组织评估等级须为 4A 及以上，这里是 3A"),
    ({"org_type": "行业协会", "credit_code": "51310000501234567G"}, "须提供社会组织评估等级"),
    ({"org_type": "职业院校", "credit_code": "12310000501234567L", "experience_years": "4"}, "至少 6 年，这里是 4 年"),
    ({"evaluation_experience": None}, "企业须简述已开展的技能评价工作"),
    ({"credit_code": "91320115MA1K4XY204"}, "本市遴选的机构须在本市登记"),
    ({"org_type": "行业协会", "rating": "5A"}, "与信用代码前两位 91 不符"),
    ({"occupations": ["6-31-01-03 电工:5-4", "9-99-99-99 无此职业:5"]}, "9-99-99-99 不在职业分类目录"),
    ({"occupations": ["6-31-01-03 电工:6"]}, "等级「6」无法识别"),
    ({"district": "浦东区"}, "「浦东区」不是上海市的区"),
    ({"phone": "5888"}, "电话「5888」格式无法识别"),
    ({"submitted": "2026-12-30"}, "晚于办理日期"),
    ({"scope": "属地备案"}, "属地备案须填写全国备案机构代码"),
    ({"national_code": "0123"}, "本市遴选的机构不填全国备案机构代码"),
    ({"name": None}, "必填：机构名称"),
    ({"colour": "红"}, "未知的字段「colour」"),
])
def test_application_that_does_not_qualify(files, changes, expected):
    path = files.write_application(**changes)
    fields = [line.split(":")[0] for line in path.read_text("utf-8").splitlines()]
    message = refused(files, "intake", str(path), *DAY)
    assert expected.format(line=fields.index("rating") + 1 if "rating" in fields else 0) in message


def test_application_already_in_the_registry(files, orgs):
    filed = orgs["filed"]
    message = refused(files, "intake", str(files.write_application(credit_code=filed.credit_code)), *DAY)
    assert "该机构已在目录中" in message and filed.name in message
    message = refused(files, "intake", str(files.write_application(name=f"{filed.name}\u3000")), *DAY)
    assert "目录中已有同名机构" in message


def test_every_problem_is_listed_at_once(files):
    path = files.write_application(phone="5888", district="浦东区", evaluation_experience=None)
    message = refused(files, "intake", str(path), *DAY)
    assert message.count("application.yaml:") == 3 and "共 3 个错误" in message


def test_selection_may_only_narrow(files):
    path = files.write_application()
    assert "遴选只能缩小申请范围" in refused(files, "intake", str(path), "--occupations", "4-10-01-05 养老护理员:5", *DAY)
    assert "超出了申请的等级（五级至三级）" in refused(files, "intake", str(path), "--occupations", "6-18-02-04 焊工:5-2", *DAY)


def test_malformed_yaml_names_the_line(files):
    path = files.folder / "broken.yaml"
    path.write_text("name: 上海某公司\nphone: 021-1\n  address: [\n", encoding="utf-8")
    assert "broken.yaml:3:-: YAML 格式错误" in refused(files, "intake", str(path), *DAY)
    path.write_text("- 只是一个列表\n", encoding="utf-8")
    assert "应由「字段: 值」组成" in refused(files, "intake", str(path), *DAY)


def test_gbk_application(files):
    path = files.folder / "gbk.yaml"
    path.write_bytes(files.write_application().read_text("utf-8").encode("gbk"))
    assert "不是 UTF-8 编码（看起来是 GBK" in refused(files, "intake", str(path), *DAY)


def test_not_a_workbook(files):
    path = files.folder / "申请表.xlsx"
    path.write_text("credit_code,name\n", encoding="utf-8")
    assert "申请表.xlsx:0:-: 无法作为 Excel 工作簿打开" in refused(files, "intake", str(path), *DAY)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert "无法作为 Excel 工作簿打开" in refused(files, "intake", str(path), *DAY)


def fill_form(path, values: dict) -> None:
    write_template(path, REFERENCE)
    book = openpyxl.load_workbook(path)
    occupations = list(values.pop("occupations", []))
    for label, cell in book.active.iter_rows(min_row=2, max_col=2):
        for name, value in values.items():
            if f"({name})" in str(label.value):
                cell.value = value
        if "(occupations)" in str(label.value) and occupations:
            cell.value = occupations.pop(0)
    book.save(path)


def test_workbook_problems_name_the_cell(files):
    path = files.folder / "申请表.xlsx"
    fill_form(path, {"credit_code": 913101155012345670, "name": "上海某公司", "org_type": "企业", "district": "浦东新区",
                     "address": "上海市浦东新区某路1号", "phone": 5888, "submitted": dt.datetime(2026, 11, 20),
                     "occupations": ["6-31-01-03 电工:5-4", "6-31-01-03 电工:3"]})
    message = refused(files, "intake", str(path), *DAY)
    assert "申请表.xlsx:B2:credit_code: 信用代码被 Excel 存成了数字" in message
    assert "申请表.xlsx:B9:phone: 电话「5888」" in message
    assert "申请表.xlsx:B12:occupations: 职业 6-31-01-03 重复（第一次在 B11）" in message
    assert "申请表.xlsx:B21:evaluation_experience" in message


def test_a_filled_workbook_is_accepted(tmp_path):
    files = Files(tmp_path, orgs=10)
    path = tmp_path / "申请表.xlsx"
    fill_form(path, {"credit_code": APPLICANT, "name": "上海申江焊接技术有限公司", "org_type": "企业", "district": "浦东新区",
                     "address": "上海市浦东新区张杨路100号", "phone": 13912345678, "submitted": dt.datetime(2026, 11, 20),
                     "evaluation_experience": "已开展焊工评价", "occupations": ["6-18-02-04 焊工：5-3"]})
    result = files.invoke("intake", str(path), *DAY)
    assert result.returncode == 0, result.stderr
    row = files.row(APPLICANT)
    assert (row["phone"], row["occupations"], row["status"]) == ("13912345678", "6-18-02-04 焊工:5-3", "公示中")


# --- the registry itself ----------------------------------------------------------------

def test_gbk_registry_is_refused(tmp_path):
    files = Files(tmp_path, orgs=10)
    files.registry.write_bytes(files.registry.read_text("utf-8").replace("\U00020bb7", "吉").encode("gbk"))
    message = refused(files, "intake", str(files.write_application()), *DAY)
    assert "registry.csv:2:-: 文件不是 UTF-8 编码" in message


def test_invalid_registry_is_refused(tmp_path):
    files = Files(tmp_path, orgs=10)
    lines = files.registry.read_text("utf-8").splitlines(keepends=True)
    files.registry.write_text("".join(lines + lines[-1:]), encoding="utf-8")
    message = refused(files, "intake", str(files.write_application()), *DAY)
    assert "完全相同" in message and "目录本身未通过校验" in message


def test_shipped_example_and_template_are_current(tmp_path):
    files = Files(tmp_path, orgs=10)
    result = files.invoke("intake", str(ROOT / "docs/application-example.yaml"), *DAY)
    assert result.returncode == 0, result.stderr
    write_template(tmp_path / "fresh.xlsx", REFERENCE)
    labels = [[c.value for c in row] for row in openpyxl.load_workbook(tmp_path / "fresh.xlsx").active.iter_rows()]
    shipped = [[c.value for c in row] for row in openpyxl.load_workbook(ROOT / "docs/application-template.xlsx").active.iter_rows()]
    assert shipped == labels, "run invoke application-template"
