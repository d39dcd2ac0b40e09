"""Writing the registry and its history together, in canonical form, all or nothing."""

from __future__ import annotations

from pathlib import Path

from .csvio import commit_files, render_table
from .schema import HISTORY_FIELDS, REGISTRY_FIELDS


def sort_registry(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return sorted(rows, key=lambda row: row["credit_code"])


def sort_history(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """By date; events of one day keep their order."""
    return sorted(rows, key=lambda row: row["date"])


def write_pair(registry_path: str | Path, registry_rows: list[dict[str, str]],
               history_path: str | Path, history_rows: list[dict[str, str]]) -> None:
    """Replace both files at once: after a crash either both are old or both are new."""
    commit_files({
        Path(registry_path): render_table(REGISTRY_FIELDS, sort_registry(registry_rows)),
        Path(history_path): render_table(HISTORY_FIELDS, sort_history(history_rows)),
    })
