"""Building on two cores: a forked worker shares the loaded model (copy-on-write) and runs its
own stages while the main process runs the others; then both take organisation pages from one
shared queue of chunks until none are left, so neither waits for the other. The worker sends
back the paths it wrote, which the sitemap and the duplicate-path check need."""

from __future__ import annotations

import gc
import multiprocessing
import traceback
from typing import Callable

from .site import Site

CHUNK = 500  # organisation pages per chunk: small enough to balance, large enough to be cheap


class WorkerFailed(RuntimeError):
    """The worker process raised; the message carries its traceback."""


class Chunks:
    """Consecutive slices of a list, handed out once each across processes."""

    def __init__(self, context, items: list):
        self.items = items
        self.taken = context.Value("i", 0)

    def __iter__(self):
        while True:
            with self.taken.get_lock():
                start = self.taken.value
                self.taken.value += CHUNK
            if start >= len(self.items):
                return
            yield self.items[start:start + CHUNK]


def build_in_two(site: Site, main_stages, worker_stages, shared: Callable[[Site, list], None], items: list) -> None:
    """Run ``worker_stages`` in a forked worker and ``main_stages`` here, then ``shared`` on
    chunks of ``items`` in both, and take over what the worker wrote."""
    context = multiprocessing.get_context("fork")
    chunks = Chunks(context, items)
    receiver, sender = context.Pipe(duplex=False)
    gc.freeze()  # the model is built: keep the collector from touching (and so copying) its pages
    worker = context.Process(target=work, args=(site, worker_stages, shared, chunks, sender), daemon=True)
    worker.start()
    sender.close()
    try:
        for stage in main_stages:
            stage(site)
        for chunk in chunks:
            shared(site, chunk)
        ok, result = receiver.recv()
    finally:
        worker.join()
    if not ok:
        raise WorkerFailed(result)
    written, unchanged = result
    site.take_over(written, unchanged)


def work(site: Site, stages, shared, chunks: Chunks, sender) -> None:
    site.written, site.unchanged = {}, 0  # report only what this process writes
    try:
        for stage in stages:
            stage(site)
        for chunk in chunks:
            shared(site, chunk)
        sender.send((True, (site.written, site.unchanged)))
    except BaseException:
        sender.send((False, traceback.format_exc()))
