"""Problems found in input files, reported as ``FILE:ROW:COLUMN: 说明``."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | str  # line number (the header is line 1; 0 for the whole file), or a cell like B7
    column: str  # the column's name, or "-" for the whole row or file
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        prefix = "警告：" if self.severity == WARNING else ""
        return f"{self.file}:{self.line}:{self.column}: {prefix}{self.message}"


class InvalidInput(Exception):
    """Input files with errors; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __reduce__(self):  # rebuilt from its problems when sent between processes
        return InvalidInput, (self.problems,)


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == ERROR]


def summary_line(problems: list[Problem]) -> str:
    count_errors = len(errors(problems))
    count_warnings = len(problems) - count_errors
    parts = [f"{count_errors} 个错误"]
    if count_warnings:
        parts.append(f"{count_warnings} 个警告")
    return "共 " + "，".join(parts)


class Refused(Exception):
    """A staff action that cannot be done as asked; ``reasons`` say why, in Chinese."""

    def __init__(self, *reasons: str):
        self.reasons = list(reasons)
        super().__init__("\n".join(reasons))
