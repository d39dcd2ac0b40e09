"""Every rule of ``registry.csv`` and ``history.csv``, checked in one pass that reports all
problems, and the loader that turns a valid pair into a :class:`~mulu.model.Registry`."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, fields
from typing import Callable
from functools import lru_cache
from pathlib import Path

from . import codes
from .csvio import Table, read_lock, read_table, recover
from .grants import Grant, format_occupations, parse_occupations
from .model import Event, Organisation, Registry
from .problems import WARNING, InvalidInput, Problem, errors
from .reference import Reference
from .schema import EVENTS, FILED, HISTORY_FIELDS, NOTICE, ORG_TYPES, REGISTRY_FIELDS, REMOVED, SCOPES, STATUSES
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


@lru_cache(maxsize=65536)
def parse_date(text: str) -> dt.date | None:
    if not DATE_SHAPE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


# --- Cells: each distinct value of a column is checked once --------------------------------
# Values repeat heavily (dates, codes, statuses, an organisation's occupations in every event),
# so checking per distinct value keeps a 25,000-organisation registry fast to validate.

CellRule = Callable[[str], "tuple[object, list[str]]"]


def text_problems(value: str, required: bool) -> list[str]:
    found = []
    if value != value.strip():
        found.append("首尾有多余空格，请删除（invoke normalize 可自动改正）")
    if required and not value.strip():
        found.append("必填，不能为空")
    if not value.isprintable():  # fast path: printable text has no control or format characters
        bad = {f"U+{ord(c):04X}" for c in value if unicodedata.category(c) in INVISIBLE_CATEGORIES}
        if bad:
            found.append(f"含控制字符或零宽字符（{'、'.join(sorted(bad))}），常见于从网页或 Word 复制，请删除后重新输入")
    return found


def text_rule(required: bool = False, shape=None, hint: str = "") -> CellRule:
    """Plain text, optionally required and of a given shape (a regex or a predicate)."""
    def rule(value: str):
        found = text_problems(value, required)
        value = value.strip()
        if value and shape and not shape(value):
            found.append(hint.format(value=value))
        return value, found
    return rule


def date_rule(required: bool) -> CellRule:
    def rule(value: str):
        found = text_problems(value, required)
        value = value.strip()
        if not value:
            return None, found
        parsed = parse_date(value)
        if parsed is None:
            found.append(f"日期「{value}」无效，应写作 YYYY-MM-DD，如 2025-03-01")
        return parsed, found
    return rule


def choice_rule(allowed: tuple[str, ...]) -> CellRule:
    return text_rule(True, allowed.__contains__, f"「{{value}}」不是允许的取值，应为 {'、'.join(allowed)} 之一")


def occupations_rule(reference: Reference, required: bool) -> CellRule:
    def rule(value: str):
        if not value and not required:
            return (), []
        grants, found = checked_occupations(reference, value)
        return grants, list(found)
    return rule


@lru_cache(maxsize=1 << 17)
def checked_occupations(reference: Reference, value: str) -> tuple[tuple[Grant, ...], tuple[str, ...]]:
    """An ``occupations`` cell's grants and problems. Cached: the registry's cells recur in the
    history (an organisation's latest event repeats them)."""
    grants, found = parse_occupations(value)
    seen = set()
    for grant in grants:
        occupation = reference.occupations.get(grant.code)
        if occupation is None:
            found.append(f"职业代码 {grant.code} 不在职业分类目录（reference/occupations.csv）中")
        elif not occupation.accepts_name(grant.name):
            found.append(f"职业代码 {grant.code} 在目录中的名称是「{occupation.title}」，这里写的是「{grant.name}」")
        if grant.code in seen:
            found.append(f"职业 {grant.code} 出现了两次，请合并为一项")
        seen.add(grant.code)
    return tuple(grants), tuple(found)  # shared by every row with this text, so immutable


def read_columns(table: Table, rules: dict[str, CellRule], sink: list[Problem]) -> dict[str, list]:
    """Each column parsed by its rule, as a list in row order; every problem reported at its row."""
    parsed = {}
    for column, rule in rules.items():
        cells = table.column(column)
        values, bad = {}, {}
        for value in set(cells):
            values[value], messages = rule(value)
            if messages:
                bad[value] = messages
        parsed[column] = list(map(values.__getitem__, cells))
        for line, value in zip(table.lines, cells) if bad else ():
            for message in bad.get(value, ()):
                sink.append(Problem(table.label, line, column, message))
    return parsed


def registry_rules(reference: Reference, settings: dict) -> dict[str, CellRule]:
    districts = reference.districts
    return {
        "credit_code": text_rule(True),  # checked with the row: its rules depend on type and scope
        "name": text_rule(True),
        "org_type": choice_rule(ORG_TYPES),
        "scope": choice_rule(SCOPES),
        "filing_no": text_rule(),
        "district": text_rule(True, districts.__contains__, f"「{{value}}」不是{settings['MULU_CITY_NAME']}的区，应为 {'、'.join(districts)} 之一"),
        "address": text_rule(True),
        "phone": text_rule(True, lambda v: any(s.fullmatch(v) for s in PHONE_SHAPES), "电话「{value}」格式无法识别，应为固定电话（如 021-64881234）或手机号（如 13912345678）"),
        "website": text_rule(False, WEBSITE_SHAPE.fullmatch, "网址「{value}」须以 http:// 或 https:// 开头的完整网址，可留空"),
        "occupations": occupations_rule(reference, required=True),
        "valid_from": date_rule(False),
        "valid_until": date_rule(False),
        "notice_from": date_rule(True),
        "notice_until": date_rule(True),
        "status": choice_rule(STATUSES),
        "status_note": text_rule(),
        "updated": date_rule(True),
    }


def history_rules(reference: Reference) -> dict[str, CellRule]:
    return {
        "date": date_rule(True),
        "credit_code": text_rule(True),
        "event": choice_rule(EVENTS),
        "occupations": occupations_rule(reference, required=False),
        "valid_from": date_rule(False),
        "valid_until": date_rule(False),
        "status": choice_rule(STATUSES),
        "document": text_rule(),
        "note": text_rule(),
    }


# The dataclasses' fields after ``line``, in order: the registry's columns plus the parsed grants.
ORGANISATION_FIELDS = [f.name for f in fields(Organisation)][1:-1]
EVENT_FIELDS = [f.name for f in fields(Event)][1:]


# --- Rows: rules that tie a row's cells together --------------------------------------------

class RowChecker:
    """Reports problems of one row, addressed by its file, line and column."""

    def __init__(self, label: str, line: int, sink: list[Problem]):
        self.label, self.line, self.sink = label, line, sink

    def problem(self, column: str, message: str, severity: str = "error") -> None:
        self.sink.append(Problem(self.label, self.line, column, message, severity))


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
    if status == NOTICE:
        if filing_no:
            check.problem("filing_no", "公示中的机构尚无备案编号，请留空")
        return
    if not filing_no:
        if status in (FILED, REMOVED):
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


def check_dates(check: RowChecker, org: Organisation, raw: tuple[str, str]) -> None:
    """``raw`` holds the valid_from and valid_until cells as written."""
    for column, cell in zip(("valid_from", "valid_until"), raw):
        if org.status == NOTICE and cell:
            check.problem(column, "公示中的机构尚未备案，备案有效期请留空")
        elif org.status in (FILED, REMOVED) and not cell:
            check.problem(column, f"状态为{org.status}时备案有效期必填")
    if org.valid_from and org.valid_until and org.valid_from >= org.valid_until:
        check.problem("valid_until", "备案有效期止须晚于备案有效期起")
    if org.notice_from and org.notice_until and org.notice_from > org.notice_until:
        check.problem("notice_until", "公示结束日期不能早于公示开始日期")
    if org.notice_until and org.valid_from and org.notice_until > org.valid_from:
        check.problem("valid_from", "备案有效期须在公示结束之后开始（公示结束日期 ≤ 备案有效期起）")


def read_organisations(table: Table, reference: Reference, settings: dict, sink: list[Problem]) -> list[Organisation]:
    province = settings["MULU_PROVINCE_CODE"]
    columns = read_columns(table, registry_rules(reference, settings), sink)
    columns["grants"], columns["occupations"] = columns["occupations"], table.column("occupations")
    orgs = [Organisation(line, *values) for line, values in zip(table.lines, zip(*(columns[f] for f in ORGANISATION_FIELDS)))]
    for org, *raw in zip(orgs, table.column("valid_from"), table.column("valid_until")):
        check = RowChecker(table.label, org.line, sink)
        check_credit_code(check, org.credit_code, org.org_type, org.scope, province)
        check_filing_no(check, org.filing_no, org.scope, org.status, province)
        if org.status == REMOVED and not org.status_note:
            check.problem("status_note", "已移出的机构须写明移出原因及文号")
        check_dates(check, org, raw)
    return orgs


def row_problems(label: str, cells: dict[str, str], reference: Reference, settings: dict) -> list[Problem]:
    """Every registry rule that concerns one row alone, for a row not yet in a file (an
    application); the problems are reported at line 0."""
    table = Table(Path(label), header=list(REGISTRY_FIELDS),
                  records=[[cells.get(name, "") for name in REGISTRY_FIELDS]], lines=[0])
    sink: list[Problem] = []
    read_organisations(table, reference, settings, sink)
    return sink


def check_across(label: str, orgs: list[Organisation], sink: list[Problem]) -> None:
    """Every rule that ties one organisation's row to the others'. Rebuilds that validate again
    only the organisations whose rows changed run this on all of them: a rule of this kind
    belongs here, or a rebuild would not apply it."""
    check_uniqueness(label, orgs, sink)
    check_order(label, orgs, sink)


def repeats(rows, key: Callable) -> list[tuple[object, str, int]]:
    """Each row whose key (when it has one) an earlier row has too: the row, the key and the line
    of the first row with it."""
    first: dict = {}
    found = []
    for row in rows:
        value = key(row)
        if not value:
            continue
        if value in first:
            found.append((row, value, first[value]))
        else:
            first[value] = row.line
    return found


def check_uniqueness(label: str, orgs: list[Organisation], sink: list[Problem]) -> None:
    def unique(column: str, key, what: str) -> None:
        for org, _, line in repeats(orgs, key):
            sink.append(Problem(label, org.line, column, f"{what}与第 {line} 行重复"))

    unique("credit_code", lambda o: o.credit_code, "统一社会信用代码")
    unique("name", lambda o: fold_name(o.name), "机构名称（全角/半角、空格视为相同）")
    unique("filing_no", lambda o: o.filing_no, "备案编号")


def check_order(label: str, orgs: list[Organisation], sink: list[Problem]) -> None:
    for previous, org in zip(orgs, orgs[1:]):
        if org.credit_code and previous.credit_code and org.credit_code < previous.credit_code:
            sink.append(Problem(label, org.line, "credit_code", "行未按统一社会信用代码排序，请运行 invoke normalize 重新排序"))
            break


def read_events(table: Table, reference: Reference, sink: list[Problem]) -> list[Event]:
    columns = read_columns(table, history_rules(reference), sink)
    columns["grants"], columns["occupations"] = columns["occupations"], table.column("occupations")
    return [Event(line, *values) for line, values in zip(table.lines, zip(*(columns[f] for f in EVENT_FIELDS)))]


STATUS_AFTER = {"公示": NOTICE, "备案": FILED, "移出": REMOVED}


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
        ("occupations", latest.grants, org.grants),
        ("valid_from", latest.valid_from, org.valid_from),
        ("valid_until", latest.valid_until, org.valid_until),
        ("status", latest.status, org.status),
    )
    for column, in_history, in_registry in comparisons:
        if in_history != in_registry:
            shown = [format_occupations(v) if column == "occupations" else (v or "") for v in (in_registry, in_history)]
            sink.append(Problem(label, latest.line, column, f"最新一条记录与 {registry_label} 第 {org.line} 行不一致：{registry_label} 为「{shown[0]}」，此处为「{shown[1]}」"))


def check_history(table: Table, orgs: list[Organisation], reference: Reference, registry_label: str, sink: list[Problem]) -> list[Event]:
    events = read_events(table, reference, sink)
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
        if org.status == FILED and org.valid_until and 0 <= (org.valid_until - today).days <= days
    ]


@dataclass
class Report:
    problems: list[Problem]
    registry: Registry | None
    registry_label: str
    history_label: str
    sources: tuple[bytes, bytes] = (b"", b"")  # the digests of the files' bytes as read (source_digest)

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
    recover(Path(registry_path).parent)  # before the shared lock: recovering needs it exclusively
    with read_lock(Path(registry_path).parent):
        return _validate_files(Path(registry_path), Path(history_path), reference, settings, today)


def read_pair(registry_path: Path, history_path: Path) -> tuple[bytes, bytes]:
    """The bytes of a registry and its history as one commit left them; raises OSError."""
    recover(registry_path.parent)
    with read_lock(registry_path.parent):
        return registry_path.read_bytes(), history_path.read_bytes()


def _validate_files(registry_path: Path, history_path: Path, reference: Reference,
                    settings: dict, today: dt.date) -> Report:
    problems: list[Problem] = []
    registry_table = read_table(registry_path, REGISTRY_FIELDS)
    problems.extend(registry_table.problems)
    orgs = read_organisations(registry_table, reference, settings, problems)
    check_across(registry_table.label, orgs, problems)
    history_table = read_table(history_path, HISTORY_FIELDS)
    problems.extend(history_table.problems)
    events = []
    if not registry_table.problems and not history_table.problems:
        events = check_history(history_table, orgs, reference, registry_table.label, problems)
    problems.extend(expiry_warnings(registry_table.label, orgs, today, settings["MULU_EXPIRY_WARNING_DAYS"]))
    problems.sort(key=lambda p: (p.file != registry_table.label, p.line))
    registry = None
    if not errors(problems):
        registry = Registry({o.credit_code: o for o in orgs}, events, reference, row_digests(registry_table, history_table))
    return Report(problems, registry, registry_table.label, history_table.label, (registry_table.source, history_table.source))


def row_digests(registry_table: Table, history_table: Table) -> dict[str, bytes]:
    """Credit code -> digest of its registry row and its history rows, cells as written. A valid
    cell holds no control character, so the separators cannot be mistaken for its text."""
    code_in_registry, code_in_history = REGISTRY_FIELDS.index("credit_code"), HISTORY_FIELDS.index("credit_code")
    events: dict[str, list[str]] = defaultdict(list)
    for cells in history_table.records:
        events[cells[code_in_history]].append("\x1f".join(cells))
    digests = {}
    for cells in registry_table.records:
        code = cells[code_in_registry]
        rows = "\x1e".join(["\x1f".join(cells), *events[code]])
        digests[code] = hashlib.blake2b(rows.encode(), digest_size=16).digest()
    return digests


def load_registry(settings: dict, today: dt.date, registry_path=None, history_path=None) -> Registry:
    """The validated registry named by the settings (or the given paths); raises InvalidInput."""
    return load_report(settings, today, registry_path, history_path).registry


def load_report(settings: dict, today: dt.date, registry_path=None, history_path=None) -> Report:
    """:func:`load_registry`'s report, which has no error."""
    report = validate_files(
        registry_path or resolve(settings, "MULU_REGISTRY"),
        history_path or resolve(settings, "MULU_HISTORY"),
        Reference(resolve(settings, "MULU_REFERENCE_DIR")),
        settings,
        today,
    )
    if not report.ok:
        raise InvalidInput(errors(report.problems))
    return report
