"""Measuring tools: child processes with their own peak memory, medians, sizes of a folder."""

from __future__ import annotations

import hashlib
import os
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from mulu.search.shards import gzip_size as search_gzip_size

GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float


class ChildFailed(RuntimeError):
    """A measured command exited non-zero."""


def descendants(root: int) -> list[int]:
    """``root`` and every process below it, from ``/proc``."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def tree_pss_kib(root: int) -> int:
    """Memory of a process tree, pages shared between its processes counted once (PSS)."""
    total = 0
    for pid in descendants(root):
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return total


class TreeMemory(threading.Thread):
    """Samples a process tree's PSS every 50 ms and keeps the peak: a build that forks a worker
    uses the memory of both, which no single process's peak RSS shows."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.done = pid, 0, threading.Event()

    def run(self):
        while not self.done.wait(0.05):
            self.peak_kib = max(self.peak_kib, tree_pss_kib(self.pid))


def run_child(argv: list[str], cwd: str | Path | None = None, env: dict | None = None, sample: bool = True) -> Run:
    """Run a command to the end; its wall time and its peak memory: the larger of the whole
    process tree's sampled PSS and the largest single process's peak RSS (``wait4``). Sampling
    walks the tree's memory maps, which takes CPU from what is timed: ``sample=False`` where
    the peak is not reported, and the memory is the largest process's peak RSS alone."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sampler = TreeMemory(process.pid)
    if sample:
        sampler.start()
    output = process.stdout.read()
    if sample:
        sampler.done.set()
        sampler.join()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()
    if process.returncode:
        raise ChildFailed(f"{argv[0]} exited {process.returncode}:\n{output.decode('utf-8', 'replace')[-4000:]}")
    return Run(seconds, max(usage.ru_maxrss, sampler.peak_kib) / 1024)  # both in KiB on Linux


class OtherWork:
    """CPU time other processes used while the benchmark measured times: the machine's busy
    time (``/proc/stat``) less what this process and its waited-for children used. Figures
    taken while it grows are disturbed; ``seconds`` is None where ``/proc/stat`` is missing."""

    def __init__(self):
        self.seconds: float | None = 0.0 if Path("/proc/stat").is_file() else None
        self.started: tuple[float, float] | None = None

    def __enter__(self):
        if self.seconds is not None:
            self.started = (machine_busy_seconds(), own_seconds())
        return self

    def __exit__(self, *exc):
        if self.started is not None:
            busy, own = self.started
            self.seconds += max(0.0, (machine_busy_seconds() - busy) - (own_seconds() - own))
            self.started = None


def machine_busy_seconds() -> float:
    """CPU time every core spent on anything but idling since boot."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and waiting for I/O
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")  # guest time is already in user time


def own_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def median_run(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_rss_mb for r in runs))


def timed_then_sampled(run: Callable[[bool], Run], repeat: int) -> Run:
    """The median time of ``repeat`` runs of ``run(sample=False)``, and the peak memory of one more
    run that samples it: sampling a process tree takes CPU from a build that keeps two cores busy
    (about a fifth of a 25,000-organisation build's time), less from one that keeps one busy."""
    seconds = statistics.median(run(False).seconds for _ in range(repeat))
    return Run(seconds, run(True).peak_rss_mb)


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the value at or below which ``fraction`` of them lie."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def gzip_size(data: bytes) -> int:
    """Bytes on the wire with gzip: files already gzipped (Pagefind's) travel as they are."""
    return len(data) if data.startswith(GZIP_MAGIC) else search_gzip_size(data)


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
    return len(rewritten_files(before, after)), sum(before.get(path, (0, None))[1] != digest for path, (_, digest) in after.items())


def rewritten_files(before: dict, after: dict) -> list[str]:
    """The files written since ``before`` (new ones too)."""
    return [path for path, (mtime, _) in after.items() if before.get(path, (None,))[0] != mtime]


def kinds(paths: list[str]) -> dict[str, int]:
    """How many of the files are of each kind: their first folder (``org``, ``orgs``, …), or
    their own name at the top."""
    found: dict[str, int] = {}
    for path in paths:
        kind = path.split("/", 1)[0]
        found[kind] = found.get(kind, 0) + 1
    return dict(sorted(found.items()))
