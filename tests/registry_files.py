"""Small real registries for tests: generated, written to disk, and edited cell by cell."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from mulu.reference import Reference
from mulu.sample import generate
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
