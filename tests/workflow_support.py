"""Shared by the workflow tests: small generated registries and the real invoke command line."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import yaml

from mulu.reference import Reference
from mulu.sample import generate
from mulu.schema import REGISTRY_FIELDS
from mulu.settings import load_settings
from mulu.store import write_pair
from mulu.validate import validate_files
from mulu.workflow import cells_of

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = load_settings(ROOT / "pelicanconf.py")
REFERENCE = Reference(ROOT / "reference")
ANCHOR = dt.date(2026, 11, 27)  # a Friday; the sample's statuses are arranged around it
APPLICANT = "91310115MA1K4XY200"  # valid check character; never drawn by the generator's seeds here

# The start of a child process's script: kill_at_call(n, names) makes the process SIGKILL itself
# just before its n-th call to one of the named os functions (every write, fsync, rename and
# unlink is one); it returns the count of calls so far, as a one-item list.
KILL_AT_CALL = r"""
import os, signal

def kill_at_call(stop_at, names):
    calls = [0]

    def checkpoint(original):
        def wrapped(*args, **kwargs):
            calls[0] += 1
            if calls[0] == stop_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return original(*args, **kwargs)
        return wrapped

    for name in names:
        setattr(os, name, checkpoint(getattr(os, name)))
    return calls
"""

APPLICATION = {
    "credit_code": APPLICANT,
    "name": "上海申江焊接技术有限公司",
    "org_type": "企业",
    "district": "浦东新区",
    "address": "上海市浦东新区张杨路100号",
    "phone": "021-58881234",
    "website": "https://www.example.com.cn",
    "occupations": ["6-18-02-04 焊工:5-3", "6-31-01-03 电工:5-4"],
    "evaluation_experience": "2019 年起为本企业职工开展焊工技能评价，累计 1200 人次",
    "submitted": "2026-11-20",
}


class Files:
    """A registry pair (and receipts folder) in a temporary folder."""

    def __init__(self, folder: Path, orgs: int = 40, seed: int = 5):
        self.folder = folder
        self.registry = folder / "registry.csv"
        self.history = folder / "history.csv"
        self.receipts = folder / "receipts"
        rows, events = generate(REFERENCE, SETTINGS, orgs, seed, ANCHOR)
        assert all(row["credit_code"] != APPLICANT for row in rows)
        write_pair(self.registry, rows, self.history, events)

    def snapshot(self) -> tuple[bytes, bytes]:
        return self.registry.read_bytes(), self.history.read_bytes()

    def lines(self) -> tuple[list[str], list[str]]:
        return self.registry.read_text("utf-8").splitlines(), self.history.read_text("utf-8").splitlines()

    def row(self, credit_code: str) -> dict[str, str]:
        return cells_of(self.validated().registry.organisations[credit_code], REGISTRY_FIELDS)

    def validated(self, today: dt.date = ANCHOR):
        report = validate_files(self.registry, self.history, REFERENCE, SETTINGS, today)
        assert report.ok, [str(p) for p in report.problems]
        return report

    def invoke(self, task: str, *arguments: str, files: bool = True) -> subprocess.CompletedProcess:
        """Run ``invoke TASK ...`` as staff would, from the project root, on these files."""
        argv = [sys.executable, "-m", "invoke", task, *arguments]
        if files:
            argv += ["--registry", str(self.registry), "--history", str(self.history)]
        return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)

    def write_application(self, filename: str = "application.yaml", **changes) -> Path:
        values = {**APPLICATION, **changes}
        path = self.folder / filename
        path.write_text(yaml.safe_dump({k: v for k, v in values.items() if v is not None}, allow_unicode=True), encoding="utf-8")
        return path

    def first(self, status: str, today: dt.date = ANCHOR):
        """An organisation of the generated registry with this status (filed ones within their term)."""
        orgs = self.validated().registry.organisations.values()
        return next(o for o in orgs if o.status == status and (status != "已备案" or o.valid_from <= today <= o.valid_until))
