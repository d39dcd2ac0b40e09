"""Reading CSV files strictly (every cell as text, every line number kept) and writing them
canonically and atomically.

The standard ``csv`` module is used rather than pandas here: the validator must name the line
of a ragged row or a stray quote, which pandas cannot tell, and the staff scripts must write
files byte-for-byte in one canonical form.
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import hashlib
import io
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem

BOM = "\ufeff"
JOURNAL_NAME = ".mulu-commit.json"
LOCK_NAME = ".mulu.lock"

SAVE_AS_UTF8 = (
    "请另存为 UTF-8：在 Excel 中选择「文件 → 另存为 → CSV UTF-8（逗号分隔）(*.csv)」，"
    "或在 WPS/记事本中选择 UTF-8 编码保存，或运行 iconv -f GBK -t UTF-8 原文件 > 新文件"
)


@dataclass
class Row:
    line: int  # the line the record starts on
    cells: dict[str, str]


@dataclass
class Table:
    path: Path
    header: list[str] = field(default_factory=list)
    records: list[list[str]] = field(default_factory=list)  # cells in header order
    lines: list[int] = field(default_factory=list)  # the line each record starts on
    problems: list[Problem] = field(default_factory=list)
    had_bom: bool = False
    source: bytes = b""  # the digest of the bytes read (source_digest)
    _columns: dict[str, tuple[str, ...]] | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return self.path.name

    @property
    def rows(self) -> list[Row]:
        return [Row(line, dict(zip(self.header, cells))) for line, cells in zip(self.lines, self.records)]

    def column(self, name: str) -> tuple[str, ...]:
        """One column's cells in row order (empty when the header was unusable)."""
        if self._columns is None:
            self._columns = dict(zip(self.header, zip(*self.records))) if self.records else {}
        return self._columns.get(name, ())


def source_digest(data: bytes) -> bytes:
    """What tells whether a file is read again as it was. SHA-1 for speed (this is no defence
    against forgery): a 25,000-organisation history is hashed in a hundredth of a second."""
    return hashlib.sha1(data, usedforsecurity=False).digest()


def decode(path: Path, data: bytes) -> tuple[str | None, Problem | None, bool]:
    """The text of a CSV file, or a problem that says how to re-save it as UTF-8."""
    had_bom = data.startswith(BOM.encode())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
            guess = "看起来是 GBK/GB18030 编码（中文 Windows 上的 Excel 默认如此）"
        except UnicodeDecodeError:
            guess = "编码无法识别"
        return None, Problem(path.name, line, "-", f"文件不是 UTF-8 编码，{guess}。{SAVE_AS_UTF8}"), had_bom
    return text, None, had_bom


def header_problems(label: str, header: list[str], expected: tuple[str, ...]) -> list[Problem]:
    found = []
    seen = set()
    for position, name in enumerate(header, start=1):
        if name in seen:
            found.append(Problem(label, 1, name, f"表头第 {position} 列「{name}」重复，请删除多余的一列"))
        elif name not in expected:
            hint = f"（是否多了空格？应为「{name.strip()}」）" if name.strip() in expected else ""
            found.append(Problem(label, 1, name or f"第{position}列", f"表头有未知的列「{name}」{hint}；允许的列为 {','.join(expected)}"))
        seen.add(name)
    for name in expected:
        if name not in seen:
            found.append(Problem(label, 1, name, f"表头缺少列「{name}」"))
    if not found and tuple(header) != expected:
        found.append(Problem(label, 1, "-", f"表头的列顺序应为 {','.join(expected)}，请按此顺序排列"))
    return found


def read_table(path: str | Path, expected: tuple[str, ...]) -> Table:
    """Read a CSV file as text cells keyed by column, recording every structural problem."""
    path = Path(path)
    table = Table(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        table.problems.append(Problem(path.name, 0, "-", f"无法读取文件：{exc.strerror}"))
        return table
    table.source = source_digest(data)
    text, problem, table.had_bom = decode(path, data)
    if problem:
        table.problems.append(problem)
        return table
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        table.header = next(reader)
    except StopIteration:
        table.problems.append(Problem(path.name, 1, "-", "文件为空，至少需要表头行"))
        return table
    except csv.Error as exc:
        table.problems.append(Problem(path.name, 1, "-", f"表头无法解析：{exc}"))
        return table
    table.problems.extend(header_problems(path.name, table.header, expected))
    if table.problems:
        return table
    read_records(reader, text, table, len(expected))
    return table


def read_records(reader, text: str, table: Table, width: int) -> None:
    """The records after the header, each with the line it starts on, and every bad one reported."""
    label = table.path.name
    seen: dict[tuple[str, ...], int] = {}
    for line, cells in numbered(reader, text):
        if isinstance(cells, list) and len(cells) == width and any(cells):  # the usual record
            key = tuple(cells)
            if key not in seen:
                seen[key] = line
                table.records.append(cells)
                table.lines.append(line)
                continue
        if isinstance(cells, csv.Error):
            table.problems.append(Problem(label, line, "-", f"引号不匹配或格式错误（{cells}）；含逗号、引号或换行的单元格须整体用英文双引号括起，单元格内的双引号写作两个双引号"))
            break
        if not "".join(cells).strip():
            table.problems.append(Problem(label, line, "-", "空行，请删除"))
            continue
        if len(cells) != width:
            fewer_or_more = "少" if len(cells) < width else "多"
            table.problems.append(Problem(label, line, "-", f"此行有 {len(cells)} 个单元格，应为 {width} 个（{fewer_or_more}了；检查未加引号的逗号）"))
            continue
        table.problems.append(Problem(label, line, "-", f"与第 {seen[tuple(cells)]} 行完全相同，请删除重复行"))


def numbered(reader, text: str):
    """``(line, cells)`` for each record; a csv.Error in place of cells where parsing fails.

    Fast path: when no record spans lines (the usual case), record n starts on line n + 1 and
    the reader can run at C speed; otherwise follow the reader line by line.
    """
    start = reader.line_num
    try:
        records = list(reader)
    except csv.Error:
        records = None
    if records is not None and reader.line_num - start == len(records):
        yield from zip(range(start + 1, reader.line_num + 1), records)
        return
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader)
    while True:
        line = reader.line_num + 1
        try:
            yield line, next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line, exc
            return


def cell(value) -> str:
    """A value as its cell: a date as YYYY-MM-DD, a count in digits, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):  # a flag has no cell of its own
        raise TypeError(value)
    if isinstance(value, int):
        return str(value)
    return value


def by_date(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows by date; those of one day keep their order (the files are ledgers)."""
    return sorted(rows, key=lambda row: row["date"])


def render_table(fields: tuple[str, ...], rows: list[dict[str, str]], bom: bool = False) -> bytes:
    """Canonical CSV bytes: UTF-8, LF line endings, minimal RFC 4180 quoting."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(fields)
    writer.writerows([row[name] for name in fields] for row in rows)
    return ((BOM if bom else "") + out.getvalue()).encode("utf-8")


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _journal_path(folder: Path) -> Path:
    return folder / JOURNAL_NAME


@contextmanager
def folder_lock(folder: str | Path):
    """Hold the folder's write lock (``flock``, freed by the kernel if the holder dies).

    Writers hold it while they commit, and :func:`recover` while it cleans up, so that a reader
    never throws away the temporaries of a write still in progress. A staff command holds it from
    reading the files to writing them, so two commands cannot lose each other's change. The same
    process may take it again inside.
    """
    folder = Path(folder).resolve()
    if folder in _held_locks:
        yield
        return
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _held_locks.add(folder)
        yield
    finally:
        _held_locks.discard(folder)
        os.close(fd)


_held_locks: set[Path] = set()


@contextmanager
def read_lock(folder: str | Path):
    """Hold the folder's lock shared while reading several files, so that a reader never sees
    one file from before a commit and another from after it. A folder one may not write to
    (and so no staff command writes to either) is read without it."""
    folder = Path(folder).resolve()
    if folder in _held_locks:
        yield
        return
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def commit_files(contents: dict[Path, bytes]) -> None:
    """Replace several files so that a crash at any moment leaves all old or all new.

    Each new file is written beside its target and synced; then a journal naming the pending
    renames is put in place with one atomic rename, which is the commit point; then the files
    are renamed and the journal removed. :func:`recover` rolls a committed journal forward and
    throws away uncommitted temporaries, and every reader calls it first.
    """
    targets = {Path(p).resolve(): data for p, data in contents.items()}
    folder = next(iter(targets)).parent
    if any(t.parent != folder for t in targets):
        raise ValueError("commit_files: all files must be in one folder")
    with folder_lock(folder):
        recover(folder)
        pending = []
        for target, data in targets.items():
            temporary = target.with_name(f".{target.name}.new")
            _write_durably(temporary, data)
            pending.append([temporary.name, target.name])
        journal = _journal_path(folder)
        _write_durably(journal.with_name(journal.name + ".new"), json.dumps(pending).encode())
        os.replace(journal.with_name(journal.name + ".new"), journal)
        _fsync_dir(folder)
        _roll_forward(folder, pending)


def _roll_forward(folder: Path, pending: list[list[str]]) -> None:
    for temporary, target in pending:
        if (folder / temporary).exists():
            os.replace(folder / temporary, folder / target)
    _fsync_dir(folder)
    _journal_path(folder).unlink(missing_ok=True)


def _leftovers(folder: Path) -> list[Path]:
    journal = _journal_path(folder)
    return [*folder.glob(".*.csv.new"), *[p for p in (journal, journal.with_name(journal.name + ".new")) if p.exists()]]


def recover(folder: str | Path) -> bool:
    """Finish a committed write interrupted by a crash; discard an uncommitted one.

    Returns True when a committed write was completed. Takes the write lock only when there is
    something to clean up, so reading a folder one may not write to still works.
    """
    folder = Path(folder)
    if not _leftovers(folder):
        return False
    with folder_lock(folder):
        journal = _journal_path(folder)
        completed = False
        if journal.exists():
            _roll_forward(folder, json.loads(journal.read_text()))
            completed = True
        for leftover in [*folder.glob(".*.csv.new"), journal.with_name(journal.name + ".new")]:
            leftover.unlink(missing_ok=True)
        return completed
