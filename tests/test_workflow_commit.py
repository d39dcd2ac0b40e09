"""Nothing lost: a writer killed with SIGKILL at any moment leaves the old pair or the new pair."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from mulu.csvio import folder_lock, recover
from mulu.sample import generate
from mulu.store import render_pair
from workflow_support import ANCHOR, KILL_AT_CALL, REFERENCE, ROOT, SETTINGS

# The child writes NEW over OLD with commit_files. With a checkpoint number it SIGKILLs itself just
# before that file-system call (every write, fsync, rename and unlink is one); otherwise it says
# "go" and the parent kills it from outside, at some moment of the write.
CHILD = KILL_AT_CALL + r"""
import sys
from pathlib import Path
from mulu.csvio import commit_files

folder, stop_at = Path(sys.argv[1]), int(sys.argv[2])
calls = kill_at_call(stop_at, ("write", "fsync", "replace", "unlink") if stop_at else ())
contents = {folder / "registry.csv": (folder / "new-registry").read_bytes(),
            folder / "history.csv": (folder / "new-history").read_bytes()}
print("go", flush=True)
commit_files(contents)
print(f"done after {calls[0]} calls", flush=True)
"""


def valid_pairs(orgs: int):
    return [render_pair(*generate(REFERENCE, SETTINGS, orgs, seed, ANCHOR)) for seed in (1, 2)]


def large_pairs(orgs: int):
    """An old pair and a new one that differs from it in both files (generated once: it is slow)."""
    registry, history = render_pair(*generate(REFERENCE, SETTINGS, orgs, 1, ANCHOR))
    return (registry, history), (registry.replace(b",021-", b",021 "), history + b"new\n")


def prepare(folder, old, new) -> None:
    for leftover in folder.glob(".*"):
        if leftover.name != ".mulu.lock":
            leftover.unlink()
    (folder / "registry.csv").write_bytes(old[0])
    (folder / "history.csv").write_bytes(old[1])
    (folder / "new-registry").write_bytes(new[0])
    (folder / "new-history").write_bytes(new[1])


def child(folder, stop_at: int = 0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(folder), str(stop_at)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)


def state(folder) -> tuple[bytes, bytes]:
    return (folder / "registry.csv").read_bytes(), (folder / "history.csv").read_bytes()


def test_killed_at_every_file_system_call(tmp_path):
    """Deterministic: the writer dies just before each of its calls in turn; readers then recover."""
    old, new = valid_pairs(40)
    outcomes = []
    stop_at = 1
    while True:
        prepare(tmp_path, old, new)
        process = child(tmp_path, stop_at)
        output, _ = process.communicate()
        if process.returncode == 0:
            break
        assert process.returncode == -signal.SIGKILL
        # A reader (invoke validate) recovers first, then sees one whole pair.
        result = subprocess.run([sys.executable, "-m", "invoke", "validate", "--registry", str(tmp_path / "registry.csv"),
                                 "--history", str(tmp_path / "history.csv"), "--date", ANCHOR.isoformat()],
                                cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout
        assert state(tmp_path) in (old, new), f"mixed pair after a kill before call {stop_at}"
        assert not [p for p in tmp_path.glob(".*") if p.name != ".mulu.lock"]
        outcomes.append("new" if state(tmp_path) == new else "old")
        stop_at += 1
    assert state(tmp_path) == new
    # Killed before the journal's rename: old; after it: new (rolled forward by the reader).
    assert outcomes[0] == "old" and outcomes[-1] == "new" and outcomes == sorted(outcomes, key=lambda o: o == "new")


@pytest.mark.slow
def test_killed_from_outside_during_a_large_write(tmp_path):
    """25,000 organisations (about 30 MB); SIGKILL at moments spread over the write."""
    old, new = large_pairs(25_000)
    prepare(tmp_path, old, new)
    timing = child(tmp_path)
    timing.stdout.readline()
    started = time.perf_counter()
    timing.stdout.readline()  # "done"
    duration = time.perf_counter() - started
    timing.wait()
    seen = []
    for step in range(11):
        prepare(tmp_path, old, new)
        process = child(tmp_path)
        assert process.stdout.readline() == "go\n"
        time.sleep(duration * step / 10)
        process.send_signal(signal.SIGKILL)
        process.wait()
        seen.append(sorted(p.name for p in tmp_path.glob(".*") if p.name != ".mulu.lock"))
        recover(tmp_path)
        assert state(tmp_path) in (old, new), f"mixed pair after a kill at {step / 10:.0%} of the write"
    print(f"write took {duration:.3f}s; leftovers seen at the kills: {seen}")


def test_reader_waits_for_a_write_in_progress(tmp_path):
    """A reader's clean-up must not delete the temporaries of a write that holds the lock."""
    temporary = tmp_path / ".registry.csv.new"
    with folder_lock(tmp_path):
        temporary.write_text("half-written", encoding="utf-8")
        reader = subprocess.Popen([sys.executable, "-c", "import sys; from mulu.csvio import recover; print('start', flush=True); recover(sys.argv[1])",
                                   str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert reader.stdout.readline() == "start\n"
        time.sleep(0.3)  # long enough for an unlocked recover to have deleted it
        assert temporary.exists() and reader.poll() is None
    reader.wait()
    assert not temporary.exists(), "once the writer is gone, the leftover is cleaned up"
