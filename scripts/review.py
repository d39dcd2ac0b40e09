"""invoke review: what changed in registry.csv and history.csv since a git revision (Markdown)."""

from __future__ import annotations

import argparse
import sys

from mulu.review import render_review, review_files

from .common import EXIT_OK, emit, parser, run


def body(ctx, args) -> int:
    revision, review = review_files(ctx.registry_path, ctx.history_path, args.base, ctx.reference, ctx.settings, ctx.today)
    emit(render_review(revision, review), args.output)
    return EXIT_OK


def arguments() -> argparse.ArgumentParser:
    p = parser("变更摘要：与某个 git 版本相比，目录改了什么（供审阅合并请求）")
    p.add_argument("--base", help="比较的 git 版本（默认 origin/main，没有则 HEAD）")
    p.add_argument("--output", help="把摘要写入此文件（Markdown），而不是打印")
    return p


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
