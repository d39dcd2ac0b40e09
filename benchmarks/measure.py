"""Measuring tools: child processes with their own peak memory, medians, sizes of a folder."""

from __future__ import annotations

import gzip
import hashlib
import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float


class ChildFailed(RuntimeError):
    """A measured command exited non-zero."""


def run_child(argv: list[str], cwd: str | Path | None = None, env: dict | None = None) -> Run:
    """Run a command to the end; its wall time and the peak RSS of it and the children it waited
    for (``wait4`` reports this child's figure, not the maximum over every child so far)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()
    if process.returncode:
        raise ChildFailed(f"{argv[0]} exited {process.returncode}:\n{output.decode('utf-8', 'replace')[-4000:]}")
    return Run(seconds, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def median_run(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_rss_mb for r in runs))


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the value at or below which ``fraction`` of them lie."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def gzip_size(data: bytes) -> int:
    """Bytes on the wire with gzip: files already gzipped (Pagefind's) travel as they are."""
    return len(data) if data.startswith(GZIP_MAGIC) else len(gzip.compress(data, 9, mtime=0))


def tree_stats(root: Path) -> tuple[int, int]:
    """``(files, bytes)`` under a folder."""
    files = size = 0
    for path in root.rglob("*"):
        if path.is_file():
            files += 1
            size += path.stat().st_size
    return files, size


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Each file's modification time and content hash, to tell rewritten from changed files."""
    return {
        str(path.relative_to(root)): (path.stat().st_mtime_ns, hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest())
        for path in root.rglob("*") if path.is_file()
    }


def compare(before: dict, after: dict) -> tuple[int, int]:
    """``(files rewritten, files whose content changed)``: new files count as both."""
    rewritten = changed = 0
    for path, (mtime, digest) in after.items():
        old = before.get(path)
        rewritten += old is None or old[0] != mtime
        changed += old is None or old[1] != digest
    return rewritten, changed
