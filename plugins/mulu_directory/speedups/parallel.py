"""Building on two cores, in forked processes that share the parent's memory copy-on-write.

- :class:`Forked` runs one job in a short-lived child and sends back its value: loading runs there
  (validating a large registry allocates several times the model's size, and the freed memory
  would stay scattered in the build's heap); the parent unpickles the model into compact memory.
- :func:`run_jobs` renders: with two processes, a forked worker and the main process take jobs
  (whole stages, then chunks of organisation pages) from one shared queue until none are left, so
  neither waits for the other however the build cache shortens each job; the worker sends back
  what it wrote (:meth:`~.output.Output.report`).

The registry crosses from one process to another column by column (:func:`reduce_registry`),
which is several times faster than object by object.
"""

from __future__ import annotations

import copyreg
import multiprocessing
import os
import pickle
import sys
import traceback
from collections import defaultdict
from dataclasses import fields
from operator import attrgetter
from typing import Callable

from mulu.model import Event, Organisation, Registry

FORK = multiprocessing.get_context("fork")
CHUNK = 500  # organisation pages per job: small enough to balance, large enough to be cheap

# The fields a pickled registry sends column by column: an organisation's events are its own.
ORGANISATION_COLUMNS = [f.name for f in fields(Organisation) if f.name != "events"]
EVENT_COLUMNS = [f.name for f in fields(Event)]


def columns(records: list, names: list[str]) -> list[list]:
    return [list(map(attrgetter(name), records)) for name in names]


def reduce_registry(registry: Registry):
    orgs = list(registry.organisations.values())
    return (registry_from_columns, (columns(orgs, ORGANISATION_COLUMNS), columns(registry.events, EVENT_COLUMNS),
                                    registry.reference, registry.digests))


def registry_from_columns(organisation_columns, event_columns, reference, digests: dict[str, bytes]) -> Registry:
    events = list(map(Event, *event_columns))
    per_org = defaultdict(list)
    for event in events:
        per_org[event.credit_code].append(event)
    orgs = list(map(Organisation, *organisation_columns))
    for org in orgs:
        org.events = per_org[org.credit_code]
    return Registry({org.credit_code: org for org in orgs}, events, reference, digests)


copyreg.pickle(Registry, reduce_registry)


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
        # Plain pickle: multiprocessing's own consults its table of reducers for every object.
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        sender.send_bytes(b"ok" if ok else b"failed")
        sender.send_bytes(data)
        if then and ok:
            then(data)
        # Exit at once: freeing the child's objects one by one would only keep the parent waiting.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    def result(self):
        try:
            ok = self.receiver.recv_bytes() == b"ok"
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


def run_jobs(site, jobs: list[Callable], processes: int) -> None:
    """Run each job once with the site: here, or here and in a forked worker whose output the
    main process takes over."""
    if processes < 2:
        for job in jobs:
            job(site)
        return
    queue = Queue(jobs)

    def work():
        site.output.restart()  # report only what this process writes
        for job in queue:
            job(site)
        return site.output.report()

    site.output.flush()  # nothing left for both processes to do
    worker = Forked(work)
    try:
        for job in queue:
            job(site)
        site.output.flush()  # this process's last copies, made while the worker may still be at work
    finally:
        report = worker.result()
    site.output.take_over(report)
