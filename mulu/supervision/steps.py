"""The staff steps of supervision: 抽取 (a 双随机 draw) and 记录检查结果. Each works on the
:class:`~mulu.workflow.Book` of every staff step (the files read and checked under the folder's
write lock), checks the exact bytes it would write, then replaces the files it changed together:
a refused or interrupted step leaves every file as it was."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from ..csvio import by_date, commit_files, render_table
from ..problems import Refused, errors
from ..workflow import Book
from . import draw as rfc
from .records import (Draw, Inspection, Supervision, candidates, check_supervision, is_draw_round,
                      read_optional)
from .store import draw_cells, inspection_cells
from .schema import (DRAW_FIELDS, DRAWS_FILE, INSPECTION_FIELDS, INSPECTIONS_FILE, INSPECTORS_FILE, KINDS,
                     RECTIFY, RESULTS, ROUND_CATEGORY, ROUND_SHAPE)


def file_rows(folder: Path, name: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    """A supervision file's rows as written (none when it does not exist yet)."""
    table = read_optional(folder / name, fields)
    return [row.cells for row in table.rows] if table else []


def commit_rows(book: Book, name: str, fields: tuple[str, ...], row: dict[str, str]) -> None:
    """Add a row to a supervision file: check every supervision file as it would then be, then
    replace it, or refuse and change nothing."""
    folder = book.registry_path.parent
    data = render_table(fields, by_date(file_rows(folder, name, fields) + [row]))
    with tempfile.TemporaryDirectory() as scratch:
        for other in (INSPECTORS_FILE, DRAWS_FILE, INSPECTIONS_FILE):
            if (folder / other).exists():
                (Path(scratch) / other).write_bytes((folder / other).read_bytes())
        (Path(scratch) / name).write_bytes(data)
        problems = errors(check_supervision(Path(scratch), book.reference.folder, book.registry, book.history_path.name)[0])
    if problems:
        raise Refused("办理后的数据未通过校验，未写入：", *(str(p) for p in problems))
    commit_files({folder / name: data})


# --- 抽取 -----------------------------------------------------------------------------------

def parsed(value: str, parse, option: str):
    try:
        return parse(value)
    except ValueError as exc:
        raise Refused(f"{option}：{exc}") from None


def draw(book: Book, round_name: str, ratio: str, minimum: int, beacon: str, source: str,
         focus_ratio: str = "") -> list[str]:
    """A 双随机 draw on the book's day, saved as a record in draws.csv; returns the record in words."""
    supervision = book.supervision
    round_name = round_name.strip()
    if not is_draw_round(round_name):
        raise Refused(f"--round「{round_name}」格式错误，应为 年份-双随机-序号，如 {book.today.year}-双随机-1")
    if done := supervision.draw(round_name):
        raise Refused(f"批次 {round_name} 已于 {done.date} 抽取过，抽取结果不能重做；新的一轮请用新的批次号")
    if not source.strip():
        raise Refused("须用 --source 写明随机数由谁、何时、在何处公布，如「中国福利彩票双色球第 2026135 期开奖号码（2026-11-24 公布）」")
    if minimum < 0:
        raise Refused("--min 不能为负数")
    ratio_value = parsed(ratio, rfc.parse_ratio, "--ratio")
    focus_value = parsed(focus_ratio, rfc.parse_ratio, "--focus-ratio") if focus_ratio.strip() else None
    beacon_text = parsed(beacon, rfc.canonical_beacon, "--beacon")
    if not supervision.inspectors:
        raise Refused(f"{INSPECTORS_FILE} 中还没有检查人员，请先建立检查人员名录库")
    pool = candidates(book.registry, supervision, book.today, focus_value is not None)
    if not pool.focus and not pool.general:
        raise Refused(f"{book.today} 没有已备案且在有效期内的机构可供抽取")
    try:
        outcome = rfc.run_draw(beacon_text, pool, ratio_value, minimum, focus_value)
    except rfc.TooFewInspectors as exc:
        org = book.registry.organisations[exc.credit_code]
        raise Refused(f"抽中的 {org.name}（{org.credit_code}）可派的检查人员不足两名（其余人员须回避），请先充实检查人员名录库") from None
    row = draw_cells(Draw.made(round_name, book.today, beacon_text, source.strip(), ratio_value, minimum, focus_value,
                               pool, supervision.inspectors, outcome))
    commit_rows(book, DRAWS_FILE, DRAW_FIELDS, row)
    return draw_summary(book, row, outcome)


def draw_summary(book: Book, row: dict[str, str], outcome: rfc.Outcome) -> list[str]:
    names = book.registry.organisations
    inspectors = book.supervision.inspectors
    lines = [f"已抽取：批次 {row['round']}（{row['date']}），算法 {row['algorithm']}",
             f"  随机数：{row['beacon']}（{row['beacon_source']}）",
             f"  密钥字符串：{outcome.key}",
             f"  一般对象 {row['eligible']} 个，按 {row['ratio']}、至少 {row['minimum']} 个抽取；名单 SHA-256 {row['eligible_sha256']}"]
    if row["focus_ratio"]:
        lines.append(f"  重点对象 {row['focus_eligible']} 个，按 {row['focus_ratio']} 抽取；名单 SHA-256 {row['focus_sha256']}")
    lines.append(f"  检查人员名录库 {row['inspector_pool']} 人；SHA-256 {row['pool_sha256']}")
    for code, team in zip(outcome.focus_picks + outcome.picks, outcome.inspectors):
        kind = "重点" if code in outcome.focus_picks else "一般"
        people = "、".join(f"{inspectors[i].name}（{i}）" for i in team)
        lines.append(f"  抽中（{kind}）：{names[code].name}（{code}）；检查人员：{people}")
    lines.append(f"记录已写入 {DRAWS_FILE}。检查后用 invoke inspect 信用代码 --round {row['round']} … 记录结果。")
    return lines


# --- 记录检查结果 ---------------------------------------------------------------------------------

def split_list(values: list[str]) -> list[str]:
    """Values given as repeated options, or separated by commas or semicolons."""
    return [part.strip() for value in values for part in value.replace("，", ",").replace(";", ",").split(",") if part.strip()]


def record_inspection(book: Book, credit_code: str, round_name: str, items: list[str], result: str, document: str,
                      deadline: dt.date | None = None, inspectors: list[str] | None = None, kind: str = "",
                      note: str = "") -> list[str]:
    """Add one inspection result to inspections.csv; returns what was recorded."""
    org = book.org(credit_code)
    round_name = round_name.strip()
    shape = ROUND_SHAPE.fullmatch(round_name)
    if not shape:
        raise Refused(f"--round「{round_name}」格式错误，应为 年份-类别-序号，如 2026-双随机-2（类别为 双随机、专项、投诉 或 督导）")
    kind = kind.strip() or next(k for k, category in ROUND_CATEGORY.items() if category == shape[2])
    if kind not in KINDS:
        raise Refused(f"--kind「{kind}」应为 {'、'.join(KINDS)} 之一")
    if result.strip() not in RESULTS:
        raise Refused(f"--result「{result}」应为 {'、'.join(RESULTS)} 之一")
    team = split_list(inspectors or []) or drawn_team(book.supervision, round_name, org.credit_code)
    if not team:
        raise Refused("请用 --inspectors 写明检查人员编号（至少两名），如 --inspectors JC001,JC007")
    row = inspection_cells(Inspection(0, round_name, org.credit_code, kind, tuple(split_list(items)), book.today,
                                      result.strip(), deadline, tuple(team), document.strip(), note.strip()))
    commit_rows(book, INSPECTIONS_FILE, INSPECTION_FIELDS, row)
    follow = f"，整改期限 {row['deadline']}" if row["result"] == RECTIFY else ""
    return [f"已记录：{org.name}（{org.credit_code}）批次 {round_name} {kind}，{row['date']} {row['result']}{follow}，"
            f"文书编号 {row['document']}", f"  检查事项：{row['items']}；检查人员：{row['inspectors']}"]


def drawn_team(supervision: Supervision, round_name: str, credit_code: str) -> list[str]:
    """The inspectors a draw picked for this organisation, if it was drawn in this round."""
    drawn = supervision.draw(round_name)
    return list(drawn.teams.get(credit_code, ())) if drawn else []
