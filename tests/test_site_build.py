"""The build's two processes (a forked worker beside the main one) make the same site as one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLE_DAY


def files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def test_one_process_builds_the_same_files_as_two(built_site, tmp_path):
    overrides = [f"MULU_TODAY={json.dumps(SAMPLE_DAY)}", "MULU_BUILD_PROCESSES=1"]
    argv = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(tmp_path), "-e", *overrides]
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    one, two = files(tmp_path), files(built_site)
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    assert len([name for name in one if name.startswith("org/") and name.endswith("/index.html")]) == 300
