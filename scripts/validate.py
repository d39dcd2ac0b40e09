"""invoke validate: check registry.csv and history.csv, report every problem, change nothing."""

from __future__ import annotations

import argparse
import sys

from mulu.problems import summary_line
from mulu.validate import validate_files

from .common import EXIT_INVALID, EXIT_OK, parser, run


def body(ctx, args) -> int:
    report = validate_files(ctx.registry_path, ctx.history_path, ctx.reference, ctx.settings, ctx.today)
    for problem in report.problems:
        print(problem)
    if not report.ok:
        print(f"{summary_line(report.problems)}。请按提示修改后重新运行 invoke validate。")
        return EXIT_INVALID
    if report.problems:
        print(summary_line(report.problems))
    print(report.summary())
    return EXIT_OK


def arguments() -> argparse.ArgumentParser:
    return parser("校验 registry.csv 与 history.csv")


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
