"""invoke application-template: write the Excel application form applicants and staff fill in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mulu.application import write_template

from .common import EXIT_OK, parser, run


def body(ctx, args) -> int:
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_template(out, ctx.reference)
    print(f"已生成申请表模板：{out}")
    return EXIT_OK


def arguments() -> argparse.ArgumentParser:
    p = parser("生成 Excel 申请表模板", files=False)
    p.add_argument("--out", default="docs/application-template.xlsx", help="输出文件（默认 docs/application-template.xlsx）")
    return p


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
