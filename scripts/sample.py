"""invoke sample: write a fictional registry and its history, the same for the same seed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mulu.sample import ANCHOR, generate
from mulu.store import write_pair

from .common import EXIT_OK, iso_date, parser, run


def body(ctx, args) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows, events = generate(ctx.reference, ctx.settings, args.orgs, args.seed, args.anchor)
    write_pair(out / "registry.csv", rows, out / "history.csv", events)
    print(f"已生成示例数据：{out / 'registry.csv'}（{len(rows)} 个机构）、{out / 'history.csv'}（{len(events)} 条记录）")
    return EXIT_OK


def arguments() -> argparse.ArgumentParser:
    p = parser("生成示例（虚构）目录数据", files=False)
    p.add_argument("--orgs", type=int, default=300, help="机构数量（默认 300）")
    p.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
    p.add_argument("--out", default=".", help="输出目录，写入 registry.csv 与 history.csv")
    p.add_argument("--anchor", type=iso_date, default=ANCHOR, help=f"状态围绕的日期（默认 {ANCHOR}）")
    return p


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
