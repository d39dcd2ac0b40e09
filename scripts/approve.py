"""invoke approve: file an organisation after its 公示, and issue the 备案回执."""

from __future__ import annotations

import argparse
import sys

from mulu.problems import Refused
from mulu.workflow import approve

from .common import run
from .steps import carry_out, step_parser


def body(ctx, args) -> int:
    if args.force and not args.reason:
        raise Refused("--force 须同时用 --reason 说明提前备案的理由")
    return carry_out(ctx, args, approve, args.credit_code, args.document or "",
                     args.reason if args.force else "", args.national_code or "", receipt=True)


def arguments() -> argparse.ArgumentParser:
    p = step_parser("备案：公示期满后赋予备案编号与有效期，并出具备案回执", receipt=True)
    p.add_argument("--document", help="备案文号，如 沪人社职〔2026〕12号")
    p.add_argument("--force", action="store_true", help="公示期未满也办理（须用 --reason 说明理由）")
    p.add_argument("--reason", help="提前办理的理由")
    p.add_argument("--national-code", help="属地备案：全国备案编号中的 4 位机构代码（默认取自公示记录）")
    return p


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
