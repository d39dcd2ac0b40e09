"""The benchmark's inputs: sample registries of N organisations, and a one-organisation change."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from mulu.reference import Reference
from mulu.sample import generate
from mulu.store import write_pair

REGISTRY, HISTORY = "registry.csv", "history.csv"


def sample_folder(work: Path, orgs: int, seed: int, reference: Reference, settings: dict) -> Path:
    """The sample for ``orgs`` and ``seed``, generated once and kept for later runs."""
    folder = work / f"data-{orgs}-seed{seed}"
    if not (folder / HISTORY).is_file():
        folder.mkdir(parents=True, exist_ok=True)
        rows, events = generate(reference, settings, orgs, seed)
        write_pair(folder / REGISTRY, rows, folder / HISTORY, events)
    return folder


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def corrected_phone(phone: str) -> str:
    """Another phone number of the same shape."""
    return phone[:-1] + str((int(phone[-1]) + 1) % 10)


def change_one_organisation(source: Path, target: Path, today: dt.date) -> str:
    """Copy ``source``'s pair to ``target`` with one filed organisation's phone corrected, the
    way staff record it: the registry row and a 更正 event in the history, dated ``today``.
    Returns the organisation's credit code."""
    rows, events = read_rows(source / REGISTRY), read_rows(source / HISTORY)
    filed = [row for row in rows if row["status"] == "已备案"]
    row = filed[len(filed) // 2]
    row["phone"] = corrected_phone(row["phone"])
    row["updated"] = today.isoformat()
    events.append({
        "date": today.isoformat(), "credit_code": row["credit_code"], "event": "更正",
        "occupations": row["occupations"], "valid_from": row["valid_from"], "valid_until": row["valid_until"],
        "status": row["status"], "document": "", "note": "更正联系电话",
    })
    target.mkdir(parents=True, exist_ok=True)
    write_pair(target / REGISTRY, rows, target / HISTORY, events)
    return row["credit_code"]
