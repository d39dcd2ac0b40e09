"""Loading the registry for a build: from the last build's snapshot where only a few
organisations changed, else validated in full in a forked child, which then keeps a snapshot.

The snapshot (``registry.pickle`` in the build cache) is the two files' bytes and the registry
loaded from them, salted with the code, settings and reference data (``Keys.data``). It is
written only by a full load: a rebuild validates again what changed since the snapshot, which
stays cheap until many organisations have changed, and then the full load renews it.
"""

from __future__ import annotations

import datetime as dt
import logging
import pickle
from pathlib import Path

from mulu.csvio import source_digest
from mulu.incremental import Snapshot, load_changed
from mulu.model import Registry
from mulu.reference import Reference
from mulu.settings import resolve
from mulu.validate import bulk_allocation, load_report, read_pair

from . import parallel
from .cache import read_pickle, write_pickle

logger = logging.getLogger(__name__)

SNAPSHOT = "registry.pickle"
# Organisations validated again at most before validating everything instead: about a tenth of a
# second of checking, and validating many in the build's own process would leave its memory
# scattered (see ``parallel``).
TOUCHED_LIMIT = 1000


class Loading:
    """The registry being loaded; :meth:`result` returns it or raises InvalidInput."""

    def __init__(self, settings: dict, today: dt.date, cache_folder: Path | None, salt: bytes, two: bool):
        paths = Path(resolve(settings, "MULU_REGISTRY")), Path(resolve(settings, "MULU_HISTORY"))
        snapshot = cache_folder / SNAPSHOT if cache_folder else None
        self.registry = changed_registry(settings, snapshot, salt, paths) if snapshot else None
        full = FullLoad(settings, today, paths, snapshot, salt)
        self.child = parallel.Forked(full, then=full.keep) if two and self.registry is None else None
        self.full = None if self.child else full

    def result(self) -> Registry:
        if self.registry is None:
            self.registry = self.child.result() if self.child else self.full()
            if self.full:
                self.full.keep(pickle.dumps(self.registry, protocol=pickle.HIGHEST_PROTOCOL))
        return self.registry

    def finish(self) -> None:
        """Wait for the child to have kept its snapshot."""
        if self.child:
            self.child.join()


def changed_registry(settings: dict, snapshot: Path, salt: bytes, paths: tuple[Path, Path]) -> Registry | None:
    """The registry from the last full load's snapshot and what changed since, if it can be."""
    with bulk_allocation():
        before = read_pickle(snapshot, salt)
        if not isinstance(before, Snapshot):
            return None
        try:
            registry_before = before.registry()
            contents = read_pair(*paths)
        except OSError:  # the full validation says which file cannot be read
            return None
        except Exception as exc:  # damaged inside: as read_pickle does, warn and load in full
            logger.warning("构建缓存 %s 无法读取（%s），将重新生成", snapshot, exc)
            return None
        registry = load_changed(before, registry_before, contents, paths, Reference(resolve(settings, "MULU_REFERENCE_DIR")),
                                settings, TOUCHED_LIMIT)
    if registry is not None:
        logger.info("目录：按上次构建校验过的内容载入，只重新校验了有改动的机构")
    return registry


class FullLoad:
    """Validating everything (in the child, if there is one); then keeping the snapshot. The
    files' bytes are not held while validating (the child's memory peaks then): they are read
    again, and kept only if they are still what was validated."""

    def __init__(self, settings: dict, today: dt.date, paths: tuple[Path, Path], snapshot: Path | None, salt: bytes):
        self.settings, self.today, self.paths, self.snapshot, self.salt = settings, today, paths, snapshot, salt
        self.sources = None

    def __call__(self) -> Registry:
        report = load_report(self.settings, self.today, *self.paths)
        self.sources = report.sources
        return report.registry

    def keep(self, model: bytes) -> None:
        """Keep the files' bytes and ``model``, the registry as pickled to be handed over."""
        if not self.snapshot:
            return
        try:
            contents = read_pair(*self.paths)
            if tuple(map(source_digest, contents)) == self.sources:  # else changed since: keep nothing
                write_pickle(self.snapshot, self.salt, Snapshot.of(*contents, model))
        except OSError as exc:  # the cache is only ever an aid
            logger.warning("构建缓存 %s 无法写入（%s）", self.snapshot, exc)
