"""Every rule of ``registry.csv`` and ``history.csv``, checked in one pass that reports all
problems, and the loader that turns a valid pair into a :class:`~mulu.model.Registry`."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from . import codes
from .csvio import Row, Table, read_table, recover
from .grants import Grant, format_occupations, parse_occupations
from .model import Event, Organisation, Registry
from .problems import WARNING, InvalidInput, Problem, errors
from .reference import Reference
from .schema import EVENTS, HISTORY_FIELDS, ORG_TYPES, REGISTRY_FIELDS, SCOPES, STATUSES
from .settings import resolve

DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
PHONE_SHAPES = (
    re.compile(r"0\d{2,3}-?\d{7,8}(?:-\d{1,6})?"),  # landline, optional extension
    re.compile(r"1[3-9]\d{9}"),  # mobile
    re.compile(r"[48]00-?\d{3}-?\d{4}"),  # service numbers
)
WEBSITE_SHAPE = re.compile(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", re.IGNORECASE)
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def fold_name(name: str) -> str:
    """The form two names are compared in: NFKC (全角 → 半角), white space folded."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


def parse_date(text: str) -> dt.date | None:
    if not DATE_SHAPE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


class RowChecker:
    """Collects the problems of one row, addressed by its file, line and column."""

    def __init__(self, label: str, row: Row, sink: list[Problem]):
        self.label, self.row, self.sink = label, row, sink

    def problem(self, column: str, message: str, severity: str = "error") -> None:
        self.sink.append(Problem(self.label, self.row.line, column, message, severity))

    def text(self, column: str, required: bool = False) -> str:
        value = self.row.cells[column]
        if value != value.strip():
            self.problem(column, "首尾有多余空格，请删除（invoke normalize 可自动改正）")
        if required and not value.strip():
            self.problem(column, "必填，不能为空")
        bad = [c for c in value if unicodedata.category(c) in INVISIBLE_CATEGORIES]
        if bad:
            names = "、".join(sorted({f"U+{ord(c):04X}" for c in bad}))
            self.problem(column, f"含控制字符或零宽字符（{names}），常见于从网页或 Word 复制，请删除后重新输入")
        return value.strip()

    def date(self, column: str, required: bool) -> dt.date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.problem(column, f"日期「{value}」无效，应写作 YYYY-MM-DD，如 2025-03-01")
        return parsed

    def choice(self, column: str, allowed: tuple[str, ...]) -> str:
        value = self.text(column, required=True)
        if value and value not in allowed:
            self.problem(column, f"「{value}」不是允许的取值，应为 {'、'.join(allowed)} 之一")
        return value

    def grants(self, column: str, reference: Reference, required: bool = True) -> list[Grant]:
        value = self.row.cells[column]
        if not value and not required:
            return []
        parsed, messages = parse_occupations(value)
        for message in messages:
            self.problem(column, message)
        seen = set()
        for grant in parsed:
            occupation = reference.occupations.get(grant.code)
            if occupation is None:
                self.problem(column, f"职业代码 {grant.code} 不在职业分类目录（reference/occupations.csv）中")
            elif not occupation.accepts_name(grant.name):
                self.problem(column, f"职业代码 {grant.code} 在目录中的名称是「{occupation.title}」，这里写的是「{grant.name}」")
            if grant.code in seen:
                self.problem(column, f"职业 {grant.code} 出现了两次，请合并为一项")
            seen.add(grant.code)
        return parsed


def check_credit_code(check: RowChecker, code: str, org_type: str, scope: str, province: str) -> None:
    if not code:
        return
    problem = codes.uscc_problem(code)
    if problem:
        check.problem("credit_code", problem)
        return
    if scope == "本市遴选" and codes.uscc_province(code) != province:
        check.problem("credit_code", f"本市遴选的机构须在本市登记：代码第 3–4 位应为 {province}，这里是 {codes.uscc_province(code)}（外地机构请用 属地备案）")
    prefixes = codes.ORG_TYPE_PREFIXES.get(org_type)
    if prefixes and code[:2] not in prefixes:
        check.problem("org_type", f"机构类型「{org_type}」与信用代码前两位 {code[:2]} 不符（{org_type}应为 {' 或 '.join(prefixes)}）")


def check_filing_no(check: RowChecker, filing_no: str, scope: str, status: str, province: str) -> None:
    if status == "公示中":
        if filing_no:
            check.problem("filing_no", "公示中的机构尚无备案编号，请留空")
        return
    if not filing_no:
        if status in ("已备案", "已移出"):
            check.problem("filing_no", f"状态为{status}时备案编号必填")
        return
    parsed = codes.parse_filing_no(filing_no)
    if parsed is None:
        check.problem("filing_no", f"备案编号「{filing_no}」格式错误，应为 S + 4 位数字 + 省份代码 {province} + 6 位数字，如 S0000{province}000012")
        return
    if parsed.province != province:
        check.problem("filing_no", f"备案编号第 6–7 位应为本市省份代码 {province}，这里是 {parsed.province}")
    if scope == "本市遴选" and parsed.org != codes.LOCAL_ORG_CODE:
        check.problem("filing_no", f"本市遴选机构的备案编号第 2–5 位应为 0000，这里是 {parsed.org}")
    if scope == "属地备案" and parsed.org == codes.LOCAL_ORG_CODE:
        check.problem("filing_no", "属地备案机构的备案编号第 2–5 位应为全国备案的机构代码，不能是 0000")


def check_dates(check: RowChecker, org: Organisation) -> None:
    if org.status == "公示中":
        for column in ("valid_from", "valid_until"):
            if check.row.cells[column]:
                check.problem(column, "公示中的机构尚未备案，备案有效期请留空")
    elif org.status in ("已备案", "已移出"):
        for column in ("valid_from", "valid_until"):
            if not check.row.cells[column]:
                check.problem(column, f"状态为{org.status}时备案有效期必填")
    if org.valid_from and org.valid_until and org.valid_from >= org.valid_until:
        check.problem("valid_until", "备案有效期止须晚于备案有效期起")
    if org.notice_from and org.notice_until and org.notice_from > org.notice_until:
        check.problem("notice_until", "公示结束日期不能早于公示开始日期")
    if org.notice_until and org.valid_from and org.notice_until > org.valid_from:
        check.problem("valid_from", "备案有效期须在公示结束之后开始（公示结束日期 ≤ 备案有效期起）")


def read_organisation(check: RowChecker, reference: Reference, settings: dict) -> Organisation:
    province = settings["MULU_PROVINCE_CODE"]
    org = Organisation(
        line=check.row.line,
        credit_code=check.text("credit_code", required=True),
        name=check.text("name", required=True),
        org_type=check.choice("org_type", ORG_TYPES),
        scope=check.choice("scope", SCOPES),
        filing_no=check.text("filing_no"),
        district=check.text("district", required=True),
        address=check.text("address", required=True),
        phone=check.text("phone", required=True),
        website=check.text("website"),
        occupations=check.row.cells["occupations"],
        grants=check.grants("occupations", reference),
        valid_from=check.date("valid_from", required=False),
        valid_until=check.date("valid_until", required=False),
        notice_from=check.date("notice_from", required=True),
        notice_until=check.date("notice_until", required=True),
        status=check.choice("status", STATUSES),
        status_note=check.text("status_note"),
        updated=check.date("updated", required=True),
    )
    check_credit_code(check, org.credit_code, org.org_type, org.scope, province)
    check_filing_no(check, org.filing_no, org.scope, org.status, province)
    if org.district and org.district not in reference.districts:
        check.problem("district", f"「{org.district}」不是{settings['MULU_CITY_NAME']}的区，应为 {'、'.join(reference.districts)} 之一")
    if org.phone and not any(shape.fullmatch(org.phone) for shape in PHONE_SHAPES):
        check.problem("phone", f"电话「{org.phone}」格式无法识别，应为固定电话（如 021-64881234）或手机号（如 13912345678）")
    if org.website and not WEBSITE_SHAPE.fullmatch(org.website):
        check.problem("website", f"网址「{org.website}」须以 http:// 或 https:// 开头的完整网址，可留空")
    if org.status == "已移出" and not org.status_note:
        check.problem("status_note", "已移出的机构须写明移出原因及文号")
    check_dates(check, org)
    return org


def check_uniqueness(label: str, orgs: list[Organisation], sink: list[Problem]) -> None:
    def unique(column: str, key, what: str) -> None:
        first: dict[str, Organisation] = {}
        for org in orgs:
            value = key(org)
            if not value:
                continue
            if value in first:
                sink.append(Problem(label, org.line, column, f"{what}与第 {first[value].line} 行重复"))
            else:
                first[value] = org

    unique("credit_code", lambda o: o.credit_code, "统一社会信用代码")
    unique("name", lambda o: fold_name(o.name), "机构名称（全角/半角、空格视为相同）")
    unique("filing_no", lambda o: o.filing_no, "备案编号")
    for previous, org in zip(orgs, orgs[1:]):
        if org.credit_code and previous.credit_code and org.credit_code < previous.credit_code:
            sink.append(Problem(label, org.line, "credit_code", "行未按统一社会信用代码排序，请运行 invoke normalize 重新排序"))
            break


def read_event(check: RowChecker, reference: Reference) -> Event:
    return Event(
        line=check.row.line,
        date=check.date("date", required=True),
        credit_code=check.text("credit_code", required=True),
        event=check.choice("event", EVENTS),
        occupations=check.row.cells["occupations"],
        grants=check.grants("occupations", reference, required=False),
        valid_from=check.date("valid_from", required=False),
        valid_until=check.date("valid_until", required=False),
        status=check.choice("status", STATUSES),
        document=check.text("document"),
        note=check.text("note"),
    )


STATUS_AFTER = {"公示": "公示中", "备案": "已备案", "移出": "已移出"}


def check_ledger(label: str, org: Organisation, events: list[Event], registry_label: str, sink: list[Problem]) -> None:
    """An organisation's events against each other and against its registry row."""
    if events[0].event not in ("公示", "备案"):
        sink.append(Problem(label, events[0].line, "event", f"机构 {org.credit_code} 的第一条记录应为 公示 或 备案，这里是 {events[0].event}"))
    for previous, event in zip(events, events[1:]):
        if event.date and previous.date and event.date < previous.date:
            sink.append(Problem(label, event.line, "date", f"日期早于该机构上一条记录（第 {previous.line} 行，{previous.date}），记录须按时间先后排列"))
    for event in events:
        expected = STATUS_AFTER.get(event.event)
        if expected and event.status and event.status != expected:
            sink.append(Problem(label, event.line, "status", f"{event.event} 之后的状态应为 {expected}，这里是 {event.status}"))
    latest = events[-1]
    comparisons = (
        ("occupations", format_occupations(latest.grants), format_occupations(org.grants)),
        ("valid_from", latest.valid_from, org.valid_from),
        ("valid_until", latest.valid_until, org.valid_until),
        ("status", latest.status, org.status),
    )
    for column, in_history, in_registry in comparisons:
        if in_history != in_registry:
            sink.append(Problem(label, latest.line, column, f"最新一条记录与 {registry_label} 第 {org.line} 行不一致：{registry_label} 为「{in_registry or ''}」，此处为「{in_history or ''}」"))


def check_history(table: Table, orgs: list[Organisation], reference: Reference, registry_label: str, sink: list[Problem]) -> list[Event]:
    events = [read_event(RowChecker(table.label, row, sink), reference) for row in table.rows]
    by_code = {org.credit_code: org for org in orgs if org.credit_code}
    per_org: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        if event.credit_code and event.credit_code not in by_code:
            sink.append(Problem(table.label, event.line, "credit_code", f"{event.credit_code} 不在 {registry_label} 中"))
        else:
            per_org[event.credit_code].append(event)
    for code, org in by_code.items():
        if code not in per_org:
            sink.append(Problem(registry_label, org.line, "credit_code", f"机构在 {table.label} 中没有任何记录，至少需要一条 公示 或 备案 记录"))
        else:
            check_ledger(table.label, org, per_org[code], registry_label, sink)
            org.events = per_org[code]
    return events


def expiry_warnings(label: str, orgs: list[Organisation], today: dt.date, days: int) -> list[Problem]:
    return [
        Problem(label, org.line, "valid_until", f"备案将于 {org.valid_until} 到期（{(org.valid_until - today).days} 天后），请提醒机构办理延续", WARNING)
        for org in orgs
        if org.status == "已备案" and org.valid_until and 0 <= (org.valid_until - today).days <= days
    ]


@dataclass
class Report:
    problems: list[Problem]
    registry: Registry | None
    registry_label: str
    history_label: str

    @property
    def ok(self) -> bool:
        return not errors(self.problems)

    def summary(self) -> str:
        orgs = self.registry.organisations.values()
        by_status = Counter(o.status for o in orgs)
        parts = "、".join(f"{s} {by_status[s]}" for s in STATUSES if by_status[s])
        return (f"{self.registry_label}：{len(orgs)} 个机构（{parts}）；"
                f"{self.history_label}：{len(self.registry.events)} 条记录；校验通过")


def validate_files(registry_path: str | Path, history_path: str | Path, reference: Reference,
                   settings: dict, today: dt.date) -> Report:
    """Check a registry and its history; never writes to either."""
    registry_path, history_path = Path(registry_path), Path(history_path)
    recover(registry_path.parent)
    problems: list[Problem] = []
    registry_table = read_table(registry_path, REGISTRY_FIELDS)
    problems.extend(registry_table.problems)
    orgs = [read_organisation(RowChecker(registry_table.label, row, problems), reference, settings)
            for row in registry_table.rows]
    check_uniqueness(registry_table.label, orgs, problems)
    history_table = read_table(history_path, HISTORY_FIELDS)
    problems.extend(history_table.problems)
    events = []
    if not registry_table.problems and not history_table.problems:
        events = check_history(history_table, orgs, reference, registry_table.label, problems)
    problems.extend(expiry_warnings(registry_table.label, orgs, today, settings["MULU_EXPIRY_WARNING_DAYS"]))
    problems.sort(key=lambda p: (p.file != registry_table.label, p.line))
    registry = None
    if not errors(problems):
        registry = Registry({o.credit_code: o for o in orgs}, events, reference)
    return Report(problems, registry, registry_table.label, history_table.label)


def load_registry(settings: dict, today: dt.date, registry_path=None, history_path=None) -> Registry:
    """The validated registry named by the settings (or the given paths); raises InvalidInput."""
    report = validate_files(
        registry_path or resolve(settings, "MULU_REGISTRY"),
        history_path or resolve(settings, "MULU_HISTORY"),
        Reference(resolve(settings, "MULU_REFERENCE_DIR")),
        settings,
        today,
    )
    if not report.ok:
        raise InvalidInput(errors(report.problems))
    return report.registry
