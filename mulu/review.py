"""What a pull request changes in the registry, in words a reviewer can act on (Markdown).

The base is read with ``git show REV:./registry.csv``; the working tree's files are compared with
it organisation by organisation, and the validator's verdict on the working tree is appended.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .grants import Grant, parse_occupations
from .problems import Refused, errors
from .reference import Reference
from .schema import FILED, HISTORY_FIELDS, NOTICE, REGISTRY_COLUMNS, REMOVED
from .validate import validate_files
from .workflow import grant_text

TITLES = {c.name: c.title for c in REGISTRY_COLUMNS}
# Not worth a reviewer's attention: every change moves ``updated``.
QUIET = ("credit_code", "updated")
# What a status change explains; shown on the status line rather than as field changes.
EXPLAINED_BY_STATUS = ("filing_no", "valid_from", "valid_until", "status_note")
LIST_LIMIT = 100


def git(folder: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(folder), *arguments], capture_output=True, text=True)


def resolve_base(folder: Path, base: str | None) -> str:
    """The revision to compare with: as given, else ``origin/main``, else ``HEAD``."""
    for candidate in ([base] if base else ["origin/main", "HEAD"]):
        if git(folder, "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}").returncode == 0:
            return candidate
    if base:
        raise Refused(f"找不到 git 版本「{base}」；请用 --base 指定分支、标签或提交")
    raise Refused(f"{folder} 不在 git 仓库中，或仓库还没有任何提交；无法比较")


def text_at(folder: Path, revision: str, name: str) -> str:
    """A file's text at a revision; empty when the file did not exist there."""
    shown = subprocess.run(["git", "-C", str(folder), "show", f"{revision}:./{name}"], capture_output=True)
    return shown.stdout.decode("utf-8-sig", errors="replace") if shown.returncode == 0 else ""


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


@dataclass
class Review:
    reference: Reference
    added: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    occupations: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    new_events: list[dict[str, str]] = field(default_factory=list)
    lost_events: list[dict[str, str]] = field(default_factory=list)
    verdict: list[str] = field(default_factory=list)
    ok: bool = True
    names: dict[str, str] = field(default_factory=dict)  # credit code → name, for the event table

    @property
    def changed(self) -> bool:
        return any((self.added, self.deleted, self.statuses, self.occupations, self.fields, self.new_events, self.lost_events))


def grants_of(row: dict[str, str]) -> dict[str, Grant]:
    grants, _ = parse_occupations(row.get("occupations", ""))
    return {g.code: g for g in grants}


def occupation_changes(old: dict[str, str], new: dict[str, str], reference: Reference) -> list[str]:
    before, after = grants_of(old), grants_of(new)
    found = [f"新增 {grant_text(g, reference)}" for code, g in after.items() if code not in before]
    found += [f"减少 {grant_text(g, reference)}" for code, g in before.items() if code not in after]
    found += [f"{g.title}（{code}）等级 {reference.levels_text(before[code].levels)} → {reference.levels_text(g.levels)}"
              for code, g in after.items() if code in before and before[code].levels != g.levels]
    return found


def status_line(old: dict[str, str], new: dict[str, str]) -> str:
    line = f"**{new['name']}**（{new['credit_code']}）：{old['status']} → **{new['status']}**"
    if new["status"] == FILED and old["status"] == NOTICE:
        line += f"，备案编号 {new['filing_no']}，有效期 {new['valid_from']} 至 {new['valid_until']}"
    elif new["status"] == REMOVED:
        line += f"，{new['status_note']}"
    return line


def compare_registry(review: Review, base: list[dict[str, str]], head: list[dict[str, str]]) -> None:
    before = {r["credit_code"]: r for r in base}
    after = {r["credit_code"]: r for r in head}
    for code, new in after.items():
        old = before.get(code)
        if old is None:
            grants = "；".join(grant_text(g, review.reference) for g in grants_of(new).values())
            filed = f"，备案编号 {new['filing_no']}，有效期 {new['valid_from']} 至 {new['valid_until']}" if new["filing_no"] else ""
            review.added.append(f"**{new['name']}**（{code}，{new['org_type']}，{new['scope']}，{new['status']}"
                                f"，公示期 {new['notice_from']} 至 {new['notice_until']}{filed}）：{grants}")
            continue
        if old["status"] != new["status"]:
            review.statuses.append(status_line(old, new))
        changes = occupation_changes(old, new, review.reference)
        if changes:
            review.occupations.append(f"**{new['name']}**（{code}）：" + "；".join(changes))
        quiet = QUIET + ("occupations", "status") + (EXPLAINED_BY_STATUS if old["status"] != new["status"] else ())
        fields = [f"{TITLES[name]} 「{old.get(name, '')}」→「{new.get(name, '')}」"
                  for name in TITLES if name not in quiet and old.get(name) != new.get(name)]
        if fields:
            review.fields.append(f"**{new['name']}**（{code}）：" + "；".join(fields))
    review.deleted += [f"**{old['name']}**（{code}，{old['status']}）" for code, old in before.items() if code not in after]


def compare_history(review: Review, base: list[dict[str, str]], head: list[dict[str, str]]) -> None:
    def key(row):
        return tuple(row.get(name, "") for name in HISTORY_FIELDS)

    before, after = Counter(map(key, base)), Counter(map(key, head))
    review.new_events = [dict(zip(HISTORY_FIELDS, k)) for k in (after - before).elements()]
    review.lost_events = [dict(zip(HISTORY_FIELDS, k)) for k in (before - after).elements()]


def review_files(registry_path: Path, history_path: Path, base: str | None, reference: Reference,
                 settings: dict, today: dt.date) -> tuple[str, Review]:
    """The base revision used and the review of the working tree against it."""
    folder = registry_path.resolve().parent
    revision = resolve_base(folder, base)
    review = Review(reference)
    base_rows = rows_of(text_at(folder, revision, registry_path.name))
    head_rows = rows_of(registry_path.read_text("utf-8-sig"))
    review.names = {r["credit_code"]: r["name"] for r in base_rows + head_rows}
    compare_registry(review, base_rows, head_rows)
    compare_history(review, rows_of(text_at(history_path.resolve().parent, revision, history_path.name)),
                    rows_of(history_path.read_text("utf-8-sig")))
    report = validate_files(registry_path, history_path, reference, settings, today)
    review.verdict = [str(p) for p in errors(report.problems)] if not report.ok else [report.summary()]
    review.ok = report.ok
    return revision, review


def bullets(title: str, items: list[str], note: str = "") -> list[str]:
    if not items:
        return []
    lines = [f"### {title}（{len(items)}）", ""] + ([note, ""] if note else [])
    lines += [f"- {item}" for item in items[:LIST_LIMIT]]
    if len(items) > LIST_LIMIT:
        lines.append(f"- ……另有 {len(items) - LIST_LIMIT} 项")
    return lines + [""]


def event_table(title: str, events: list[dict[str, str]], names: dict[str, str], note: str = "") -> list[str]:
    if not events:
        return []
    lines = [f"### {title}（{len(events)}）", ""] + ([note, ""] if note else [])
    lines += ["| 日期 | 机构 | 事项 | 状态 | 文号 | 说明 |", "| --- | --- | --- | --- | --- | --- |"]
    for e in events[:LIST_LIMIT]:
        org = names.get(e["credit_code"], e["credit_code"])
        lines.append("| " + " | ".join(cell(v) for v in (e["date"], org, e["event"], e["status"], e["document"], e["note"])) + " |")
    if len(events) > LIST_LIMIT:
        lines.append(f"\n……另有 {len(events) - LIST_LIMIT} 条")
    return lines + [""]


def render_review(revision: str, review: Review) -> str:
    lines = [f"## 目录变更摘要（与 `{revision}` 相比）", ""]
    if not review.changed:
        lines += ["registry.csv 与 history.csv 没有变化。", ""]
    lines += bullets("新增机构", review.added)
    lines += bullets("状态变化", review.statuses)
    lines += bullets("评价职业变化", review.occupations)
    lines += bullets("其他字段变化", review.fields)
    lines += bullets("⚠️ 被删除的机构", review.deleted, "目录的行不应删除：移出目录请用 invoke remove，使公众仍能查到。")
    lines += event_table("history.csv 新增记录", review.new_events, review.names)
    lines += event_table("⚠️ history.csv 原有记录被删除或改动", review.lost_events, review.names,
                         "history.csv 只应追加；改正笔误请用 invoke correct。")
    lines += ["### 校验结果", ""]
    if review.ok:
        lines += [f"✅ {review.verdict[0]}"]
    else:
        lines += [f"❌ 校验未通过，共 {len(review.verdict)} 个错误：", "", "```", *review.verdict[:LIST_LIMIT], "```"]
    return "\n".join(lines) + "\n"
