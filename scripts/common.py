"""What every staff script shares: the common options and how to load the files they name."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from mulu.problems import InvalidInput, Refused
from mulu.reference import Reference
from mulu.settings import SettingsError, load_settings, resolve

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期「{text}」无效，应写作 YYYY-MM-DD") from None


def parser(description: str, files: bool = True) -> argparse.ArgumentParser:
    """An argument parser with the options every command takes."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--conf", default="pelicanconf.py", help="设置文件（默认 pelicanconf.py）")
    if files:
        p.add_argument("--registry", help="registry.csv 的路径（默认取自设置）")
        p.add_argument("--history", help="history.csv 的路径（默认取自设置）")
    p.add_argument("--date", "--today", dest="date", type=iso_date, default=None,
                   help="按哪一天办理/计算状态，YYYY-MM-DD（默认今天）")
    return p


class Context:
    """Settings, reference data, file paths and the day, resolved from parsed options."""

    def __init__(self, args: argparse.Namespace):
        self.settings = load_settings(args.conf)
        self.reference = Reference(resolve(self.settings, "MULU_REFERENCE_DIR"))
        self.today: dt.date = args.date or self.settings["MULU_TODAY"] or dt.date.today()
        self.registry_path = Path(getattr(args, "registry", None) or resolve(self.settings, "MULU_REGISTRY"))
        self.history_path = Path(getattr(args, "history", None) or resolve(self.settings, "MULU_HISTORY"))


def emit(markdown: str, output: str | None) -> None:
    """Print Markdown, or write it to a file (for CI to post) and say where."""
    if output:
        Path(output).write_text(markdown, encoding="utf-8")
        print(f"已写入 {output}")
    else:
        print(markdown)


def fail(message: str, code: int = EXIT_INVALID) -> int:
    print(message, file=sys.stderr)
    return code


def run(main_body, args: argparse.Namespace) -> int:
    """Run a command body, turning settings and input errors into Chinese messages and exit codes."""
    try:
        return main_body(Context(args), args)
    except SettingsError as exc:
        return fail(f"设置错误：{exc}", EXIT_USAGE)
    except InvalidInput as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return fail(f"共 {len(exc.problems)} 个错误，未做任何修改。")
    except Refused as exc:
        for reason in exc.reasons:
            print(reason, file=sys.stderr)
        return fail("未做任何修改。")
