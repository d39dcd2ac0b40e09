"""invoke remove: take an organisation out of the directory (移出目录); its row stays."""

from __future__ import annotations

import argparse
import sys

from mulu.workflow import remove

from .common import run
from .steps import carry_out, step_parser


def body(ctx, args) -> int:
    return carry_out(ctx, args, remove, args.credit_code, args.reason or "", args.document or "",
                     args.inspection or "")


def arguments() -> argparse.ArgumentParser:
    p = step_parser("移出目录：状态改为已移出，保留该行与原因、文号")
    p.add_argument("--reason", help="移出原因，如「超出备案范围开展评价」")
    p.add_argument("--document", help="文号，如 沪人社职〔2026〕88号")
    p.add_argument("--inspection", help="移出所依据的不合格检查的文书编号（见 inspections.csv）")
    return p


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
