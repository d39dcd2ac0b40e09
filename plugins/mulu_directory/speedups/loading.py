"""Loading the registry for a cached build: from the last full load's snapshot where only a few
organisations changed, else validated in full (in a forked child when building on two cores),
after which the snapshot is kept for the next build.

The snapshot (``registry`` in the build cache) is the two files' bytes and the registry loaded
from them, salted with the code, settings and reference data. It is written only by a full load:
a rebuild validates again what changed since the snapshot (:mod:`.incremental`), which stays
cheap until many organisations have changed, and then the full load renews it.
"""

from __future__ import annotations

import datetime as dt
import logging
import pickle
from pathlib import Path

from mulu.csvio import source_digest
from mulu.model import Registry
from mulu.reference import Reference
from mulu.settings import resolve
from mulu.validate import load_report, read_pair

from .incremental import Snapshot, load_changed
from .parallel import Forked
from .store import Store

logger = logging.getLogger(__name__)

SNAPSHOT = "registry"
# Organisations validated again at most before validating everything instead: about a tenth of a
# second of checking, and validating many in the build's own process would leave its memory
# scattered (see ``parallel``).
TOUCHED_LIMIT = 1000


def input_paths(settings: dict) -> tuple[Path, Path]:
    return Path(resolve(settings, "MULU_REGISTRY")), Path(resolve(settings, "MULU_HISTORY"))


class Loading:
    """The registry being loaded; :meth:`result` returns it or raises InvalidInput."""

    def __init__(self, settings: dict, today: dt.date, store: Store, two: bool):
        paths = input_paths(settings)
        self.registry = changed_registry(settings, store, paths)
        full = FullLoad(settings, today, paths, store)
        self.child = Forked(full, then=full.keep) if two and self.registry is None else None
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


def changed_registry(settings: dict, store: Store, paths: tuple[Path, Path]) -> Registry | None:
    """The registry from the last full load's snapshot and what changed since, if it can be."""
    before = store.stored(SNAPSHOT)
    if not isinstance(before, Snapshot):
        return None
    try:
        registry_before = before.registry()
        contents = read_pair(*paths)
    except OSError:  # the full validation says which file cannot be read
        return None
    except Exception as exc:  # damaged inside: as a damaged cache file, warn and load in full
        logger.warning("构建缓存 %s 无法读取（%s），将重新生成", store.path(SNAPSHOT), exc)
        return None
    registry = load_changed(before, registry_before, contents, paths,
                            Reference(resolve(settings, "MULU_REFERENCE_DIR")), settings, TOUCHED_LIMIT)
    if registry is not None:
        logger.info("目录：按上次构建校验过的内容载入，只重新校验了有改动的机构")
    return registry


class FullLoad:
    """Validating everything (in the child, if there is one); then keeping the snapshot. The
    files' bytes are not held while validating (the child's memory peaks then): they are read
    again, and kept only if they are still what was validated."""

    def __init__(self, settings: dict, today: dt.date, paths: tuple[Path, Path], store: Store):
        self.settings, self.today, self.paths, self.store = settings, today, paths, store
        self.sources = None

    def __call__(self) -> Registry:
        report = load_report(self.settings, self.today, *self.paths)
        self.sources = report.sources
        return report.registry

    def keep(self, model: bytes) -> None:
        """Keep the files' bytes and ``model``, the registry as pickled to be handed over."""
        try:
            contents = read_pair(*self.paths)
            if tuple(map(source_digest, contents)) == self.sources:  # else changed since: keep nothing
                self.store.store(SNAPSHOT, Snapshot.of(*contents, model))
        except OSError as exc:  # the cache is only ever an aid
            logger.warning("构建缓存无法写入（%s）", exc)
