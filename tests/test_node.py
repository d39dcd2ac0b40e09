"""The JavaScript tests (``node --test tests/js/``): the browser's tokenizer and verification
answers must equal Python's on the shared tables in ``tests/data/``."""

from __future__ import annotations

import re
import subprocess

from tests.registry_files import ROOT


def test_node_test_suite_passes():
    done = subprocess.run(["node", "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    passed = re.search(r"^# pass (\d+)", done.stdout, flags=re.MULTILINE)
    assert passed and int(passed.group(1)) > 0, done.stdout
