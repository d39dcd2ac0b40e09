"""The staff steps that change the registry: 公示, 备案, 变更, 延续, 移出, 更正.

Every step works on a :class:`Book`: the registry pair read and validated under the folder's
write lock, changed in memory, validated again as the exact bytes to be written, then committed
together. A step that cannot be done raises :class:`~mulu.problems.Refused` (or
:class:`~mulu.problems.InvalidInput`) before anything is written.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import codes
from .csvio import cell, commit_files, folder_lock
from .dates import calendar, term_end
from .grants import Grant, format_occupations, normalize_occupations, parse_occupations
from .model import Organisation, Registry
from .problems import InvalidInput, Problem, Refused, errors
from .reference import Reference
from .schema import FILED, HISTORY_FIELDS, NOTICE, REGISTRY_COLUMNS, REGISTRY_FIELDS, REMOVED
from .store import render_pair
from .supervision.records import Supervision, check_supervision
from .supervision.schema import FAILED, INSPECTIONS_FILE
from .validate import occupations_rule, validate_files

NATIONAL_CODE_NOTE = re.compile(r"全国备案机构代码 ?(\d{4})")
# Fields a typo may be corrected in; the others have their own step (or are the key).
CORRECTABLE = ("name", "org_type", "district", "address", "phone", "website")
COLUMN_TITLES = {c.name: c.title for c in REGISTRY_COLUMNS}


def cells_of(record, fields: tuple[str, ...]) -> dict[str, str]:
    """The CSV cells of a validated organisation or event (the model keeps every column)."""
    return {name: cell(getattr(record, name)) for name in fields}


def grant_text(grant: Grant, reference: Reference) -> str:
    return f"{grant.title}（{grant.code}，{reference.levels_text(grant.levels)}）"


@dataclass
class Book:
    """The registry pair in memory while one step changes it."""

    registry: Registry  # as validated on loading
    rows: dict[str, dict[str, str]]  # registry cells by credit code
    events: list[dict[str, str]]  # history cells in file order
    registry_path: Path
    history_path: Path
    settings: dict
    today: dt.date
    supervision: Supervision  # the inspection items, pool, draws and inspections beside the registry

    @property
    def reference(self) -> Reference:
        return self.registry.reference

    def org(self, credit_code: str) -> Organisation:
        """The organisation with this credit code (or 备案编号), or a refusal that says why not."""
        org = self.registry.find(credit_code.strip())
        if org:
            return org
        problem = codes.uscc_problem(credit_code) if not codes.parse_filing_no(credit_code) else None
        hint = f"（{problem}）" if problem else "；请核对代码，或运行 invoke report 查看目录中的机构"
        raise Refused(f"{self.registry_path.name} 中没有统一社会信用代码或备案编号为「{credit_code}」的机构{hint}")

    def require_status(self, org: Organisation, allowed: tuple[str, ...], step: str) -> None:
        if org.status not in allowed:
            raise Refused(f"{org.name}（{org.credit_code}）的状态是「{org.status}」，只有{'或'.join(allowed)}的机构才能{step}")

    def require_within_term(self, org: Organisation, step: str) -> None:
        if not org.valid_from <= self.today <= org.valid_until:
            raise Refused(f"{self.today} 不在 {org.name} 的备案有效期（{org.valid_from} 至 {org.valid_until}）内，不能{step}"
                          "；期满的机构请先办理延续（invoke renew）")

    def record(self, credit_code: str, event: str, document: str = "", note: str = "") -> None:
        """Append an event holding the organisation's state after it, dated today."""
        org = self.registry.organisations.get(credit_code)
        if org and org.events and org.events[-1].date > self.today:
            last = org.events[-1]
            raise Refused(f"办理日期 {self.today} 早于该机构最近一条记录（{last.date} {last.event}），记录须按时间先后排列；请用 --date 指定正确日期")
        row = self.rows[credit_code]
        row["updated"] = self.today.isoformat()
        self.events.append({
            "date": self.today.isoformat(), "credit_code": credit_code, "event": event,
            "occupations": row["occupations"], "valid_from": row["valid_from"],
            "valid_until": row["valid_until"], "status": row["status"],
            "document": document.strip(), "note": note.strip(),
        })

    def commit(self) -> None:
        """Validate the exact bytes to be written, then replace both files together."""
        registry_data, history_data = render_pair(list(self.rows.values()), self.events)
        with tempfile.TemporaryDirectory() as scratch:
            registry_copy = Path(scratch) / self.registry_path.name
            history_copy = Path(scratch) / self.history_path.name
            registry_copy.write_bytes(registry_data)
            history_copy.write_bytes(history_data)
            report = validate_files(registry_copy, history_copy, self.reference, self.settings, self.today)
        problems = errors(report.problems)
        if not problems:  # the supervision files must still agree with the registry (a removal's citation)
            problems = errors(check_supervision(self.registry_path.parent, self.reference.folder, report.registry,
                                                self.history_path.name)[0])
        if problems:
            raise Refused("办理后的数据未通过校验，未写入：", *(str(p) for p in problems))
        commit_files({self.registry_path: registry_data, self.history_path: history_data})


@contextmanager
def open_book(registry_path: str | Path, history_path: str | Path, reference: Reference,
              settings: dict, today: dt.date):
    """The validated registry pair, held under the folder's write lock until the step ends."""
    registry_path, history_path = Path(registry_path).resolve(), Path(history_path).resolve()
    if registry_path.parent != history_path.parent:
        raise Refused(f"{registry_path.name} 与 {history_path.name} 须在同一个文件夹中（两者总是一起写入）")
    with folder_lock(registry_path.parent):
        report = validate_files(registry_path, history_path, reference, settings, today)
        problems, supervision = check_supervision(registry_path.parent, reference.folder, report.registry, history_path.name)
        if not report.ok or errors(problems):
            raise InvalidInput(errors(report.problems) + errors(problems) + [Problem(registry_path.name, 0, "-", "目录本身未通过校验，请先改正（invoke validate）再办理")])
        registry = report.registry
        rows = {code: cells_of(org, REGISTRY_FIELDS) for code, org in registry.organisations.items()}
        events = [cells_of(event, HISTORY_FIELDS) for event in registry.events]
        yield Book(registry, rows, events, registry_path, history_path, settings, today, supervision)


# --- 公示 --------------------------------------------------------------------------------

def notice_period(settings: dict, today: dt.date) -> tuple[dt.date, dt.date]:
    """The 公示 period: from the first working day after today, for the set number of working days."""
    days = calendar(settings)
    start = days.next_working_day(today)
    return start, days.add_working_days(start, settings["MULU_NOTICE_WORKING_DAYS"])


def intake(book: Book, row: dict[str, str], national_code: str = "") -> list[str]:
    """Add a checked application's row as 公示中, with its 公示 event."""
    book.rows[row["credit_code"]] = row
    note = "材料审核通过，进入公示"
    if national_code:
        note += f"；全国备案机构代码 {national_code}"
    book.record(row["credit_code"], "公示", note=note)
    book.commit()
    grants, _ = parse_occupations(row["occupations"])
    return [
        f"已登记公示：{row['name']}（{row['credit_code']}），公示期 {row['notice_from']} 至 {row['notice_until']}",
        *(f"  评价职业：{grant_text(g, book.reference)}" for g in grants),
        f"公示期满后运行 invoke approve {row['credit_code']} --document 文号 办理备案。",
    ]


# --- 备案 --------------------------------------------------------------------------------

def next_sequence(registry: Registry) -> int:
    """The next free 6-digit sequence: one running number over the whole registry."""
    numbers = [codes.parse_filing_no(o.filing_no) for o in registry.organisations.values() if o.filing_no]
    return max((int(n.seq) for n in numbers if n), default=0) + 1


def national_code_of(org: Organisation, given: str) -> str:
    """The 4-digit code of a nationally filed organisation: given now, or noted at 公示."""
    if not given:
        noted = [m[1] for e in org.events if (m := NATIONAL_CODE_NOTE.search(e.note))]
        given = noted[-1] if noted else ""
    if not given:
        raise Refused(f"{org.name} 为属地备案，请用 --national-code 给出其全国备案编号中的 4 位机构代码")
    if not re.fullmatch(r"\d{4}", given) or given == codes.LOCAL_ORG_CODE:
        raise Refused(f"全国备案机构代码「{given}」应为 4 位数字且不能是 0000")
    return given


def filing_number(book: Book, org: Organisation, national_code: str) -> str:
    org_code = national_code_of(org, national_code) if org.scope == "属地备案" else codes.LOCAL_ORG_CODE
    return f"S{org_code}{book.settings['MULU_PROVINCE_CODE']}{next_sequence(book.registry):06d}"


def approve(book: Book, credit_code: str, document: str, force_reason: str = "", national_code: str = "") -> list[str]:
    """备案: after the 公示 period, a 备案编号 and a term; returns what was done."""
    org = book.org(credit_code)
    book.require_status(org, (NOTICE,), "备案")
    if not document.strip():
        raise Refused("备案须写明文号：--document，如 沪人社职〔2026〕12号")
    note = "公示无异议，予以备案"
    if book.today <= org.notice_until:
        if not force_reason.strip():
            raise Refused(f"{org.name} 的公示期至 {org.notice_until} 结束，{book.today} 尚未期满，不能备案"
                          "；确需提前办理请加 --force 并用 --reason 说明理由")
        note = f"公示期未满即予备案：{force_reason.strip()}"
    # Validity starts once the notice has ended, even when the approval was recorded early.
    valid_from = max(book.today, org.notice_until)
    row = book.rows[org.credit_code]
    row.update(filing_no=filing_number(book, org, national_code), status=FILED,
               valid_from=valid_from.isoformat(),
               valid_until=term_end(valid_from, book.settings["MULU_TERM_YEARS"]).isoformat())
    book.record(org.credit_code, "备案", document, note)
    book.commit()
    return [f"已备案：{org.name}（{org.credit_code}），备案编号 {row['filing_no']}，"
            f"有效期 {row['valid_from']} 至 {row['valid_until']}，文号 {document.strip()}"]


# --- 变更 --------------------------------------------------------------------------------

def parse_entries(entries: list[str], reference: Reference, label: str) -> tuple[list[Grant], list[str]]:
    """Occupation entries (``CODE NAME:LEVELS``) checked against the catalogue, as the registry is."""
    text = normalize_occupations(";".join(e.strip() for e in entries))
    grants, messages = occupations_rule(reference, required=True)(text)
    return list(grants), messages + standard_level_problems(list(grants), reference)


def standard_level_problems(grants: list[Grant], reference: Reference) -> list[str]:
    """Levels the occupation's national standard does not set (where the catalogue lists them)."""
    found = []
    for grant in grants:
        occupation = reference.occupations.get(grant.code)
        if occupation and occupation.levels and not set(grant.levels) <= set(occupation.levels):
            found.append(f"{grant.title}的国家职业技能标准只设{reference.levels_text(occupation.levels)}，"
                         f"不能申请{reference.levels_text(grant.levels)}")
    return found


def amend(book: Book, credit_code: str, add: list[str], remove: list[str], document: str = "") -> list[str]:
    """新增或减少评价项目 within the term; an added occupation already held gets the new levels."""
    org = book.org(credit_code)
    book.require_status(org, (FILED,), "变更评价项目")
    book.require_within_term(org, "变更评价项目")
    if not add and not remove:
        raise Refused("请用 --add \"代码 名称:等级\" 新增，或用 --remove 代码 减少评价项目")
    added, problems = parse_entries(add, book.reference, "--add") if add else ([], [])
    held = {g.code: g for g in org.grants}
    problems += [f"--remove：{code} 不在该机构的评价职业中（现有：{'、'.join(held) }）" for code in remove if code.strip() not in held]
    problems += [f"--add 与 --remove 都含 {g.code}" for g in added if g.code in remove]
    if problems:
        raise Refused(*problems)
    changes = []
    grants = dict(held)
    for code in remove:
        changes.append(f"减少评价项目：{grant_text(grants.pop(code.strip()), book.reference)}")
    for grant in added:
        if grant.code in held and held[grant.code].levels == grant.levels:
            raise Refused(f"{grant_text(grant, book.reference)} 已在该机构的评价职业中，等级相同，无需变更")
        verb = "调整等级" if grant.code in held else "新增评价项目"
        changes.append(f"{verb}：{grant_text(grant, book.reference)}")
        grants[grant.code] = grant
    if not grants:
        raise Refused("变更后该机构将没有任何评价职业；如需移出目录请用 invoke remove")
    book.rows[org.credit_code]["occupations"] = format_occupations(list(grants.values()))
    book.record(org.credit_code, "变更", document, "；".join(changes))
    book.commit()
    return [f"已变更：{org.name}（{org.filing_no}）", *(f"  {c}" for c in changes)]


# --- 延续 --------------------------------------------------------------------------------

def renew(book: Book, credit_code: str, until: dt.date, document: str = "") -> list[str]:
    org = book.org(credit_code)
    book.require_status(org, (FILED,), "延续")
    if until <= org.valid_until:
        raise Refused(f"新的有效期止 {until} 须晚于现在的有效期止 {org.valid_until}")
    book.rows[org.credit_code]["valid_until"] = until.isoformat()
    book.record(org.credit_code, "延续", document, f"备案有效期延续至 {until}")
    book.commit()
    return [f"已延续：{org.name}（{org.filing_no}），有效期 {org.valid_from} 至 {until}（原至 {org.valid_until}）"]


# --- 移出 --------------------------------------------------------------------------------

def remove(book: Book, credit_code: str, reason: str, document: str, inspection: str = "") -> list[str]:
    """移出目录: the row stays, marked 已移出 with the reason and 文号, so the public still sees it.
    A removal may cite the 不合格 inspection that led to it, by its 文书编号."""
    org = book.org(credit_code)
    book.require_status(org, (FILED,), "移出目录")
    missing = [name for name, value in (("--reason 移出原因", reason), ("--document 文号", document)) if not value.strip()]
    if missing:
        raise Refused(f"移出目录须写明{'和'.join(missing)}")
    reason, document = reason.strip(), document.strip()
    note = reason + (f"；依据检查：{cited_inspection(book, org, inspection.strip())}" if inspection.strip() else "")
    book.rows[org.credit_code].update(status=REMOVED, status_note=f"{reason}（{document}）")
    book.record(org.credit_code, "移出", document, note)
    book.commit()
    basis = f"，依据检查 {inspection.strip()}" if inspection.strip() else ""
    return [f"已移出目录：{org.name}（{org.filing_no}），原因：{reason}，文号 {document}{basis}；该行保留，公众仍可查到"]


def cited_inspection(book: Book, org: Organisation, document: str) -> str:
    """The 文书编号 of a 不合格 inspection of this organisation, or a refusal that says why not."""
    cited = book.supervision.by_document(document)
    if cited is None:
        raise Refused(f"{INSPECTIONS_FILE} 中没有文书编号为「{document}」的检查；请核对 --inspection，或运行 invoke report 查看")
    if cited.credit_code != org.credit_code or cited.result != FAILED:
        raise Refused(f"检查 {document} 是对 {cited.credit_code} 的{cited.result}，移出 {org.name} 只能依据对它的不合格检查")
    return document


# --- 更正 --------------------------------------------------------------------------------

def correct(book: Book, credit_code: str, field: str, value: str, reason: str) -> list[str]:
    org = book.org(credit_code)
    if field not in CORRECTABLE:
        choices = "、".join(f"{f}（{COLUMN_TITLES[f]}）" for f in CORRECTABLE)
        raise Refused(f"不能用更正修改「{field}」；可更正的字段为 {choices}。评价职业用 invoke amend，有效期用 invoke renew，状态用 invoke approve/remove")
    if not reason.strip():
        raise Refused("更正须用 --reason 说明原因，如「申请表填写错误」")
    value = value.strip()
    old = book.rows[org.credit_code][field]
    if value == old:
        raise Refused(f"{COLUMN_TITLES[field]}已是「{value}」，无需更正")
    book.rows[org.credit_code][field] = value
    title = COLUMN_TITLES[field]
    book.record(org.credit_code, "更正", note=f"更正{title}：{old or '（空）'} → {value or '（空）'}（{reason.strip()}）")
    book.commit()
    return [f"已更正：{org.name}（{org.credit_code}）的{title}由「{old}」改为「{value}」"]
