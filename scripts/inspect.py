"""invoke inspect: record the result of one inspection in inspections.csv."""

from __future__ import annotations

import argparse
import sys

from mulu.supervision.steps import record_inspection

from .common import iso_date, run
from .steps import carry_out, step_parser


def body(ctx, args) -> int:
    return carry_out(ctx, args, record_inspection, args.credit_code, args.round, args.items or [], args.result,
                     args.document or "", args.deadline, args.inspectors or [], args.kind or "", args.note or "")


def arguments() -> argparse.ArgumentParser:
    p = step_parser("记录检查结果：写入 inspections.csv（--date 为检查日期）")
    p.add_argument("--round", required=True, help="批次，如 2026-双随机-2、2026-投诉-3")
    p.add_argument("--items", action="append", help="检查事项编码，如 JC-01,JC-02；可重复")
    p.add_argument("--result", required=True, help="未发现问题、责令整改、整改完成或不合格")
    p.add_argument("--document", help="检查结果文书编号，如 沪职鉴督〔2026〕15号")
    p.add_argument("--deadline", type=iso_date, help="责令整改的整改期限 YYYY-MM-DD")
    p.add_argument("--inspectors", action="append", help="检查人员编号，如 JC001,JC007（双随机抽查默认为抽中的两人）")
    p.add_argument("--kind", help="检查类别（默认按批次：双随机抽查、专项检查、投诉核查、质量督导）")
    p.add_argument("--note", help="说明；责令整改、不合格时写明发现的问题")
    return p


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
