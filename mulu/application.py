"""Applications to be filed: read from YAML or from the Excel form, checked against the
registry's rules and the notice's conditions for applicants, turned into a 公示中 row.

An application speaks the registry's language: its fields are the registry's column names plus
the evidence for the conditions (see ``docs/application-example.yaml``). Every problem is
reported as ``FILE:LINE-or-CELL:FIELD: 说明``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .grants import Grant, format_occupations, normalize_occupations
from .problems import InvalidInput, Problem
from .schema import NOTICE, REGISTRY_COLUMNS, REGISTRY_FIELDS
from .validate import fold_name, parse_date, row_problems
from .workflow import Book, notice_period, parse_entries

TITLES = {c.name: c.title for c in REGISTRY_COLUMNS}
FIELDS: dict[str, str] = {  # in the order of the form
    "credit_code": TITLES["credit_code"],
    "name": TITLES["name"],
    "org_type": TITLES["org_type"],
    "scope": TITLES["scope"],
    "national_code": "全国备案机构代码（属地备案填写）",
    "district": TITLES["district"],
    "address": TITLES["address"],
    "phone": TITLES["phone"],
    "website": TITLES["website"],
    "occupations": "申请评价的职业(工种)及等级",
    "rating": "社会组织评估等级（行业协会填写）",
    "experience_years": "连续开展相关培训评价的年数（职业院校填写）",
    "evaluation_experience": "已开展的技能评价工作（企业填写）",
    "submitted": "材料提交日期",
}
REQUIRED = ("credit_code", "name", "org_type", "district", "address", "phone", "occupations", "submitted")
HINTS = {
    "credit_code": "18 位，字母大写；请将单元格设为文本",
    "org_type": "企业、行业协会、职业院校或其他",
    "scope": "本市遴选（默认）或属地备案",
    "national_code": "在人社部备案的全国性机构：其备案编号第 2–5 位",
    "phone": "固定电话如 021-64881234，或手机号",
    "website": "http:// 或 https:// 开头，可空",
    "occupations": "每格一项：代码 名称:等级，如 6-31-01-03 电工:5-3（五级至三级）",
    "rating": "如 4A、5A",
    "experience_years": "整数，如 8",
    "evaluation_experience": "简述已开展的技能评价（时间、职业、人数）",
    "submitted": "YYYY-MM-DD",
}
OCCUPATION_ROWS = 8  # rows the Excel form offers for occupations
MIN_RATING = 4  # 行业协会: 4A or above
MIN_YEARS = 6  # 职业院校: at least 6 consecutive years
SHEET = "申请表"
FORM_FIELD = re.compile(r"[(（]([a-z_]+)[)）][\s*]*$")


@dataclass
class Application:
    label: str  # the file's name, as problems name it
    values: dict[str, str] = field(default_factory=dict)
    entries: list[tuple[str, int | str]] = field(default_factory=list)  # occupations, each with where
    where: dict[str, int | str] = field(default_factory=dict)  # field → line or cell
    problems: list[Problem] = field(default_factory=list)

    def problem(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.label, self.where.get(name, 0), name, message))

    def put(self, name: str, value: str, where: int | str) -> None:
        if name not in FIELDS:
            known = "、".join(FIELDS)
            self.problems.append(Problem(self.label, where, name, f"未知的字段「{name}」；可用字段为 {known}"))
        elif name == "occupations":
            self.where.setdefault(name, where)
            self.entries += [(entry, where) for entry in normalize_occupations(value).split(";") if entry]
        elif name in self.where:
            self.problems.append(Problem(self.label, where, name, f"字段重复（第一次在 {self.where[name]}）"))
        else:
            self.values[name], self.where[name] = value.strip(), where


# --- reading -----------------------------------------------------------------------------

def read_application(path: str | Path) -> Application:
    path = Path(path)
    reader = {".yaml": read_yaml, ".yml": read_yaml, ".xlsx": read_xlsx}.get(path.suffix.lower())
    if not path.is_file():
        return failed(path, "文件不存在")
    if reader is None:
        hint = "；.xls 请在 Excel 中另存为 .xlsx" if path.suffix.lower() == ".xls" else ""
        return failed(path, f"申请文件须为 .yaml/.yml 或 .xlsx{hint}")
    return reader(path)


def failed(path: Path, message: str, where: int | str = 0) -> Application:
    app = Application(path.name)
    app.problems.append(Problem(path.name, where, "-", message))
    return app


def read_yaml(path: Path) -> Application:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return failed(path, "文件不是 UTF-8 编码（看起来是 GBK，中文 Windows 记事本/WPS 的默认编码）；"
                      "请在编辑器中选择 UTF-8 编码另存", line)
    try:
        # BaseLoader keeps every value as written: 0123 stays 0123, 13912345678 stays text.
        root = yaml.compose(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return failed(path, f"YAML 格式错误：{getattr(exc, 'problem', None) or exc}；"
                      "每行写作「字段: 值」，含冒号或 # 的值请加英文引号", mark.line + 1 if mark else 0)
    if root is None:
        return failed(path, "文件为空")
    if not isinstance(root, yaml.MappingNode):
        return failed(path, "申请文件应由「字段: 值」组成", root.start_mark.line + 1)
    app = Application(path.name)
    for key, value in root.value:
        name, line = key.value, key.start_mark.line + 1
        if isinstance(value, yaml.ScalarNode):
            app.put(name, value.value, line)
        elif isinstance(value, yaml.SequenceNode) and name == "occupations":
            for item in value.value:
                if isinstance(item, yaml.ScalarNode):
                    app.put(name, item.value, item.start_mark.line + 1)
                else:
                    app.problems.append(Problem(path.name, item.start_mark.line + 1, name, "每项应为一行文字，如 6-31-01-03 电工:5-3"))
        else:
            app.problems.append(Problem(path.name, line, name, "应为单个值（只有 occupations 可写成列表）"))
    return app


def cell_text(value) -> str:
    """A cell's value as the applicant meant it: numbers without ``.0``, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path) -> Application:
    import openpyxl  # only the Excel form needs it

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        return failed(path, f"无法作为 Excel 工作簿打开（{type(exc).__name__}）；请用申请表模板填写并保存为 .xlsx")
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    app = Application(path.name)
    for label, value in sheet.iter_rows(min_row=2, max_col=2):
        match = FORM_FIELD.search(str(label.value or ""))
        if not match:
            continue
        if match[1] == "credit_code" and isinstance(value.value, (int, float)):
            app.problems.append(Problem(path.name, value.coordinate, "credit_code",
                                        "信用代码被 Excel 存成了数字（末几位可能已丢失）；请将单元格设为文本后重新输入"))
            continue
        if match[1] in ("occupations", "website", "national_code") and value.value is None:
            continue  # blank optional rows of the form
        app.put(match[1], cell_text(value.value), value.coordinate)
    if not app.values and not app.entries and not app.problems:
        return failed(path, f"没有找到申请表的字段；请用 invoke application-template 生成的模板填写（工作表「{SHEET}」）")
    return app


# --- checking ----------------------------------------------------------------------------

def rating_stars(text: str) -> int | None:
    """4 for ``4A``/``AAAA``/``4A级``; None when it is not a rating."""
    text = unicodedata.normalize("NFKC", text).upper().removesuffix("级").strip()
    if re.fullmatch(r"[1-5]A", text):
        return int(text[0])
    return len(text) if re.fullmatch(r"A{1,5}", text) else None


def condition_problems(app: Application) -> None:
    """The notice's conditions that differ by kind of organisation."""
    org_type = app.values.get("org_type")
    if org_type == "行业协会":
        rating = app.values.get("rating", "")
        stars = rating_stars(rating)
        if not rating:
            app.problem("rating", f"行业协会须提供社会组织评估等级（{MIN_RATING}A 及以上），如 4A")
        elif stars is None:
            app.problem("rating", f"评估等级「{rating}」无法识别，应写作 4A、5A")
        elif stars < MIN_RATING:
            app.problem("rating", f"行业协会的社会组织评估等级须为 {MIN_RATING}A 及以上，这里是 {stars}A，不符合申报条件")
    elif org_type == "职业院校":
        years = app.values.get("experience_years", "")
        if not years:
            app.problem("experience_years", f"职业院校须填写连续开展相关培训评价的年数（至少 {MIN_YEARS} 年）")
        elif not years.isdigit():
            app.problem("experience_years", f"年数「{years}」应为整数，如 8")
        elif int(years) < MIN_YEARS:
            app.problem("experience_years", f"职业院校须连续开展相关培训评价至少 {MIN_YEARS} 年，这里是 {years} 年，不符合申报条件")
    elif org_type == "企业" and not app.values.get("evaluation_experience"):
        app.problem("evaluation_experience", "企业须简述已开展的技能评价工作（原则上应已开展技能评价）")


def scope_problems(app: Application) -> None:
    scope, national = app.values.get("scope"), app.values.get("national_code", "")
    if scope == "属地备案":
        if not national:
            app.problem("national_code", "属地备案须填写全国备案机构代码（其全国备案编号第 2–5 位）")
        elif not re.fullmatch(r"\d{4}", national) or national == "0000":
            app.problem("national_code", f"全国备案机构代码「{national}」应为 4 位数字且不能是 0000")
    elif national:
        app.problem("national_code", "本市遴选的机构不填全国备案机构代码；如在人社部备案请将 scope 写作 属地备案")


def submitted_problems(app: Application, today: dt.date) -> None:
    text = app.values.get("submitted", "")
    day = parse_date(text)
    if text and day is None:
        app.problem("submitted", f"日期「{text}」无效，应写作 YYYY-MM-DD")
    elif day and day > today:
        app.problem("submitted", f"提交日期 {day} 晚于办理日期 {today}")


def occupation_grants(app: Application, book: Book) -> list[Grant]:
    grants, seen = [], {}
    for entry, where in app.entries:
        parsed, messages = parse_entries([entry], book.reference, app.label)
        # Each entry is checked alone, so "第 1 项" would mislead: name the entry instead.
        app.problems += [Problem(app.label, where, "occupations", re.sub(r"^第 1 项：?", f"「{entry}」：", m))
                         for m in messages]
        for grant in parsed if not messages else []:
            if grant.code in seen:
                app.problems.append(Problem(app.label, where, "occupations", f"职业 {grant.code} 重复（第一次在 {seen[grant.code]}），请合并为一项"))
            seen[grant.code] = where
            grants.append(grant)
    return grants


def narrowed(app: Application, applied: list[Grant], selected: list[str], book: Book) -> list[Grant]:
    """The occupations the selection granted: a subset of those applied for, levels included."""
    grants, messages = parse_entries(selected, book.reference, "--occupations")
    by_code = {g.code: g for g in applied}
    for grant in grants:
        asked = by_code.get(grant.code)
        if asked is None:
            messages.append(f"{grant.title}（{grant.code}）不在申请的职业中；遴选只能缩小申请范围")
        elif not set(grant.levels) <= set(asked.levels):
            messages.append(f"{grant.title}的等级超出了申请的等级（{book.reference.levels_text(asked.levels)}）")
    app.problems += [Problem(app.label, "--occupations", "occupations", m) for m in messages]
    return grants


def duplicate_problems(app: Application, book: Book) -> None:
    code, name = app.values.get("credit_code", ""), app.values.get("name", "")
    existing = book.registry.organisations.get(code)
    if existing:
        app.problem("credit_code", f"该机构已在目录中（{book.registry_path.name} 第 {existing.line} 行：{existing.name}，状态 {existing.status}），不能重复登记")
    same_name = next((o for o in book.registry.organisations.values() if name and fold_name(o.name) == fold_name(name)), None)
    if same_name and same_name is not existing:
        app.problem("name", f"目录中已有同名机构（{book.registry_path.name} 第 {same_name.line} 行，信用代码 {same_name.credit_code}）")


def registry_row(app: Application, grants: list[Grant], book: Book) -> dict[str, str]:
    notice_from, notice_until = notice_period(book.settings, book.today)
    row = {name: app.values.get(name, "") for name in REGISTRY_FIELDS}
    row.update(filing_no="", occupations=format_occupations(grants), valid_from="", valid_until="",
               notice_from=notice_from.isoformat(), notice_until=notice_until.isoformat(),
               status=NOTICE, status_note="", updated=book.today.isoformat())
    return row


def check_application(app: Application, book: Book, selected: list[str] | None = None) -> dict[str, str]:
    """The registry row the application becomes, or InvalidInput listing every problem."""
    if not app.values and not app.entries:
        raise InvalidInput(app.problems)
    already = {p.column for p in app.problems}
    for name in REQUIRED:
        if not app.values.get(name) and not (name == "occupations" and app.entries) and name not in already:
            app.problem(name, f"必填：{FIELDS[name]}")
    app.values["scope"] = app.values.get("scope") or "本市遴选"
    grants = occupation_grants(app, book)
    if selected and grants:
        grants = narrowed(app, grants, selected, book)
    row = registry_row(app, grants, book)
    sink = row_problems(app.label, row, book.reference, book.settings)
    app.problems += [Problem(app.label, app.where.get(p.column, 0), p.column, p.message)
                     # missing fields and occupations were reported above, each at its place
                     for p in sink if p.column != "occupations" and app.values.get(p.column)]
    condition_problems(app)
    scope_problems(app)
    submitted_problems(app, book.today)
    duplicate_problems(app, book)
    if app.problems:
        raise InvalidInput(app.problems)
    return row


# --- the Excel form ----------------------------------------------------------------------

def form_label(name: str) -> str:
    return f"{FIELDS[name]} ({name})"


def write_template(path: str | Path, reference) -> None:
    """The Excel application form: 字段 | 填写, one row per field, as :func:`read_xlsx` reads it."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(["字段", "填写"])
    for heading in sheet[1]:
        heading.font = Font(bold=True)
        heading.fill = PatternFill("solid", fgColor="DDDDDD")
    choices = {"org_type": ("企业", "行业协会", "职业院校", "其他"), "scope": ("本市遴选", "属地备案"),
               "district": tuple(reference.districts)}
    for name in FIELDS:
        for _ in range(OCCUPATION_ROWS if name == "occupations" else 1):
            sheet.append([form_label(name) + (" *" if name in REQUIRED else ""), None])
            label, value = sheet[sheet.max_row]
            value.number_format = "@"  # text: keeps credit codes, phone numbers and 0123 as typed
            value.alignment = Alignment(wrap_text=True)
            if name in HINTS:
                label.comment = Comment(HINTS[name], "mulu")
            if name in choices:
                rule = DataValidation(type="list", formula1='"' + ",".join(choices[name]) + '"', allow_blank=True)
                sheet.add_data_validation(rule)
                rule.add(value)
    sheet.append([])
    sheet.append(["带 * 的为必填。行业协会填评估等级，职业院校填培训评价年数，企业填已开展的技能评价；鼠标移到字段名上可看填写说明。"])
    sheet.column_dimensions["A"].width = 46
    sheet.column_dimensions["B"].width = 60
    sheet.freeze_panes = "B2"
    book.save(path)
