"""The tests build from data they generate or own, never from the shipped registry: a bureau that
replaces registry.csv and history.csv with its own data, as the README tells it to, keeps a green
suite. Checked as it would happen: a copy of the project with another registry in place runs the
suite, but for the slow tests (this one among them) and the browser's (which read the data only
through the same fixtures as the others, and would only lengthen the run)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def project_files() -> list[str]:
    """The files a clone holds: tracked ones, and new ones not ignored."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    return [name for name in listed if name and (ROOT / name).is_file()]


def test_the_suite_passes_with_another_registry_in_place(tmp_path):
    copy = tmp_path / "project"
    for name in project_files():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    for installed in (".venv", "node_modules"):
        (copy / installed).symlink_to(ROOT / installed)
    other = subprocess.run([sys.executable, "-m", "invoke", "sample", "--orgs", "50", "--seed", "9", "--out", "."],
                           cwd=copy, capture_output=True, text=True)
    assert other.returncode == 0, other.stderr
    assert (copy / "registry.csv").read_bytes() != (ROOT / "registry.csv").read_bytes()
    suite = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-m", "not slow and not browser", "-n", "2", "-p", "no:cacheprovider"],
                           cwd=copy, capture_output=True, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert suite.returncode == 0, suite.stdout[-5000:] + suite.stderr[-2000:]
