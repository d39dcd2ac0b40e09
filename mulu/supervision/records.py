"""The supervision files read, checked and turned into a model: every rule reported at its file,
row and column, all at once, like the registry's (``FILE:ROW:COLUMN: 说明``).

The items list is reference data; the pool, the draws and the inspections sit beside
``registry.csv`` and may be absent (nothing recorded yet). A draw record is checked by drawing
again: from its beacon, the registry as it stood on its day and the inspections before it."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..csvio import Table, read_table
from ..dates import add_years
from ..model import Organisation, Registry
from ..problems import InvalidInput, Problem, errors
from ..validate import RowChecker, choice_rule, date_rule, read_columns, repeats, text_rule
from . import draw as rfc
from .schema import (CITATION, CLEAR, COMPLAINT, DRAW_FIELDS, DRAWN, DRAWS_FILE, FAILED, INSPECTION_FIELDS,
                     INSPECTIONS_FILE, INSPECTOR_FIELDS, INSPECTOR_ID, INSPECTORS_FILE, ITEM_CODE, ITEM_FIELDS,
                     ITEMS_FILE, KINDS, RECTIFIED, RECTIFY, RESULTS, ROUND_CATEGORY, ROUND_SHAPE, SHA256_SHAPE)

FOCUS_YEARS = 2  # how far back a 不合格 or an upheld complaint makes an organisation a 重点对象
UPHELD = (RECTIFY, FAILED)  # a complaint whose check found something


@dataclass(frozen=True)
class InspectionItem:
    line: int
    code: str
    item: str
    basis: str
    method: str


@dataclass(frozen=True)
class Inspector:
    line: int
    id: str
    name: str
    unit: str
    excluded: tuple[str, ...]


@dataclass(frozen=True)
class Draw:
    line: int
    round: str
    date: dt.date
    beacon: str
    beacon_source: str
    algorithm: str
    ratio: Fraction
    minimum: int
    focus_ratio: Fraction | None
    eligible: int
    eligible_sha256: str
    focus_eligible: int
    focus_sha256: str
    inspector_pool: int
    pool_sha256: str
    focus_picks: tuple[str, ...]
    picks: tuple[str, ...]
    inspectors: tuple[tuple[str, ...], ...]

    @property
    def teams(self) -> dict[str, tuple[str, ...]]:
        """Credit code -> the inspectors drawn for it."""
        return dict(zip(self.focus_picks + self.picks, self.inspectors))

    @classmethod
    def made(cls, round_name: str, day: dt.date, beacon: str, source: str, ratio: Fraction, minimum: int,
             focus_ratio: Fraction | None, pool: rfc.Candidates, inspectors: dict[str, Inspector],
             outcome: rfc.Outcome) -> Draw:
        """The record of a draw just run: its inputs, what it picked from (counted, and digested as
        the lists the site publishes) and what it picked."""
        return cls(0, round_name, day, beacon, source, rfc.ALGORITHM, ratio, minimum, focus_ratio,
                   len(pool.general), rfc.list_digest(list(pool.general)), len(pool.focus),
                   rfc.list_digest(list(pool.focus)), len(inspectors), pool_digest(inspectors),
                   outcome.focus_picks, outcome.picks, outcome.inspectors)


@dataclass(frozen=True)
class Inspection:
    line: int
    round: str
    credit_code: str
    kind: str
    items: tuple[str, ...]
    date: dt.date
    result: str
    deadline: dt.date | None
    inspectors: tuple[str, ...]
    document: str
    note: str


@dataclass
class Supervision:
    items: dict[str, InspectionItem] = field(default_factory=dict)
    inspectors: dict[str, Inspector] = field(default_factory=dict)  # by id, in id order
    draws: list[Draw] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)

    def draw(self, round_name: str) -> Draw | None:
        return next((d for d in self.draws if d.round == round_name), None)

    def by_document(self, document: str) -> Inspection | None:
        return next((i for i in self.inspections if i.document == document), None)


# --- the registry as it stood on a day ------------------------------------------------------

def filed_as_day_began(org: Organisation, day: dt.date) -> bool:
    """已备案 and within its term on ``day``, by the last of its events before that day. What
    staff record on the day itself (a removal after that day's inspection, a filing from that
    day on) changes neither that day's draw nor whom that day's inspections may be of."""
    before = [event for event in org.events if event.date < day]
    if not before:
        return False
    last = before[-1]
    return last.status == "已备案" and last.valid_from is not None and last.valid_from <= day <= last.valid_until


def is_focus(inspections: list[Inspection], day: dt.date) -> bool:
    """An organisation's record makes it a 重点对象 on ``day``: a 不合格 or an upheld complaint
    in the two years before it."""
    since = add_years(day, -FOCUS_YEARS)
    return any(since <= i.date < day and (i.result == FAILED or (i.kind == COMPLAINT and i.result in UPHELD))
               for i in inspections)


def pool_text(inspectors: dict[str, Inspector]) -> str:
    """The pool as its digest covers it: each inspector's id and, after a colon, the organisations
    it must not inspect, one inspector per line, in id order."""
    return "".join(f"{i.id}{':' + ';'.join(sorted(i.excluded)) if i.excluded else ''}\n"
                   for i in sorted(inspectors.values(), key=lambda i: i.id))


def pool_digest(inspectors: dict[str, Inspector]) -> str:
    return hashlib.sha256(pool_text(inspectors).encode("utf-8")).hexdigest()


def candidates(registry: Registry, supervision: Supervision, day: dt.date, with_focus: bool) -> rfc.Candidates:
    """Whom a draw on ``day`` picks from: the organisations filed as that day began, in registry order,
    the 重点对象 apart when the draw has a focus ratio (by inspections before that day only, so a
    later record does not change an earlier draw), and each one's allowed inspectors."""
    history = defaultdict(list)
    for inspection in supervision.inspections:
        history[inspection.credit_code].append(inspection)
    eligible = [code for code, org in registry.organisations.items() if filed_as_day_began(org, day)]
    focus = [code for code in eligible if with_focus and is_focus(history[code], day)]
    chosen = set(focus)
    pool = sorted(supervision.inspectors.values(), key=lambda i: i.id)
    allowed = {code: tuple(i.id for i in pool if code not in i.excluded) for code in eligible}
    return rfc.Candidates(tuple(focus), tuple(c for c in eligible if c not in chosen), allowed)


# --- cells ----------------------------------------------------------------------------------

def list_rule(separator: str, shape, hint: str, required: bool = False):
    """A cell of values separated by ``separator``, each of a shape; none twice."""
    def rule(value: str):
        found = text_rule(required)(value)[1]
        values = tuple(v.strip() for v in value.split(separator)) if value.strip() else ()
        bad = [v for v in values if not shape(v)]
        if bad:
            found.append(hint.format(value=bad[0]))
        if len(set(values)) != len(values):
            found.append("同一项写了两次")
        return values, found
    return rule


def int_rule(value: str):
    found = text_rule(True)(value)[1]
    if value and not (value.isascii() and value.isdigit()):  # isdigit alone takes ² and ٣
        found.append(f"「{value}」应为非负整数")
        return 0, found
    return (int(value) if value else 0), found


def ratio_rule(required: bool):
    def rule(value: str):
        found = text_rule(required)(value)[1]
        if not value:
            return None, found
        try:
            return rfc.parse_ratio(value), found
        except ValueError as exc:
            return None, found + [str(exc)]
    return rule


def teams_rule(value: str):
    found = text_rule(False)(value)[1]
    teams = tuple(tuple(team.split("+")) for team in value.split(";")) if value else ()
    if any(len(team) != rfc.INSPECTORS_PER_ORGANISATION or not all(map(INSPECTOR_ID.fullmatch, team)) for team in teams):
        found.append("应依次写出每个抽中机构的两名检查人员编号，如 JC003+JC011;JC002+JC007")
    return teams, found


CODES = list_rule(";", lambda v: len(v) == 18, "「{value}」不是 18 位统一社会信用代码")
INSPECTOR_IDS = list_rule(";", INSPECTOR_ID.fullmatch, "检查人员编号「{value}」格式错误，应如 JC001", required=True)
SHA256 = text_rule(True, SHA256_SHAPE.fullmatch, "「{value}」不是 64 位小写十六进制的 SHA-256 值")


def item_rules():
    return {"code": text_rule(True, ITEM_CODE.fullmatch, "事项编码「{value}」格式错误，应如 JC-01"),
            "item": text_rule(True), "basis": text_rule(True), "method": text_rule(True)}


def inspector_rules():
    return {"id": text_rule(True, INSPECTOR_ID.fullmatch, "人员编号「{value}」格式错误，应为 1–4 个大写字母加 2–6 位数字，如 JC001"),
            "name": text_rule(True), "unit": text_rule(True), "excluded": CODES}


def is_draw_round(name: str) -> bool:
    shape = ROUND_SHAPE.fullmatch(name)
    return bool(shape) and shape[2] == ROUND_CATEGORY[DRAWN]


def draw_rules():
    return {
        "round": text_rule(True, is_draw_round, "批次「{value}」格式错误，抽取的批次应为 年份-双随机-序号，如 2026-双随机-2"),
        "date": date_rule(True), "beacon": text_rule(True), "beacon_source": text_rule(True),
        "algorithm": choice_rule((rfc.ALGORITHM,)), "ratio": ratio_rule(True), "minimum": int_rule,
        "focus_ratio": ratio_rule(False), "eligible": int_rule, "eligible_sha256": SHA256, "focus_eligible": int_rule,
        "focus_sha256": SHA256, "inspector_pool": int_rule, "pool_sha256": SHA256, "focus_picks": CODES,
        "picks": CODES, "inspectors": teams_rule,
    }


def inspection_rules(items: dict[str, InspectionItem]):
    known = "、".join(items) or "（reference/inspection-items.csv 中没有事项）"
    return {
        "round": text_rule(True, ROUND_SHAPE.fullmatch, "批次「{value}」格式错误，应为 年份-类别-序号，如 2026-双随机-2，类别为 双随机、专项、投诉 或 督导"),
        "credit_code": text_rule(True), "kind": choice_rule(KINDS),
        "items": list_rule(";", items.__contains__, f"检查事项「{{value}}」不在抽查事项清单中，应为 {known} 之一", required=True),
        "date": date_rule(True), "result": choice_rule(RESULTS), "deadline": date_rule(False),
        "inspectors": INSPECTOR_IDS, "document": text_rule(True), "note": text_rule(False),
    }


def parsed_rows(table: Table, rules: dict, fields: tuple[str, ...], sink: list[Problem]) -> list[tuple]:
    """Each row as (line, value of each field), every cell problem reported."""
    columns = read_columns(table, rules, sink)
    return [(line, *values) for line, values in zip(table.lines, zip(*(columns[f] for f in fields)))]


def read_optional(path: Path, fields: tuple[str, ...]) -> Table | None:
    """The table of a file that may not exist yet (nothing recorded)."""
    return read_table(path, fields) if path.exists() else None


# --- rows -----------------------------------------------------------------------------------

def unique(table_label: str, rows, key, column: str, what: str, sink: list[Problem]) -> None:
    for row, value, line in repeats(rows, key):
        sink.append(Problem(table_label, row.line, column, f"{what}「{value}」与第 {line} 行重复"))


def check_inspectors(label: str, inspectors: list[Inspector], registry: Registry | None, sink: list[Problem]) -> None:
    unique(label, inspectors, lambda i: i.id, "id", "人员编号", sink)
    for inspector in inspectors:
        for code in inspector.excluded if registry else ():
            if code not in registry.organisations:
                sink.append(Problem(label, inspector.line, "excluded", f"回避机构 {code} 不在 registry.csv 中"))


def check_draw(check: RowChecker, row: Draw, registry: Registry, supervision: Supervision) -> None:
    """Draw again from the record's inputs and compare every derived cell."""
    try:
        rfc.key_string(row.beacon)
    except rfc.BeaconError as exc:
        check.problem("beacon", str(exc))
        return
    if row.beacon != rfc.canonical_beacon(row.beacon):
        check.problem("beacon", f"请写作「{rfc.canonical_beacon(row.beacon)}」（来源之间用 / 分隔，数之间用一个空格）")
    drawn_from = candidates(registry, supervision, row.date, row.focus_ratio is not None)
    expected = {
        "eligible": len(drawn_from.general), "eligible_sha256": rfc.list_digest(list(drawn_from.general)),
        "focus_eligible": len(drawn_from.focus), "focus_sha256": rfc.list_digest(list(drawn_from.focus)),
    }
    for column, value in expected.items():
        if getattr(row, column) != value:
            check.problem(column, f"按 {row.date} 的目录重新计算为「{value}」，与记录「{getattr(row, column)}」不符（名录在抽取日之后被改动，或记录有误）")
    same_pool = row.pool_sha256 == pool_digest(supervision.inspectors)
    try:
        outcome = rfc.run_draw(row.beacon, drawn_from, row.ratio, row.minimum, row.focus_ratio)
    except rfc.TooFewInspectors:
        outcome = None
    if outcome is None or (outcome.focus_picks, outcome.picks) != (row.focus_picks, row.picks):
        again = "；".join(outcome.focus_picks + outcome.picks) if outcome else "（检查人员不足，无法抽取）"
        check.problem("picks", f"按记录的随机数重新抽取，抽中的机构依次为「{again}」，与记录不符")
    elif same_pool and outcome.inspectors != row.inspectors:
        again = ";".join("+".join(team) for team in outcome.inspectors)
        check.problem("inspectors", f"按记录的随机数与现有检查人员名录库重新抽取，检查人员为「{again}」，与记录不符")
    if len(row.inspectors) != len(row.focus_picks) + len(row.picks):
        check.problem("inspectors", f"应为 {len(row.focus_picks) + len(row.picks)} 组（每个抽中机构一组），这里是 {len(row.inspectors)} 组")
    for team in row.inspectors:
        for inspector in team:
            if inspector not in supervision.inspectors:
                check.problem("inspectors", f"检查人员 {inspector} 不在 {INSPECTORS_FILE} 中（用过的编号不能删除）")


def check_inspection(check: RowChecker, row: Inspection, registry: Registry, supervision: Supervision) -> None:
    org = registry.organisations.get(row.credit_code)
    if org is None:
        check.problem("credit_code", f"{row.credit_code} 不在 registry.csv 中")
    elif row.date and not filed_as_day_began(org, row.date):
        check.problem("date", f"{org.name} 在 {row.date} 当日开始时不是已备案且在备案有效期内的机构，不能记录对它的检查")
    shape = ROUND_SHAPE.fullmatch(row.round)
    if shape and row.kind in ROUND_CATEGORY and shape[2] != ROUND_CATEGORY[row.kind]:
        check.problem("round", f"{row.kind}的批次应为 年份-{ROUND_CATEGORY[row.kind]}-序号，这里是「{row.round}」")
    drawn = supervision.draw(row.round)
    if row.kind == DRAWN:
        if drawn is None:
            check.problem("round", f"批次「{row.round}」不在 {DRAWS_FILE} 中：双随机抽查须先用 invoke draw 抽取")
        elif row.credit_code not in drawn.teams:
            check.problem("credit_code", f"{row.credit_code} 不是批次 {row.round} 抽中的机构")
        else:
            if row.date and row.date < drawn.date:
                check.problem("date", f"检查日期早于批次 {row.round} 的抽取日期 {drawn.date}")
            if set(row.inspectors) != set(drawn.teams[row.credit_code]):
                check.problem("inspectors", f"双随机抽查须由抽中的检查人员 {'、'.join(drawn.teams[row.credit_code])} 检查")
    if len(row.inspectors) < rfc.INSPECTORS_PER_ORGANISATION:
        check.problem("inspectors", "每次检查至少两名检查人员")
    for inspector_id in row.inspectors:
        inspector = supervision.inspectors.get(inspector_id)
        if inspector is None:
            check.problem("inspectors", f"检查人员 {inspector_id} 不在 {INSPECTORS_FILE} 中")
        elif row.credit_code in inspector.excluded:
            check.problem("inspectors", f"检查人员 {inspector_id}（{inspector.name}）须回避该机构，不能参加检查")
    if row.result == RECTIFY:
        if row.deadline is None:
            check.problem("deadline", "责令整改须写明整改期限")
        elif row.date and row.deadline <= row.date:
            check.problem("deadline", "整改期限须晚于检查日期")
    elif row.deadline is not None:
        check.problem("deadline", "只有责令整改才写整改期限，请留空")
    if row.result in (RECTIFY, FAILED) and not row.note:
        check.problem("note", f"检查结果为{row.result}时须写明发现的问题")


def check_sequence(label: str, inspections: list[Inspection], sink: list[Problem]) -> None:
    """整改完成 closes an earlier 责令整改 of the same organisation and round, once; an
    organisation's results do not go back in time."""
    open_orders: dict[tuple[str, str], Inspection] = {}
    last: dict[str, Inspection] = {}
    for row in inspections:
        key = (row.credit_code, row.round)
        before = last.get(row.credit_code)
        if before and row.date and before.date and row.date < before.date:
            sink.append(Problem(label, row.line, "date", f"日期早于该机构上一条检查记录（第 {before.line} 行，{before.date}），记录须按时间先后排列"))
        last[row.credit_code] = row
        if row.result == RECTIFIED:
            order = open_orders.pop(key, None)
            if order is None:
                sink.append(Problem(label, row.line, "result", f"整改完成须在同一批次的责令整改之后：批次 {row.round} 中该机构没有未完成的责令整改"))
        elif row.result == RECTIFY:
            open_orders[key] = row
        elif row.result in (CLEAR, FAILED) and key in open_orders:
            open_orders.pop(key)  # a later check in the round settles the order either way


def check_citations(history_label: str, registry: Registry, supervision: Supervision, sink: list[Problem]) -> None:
    """A removal that cites an inspection (``依据检查：文书编号``) cites a 不合格 of that
    organisation, dated no later than the removal."""
    for event in registry.events:
        match = CITATION.search(event.note) if event.event == "移出" else None
        if not match:
            continue
        cited = supervision.by_document(match[1].strip())
        if cited is None:
            sink.append(Problem(history_label, event.line, "note", f"所依据的检查「{match[1]}」不在 {INSPECTIONS_FILE} 中"))
        elif cited.credit_code != event.credit_code or cited.result != FAILED or cited.date > event.date:
            sink.append(Problem(history_label, event.line, "note", f"所依据的检查「{match[1]}」须是该机构在移出之前结果为不合格的检查"))


def check_supervision(folder: Path, reference_folder: Path, registry: Registry | None,
                      history_label: str = "history.csv") -> tuple[list[Problem], Supervision | None]:
    """Every rule of the supervision files (the checks against the registry only when one is
    given, i.e. the registry itself is valid). Never writes."""
    problems: list[Problem] = []
    supervision = Supervision()
    items_table = read_table(reference_folder / ITEMS_FILE, ITEM_FIELDS)
    problems += items_table.problems
    items = [InspectionItem(*row) for row in parsed_rows(items_table, item_rules(), ITEM_FIELDS, problems)]
    unique(items_table.label, items, lambda i: i.code, "code", "事项编码", problems)
    supervision.items = {i.code: i for i in items}
    tables = {name: read_optional(folder / name, fields) for name, fields in
              ((INSPECTORS_FILE, INSPECTOR_FIELDS), (DRAWS_FILE, DRAW_FIELDS), (INSPECTIONS_FILE, INSPECTION_FIELDS))}
    for table in filter(None, tables.values()):
        problems += table.problems
    rows = {name: parsed_rows(table, rules, fields, problems) if table else [] for (name, table), rules, fields in zip(
        tables.items(), (inspector_rules(), draw_rules(), inspection_rules(supervision.items)),
        (INSPECTOR_FIELDS, DRAW_FIELDS, INSPECTION_FIELDS))}
    inspectors = [Inspector(*row) for row in rows[INSPECTORS_FILE]]
    supervision.inspectors = {i.id: i for i in sorted(inspectors, key=lambda i: i.id)}
    supervision.draws = [Draw(*row) for row in rows[DRAWS_FILE]]
    supervision.inspections = [Inspection(*row) for row in rows[INSPECTIONS_FILE]]
    if problems or registry is None:  # the checks across files need every cell readable
        return sorted(problems, key=lambda p: (p.file, p.line)), None
    check_inspectors(INSPECTORS_FILE, inspectors, registry, problems)
    unique(DRAWS_FILE, supervision.draws, lambda d: d.round, "round", "批次", problems)
    for row in supervision.draws:
        check_draw(RowChecker(DRAWS_FILE, row.line, problems), row, registry, supervision)
    unique(INSPECTIONS_FILE, supervision.inspections, lambda i: i.document, "document", "文书编号", problems)
    for row in supervision.inspections:
        check_inspection(RowChecker(INSPECTIONS_FILE, row.line, problems), row, registry, supervision)
    check_sequence(INSPECTIONS_FILE, supervision.inspections, problems)
    check_citations(history_label, registry, supervision, problems)
    problems.sort(key=lambda p: (p.file, p.line))
    return problems, (None if problems else supervision)


def supervision_folder(registry_path: str | Path) -> Path:
    """The supervision files live beside registry.csv: staff commands write them together."""
    return Path(registry_path).resolve().parent


def load_supervision(registry_path: str | Path, reference_folder: Path, registry: Registry,
                     history_label: str = "history.csv") -> Supervision:
    """The checked supervision files beside ``registry_path``; raises InvalidInput."""
    problems, supervision = check_supervision(supervision_folder(registry_path), reference_folder, registry, history_label)
    if errors(problems):
        raise InvalidInput(errors(problems))
    return supervision
