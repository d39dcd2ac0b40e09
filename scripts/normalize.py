"""invoke normalize: rewrite fixable spellings canonically and sort the rows; nothing else."""

from __future__ import annotations

import argparse
import sys

from mulu.csvio import by_date, commit_files, read_table, render_table
from mulu.grants import normalize_occupations
from mulu.schema import HISTORY_FIELDS, REGISTRY_FIELDS
from mulu.store import sort_registry

from .common import EXIT_INVALID, EXIT_OK, parser, run


def canonical_cells(cells: dict[str, str]) -> dict[str, str]:
    fixed = {name: value.strip() for name, value in cells.items()}
    if fixed.get("occupations"):
        fixed["occupations"] = normalize_occupations(fixed["occupations"])
    return fixed


def body(ctx, args) -> int:
    plans = ((ctx.registry_path, REGISTRY_FIELDS, sort_registry), (ctx.history_path, HISTORY_FIELDS, by_date))
    changes, problems = {}, []
    for path, fields, sort in plans:
        table = read_table(path, fields)
        problems.extend(table.problems)
        rows = [canonical_cells(row.cells) for row in table.rows]
        changed = sum(row.cells != fixed for row, fixed in zip(table.rows, rows))
        data = render_table(fields, sort(rows))
        if not table.problems and data != path.read_bytes():
            changes[path] = (data, changed)
    if problems:
        for problem in problems:
            print(problem)
        print(f"共 {len(problems)} 个结构错误，invoke normalize 无法自动改正，请先手工修改；文件未做任何改动。")
        return EXIT_INVALID
    if not changes:
        print("文件已是规范格式，无需修改。")
        return EXIT_OK
    commit_files({path: data for path, (data, _) in changes.items()})
    for path, (_, changed) in changes.items():
        print(f"已规范化 {path.name}：改正 {changed} 行，并按规范顺序排列。")
    print("请运行 invoke validate 检查其余问题。")
    return EXIT_OK


def arguments() -> argparse.ArgumentParser:
    return parser("规范化 registry.csv 与 history.csv（全角标点、多余空格、行顺序）")


def main(argv=None) -> int:
    return run(body, arguments().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
