"""invoke verify: was an organisation authorised for an occupation and level on a given day?"""

from __future__ import annotations

import argparse
import json
import sys

from mulu.verify import Names, QuestionError, data_date, describe, verify
from mulu.validate import load_registry

from .common import EXIT_OK, fail, run

VERDICTS = {"authorised": "已获授权", "not_authorised": "未获授权", "unknown": "无法判断"}


def body(ctx, args) -> int:
    registry = load_registry(ctx.settings, ctx.today, ctx.registry_path, ctx.history_path)
    try:
        line, answer = verify(registry, args.org, args.occupation, args.level, args.on, data_date(registry, ctx.today))
    except QuestionError as exc:
        return fail(str(exc))
    names = Names(registry.reference)
    events = [describe(line, index, args.occupation.strip(), names) for index in answer.refs]
    if args.json:
        cited = [line.events[index] for index in answer.refs]
        print(json.dumps({
            "authorised": answer.authorised, "answer": answer.verdict, "code": answer.code, "reason": answer.reason,
            "events": [{"date": e.date.isoformat(), "event": e.event, "document": e.document, "text": text}
                       for e, text in zip(cited, events)],
        }, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{line.name}（{line.credit_code}，备案编号 {line.filing_no or '无'}）")
    print(f"结论：{VERDICTS[answer.verdict]}")
    print(answer.reason)
    if events:
        print("依据：")
        for event in events:
            print(f"  {event}")
    return EXIT_OK


def arguments() -> argparse.ArgumentParser:
    # The shared parser's --date means "the day to work as of"; here the date is the question.
    p = argparse.ArgumentParser(description="核查机构在某日是否具备某职业、某等级的评价资格")
    p.add_argument("--conf", default="pelicanconf.py", help="设置文件（默认 pelicanconf.py）")
    p.add_argument("--registry", help="registry.csv 的路径（默认取自设置）")
    p.add_argument("--history", help="history.csv 的路径（默认取自设置）")
    p.add_argument("--org", required=True, help="统一社会信用代码或备案编号")
    p.add_argument("--occupation", required=True, help="职业编码，如 6-31-01-03")
    p.add_argument("--level", required=True, help="技能等级 1–5（5 为五级/初级工）")
    p.add_argument("--date", dest="on", required=True, help="要核查的日期，YYYY-MM-DD（如证书的发证日期）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    return p


def main(argv=None) -> int:
    args = arguments().parse_args(argv)
    args.date = None  # the data date is today (or MULU_TODAY), not the day asked about
    return run(body, args)


if __name__ == "__main__":
    sys.exit(main())
