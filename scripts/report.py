"""invoke report: the staff overview of the directory (Markdown)."""

from __future__ import annotations

import argparse
import sys

from mulu.report import staff_report
from mulu.supervision.records import load_supervision
from mulu.supervision.report import supervision_report
from mulu.validate import load_registry

from .common import EXIT_OK, emit, parser, run


def body(ctx, args) -> int:
    registry = load_registry(ctx.settings, ctx.today, ctx.registry_path, ctx.history_path)
    supervision = load_supervision(ctx.registry_path, ctx.reference.folder, registry, ctx.history_path.name)
    emit(staff_report(registry, ctx.today, args.days or ctx.settings["MULU_EXPIRY_WARNING_DAYS"]) + "\n"
         + supervision_report(registry, supervision, ctx.today), args.output)
    return EXIT_OK


def arguments() -> argparse.ArgumentParser:
    p = parser("工作概况：各状态与类型的机构数、即将到期的备案、公示期满待备案的机构、监督检查待办")
    p.add_argument("--days", type=int, help="列出多少天内到期的备案（默认取自设置 MULU_EXPIRY_WARNING_DAYS）")
    p.add_argument("--output", help="写入此文件（Markdown），而不是打印")
    return p


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
