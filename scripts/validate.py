"""invoke validate: check registry.csv and history.csv, report every problem, change nothing."""

from __future__ import annotations

import argparse
import sys

from mulu.problems import errors, summary_line
from mulu.supervision.records import check_supervision, supervision_folder
from mulu.validate import validate_files

from .common import EXIT_INVALID, EXIT_OK, parser, run


def body(ctx, args) -> int:
    report = validate_files(ctx.registry_path, ctx.history_path, ctx.reference, ctx.settings, ctx.today)
    supervision_problems, supervision = check_supervision(supervision_folder(ctx.registry_path), ctx.reference.folder,
                                                         report.registry, ctx.history_path.name)
    problems = report.problems + supervision_problems
    for problem in problems:
        print(problem)
    if errors(problems):
        print(f"{summary_line(problems)}。请按提示修改后重新运行 invoke validate。")
        return EXIT_INVALID
    if report.problems:
        print(summary_line(report.problems))
    print(f"监督检查：{len(supervision.items)} 个抽查事项，{len(supervision.inspectors)} 名检查人员，"
          f"{len(supervision.draws)} 个抽取批次，{len(supervision.inspections)} 条检查记录；校验通过")
    print(report.summary())
    return EXIT_OK


def arguments() -> argparse.ArgumentParser:
    return parser("校验 registry.csv、history.csv 与监督检查的各个文件")


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
