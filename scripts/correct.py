"""invoke correct: fix a typo in an organisation's details (更正)."""

from __future__ import annotations

import argparse
import sys

from mulu.workflow import correct

from .common import run
from .steps import carry_out, step_parser


def body(ctx, args) -> int:
    return carry_out(ctx, args, correct, args.credit_code, args.field, args.value, args.reason or "")


def arguments() -> argparse.ArgumentParser:
    p = step_parser("更正：改正机构信息中的笔误（名称、类型、所在区、地址、电话、网址）")
    p.add_argument("--field", required=True, help="字段名，如 address、phone")
    p.add_argument("--value", required=True, help="改正后的值（网址可为空字符串）")
    p.add_argument("--reason", help="更正原因")
    return p


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
