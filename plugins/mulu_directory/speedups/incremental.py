"""Loading a registry pair that differs a little from one loaded before, by validating again only
the organisations whose rows changed.

A valid file holds one record per line (no valid cell holds a line break), so the lines a file
begins and ends with in both versions are the same records, already parsed and checked. An
organisation is *touched* when one of its lines lies between those, in either version (a row
edited, inserted, deleted or moved); the touched organisations' rows (all of them, wherever they
are) are parsed and checked with the rules of a full validation, on a small table of just those
rows at their line numbers. The others are the last registry's objects with their line numbers
moved: their rows are the same, in the same order. Uniqueness and order, the only rules that
tie one organisation to the others, are checked on all of them.

This path never reports a problem: wherever a full validation could find one (a problem in a
touched organisation, a file not plainly one record per line, a duplicate line...), it returns
None and the caller validates in full, so that what is loaded or reported is always the same.
"""

from __future__ import annotations

import codecs
import csv
import pickle
import zlib
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path

from mulu.csvio import Table
from mulu.model import Registry
from mulu.problems import Problem
from mulu.reference import Reference
from mulu.schema import HISTORY_FIELDS, REGISTRY_FIELDS
from mulu.validate import check_across, check_history, read_organisations, row_digests


@dataclass
class Snapshot:
    """A valid pair's bytes, where each of their lines starts, and the registry loaded from them,
    pickled."""

    registry_data: bytes
    history_data: bytes
    registry_starts: array  # see line_starts
    history_starts: array
    model: bytes
    check: int  # the model's CRC-32: a damaged model might still unpickle, into other values

    @classmethod
    def of(cls, registry_data: bytes, history_data: bytes, model: bytes) -> Snapshot:
        return cls(registry_data, history_data, line_starts(registry_data), line_starts(history_data), model,
                   zlib.crc32(model))

    def registry(self) -> Registry:
        """The registry the snapshot holds; raises ValueError if the model is damaged."""
        if zlib.crc32(self.model) != self.check:
            raise ValueError("校验和不符")
        return pickle.loads(self.model)


def load_changed(before: Snapshot, registry_before: Registry, contents: tuple[bytes, bytes], paths: tuple[Path, Path],
                 reference: Reference, settings: dict, limit: int) -> Registry | None:
    """The registry a full validation of ``contents`` would load, given the snapshot of an
    earlier pair and its registry, or None where that is not certain or more than ``limit``
    organisations are touched. Takes over the earlier registry's objects."""
    if contents == (before.registry_data, before.history_data):
        return Registry(registry_before.organisations, registry_before.events, reference, registry_before.digests)
    orgs_before, events_before = list(registry_before.organisations.values()), registry_before.events
    registry = Changed.between(before.registry_data, before.registry_starts, contents[0], REGISTRY_FIELDS, orgs_before)
    history = Changed.between(before.history_data, before.history_starts, contents[1], HISTORY_FIELDS, events_before)
    if registry is None or history is None or len(touched := registry.touched | history.touched) > limit:
        return None
    registry_table, history_table = registry.table(paths[0], touched), history.table(paths[1], touched)
    if registry_table is None or history_table is None:
        return None
    problems: list[Problem] = []
    fresh_orgs = read_organisations(registry_table, reference, settings, problems)
    fresh_events = check_history(history_table, fresh_orgs, reference, registry_table.label, problems)
    orgs = registry.merged(fresh_orgs, touched)
    check_across(registry_table.label, orgs, problems)  # also finds a registry line written twice
    if problems:
        return None
    digests = row_digests(registry_table, history_table)
    digests.update((code, registry_before.digests[code]) for code in registry.codes if code not in touched)
    return Registry({org.credit_code: org for org in orgs}, history.merged(fresh_events, touched),
                    reference, {code: digests[code] for code in registry.codes})


@dataclass
class Changed:
    """One file against its last version: the lines both begin with (``head``, the header
    included) and end with (``tail``) are the same records, at the same places from the start
    and from the end; ``touched``: the credit codes of the lines between, in either version.
    Only those lines are read: the others are found where the last version's were."""

    fields: tuple[str, ...]
    data: bytes
    shift: int  # how many bytes longer than the last version
    starts_before: array  # where the last version's lines start (see line_starts)
    middle: list[bytes]  # the lines between head and tail
    before: list  # the last version's object of each record
    head: int
    tail: int
    codes: list[str]  # each record's credit code as written
    touched: set[str]

    @classmethod
    def between(cls, data_before: bytes, starts_before: array, data: bytes, fields: tuple[str, ...],
                before: list) -> Changed | None:
        """None unless the file has exactly the expected header and LF line ends (a full
        validation reports an empty line, a new line that is no record), or when the snapshot
        does not hold one object per line (a foreign or damaged snapshot)."""
        data_before, data = body(data_before), body(data)
        lines_before = len(starts_before) - 1
        if b"\r" in data or lines_before != len(before) + 1 or starts_before[-1] != len(data_before):
            return None
        if data[:data.find(b"\n")] != ",".join(fields).encode():
            return None
        same = min(len(data), len(data_before))
        start = common_prefix(data, data_before, same)
        end = common_suffix(data, data_before, same - start)
        # The lines wholly in the common bytes, the line end before them included for the tail's;
        # a line cut by either end is not the same.
        head = bisect_right(starts_before, start) - 1
        tail = lines_before - min(bisect_left(starts_before, len(data_before) - end + 1), lines_before)
        if head == 0:  # the last version's header was written another way
            return None
        shift = len(data) - len(data_before)
        body_start, body_end = starts_before[head], starts_before[lines_before - tail] + shift
        middle = data[body_start:body_end - 1].split(b"\n") if body_end > body_start else []
        rows = [cells(line, len(fields)) for line in middle]
        if None in rows:
            return None
        code = fields.index("credit_code")
        old_codes = [item.credit_code for item in before]
        codes = [*old_codes[:head - 1], *(row[code] for row in rows), *old_codes[len(before) - tail:]]
        touched = {row[code] for row in rows} | set(old_codes[head - 1:len(before) - tail])
        return cls(fields, data, shift, starts_before, middle, before, head, tail, codes, touched)

    @property
    def lines(self) -> int:
        """The file's lines, the header included."""
        return self.head + len(self.middle) + self.tail

    def line(self, number: int) -> bytes:
        """The line at ``number`` (the header is 0), without its line end."""
        if number < self.head:
            start, end = self.starts_before[number], self.starts_before[number + 1]
        elif number < self.head + len(self.middle):
            return self.middle[number - self.head]
        else:
            moved = number - (self.lines - (len(self.starts_before) - 1))
            start, end = self.starts_before[moved] + self.shift, self.starts_before[moved + 1] + self.shift
        return self.data[start:end - 1]

    def table(self, path: Path, touched: set[str]) -> Table | None:
        """The touched organisations' rows at their line numbers (the header is line 1), or None
        where a line is not one plain record or two records are the same (a full validation
        reports both)."""
        table = Table(path, header=list(self.fields))
        for index in [index for index, code in enumerate(self.codes) if code in touched]:
            row = cells(self.line(index + 1), len(self.fields))
            if row is None:
                return None
            table.records.append(row)
            table.lines.append(index + 2)
        if len(set(map(tuple, table.records))) != len(table.records):
            return None
        return table

    def merged(self, fresh: list, touched: set[str]) -> list:
        """The objects of every record in file order: the touched organisations' from ``fresh``
        (in the same order), the others the last version's, their line numbers moved to where
        they are now."""
        fresh_items = iter(fresh)
        shift = self.lines - 1 - len(self.before)
        items = []
        for index, code in enumerate(self.codes):
            if code in touched:
                items.append(next(fresh_items))
            else:
                item = self.before[index if index < self.head - 1 else index - shift]
                item.line = index + 2
                items.append(item)
        return items


def line_starts(data: bytes) -> array:
    """Where each line of a file (as :func:`body` gives it) starts, and its length last."""
    data = body(data)
    starts = array("q", [0])
    at = data.find(b"\n")
    while at != -1:
        starts.append(at + 1)
        at = data.find(b"\n", at + 1)
    return starts


def body(data: bytes) -> bytes:
    """A file's bytes without a BOM, ending with a line end."""
    data = data.removeprefix(codecs.BOM_UTF8)
    return data if data.endswith(b"\n") else data + b"\n"


CHUNK = 1 << 12


def common_prefix(a: bytes, b: bytes, limit: int) -> int:
    """How many first bytes ``a`` and ``b`` have in common, at most ``limit``: compared a chunk
    at a time, then byte by byte in the first chunk that differs."""
    done = 0
    while done < limit and a[done:done + CHUNK] == b[done:done + CHUNK]:
        done += CHUNK
    end = min(done + CHUNK, limit)
    while done < end and a[done] == b[done]:
        done += 1
    return min(done, limit)


def common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """How many last bytes ``a`` and ``b`` have in common, at most ``limit``."""
    done = 0
    while done + CHUNK <= limit and a[len(a) - done - CHUNK:len(a) - done] == b[len(b) - done - CHUNK:len(b) - done]:
        done += CHUNK
    while done < limit and a[len(a) - done - 1] == b[len(b) - done - 1]:
        done += 1
    return done


def cells(line: bytes, width: int) -> list[str] | None:
    """The cells of a line that is one whole record of ``width`` cells by itself, else None.
    Every line of the file being one record by itself, parsing the lines one by one reads the
    same records as parsing the file."""
    try:
        found = list(csv.reader([line.decode()], strict=True))
    except (UnicodeDecodeError, csv.Error):
        return None
    return found[0] if len(found) == 1 and len(found[0]) == width and any(found[0]) else None
