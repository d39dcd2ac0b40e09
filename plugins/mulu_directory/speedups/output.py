"""Writing the site: every page and file goes through :class:`Output` (made in full) or
:class:`CachedOutput` (made again only when what it is made from changed).

Both write a file only if its bytes changed (so that a deploy moves only what changed), refuse to
write a path twice, and tell Pelican's ``content_written`` receivers of every file they write.
The cached one keys each output by the values it is made from (:mod:`.keys`), skips making it
when the last build made it from the same key and it is still as that build left it, keeps parts
of files made from many items (:meth:`Output.parts`), and deletes what the last build wrote and
this one did not, so that a rebuild leaves the very files a build into an empty folder leaves.
"""

from __future__ import annotations

import hashlib
import os
from functools import cached_property, partial
from pathlib import Path
from typing import Callable

from jinja2 import Template
from pelican import signals

from .. import precompress
from ..disk import same_bytes, write_bytes
from . import pieces
from .keys import Unkeyable, digest_after, encoded
from .parallel import Forked
from .store import Store

# Files made from groups of items (:meth:`Output.parts`) are made of this many groups at most.
GROUPS = 64


# Makers of several files (:meth:`Output.files`) that can bring up to date what they made for the
# last build: ``update(kept, *inputs)`` gives the files and what to keep for the next build, from
# what the last one kept (None at first).
UPDATERS: dict[Callable, Callable] = {}


class DuplicateOutput(RuntimeError):
    """Two stages tried to write the same file."""


def group_size(items: int, groups: int = GROUPS) -> int:
    """Items per group: a power of two that makes at most ``groups`` groups, so that the groups stay
    the same until the number of items doubles or halves."""
    size = 8
    while size * groups < items:
        size *= 2
    return size


def grouped(items: list, groups: int = GROUPS) -> list[list]:
    size = group_size(len(items), groups)
    return [items[start:start + size] for start in range(0, len(items), size)]


class Output:
    """The output folder, written in full: nothing is read from or kept for another build."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.written: dict[str, int] = {}  # relative path -> size in bytes
        self.unchanged = 0
        # Whether a file left as it was may have compressed copies of another setting beside it:
        # without the cache, how earlier builds made them is not known.
        self.copies_unknown = True

    def page(self, relpath: str, template: Template, context: dict) -> None:
        """A page: the template rendered with the context."""
        self.write(relpath, template.render(**context))

    def file(self, relpath: str, make: Callable, inputs: tuple) -> None:
        """A file: ``make(*inputs)``."""
        self.write(relpath, make(*inputs))

    def files(self, folder: str, make: Callable, inputs: tuple) -> None:
        """Files made together: ``make(*inputs)`` gives their bytes by path under ``folder``."""
        for name, data in make(*inputs).items():
            self.write(f"{folder}/{name}", data)

    def parts(self, name: str, make_groups: Callable[[list[list]], list], items: list, groups: int = GROUPS) -> list:
        """``make_groups`` of the items cut into consecutive groups (:func:`grouped`): the part of
        each group, in order. ``name`` names the parts for the cache."""
        return make_groups(grouped(items, groups))

    def joined(self, relpath: str, name: str, make_groups: Callable, items: list, join: Callable, inputs: tuple,
               groups: int = GROUPS) -> None:
        """A file made from many items: ``join(parts, *inputs)`` of their groups' :meth:`parts`."""
        parts = self.parts(name, make_groups, items, groups)
        self.write(relpath, join(parts, *inputs), parts=parts)

    def write(self, relpath: str, content: str | bytes, key: bytes | None = None, parts: list | None = None) -> None:
        """Write a file of the site, once; leave it untouched when its bytes are the same.
        ``parts``: what the file was joined from, for its copies to be made a piece per part."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        joined = (parts, self.deflated_pieces(relpath)) if parts else None
        self.record(relpath, len(data))
        target = os.path.join(self.folder, relpath)  # plain os calls: a build writes ~200,000 files
        try:
            stat = os.stat(target)
        except FileNotFoundError:
            stat = None
        if stat is not None and stat.st_size == len(data) and same_bytes(target, data):
            self.unchanged += 1
            if not self.copies_known(relpath, stat):
                precompress.settle(self.folder, relpath, data, joined)
        else:
            stat = write_bytes(target, data)
            signals.content_written.send(target, context={"relpath": relpath, "data": data, "joined": joined})
        self.remember(relpath, key, stat)  # keyed or not: found so next time, it has its copies (copies_known)

    def record(self, relpath: str, size: int) -> None:
        if relpath in self.written:
            raise DuplicateOutput(f"构建时重复写入 {relpath}")
        self.written[relpath] = size

    def copies_known(self, relpath: str, stat: os.stat_result) -> bool:
        """Whether a file found as it should be has its copies as this build's setting makes them."""
        return not self.copies_unknown

    def remember(self, relpath: str, key: bytes | None, stat: os.stat_result) -> None:
        """Nothing to remember without a cache."""

    def deflated_pieces(self, relpath: str) -> Callable[[pieces.Jobs], list[bytes]]:
        """How the pieces of a joined file's compressed copy are deflated: all of them."""
        return pieces.deflate_pieces

    def flush(self) -> None:
        """Make the compressed copies still due (:mod:`.precompress` makes them in batches): before
        this process forks, reports or finishes."""
        precompress.flush()

    def report(self) -> tuple:
        """What this process wrote, for the process that takes it over (:meth:`take_over`)."""
        self.flush()
        return self.written, self.unchanged

    def take_over(self, report: tuple) -> None:
        written, unchanged = report
        twice = written.keys() & self.written.keys()
        if twice:
            raise DuplicateOutput(f"构建时重复写入 {min(twice)}")
        self.written.update(written)
        self.unchanged += unchanged

    def restart(self) -> None:
        """Forget what was written, in a forked process that reports only its own files."""
        self.written, self.unchanged = {}, 0

    def finish(self) -> int:
        """After the build: the number of files of earlier builds deleted (none without a cache)."""
        self.flush()
        return 0


class CachedOutput(Output):
    """The output folder with its build cache (:class:`~.store.Store`). ``base`` is the key part
    every output shares (code, libraries, settings, reference data, theme). With ``forked``, the
    last build's files are checked in a forked child (:func:`disturbed_files`) while this process
    loads the registry, on the core that would otherwise wait."""

    def __init__(self, folder: Path, store: Store, base: bytes, forked: bool = False):
        super().__init__(folder)
        self.store, self.keyed_after_base = store, digest_after(base)
        copies, self.previous = store.previous_files()  # relative path -> (key, size, mtime in ns)
        self.copies_unknown = copies != precompress.enabled()
        if self.copies_unknown:  # every file made again, for its copies to follow the setting
            self.previous = {relpath: (None, *known[1:]) for relpath, known in self.previous.items()}
        self.keyed: dict[str, tuple[bytes | None, int, int]] = {}
        check = partial(disturbed_files, str(self.folder), self.previous)
        self.checking = Forked(check) if forked and self.previous else check

    def key(self, *values) -> bytes | None:
        """The key of an output made from the values, or None if one of them cannot be keyed."""
        try:
            return self.keyed_after_base(encoded(values))
        except Unkeyable:
            return None

    def page(self, relpath: str, template: Template, context: dict) -> None:
        key = self.key(relpath, template.name, context)
        if not self.kept(relpath, key):
            self.write(relpath, template.render(**context), key)

    def file(self, relpath: str, make: Callable, inputs: tuple) -> None:
        key = self.key(relpath, make.__module__, make.__qualname__, inputs)
        if not self.kept(relpath, key):
            self.write(relpath, make(*inputs), key)

    def files(self, folder: str, make: Callable, inputs: tuple) -> None:
        """Made again, the files are compared with what the last build made, which the cache keeps
        (a folder of thousands of small files, most of them the same): one still as that build
        left it, with the same bytes, is neither read nor written."""
        key = self.key(folder, make.__module__, make.__qualname__, inputs)
        paths = [path for path, entry in self.previous.items() if entry[0] == key] if key is not None else []
        if paths and all(map(self.intact, paths, [key] * len(paths))):
            for path in paths:
                self.keep(path, key)
            return
        last_made, last_kept = self.store.stored(folder) or ({}, None)
        update = UPDATERS.get(make)
        if update is None:
            made, kept = make(*inputs), None
        else:
            made, kept = update(last_kept, *inputs)
        for name, data in made.items():
            path = f"{folder}/{name}"
            if key is not None and last_made.get(name) == data and self.left_as_it_was(path):
                self.keep(path, key)
            else:
                self.write(path, data, key)
        self.store.store(folder, (made, kept))  # once they are written: it tells what they hold

    def group_keys(self, name: str, make_groups: Callable, items: list, groups: int) -> tuple[list[list], list]:
        """The items cut into groups (:func:`grouped`), and each group's key: its items and place."""
        cut = grouped(items, groups)
        keys = [self.key(name, make_groups.__qualname__, start, group)
                for start, group in zip(range(0, len(items), len(cut[0]) if cut else 1), cut)]
        return cut, keys

    def parts(self, name: str, make_groups: Callable[[list[list]], list], items: list, groups: int = GROUPS) -> list:
        return self.keyed_parts(name, make_groups, *self.group_keys(name, make_groups, items, groups))

    def keyed_parts(self, name: str, make_groups: Callable, cut: list[list], keys: list) -> list:
        """The last build's part of each group whose key is the same; the others from one call
        of ``make_groups`` with the missing groups. The table of parts is stored again at once
        and let go: one stage makes one file of a name, and large files' parts would otherwise
        stay in memory to the end of the build."""
        memo = self.store.memo(name)
        parts = [memo.get(key) if key is not None else None for key in keys]
        missing = [index for index, part in enumerate(parts) if part is None]
        for index, part in zip(missing, make_groups([cut[index] for index in missing]) if missing else ()):
            parts[index] = part
            if keys[index] is not None:
                memo.put(keys[index], part)
        memo.save()
        return parts

    def joined(self, relpath: str, name: str, make_groups: Callable, items: list, join: Callable, inputs: tuple,
               groups: int = GROUPS) -> None:
        cut, keys = self.group_keys(name, make_groups, items, groups)  # which cover every item
        key = None if None in keys else self.key(relpath, make_groups.__qualname__, join.__qualname__, keys, inputs)
        if not self.kept(relpath, key):
            parts = self.keyed_parts(name, make_groups, cut, keys)
            self.write(relpath, join(parts, *inputs), key, parts)

    def kept(self, relpath: str, key: bytes | None) -> bool:
        """True, and the file counted as written, if the last build wrote it from the same key and
        it is still as that build left it."""
        if not self.intact(relpath, key):
            return False
        self.keep(relpath, key)
        return True

    def intact(self, relpath: str, key: bytes | None) -> bool:
        previous = self.previous.get(relpath) if key is not None else None
        return previous is not None and previous[0] == key and relpath not in self.disturbed

    def left_as_it_was(self, relpath: str) -> bool:
        """Whether the last build wrote the file from a key (whatever it was) and it is still as
        that build left it, its compressed copies included."""
        return self.intact(relpath, self.previous.get(relpath, (None,))[0])

    @cached_property
    def disturbed(self) -> set[str]:
        """The last build's keyed files no longer as it left them."""
        return self.checking.result() if isinstance(self.checking, Forked) else self.checking()

    def keep(self, relpath: str, key: bytes) -> None:
        """Count a file of the last build as written now, from ``key``."""
        previous = self.previous[relpath]
        self.record(relpath, previous[1])
        self.keyed[relpath] = (key, *previous[1:])
        self.unchanged += 1

    def copies_known(self, relpath: str, stat: os.stat_result) -> bool:
        """Only if the last build left the file so: a build cut short may have written it and not
        its copies."""
        return super().copies_known(relpath, stat) and as_left(self.previous.get(relpath), stat)

    def remember(self, relpath: str, key: bytes | None, stat: os.stat_result) -> None:
        """The file's key (None for a file made on every build) and its size and time as this
        build left it."""
        self.keyed[relpath] = (key, stat.st_size, stat.st_mtime_ns)

    def deflated_pieces(self, relpath: str) -> Callable[[pieces.Jobs], list[bytes]]:
        """The last build's deflated pieces of the file where their bytes and the bytes before
        them are the same; the others deflated."""
        def deflated(jobs: pieces.Jobs) -> list[bytes]:
            memo = self.store.memo("pieces-" + relpath.replace("/", "-"))
            keys = [piece_key(before, data) for before, data in jobs]
            found = [memo.get(key) for key in keys]
            missing = [index for index, piece in enumerate(found) if piece is None]
            for index, piece in zip(missing, pieces.deflate_pieces([jobs[index] for index in missing])):
                found[index] = piece
                memo.put(keys[index], piece)
            memo.save()
            return found
        return deflated

    def flush(self) -> None:
        self.disturbed  # asked of the checking child before this process forks: one process may read its answer
        super().flush()

    def report(self) -> tuple:
        return (*super().report(), self.keyed)

    def take_over(self, report: tuple) -> None:
        super().take_over(report[:2])
        self.keyed.update(report[2])

    def restart(self) -> None:
        super().restart()
        self.keyed = {}

    def finish(self) -> int:
        """Delete what the last build wrote and this one did not; remember this build's files."""
        self.flush()
        gone = sorted(self.previous.keys() - self.written.keys())
        for relpath in gone:
            remove_with_empty_parents(self.folder, relpath)
        self.store.keep_files(precompress.enabled(),
                              {relpath: self.keyed.get(relpath) or (None, size, 0) for relpath, size in self.written.items()})
        return len(gone)


def piece_key(before: bytes, data: bytes) -> bytes:
    """A deflated piece's key: its bytes and those before it (SHA-256: twice blake2b's speed
    here, where tens of megabytes are keyed)."""
    key = hashlib.sha256(len(before).to_bytes(4, "little"))
    key.update(before)
    key.update(data)
    return key.digest()


def disturbed_files(folder: str, previous: dict[str, tuple[bytes | None, int, int]]) -> set[str]:
    """The keyed files of the last build (``previous``) that are gone or not the size and time it
    left them: changed, replaced or deleted since, they are made again."""
    disturbed = set()
    for relpath, known in previous.items():
        if known[0] is None:  # made again anyway
            continue
        try:
            stat = os.stat(f"{folder}/{relpath}")  # ~60,000 files at 25,000 organisations: plain os calls
        except OSError:
            disturbed.add(relpath)
            continue
        if not as_left(known, stat):
            disturbed.add(relpath)
    return disturbed


def as_left(previous: tuple[bytes | None, int, int] | None, stat: os.stat_result) -> bool:
    """Whether a file's status is the size and time the last build recorded (``previous``)."""
    return previous is not None and previous[1:] == (stat.st_size, stat.st_mtime_ns)


def remove_with_empty_parents(root: Path, relpath: str) -> None:
    """Delete a file of the output and the folders it leaves empty; never anything outside."""
    path = root / relpath
    if not path.resolve().is_relative_to(root.resolve()):
        return
    path.unlink(missing_ok=True)
    precompress.remove(root, relpath)
    for parent in path.parents:
        if parent == root or not parent.is_relative_to(root):
            return
        try:
            parent.rmdir()
        except OSError:  # not empty
            return
