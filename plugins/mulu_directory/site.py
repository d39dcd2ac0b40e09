"""What every build stage shares: the validated registry, the day, the templates, the build
cache and a writer that refuses to write a path twice, leaves unchanged files untouched and
skips rendering a file whose key says it is already as it would be."""

from __future__ import annotations

import datetime as dt
import os
from functools import cached_property
from pathlib import Path

from jinja2 import Environment

from mulu.model import Registry

from . import precompress
from .cache import BuildCache, Memo, digest
from .directory import Directory


# Files made by groups of items (:meth:`Site.by_groups`) are made of this many at most, unless told.
GROUPS = 64


def group_size(items: int, groups: int = GROUPS) -> int:
    """Items per group: a power of two that makes at most ``groups`` groups, so that the groups
    stay the same until the number of items doubles or halves."""
    size = 8
    while size * groups < items:
        size *= 2
    return size


def each(make_one):
    """A ``make`` for :meth:`Site.by_groups` from a function of one group."""
    return lambda groups: [make_one(group) for group in groups]


class DuplicateOutput(RuntimeError):
    """Two stages tried to write the same file."""


class Site:
    def __init__(self, registry: Registry, today: dt.date, settings: dict, env: Environment, output: Path,
                 cache: BuildCache | None = None):
        self.registry = registry
        self.today = today
        self.settings = settings
        self.env = env
        self.output = Path(output)
        self.cache = cache
        self.written: dict[str, int] = {}  # relative path -> size in bytes
        self.keyed: dict[str, tuple[bytes, int, int]] = {}  # relative path -> key, size, mtime in ns
        self.unchanged = 0

    @cached_property
    def directory(self) -> Directory:
        """Statuses for the day and the groupings the pages are cut from, computed once."""
        return Directory(self.registry, self.today, self.settings["MULU_EXPIRY_WARNING_DAYS"], self.siteurl)

    @cached_property
    def digests(self) -> list[bytes]:
        """Each organisation's digest (``Registry.digests``), in registry order."""
        registry = self.registry
        return [registry.digests[code] for code in registry.organisations]

    @property
    def siteurl(self) -> str:
        return self.settings.get("SITEURL", "")

    def url(self, path: str) -> str:
        """An absolute-path URL for a site path such as ``org/X/``."""
        return f"{self.siteurl}/{path}"

    def page_key(self, *parts: bytes | str) -> bytes | None:
        """The key of a page made from ``parts`` (None without a cache: always render)."""
        return digest(self.cache.keys.page, *parts) if self.cache else None

    def data_key(self, *parts: bytes | str) -> bytes | None:
        """The key of a file that does not show the day or use the templates."""
        return digest(self.cache.keys.data, *parts) if self.cache else None

    def page_keys(self, kind: str, parts: list[bytes]) -> list[bytes | None]:
        """The keys of many pages of one kind, each made from one part, such as an organisation's
        digest: :meth:`page_key` of the kind followed by the part. A key is only ever compared,
        and the kind's has a fixed length, so no two collide; this spares a digest per page."""
        return self.concatenated(self.page_key(kind), parts)

    def data_keys(self, kind: str, parts: list[bytes]) -> list[bytes | None]:
        """Like :meth:`page_keys`, for files that do not show the day or use the templates."""
        return self.concatenated(self.data_key(kind), parts)

    @staticmethod
    def concatenated(prefix: bytes | None, parts: list[bytes]) -> list[bytes | None]:
        return [prefix + part for part in parts] if prefix is not None else [None] * len(parts)

    def memo(self, name: str) -> Memo:
        """A table of the build cache (without a cache, one that lasts this build only)."""
        return self.cache.memo(name) if self.cache else Memo(None, b"")

    def by_groups(self, name: str, items: list, digests: list[bytes], make, groups: int = GROUPS) -> list:
        """The part of each group of consecutive items (:func:`group_size`) in a file made from
        them all: the last build's where the group's items' digests (``digests``, one per item)
        and place are the same, the others from ``make(missing)``, called once with the missing
        groups (none, maybe). For a file in which one organisation's part alone costs little to
        make but much to look up."""
        memo = self.memo(name)
        size = group_size(len(items), groups)
        starts = range(0, len(items), size)
        keys = [digest(b"%d" % start, b"".join(digests[start:start + size])) for start in starts]
        parts = [memo.get(key) for key in keys]
        missing = [index for index, part in enumerate(parts) if part is None]
        for index, part in zip(missing, make([items[starts[index]:starts[index] + size] for index in missing])):
            parts[index] = part
            memo.put(keys[index], part)
        memo.save()
        return parts

    def reuse(self, relpath: str, key: bytes | None) -> bool:
        """True, and the file counted as written, if the last build wrote it from the same key
        and it is still as that build left it."""
        if not self.intact(relpath, key):
            return False
        self.keep(relpath)
        return True

    def reuse_all(self, key: bytes | None) -> bool:
        """Like :meth:`reuse`, for every file the last build wrote from ``key``: files made
        together, such as the search's, whose names and number depend on what they hold."""
        paths = [path for path, entry in self.cache.previous.items() if entry[0] == key] if key is not None else []
        if not paths or not all(self.intact(path, key) for path in paths):
            return False
        for path in paths:
            self.keep(path)
        return True

    def intact(self, relpath: str, key: bytes | None) -> bool:
        previous = self.cache.previous.get(relpath) if key is not None else None
        if previous is None or previous[0] != key:
            return False
        try:
            stat = os.stat(os.path.join(self.output, relpath))  # a rebuild checks every file: no Path objects
        except FileNotFoundError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == previous[1:]

    def keep(self, relpath: str) -> None:
        """Count as written a file the last build wrote and this one need not."""
        previous = self.cache.previous[relpath]
        self.record(relpath, previous[1])
        self.keyed[relpath] = previous
        self.unchanged += 1

    def record(self, relpath: str, size: int) -> None:
        if relpath in self.written:
            raise DuplicateOutput(f"构建时重复写入 {relpath}")
        self.written[relpath] = size

    def write(self, relpath: str, content: str | bytes, key: bytes | None = None) -> None:
        """Write a file of the site, once; skip the disk write when the bytes are unchanged.
        A ``key`` (what the content was made from) lets the next build skip making it."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.record(relpath, len(data))
        target = self.output / relpath
        try:
            stat = target.stat()
            if stat.st_size == len(data) and target.read_bytes() == data:
                self.unchanged += 1
                self.remember(relpath, key, stat)
                return
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        precompress.refresh(self.output, relpath, data, self.settings["MULU_PRECOMPRESS"])
        if key is not None:
            self.remember(relpath, key, target.stat())

    def remember(self, relpath: str, key: bytes | None, stat) -> None:
        if key is not None:
            self.keyed[relpath] = (key, stat.st_size, stat.st_mtime_ns)

    def take_over(self, written: dict[str, int], keyed: dict[str, tuple[bytes, int, int]], unchanged: int) -> None:
        """Count as ours the files another process of the build wrote."""
        twice = written.keys() & self.written.keys()
        if twice:
            raise DuplicateOutput(f"构建时重复写入 {min(twice)}")
        self.written.update(written)
        self.keyed.update(keyed)
        self.unchanged += unchanged

    def files(self) -> dict[str, tuple[bytes | None, int, int]]:
        """Every file this build wrote, for the cache: its key, size and modification time."""
        return {relpath: self.keyed.get(relpath) or (None, size, 0) for relpath, size in self.written.items()}

    def render(self, template: str, relpath: str, key: bytes | None = None, **context) -> None:
        """Render a page, unless ``key`` says the file is already what it would be."""
        if not self.reuse(relpath, key):
            self.write(relpath, self.env.get_template(template).render(page_path=relpath, **context), key)
