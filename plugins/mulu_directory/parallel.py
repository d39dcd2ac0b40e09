"""Building on two cores, in forked processes that share the parent's memory copy-on-write.

- Loading runs in a short-lived child (:class:`Forked`): validating a 25,000-organisation
  registry allocates several times the model's size, and the freed memory would stay scattered
  in the build's heap. The child sends back only the model, which the parent unpickles into
  compact memory.
- Rendering: a worker and the main process take jobs (whole stages, then chunks of organisation
  pages) from one shared queue until none are left, so neither waits for the other however the
  build cache shortens each job. The worker sends back the paths it wrote, which the sitemap,
  the duplicate-path check and the cache need.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import traceback
from typing import Callable

from mulu.validate import bulk_allocation

from .site import Site

CHUNK = 500  # organisation pages per chunk: small enough to balance, large enough to be cheap
FORK = multiprocessing.get_context("fork")


class WorkerFailed(RuntimeError):
    """A forked process failed with an error that could not be sent back as it was."""


class Forked:
    """``job()`` running in a forked child; :meth:`result` returns its value or raises its error.
    ``then(data)``, if given, runs in the child after the value is sent, with the value as it was
    pickled to be sent: :meth:`result` does not wait for it, :meth:`join` does."""

    def __init__(self, job: Callable[[], object], then: Callable[[bytes], None] | None = None):
        self.receiver, sender = FORK.Pipe(duplex=False)
        self.then = then
        self.process = FORK.Process(target=self.run, args=(job, then, sender), daemon=True)
        self.process.start()
        sender.close()

    @staticmethod
    def run(job, then, sender) -> None:
        try:
            ok, value = True, job()
        except BaseException as exc:  # sent to the parent, which raises it
            ok, value = False, exc if picklable(exc) else WorkerFailed(traceback.format_exc())
        # Plain pickle: multiprocessing's own consults its table of reducers for every object, which
        # makes sending the whole model several times slower; so would the collector, woken by
        # the tuples each object is reduced to.
        with bulk_allocation():
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        sender.send_bytes(b"ok" if ok else b"failed")
        sender.send_bytes(data)
        if then and ok:
            then(data)
        # Exit at once: freeing the child's objects one by one would only keep the parent
        # waiting, and the memory goes with the process anyway.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    def result(self):
        try:
            ok = self.receiver.recv_bytes() == b"ok"
            with bulk_allocation():
                value = pickle.loads(self.receiver.recv_bytes())
        finally:
            if self.then is None:
                self.join()
        if not ok:
            raise value
        return value

    def join(self) -> None:
        self.process.join()


def picklable(value) -> bool:
    try:
        pickle.dumps(value)
        return True
    except Exception:
        return False


def chunks(items: list) -> list[list]:
    """Consecutive slices of ``CHUNK`` items."""
    return [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]


class Queue:
    """Items handed out once each, in order, across processes."""

    def __init__(self, items: list):
        self.items = items
        self.taken = FORK.Value("i", 0)

    def __iter__(self):
        while True:
            with self.taken.get_lock():
                index = self.taken.value
                self.taken.value += 1
            if index >= len(self.items):
                return
            yield self.items[index]


def build_in_two(site: Site, jobs: list[Callable[[Site], None]]) -> None:
    """Run the jobs here and in a forked worker, each once, and take over what the worker wrote."""
    queue = Queue(jobs)

    def work():
        site.written, site.keyed, site.unchanged = {}, {}, 0  # report only what this process writes
        for job in queue:
            job(site)
        return site.written, site.keyed, site.unchanged

    worker = Forked(work)
    try:
        for job in queue:
            job(site)
    finally:
        written, keyed, unchanged = worker.result()
    site.take_over(written, keyed, unchanged)
