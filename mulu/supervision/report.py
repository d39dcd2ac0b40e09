"""What ``invoke report`` adds about supervision: draws with results still to record, orders to
rectify past their deadline, and organisations with two 不合格 within two years (移出 candidates)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..dates import add_years
from ..model import Registry
from ..report import table
from .records import Inspection, Supervision
from .schema import FAILED, RECTIFY

FAILURE_YEARS = 2  # two 不合格 within this many years make an organisation a candidate for 移出


def unrecorded(supervision: Supervision) -> list[tuple[str, str, tuple[str, ...]]]:
    """(round, credit code, inspectors) of each organisation drawn without a result in its round."""
    recorded = {(i.round, i.credit_code) for i in supervision.inspections}
    return [(d.round, code, team) for d in supervision.draws for code, team in d.teams.items()
            if (d.round, code) not in recorded]


def overdue(supervision: Supervision, today: dt.date) -> list[Inspection]:
    """Orders to rectify past their deadline with nothing recorded after them in their round."""
    latest: dict[tuple[str, str], Inspection] = {}
    for inspection in supervision.inspections:
        latest[inspection.round, inspection.credit_code] = inspection
    return [i for i in latest.values() if i.result == RECTIFY and i.deadline < today]


def removal_candidates(registry: Registry, supervision: Supervision) -> list[tuple[str, Inspection, Inspection]]:
    """(credit code, earlier, later) for each filed organisation with two 不合格 within two years."""
    failures = defaultdict(list)
    for inspection in supervision.inspections:
        if inspection.result == FAILED:
            failures[inspection.credit_code].append(inspection)
    found = []
    for code, found_failed in failures.items():
        pairs = [(a, b) for a, b in zip(found_failed, found_failed[1:]) if b.date <= add_years(a.date, FAILURE_YEARS)]
        if pairs and registry.organisations[code].status == "已备案":
            found.append((code, *pairs[-1]))
    return found


def supervision_report(registry: Registry, supervision: Supervision, today: dt.date) -> str:
    orgs = registry.organisations
    waiting = unrecorded(supervision)
    late = overdue(supervision, today)
    candidates = removal_candidates(registry, supervision)
    lines = [f"### 抽中待记录检查结果（{len(waiting)}）", ""]
    lines += table(("批次", "机构", "统一社会信用代码", "检查人员"),
                   [(r, orgs[c].name, c, "、".join(team)) for r, c, team in waiting]) if waiting else ["无。", ""]
    lines += [f"### 责令整改已过期限、尚无整改结果（{len(late)}）", ""]
    lines += table(("批次", "机构", "责令整改日期", "整改期限", "文书编号"),
                   [(i.round, orgs[i.credit_code].name, i.date, i.deadline, i.document) for i in late]) if late else ["无。", ""]
    lines += [f"### {FAILURE_YEARS} 年内两次检查不合格、可予移出（{len(candidates)}）", ""]
    lines += table(("机构", "统一社会信用代码", "不合格检查", "办理命令"), [
        (orgs[code].name, code, f"{a.date} {a.document}；{b.date} {b.document}",
         f'`invoke remove {code} --reason "{FAILURE_YEARS} 年内两次检查不合格" --document 文号 --inspection {b.document}`')
        for code, a, b in candidates]) if candidates else ["无。", ""]
    return "\n".join(["## 监督检查", "", *lines])
