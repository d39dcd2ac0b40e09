"""invoke sample: write a fictional registry and its history, the same for the same seed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mulu.csvio import commit_files
from mulu.sample import ANCHOR, generate
from mulu.store import write_pair
from mulu.supervision.sample import generate_supervision
from mulu.supervision.store import render_supervision
from mulu.validate import load_registry

from .common import EXIT_OK, iso_date, parser, run


def write_sample(out: Path, reference, settings: dict, orgs: int, seed: int, anchor=ANCHOR):
    """The sample's files in ``out`` (made if need be): registry, history and supervision."""
    out.mkdir(parents=True, exist_ok=True)
    rows, events = generate(reference, settings, orgs, seed, anchor)
    write_pair(out / "registry.csv", rows, out / "history.csv", events)
    registry = load_registry(settings, anchor, out / "registry.csv", out / "history.csv")
    supervision = generate_supervision(registry, seed, anchor)
    commit_files({out / name: data for name, data in render_supervision(supervision).items()})
    return rows, events, supervision


def body(ctx, args) -> int:
    out = Path(args.out)
    rows, events, supervision = write_sample(out, ctx.reference, ctx.settings, args.orgs, args.seed, args.anchor)
    print(f"已生成示例数据：{out / 'registry.csv'}（{len(rows)} 个机构）、{out / 'history.csv'}（{len(events)} 条记录）；"
          f"监督检查：{len(supervision.inspectors)} 名检查人员、{len(supervision.draws)} 个抽取批次、"
          f"{len(supervision.inspections)} 条检查记录")
    return EXIT_OK


def arguments() -> argparse.ArgumentParser:
    p = parser("生成示例（虚构）目录数据", files=False)
    p.add_argument("--orgs", type=int, default=300, help="机构数量（默认 300）")
    p.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
    p.add_argument("--out", default=".", help="输出目录，写入 registry.csv、history.csv 与监督检查的示例文件")
    p.add_argument("--anchor", type=iso_date, default=ANCHOR, help=f"状态围绕的日期（默认 {ANCHOR}）")
    return p


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
