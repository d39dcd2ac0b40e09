"""Small real registries for tests: generated, written to disk, and edited cell by cell."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mulu.reference import Reference
from mulu.sample import NON_BMP_NAME, generate
from mulu.schema import HISTORY_FIELDS, REGISTRY_FIELDS
from mulu.settings import load_settings
from mulu.store import write_pair

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = load_settings(ROOT / "pelicanconf.py")
REFERENCE = Reference(ROOT / "reference")


def write_sample(folder: Path, orgs: int = 60, seed: int = 2) -> tuple[Path, Path]:
    """A generated registry and history in ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rows, events = generate(REFERENCE, SETTINGS, orgs, seed)
    registry, history = folder / "registry.csv", folder / "history.csv"
    write_pair(registry, rows, history, events)
    return registry, history


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]], fields=None) -> None:
    """Write rows exactly as given (no sorting), so a test controls every byte."""
    fields = fields or (REGISTRY_FIELDS if path.name.startswith("registry") else HISTORY_FIELDS)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    writer.writerows([row.get(f, "") for f in fields] for row in rows)
    path.write_bytes(out.getvalue().encode("utf-8"))


def filed_on(folder: Path, day: str) -> dict[str, str]:
    """An organisation of the registry in ``folder`` filed and valid on ``day``, past the first
    two (the fixture registry gives those hostile names)."""
    return next(row for row in read_rows(folder / "registry.csv")[2:]
                if row["status"] == "已备案" and row["valid_from"] <= day <= row["valid_until"])


@dataclass(frozen=True)
class Searched:
    """An organisation a query naming it must find first, as people type it."""

    name: str
    word: str  # the two characters before 职业 in its name: no other name has both
    filing_no: str
    credit_code: str
    phone: str


def searched_org(rows: list[dict[str, str]]) -> Searched:
    """The first filed organisation of the rows named ``<city>＋a two-character word＋职业技能培训有限公司``
    where no other name has both the word and 职业, and no other organisation its phone number or
    the first ten characters of its credit code (the one the generator names outside the BMP has
    its own queries)."""
    names = [row["name"] for row in rows]
    numbers = Counter(row["phone"].split("-")[-1] for row in rows)
    starts = Counter(row["credit_code"][:10] for row in rows)
    for row in rows:
        shape = re.fullmatch(re.escape(SETTINGS["MULU_CITY_SHORT"]) + r"(..)职业技能培训有限公司", row["name"])
        if (shape and row["name"] != NON_BMP_NAME and row["status"] == "已备案" and row["filing_no"]
                and numbers[row["phone"].split("-")[-1]] == 1 and starts[row["credit_code"][:10]] == 1
                and sum(shape[1] in name and "职业" in name for name in names) == 1):
            return Searched(row["name"], shape[1], row["filing_no"], row["credit_code"], row["phone"])
    raise LookupError("no organisation of the rows can be searched for by a word of its own")


def holding(rows: list[dict[str, str]], title: str) -> set[str]:
    """The names of the organisations holding an occupation (or work type) of that title."""
    return {row["name"] for row in rows
            if any(title in entry.split(":")[0].split(" ", 1)[1].split("/") for entry in row["occupations"].split(";"))}
