"""invoke intake: check an application (YAML or the Excel form) and put it under 公示."""

from __future__ import annotations

import argparse
import sys

from mulu.application import check_application, read_application
from mulu.workflow import intake, open_book

from .common import EXIT_OK, parser, run


def body(ctx, args) -> int:
    application = read_application(args.application)
    with open_book(ctx.registry_path, ctx.history_path, ctx.reference, ctx.settings, ctx.today) as book:
        row = check_application(application, book, args.occupations)
        national_code = application.values.get("national_code", "") if row["scope"] == "属地备案" else ""
        print("\n".join(intake(book, row, national_code)))
    return EXIT_OK


def arguments() -> argparse.ArgumentParser:
    p = parser("受理申请：检查申请材料，符合条件的登记为公示中")
    p.add_argument("application", help="申请文件（.yaml 或按模板填写的 .xlsx）")
    p.add_argument("--occupations", action="append",
                   help="遴选确定的评价职业，格式同 registry.csv（如「6-31-01-03 电工:5-4」，多项用 ; 分隔或重复此选项），只能缩小申请范围")
    return p


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
