"""A rebuild loads the registry from the last full load's snapshot, validating again only the
organisations whose rows changed: what it loads is exactly what a full validation loads (every
field, the line numbers, the order of the history, the digests), and whatever a full validation
would report on makes the build validate in full, as a build without a cache does."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mulu_directory.speedups.incremental import Snapshot, load_changed
from mulu.model import Registry
from mulu.problems import WARNING
from mulu.store import write_pair
from mulu.validate import load_registry, read_pair, validate_files

from conftest import ROOT, SAMPLE_DAY
from registry_files import REFERENCE, SETTINGS, read_rows, write_rows, write_sample
from test_validate import HISTORY_RULES, REGISTRY_RULES, edit_file
from test_site_rebuild import tree

TODAY = dt.date.fromisoformat(SAMPLE_DAY)
WARM = "按上次构建校验过的内容载入"


def paths(folder: Path) -> tuple[Path, Path]:
    return folder / "registry.csv", folder / "history.csv"


def full(folder: Path) -> Registry:
    return load_registry(SETTINGS, TODAY, *paths(folder))


def incremental(before: Path, after: Path) -> Registry | None:
    """What a rebuild loads from ``after`` with the snapshot of a full load of ``before`` (pickled
    and read again, as the build cache does)."""
    snapshot = Snapshot.of(*read_pair(*paths(before)), pickle.dumps(full(before)))
    return load_changed(snapshot, snapshot.registry(), read_pair(*paths(after)), paths(after), REFERENCE,
                        SETTINGS, limit=1000)


def assert_same(loaded: Registry, validated: Registry) -> None:
    assert list(loaded.organisations.items()) == list(validated.organisations.items())  # events and lines too
    assert loaded.events == validated.events
    assert [event.line for event in loaded.events] == [event.line for event in validated.events]
    assert list(loaded.digests.items()) == list(validated.digests.items())


class Files:
    """A generated registry pair, saved as it is now into numbered folders."""

    def __init__(self, folder: Path):
        self.folder = folder
        write_sample(folder / "0")
        self.rows, self.events = read_rows(folder / "0" / "registry.csv"), read_rows(folder / "0" / "history.csv")
        self.saved = 0

    def save(self) -> Path:
        self.saved += 1
        folder = self.folder / str(self.saved)
        folder.mkdir()
        write_pair(folder / "registry.csv", self.rows, folder / "history.csv", self.events)
        return folder

    def filed(self, index: int) -> dict[str, str]:
        return [row for row in self.rows if row["status"] == "已备案"][index]

    def correct(self, row: dict[str, str], **cells: str) -> None:
        """Change the row and append the 更正 event that records it."""
        row.update(cells, updated=SAMPLE_DAY)
        self.events.append({**{f: row[f] for f in ("credit_code", "occupations", "valid_from", "valid_until", "status")},
                            "date": SAMPLE_DAY, "event": "更正", "document": "", "note": "更正联系电话"})

    def drop(self, index: int) -> tuple[dict[str, str], list[dict[str, str]]]:
        row = self.rows.pop(index)
        events = [e for e in self.events if e["credit_code"] == row["credit_code"]]
        self.events = [e for e in self.events if e["credit_code"] != row["credit_code"]]
        return row, events


@pytest.fixture
def files(tmp_path) -> Files:
    return Files(tmp_path)


def test_a_cell_edited_without_an_event(files):
    before = files.save()
    files.filed(5)["address"] += "（东门）"
    after = files.save()
    assert_same(incremental(before, after), full(after))


def test_an_event_appended_with_its_change(files):
    before = files.save()
    files.correct(files.filed(3), phone="021-64881234")
    after = files.save()
    assert_same(incremental(before, after), full(after))


def test_an_organisation_deleted_inserted_in_the_middle_and_appended(files):
    whole = files.save()
    middle = files.drop(len(files.rows) // 2)
    last = files.drop(len(files.rows) - 1)
    fewer = files.save()
    assert_same(incremental(whole, fewer), full(fewer))  # two deleted: the lines after them move up
    for row, events in (middle, last):  # back in the middle, every line after it moves down; at the end
        files.rows.append(row)
        files.events += events
        grown = files.save()
        assert_same(incremental(fewer, grown), full(grown))


def test_nothing_changed(files):
    before = files.save()
    assert_same(incremental(before, before), full(before))


def test_history_lines_in_another_order(files):
    before = files.save()
    after = files.save()
    rows = read_rows(after / "history.csv")
    rows.sort(key=lambda event: event["credit_code"])  # each organisation's events keep their order
    write_rows(after / "history.csv", rows)
    assert_same(incremental(before, after), full(after))


def test_a_quoted_cell_written_another_way_is_the_same_row(files):
    before = files.save()
    registry = before.parent / "unquoted"
    registry.mkdir()
    data = (before / "registry.csv").read_bytes()
    line = next(l for l in data.split(b"\n")[1:] if b'"' not in l)
    requoted = b'"' + line.replace(b",", b'",', 1)  # the credit code in quotes: the same cells
    (registry / "registry.csv").write_bytes(data.replace(line, requoted))
    (registry / "history.csv").write_bytes((before / "history.csv").read_bytes())
    assert_same(incremental(before, registry), full(registry))


@pytest.mark.parametrize("edit", ["error", "repeated event", "duplicate event", "blank line", "crlf"])
def test_what_a_full_validation_reports_on_is_left_to_it(files, edit):
    before = files.save()
    after = files.save()
    registry, history = paths(after)
    if edit == "error":
        write_rows(registry, [{**row, "phone": "电话待定"} if i == 7 else row for i, row in enumerate(files.rows)])
    elif edit.endswith("event"):  # the same line twice, or the same cells written another way
        lines = history.read_bytes().split(b"\n")
        again = lines[2] if edit == "repeated event" else b'"' + lines[2].replace(b",", b'",', 1)
        history.write_bytes(b"\n".join([*lines[:3], again, *lines[3:]]))
    elif edit == "blank line":
        history.write_bytes(history.read_bytes() + b"\n")
    else:
        registry.write_bytes(registry.read_bytes().replace(b"\n", b"\r\n"))
    report = validate_files(registry, history, REFERENCE, SETTINGS, TODAY)
    assert incremental(before, after) is None
    assert edit == "crlf" or not report.ok


RULES = [(name, "registry.csv", edit) for name, edit, _ in REGISTRY_RULES] + \
        [(name, "history.csv", edit) for name, edit, _ in HISTORY_RULES]


@pytest.mark.parametrize("name, file, edit", RULES, ids=[rule[0] for rule in RULES])
def test_every_rule_the_validator_reports_makes_a_rebuild_validate_in_full(files, name, file, edit):
    """Each bad fixture of the validator's own tests: where ``invoke validate`` reports a problem,
    loading from the snapshot gives way to the full validation, which reports it; a new rule
    that ties organisations together outside ``check_across`` fails here."""
    before = files.save()
    after = files.save()
    edit_file(after / file, edit)
    report = validate_files(*paths(after), REFERENCE, SETTINGS, TODAY)
    assert not report.ok
    assert incremental(before, after) is None


def test_too_many_changes_are_left_to_a_full_validation(files):
    before = files.save()
    for row in files.rows[:3]:
        row["address"] += "（东门）"
    after = files.save()
    snapshot = Snapshot.of(*read_pair(*paths(before)), pickle.dumps(full(before)))
    assert load_changed(snapshot, full(before), read_pair(*paths(after)), paths(after), REFERENCE, SETTINGS, limit=2) is None


# --- Real builds ------------------------------------------------------------------------------

def build(output: Path, data: Path, today: str = SAMPLE_DAY) -> subprocess.CompletedProcess:
    settings = {"MULU_REGISTRY": str(data / "registry.csv"), "MULU_HISTORY": str(data / "history.csv"), "MULU_TODAY": today}
    argv = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output), "-v", "-e",
            *(f"{key}={json.dumps(value)}" for key, value in settings.items())]
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "COLUMNS": "1000"})


def problems(result: subprocess.CompletedProcess) -> list[str]:
    return re.findall(r"(?:registry|history)\.csv:\d+:\S+: .*", result.stdout + result.stderr)


def test_a_build_after_an_error_reports_it_as_without_a_cache(files, tmp_path):
    before = files.save()
    assert build(tmp_path / "site", before).returncode == 0
    files.rows[4]["phone"] = "电话待定"
    broken = files.save()
    cached, uncached = build(tmp_path / "site", broken), build(tmp_path / "clean", broken)
    assert cached.returncode == uncached.returncode != 0
    assert problems(cached) == problems(uncached) and "registry.csv:6:phone:" in problems(cached)[0]


def test_a_new_day_with_an_expiry_warning_loads_the_same(files, tmp_path):
    data = files.save()
    assert build(tmp_path / "site", data).returncode == 0
    expiring = min((row for row in files.rows if row["status"] == "已备案" and row["valid_until"] > "2027-03-01"),
                   key=lambda row: row["valid_until"])
    day = (dt.date.fromisoformat(expiring["valid_until"]) - dt.timedelta(days=30)).isoformat()
    warnings = [p for p in validate_files(*paths(data), REFERENCE, SETTINGS, dt.date.fromisoformat(day)).problems
                if p.severity == WARNING and p.line == files.rows.index(expiring) + 2]
    assert warnings  # a warning that the sample day did not have
    result = build(tmp_path / "site", data, day)
    assert result.returncode == 0 and WARM in result.stdout + result.stderr
    assert build(tmp_path / "clean", data, day).returncode == 0
    assert tree(tmp_path / "site") == tree(tmp_path / "clean")


def cut_short(data: bytes) -> bytes:
    return data[:1000]


def one_byte_changed(data: bytes) -> bytes:
    """A byte of the model's last digest changed (pickled as C, 16, its 16 bytes): the model still
    unpickles, into another value."""
    at = data.rindex(b"C\x10", 0, len(data) - 32) + 5
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]


@pytest.mark.parametrize("damage", [cut_short, one_byte_changed])
def test_a_damaged_snapshot_is_reported_and_made_again(files, tmp_path, damage):
    data = files.save()
    assert build(tmp_path / "site", data).returncode == 0
    snapshot = tmp_path / "site.build-cache" / "registry.pickle"
    snapshot.write_bytes(damage(snapshot.read_bytes()))
    files.correct(files.filed(2), phone="021-64881234")
    changed = files.save()
    damaged = build(tmp_path / "site", changed)
    assert damaged.returncode == 0 and "registry.pickle 无法读取" in damaged.stdout + damaged.stderr
    assert WARM not in damaged.stdout + damaged.stderr
    assert build(tmp_path / "clean", changed).returncode == 0
    assert tree(tmp_path / "site") == tree(tmp_path / "clean")
    again = build(tmp_path / "site", data)  # from the snapshot the full load kept
    assert again.returncode == 0 and WARM in again.stdout + again.stderr
