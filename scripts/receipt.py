"""invoke receipt: write an organisation's 备案回执 again from the registry."""

from __future__ import annotations

import argparse
import sys

from mulu.problems import Refused
from mulu.schema import FILED
from mulu.workflow import open_book

from .common import run
from .steps import issue_receipt, step_parser


def body(ctx, args) -> int:
    with open_book(ctx.registry_path, ctx.history_path, ctx.reference, ctx.settings, ctx.today) as book:
        org = book.org(args.credit_code)
        if not org.filing_no or org.status != FILED:
            raise Refused(f"{org.name} 的状态是「{org.status}」，只有已备案的机构有备案回执")
    return issue_receipt(ctx, args, book)


def arguments() -> argparse.ArgumentParser:
    return step_parser("重新生成备案回执", receipt=True)


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
