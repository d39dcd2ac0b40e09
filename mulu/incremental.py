"""Loading a registry pair that differs a little from one loaded before, by validating again only
the organisations whose rows changed.

A valid file holds one record per line (no valid cell holds a line break), so a line the last
valid pair also had is the same record, already parsed and checked. An organisation is
*touched* when its registry line or one of its history lines is new, gone, or its history lines
changed order; the touched organisations' rows are parsed and checked with the rules of a full
validation, on a small table of just those rows at their line numbers. The others are the last
registry's objects with their line numbers moved. Uniqueness and order, the only rules that tie
one organisation to the others, are checked on all of them.

This path never reports a problem: wherever a full validation could find one (a problem in a
touched organisation, a file not plainly one record per line, a duplicate line...), it returns
None and the caller validates in full, so that what is loaded or reported is always the same.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path

from .csvio import Table
from .model import Registry
from .problems import Problem
from .reference import Reference
from .schema import HISTORY_FIELDS, REGISTRY_FIELDS
from .validate import check_history, check_uniqueness, read_organisations, row_digests


@dataclass
class Snapshot:
    """A valid pair's bytes and the registry loaded from them."""

    registry_data: bytes
    history_data: bytes
    registry: Registry


def load_changed(before: Snapshot, contents: tuple[bytes, bytes], paths: tuple[Path, Path], reference: Reference,
                 settings: dict, limit: int) -> Registry | None:
    """The registry a full validation of ``contents`` would load, or None where that is not
    certain or more than ``limit`` organisations are touched."""
    if contents == (before.registry_data, before.history_data):
        return Registry(before.registry.organisations, before.registry.events, reference, before.registry.digests)
    registry_lines, history_lines = records(contents[0], REGISTRY_FIELDS), records(contents[1], HISTORY_FIELDS)
    if registry_lines is None or history_lines is None:
        return None
    orgs_before, events_before = list(before.registry.organisations.values()), before.registry.events
    registry_places = places(registry_lines, records(before.registry_data, REGISTRY_FIELDS), len(orgs_before))
    history_places = places(history_lines, records(before.history_data, HISTORY_FIELDS), len(events_before))
    if registry_places is None or history_places is None:
        return None
    registry_codes = codes(registry_lines, registry_places, orgs_before, REGISTRY_FIELDS)
    history_codes = codes(history_lines, history_places, events_before, HISTORY_FIELDS)
    if registry_codes is None or history_codes is None:
        return None
    touched = (changed_codes(registry_codes, registry_places, orgs_before)
               | changed_codes(history_codes, history_places, events_before)
               | reordered_codes(history_codes, history_places))
    if len(touched) > limit:
        return None
    registry_table = rows_table(paths[0], REGISTRY_FIELDS, registry_lines, registry_codes, touched)
    history_table = rows_table(paths[1], HISTORY_FIELDS, history_lines, history_codes, touched)
    if registry_table is None or history_table is None:
        return None
    problems: list[Problem] = []
    fresh_orgs = read_organisations(registry_table, reference, settings, problems)
    fresh_events = check_history(history_table, fresh_orgs, reference, registry_table.label, problems)
    orgs = merged(fresh_orgs, orgs_before, registry_codes, registry_places, touched)
    check_uniqueness(registry_table.label, orgs, problems)  # also finds a registry line written twice
    if problems:
        return None
    digests = row_digests(registry_table, history_table)
    digests.update((code, before.registry.digests[code]) for code in registry_codes if code not in touched)
    return Registry({org.credit_code: org for org in orgs},
                    merged(fresh_events, events_before, history_codes, history_places, touched),
                    reference, {code: digests[code] for code in registry_codes})


def records(data: bytes, fields: tuple[str, ...]) -> list[bytes] | None:
    """The lines after the header, or None unless the file has exactly the expected header and
    LF line ends. (An empty line, never in a valid file, is a new line that is no record.)"""
    data = data.removeprefix(codecs.BOM_UTF8)
    if b"\r" in data:
        return None
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return lines[1:] if lines and lines[0] == ",".join(fields).encode() else None


def places(lines: list[bytes], lines_before: list[bytes] | None, count_before: int) -> list[int | None] | None:
    """Each line's position in the last pair's file (None for a new line); None when the
    snapshot does not hold one object per line (a foreign or damaged snapshot)."""
    if lines_before is None or len(lines_before) != count_before:
        return None
    return list(map(dict(zip(lines_before, range(count_before))).get, lines))


def cells(line: bytes, width: int) -> list[str] | None:
    """The cells of a line that is one whole record of ``width`` cells by itself, else None.
    Every line of the file being one record by itself, parsing the lines one by one reads the
    same records as parsing the file."""
    try:
        found = list(csv.reader([line.decode()], strict=True))
    except (UnicodeDecodeError, csv.Error):
        return None
    return found[0] if len(found) == 1 and len(found[0]) == width and any(found[0]) else None


def codes(lines: list[bytes], positions: list[int | None], before: list, fields: tuple[str, ...]) -> list[str] | None:
    """Each line's credit code as written: the last pair's for a line it had, parsed for a new one."""
    column = fields.index("credit_code")
    found = []
    for line, position in zip(lines, positions):
        if position is None:
            row = cells(line, len(fields))
            if row is None:
                return None
            found.append(row[column])
        else:
            found.append(before[position].credit_code)
    return found


def changed_codes(line_codes: list[str], positions: list[int | None], before: list) -> set[str]:
    """Credit codes with a new line, or with a line the last pair had and this one has not."""
    kept = set(positions)
    return ({code for code, position in zip(line_codes, positions) if position is None}
            | {item.credit_code for position, item in enumerate(before) if position not in kept})


def reordered_codes(line_codes: list[str], positions: list[int | None]) -> set[str]:
    """Credit codes whose kept history lines are no longer in their last order, or one of them
    twice (then :func:`rows_table` finds the same record twice)."""
    last: dict[str, int] = {}
    found = set()
    for code, position in zip(line_codes, positions):
        if position is not None:
            if position <= last.get(code, -1):
                found.add(code)
            last[code] = position
    return found


def rows_table(path: Path, fields: tuple[str, ...], lines: list[bytes], line_codes: list[str], touched: set[str]) -> Table | None:
    """The touched organisations' rows at their line numbers (the header is line 1), or None
    where a line is not one plain record or two records are the same (a full validation
    reports both)."""
    table = Table(path, header=list(fields))
    for number, (line, code) in enumerate(zip(lines, line_codes), start=2):
        if code in touched:
            row = cells(line, len(fields))
            if row is None:
                return None
            table.records.append(row)
            table.lines.append(number)
    if len(set(map(tuple, table.records))) != len(table.records):
        return None
    return table


def merged(fresh: list, before: list, line_codes: list[str], positions: list[int | None], touched: set[str]) -> list:
    """The objects of every line in file order: the touched organisations' from ``fresh`` (in the
    same order), the others the last pair's, their line numbers moved to where they are now."""
    fresh_items = iter(fresh)
    items = []
    for number, (code, position) in enumerate(zip(line_codes, positions), start=2):
        if code in touched:
            items.append(next(fresh_items))
        else:
            item = before[position]
            item.line = number
            items.append(item)
    return items
