"""invoke renew: extend a filing's term (延续)."""

from __future__ import annotations

import argparse
import sys

from mulu.workflow import renew

from .common import iso_date, run
from .steps import carry_out, step_parser


def body(ctx, args) -> int:
    return carry_out(ctx, args, renew, args.credit_code, args.until, args.document or "", receipt=True)


def arguments() -> argparse.ArgumentParser:
    p = step_parser("延续：把备案有效期延长到新的日期", receipt=True)
    p.add_argument("--until", type=iso_date, required=True, help="新的备案有效期止，YYYY-MM-DD")
    p.add_argument("--document", help="文号（可空）")
    return p


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
