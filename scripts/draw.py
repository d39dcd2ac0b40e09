"""invoke draw: a 双随机 draw anyone can repeat (RFC 3797), saved as a record in draws.csv."""

from __future__ import annotations

import argparse
import sys

from mulu.supervision.steps import draw

from .common import parser, run
from .steps import carry_out


def body(ctx, args) -> int:
    return carry_out(ctx, args, draw, args.round, args.ratio, args.min, args.beacon, args.source or "",
                     args.focus_ratio or "")


def arguments() -> argparse.ArgumentParser:
    p = parser("双随机抽取：按公开随机数抽取检查对象和检查人员，抽取记录写入 draws.csv（--date 为抽取日）")
    p.add_argument("--round", required=True, help="批次，如 2026-双随机-2")
    p.add_argument("--ratio", required=True, help="抽取比例，如 5％")
    p.add_argument("--min", type=int, default=0, help="至少抽取的机构数（默认 0）")
    p.add_argument("--beacon", required=True, help="抽取前公布的随机数，来源之间用 / 分隔，如「9319 / 2 5 12 8 10」")
    p.add_argument("--source", help="随机数由谁、何时、在何处公布")
    p.add_argument("--focus-ratio", help="重点对象（两年内有不合格或投诉查实）的抽取比例，如 20％；不给则不区分")
    return p


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
