"""Writing the registry and its history together, in canonical form, all or nothing."""

from __future__ import annotations

from pathlib import Path

from .csvio import by_date, commit_files, render_table
from .schema import HISTORY_FIELDS, REGISTRY_FIELDS


def sort_registry(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return sorted(rows, key=lambda row: row["credit_code"])


def render_pair(registry_rows: list[dict[str, str]], history_rows: list[dict[str, str]]) -> tuple[bytes, bytes]:
    """The canonical bytes of both files: sorted rows, fixed columns, minimal quoting, LF."""
    return (render_table(REGISTRY_FIELDS, sort_registry(registry_rows)),
            render_table(HISTORY_FIELDS, by_date(history_rows)))


def write_pair(registry_path: str | Path, registry_rows: list[dict[str, str]],
               history_path: str | Path, history_rows: list[dict[str, str]]) -> None:
    """Replace both files at once: after a crash either both are old or both are new."""
    registry_data, history_data = render_pair(registry_rows, history_rows)
    commit_files({Path(registry_path): registry_data, Path(history_path): history_data})
