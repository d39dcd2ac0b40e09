"""invoke amend: add or drop evaluation items (新增或减少评价项目) within the filing term."""

from __future__ import annotations

import argparse
import sys

from mulu.workflow import amend

from .common import run
from .steps import carry_out, step_parser


def body(ctx, args) -> int:
    return carry_out(ctx, args, amend, args.credit_code, args.add or [], args.remove or [],
                     args.document or "", receipt=True)


def arguments() -> argparse.ArgumentParser:
    p = step_parser("变更：在有效期内新增或减少评价项目", receipt=True)
    p.add_argument("--add", action="append", help="新增的评价职业「代码 名称:等级」，如「6-31-01-03 电工:5-3」；已有的职业则改为新等级；可重复")
    p.add_argument("--remove", action="append", help="减少的评价职业代码，如 6-31-01-03；可重复")
    p.add_argument("--document", help="文号（可空）")
    return p


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
