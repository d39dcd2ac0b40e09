"""The staff overview: counts, filings about to expire, notices waiting for approval (Markdown)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from .model import PUBLIC_STATUSES, Registry
from .schema import FILED, NOTICE, ORG_TYPES, STATUSES


def table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return lines + ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in rows] + [""]


def staff_report(registry: Registry, today: dt.date, warning_days: int) -> str:
    orgs = list(registry.organisations.values())
    public = Counter(o.public_status(today, warning_days) for o in orgs)
    by_type = Counter((o.org_type, o.status) for o in orgs)
    expiring = sorted((o for o in orgs if o.status == FILED and 0 <= (o.valid_until - today).days <= warning_days),
                      key=lambda o: o.valid_until)
    waiting = sorted((o for o in orgs if o.status == NOTICE and o.notice_until < today), key=lambda o: o.notice_until)
    noticing = sorted((o for o in orgs if o.status == NOTICE and o.notice_until >= today), key=lambda o: o.notice_until)
    lines = [f"## 目录概况（{today}）", "", f"共 {len(orgs)} 个机构，{len(registry.events)} 条记录。", ""]
    lines += ["### 按状态", ""]
    lines += table(("状态", *STATUSES), [("机构数", *(sum(by_type[t, s] for t in ORG_TYPES) for s in STATUSES))])
    lines += table(("公众看到的状态", *PUBLIC_STATUSES), [("机构数", *(public[s] for s in PUBLIC_STATUSES))])
    lines += ["### 按机构类型", ""]
    lines += table(("机构类型", *STATUSES, "合计"),
                   [(t, *(by_type[t, s] for s in STATUSES), sum(by_type[t, s] for s in STATUSES)) for t in ORG_TYPES])
    lines += [f"### {warning_days} 天内到期（{len(expiring)}）", ""]
    lines += table(("机构", "备案编号", "有效期止", "剩余天数"),
                   [(o.name, o.filing_no, o.valid_until, (o.valid_until - today).days) for o in expiring]) if expiring else ["无。", ""]
    lines += [f"### 公示期已满、待备案（{len(waiting)}）", ""]
    lines += table(("机构", "统一社会信用代码", "公示结束", "办理命令"),
                   [(o.name, o.credit_code, o.notice_until, f"`invoke approve {o.credit_code} --document 文号`") for o in waiting]) if waiting else ["无。", ""]
    lines += [f"### 公示中（{len(noticing)}）", ""]
    lines += table(("机构", "统一社会信用代码", "公示期"),
                   [(o.name, o.credit_code, f"{o.notice_from} 至 {o.notice_until}") for o in noticing]) if noticing else ["无。", ""]
    return "\n".join(lines)
