"""What the commands that change the registry share: the target, the receipt, carrying a step out."""

from __future__ import annotations

import argparse
from pathlib import Path

from mulu.receipt import write_receipt
from mulu.workflow import Book, open_book

from .common import EXIT_INVALID, EXIT_OK, parser


def step_parser(description: str, receipt: bool = False) -> argparse.ArgumentParser:
    p = parser(description)
    p.add_argument("credit_code", help="机构的统一社会信用代码（或备案编号）")
    if receipt:
        add_receipts_option(p)
    return p


def add_receipts_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--receipts", help="备案回执的文件夹（默认为 registry.csv 旁边的 MULU_RECEIPTS_DIR，即 receipts）")
    p.add_argument("--pdf", action="store_true", help="同时用 Chromium 打印 A4 的 PDF 回执")


def receipts_folder(ctx, args) -> Path:
    """Beside the registry that was changed, so a registry elsewhere never puts receipts into
    the project (an absolute MULU_RECEIPTS_DIR is used as it is)."""
    return Path(args.receipts) if args.receipts else ctx.registry_path.parent / ctx.settings["MULU_RECEIPTS_DIR"]


def issue_receipt(ctx, args, book: Book) -> int:
    """Write the receipt once the registry pair is committed; a failure here changes neither file."""
    row = next(r for r in book.rows.values() if args.credit_code.strip() in (r["credit_code"], r["filing_no"]))
    try:
        paths = write_receipt(receipts_folder(ctx, args), row, book.events, book.reference, ctx.settings, args.pdf)
    except OSError as exc:
        print(f"备案回执未能写出（{exc.strerror}：{exc.filename}）。{book.registry_path.name} 与 "
              f"{book.history_path.name} 已更新；排除问题后运行 invoke receipt {row['credit_code']} 重新生成。")
        return EXIT_INVALID
    print("\n".join(f"备案回执：{path}" for path in paths))
    return EXIT_OK


def carry_out(ctx, args, step, *arguments, receipt: bool = False) -> int:
    """Run one workflow step on the registry pair, print what it did, then issue the receipt."""
    with open_book(ctx.registry_path, ctx.history_path, ctx.reference, ctx.settings, ctx.today) as book:
        messages = step(book, *arguments)
    print("\n".join(messages))
    return issue_receipt(ctx, args, book) if receipt else EXIT_OK
