"""The build cache: what the last build into an output folder wrote and from what, so that a
rebuild after a small change renders only what the change touched.

It is the folder ``<output>.build-cache`` beside the output folder (never inside what is
published) and holds:

- ``files.pickle``: every file the last build wrote, with the key of what it was made from and
  its size and modification time then. A file whose key is unchanged and that is still as that
  build left it is not rendered again; a file the last build wrote and this one does not is
  deleted, so a rebuild leaves the same files as a build into an empty folder.
- ``memo-<name>.pickle``: each organisation's part of a file made from the whole registry (its
  lines of history.csv, its rows of the workbook), by its digest, or each group of neighbouring
  organisations' part (their rows of a download, their deflated rows of the workbook, their
  places in the verification files), by their digests and place.
- ``registry.pickle``: the registry and history as the last full load read them, and the model
  loaded from them, so that a rebuild validates again only the organisations that changed
  (``loading``).
- ``search.pickle``: the search index the last build made, which the next updates
  (:mod:`mulu.search.update`).

A key is a digest of everything its file or part depends on: the code and the libraries that
render, the settings, the reference data and, for pages, the templates and the day
(:class:`Keys`), and the organisations' rows as written (``Registry.digests``). Deleting the
folder is always safe: the next build renders everything and fills it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import marshal
import os
import pickle
import sys
import zlib
from pathlib import Path

import jinja2
import markupsafe

import mulu
from mulu.validate import bulk_allocation

from . import precompress

logger = logging.getLogger(__name__)

FORMAT = b"mulu-build-cache 1"
FILES = "files.pickle"
SUFFIX = ".build-cache"
# Settings that do not change what a file says: the day (keyed apart, for pages only), where
# things are (of the input files, the contents are keyed instead) and how many processes build.
UNKEYED_SETTINGS = {"MULU_TODAY", "MULU_REGISTRY", "MULU_HISTORY", "MULU_REFERENCE_DIR", "OUTPUT_PATH", "CACHE_PATH",
                    "PATH", "ROOT", "MULU_BUILD_PROCESSES"}


def digest(*parts: bytes | str) -> bytes:
    """A 128-bit digest of the parts (each length-prefixed, so no two lists of parts collide)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


def folder_beside(output: Path) -> Path:
    output = Path(output).resolve()
    return output.with_name(output.name + SUFFIX)


def files_digest(*folders: Path) -> bytes:
    """Every file under the folders, by relative path and content (caches of compiled code aside)."""
    parts = []
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


def canonical(value) -> str:
    """A setting's value as text that is the same in every run (no memory addresses, sets sorted)."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{canonical(k)}:{canonical(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(canonical(v) for v in value)) + "}"
    if isinstance(value, (str, int, float, bool, type(None), dt.date, Path)):
        return repr(value)
    name = f"{type(value).__module__}.{getattr(value, '__qualname__', type(value).__qualname__)}"
    code = getattr(value, "__code__", None)
    if code is not None:  # a function: by its compiled body too, so that changing it renders again
        return f"<{name} {hashlib.blake2b(marshal.dumps(code), digest_size=8).hexdigest()}>"
    return f"<{name}>"


class Keys:
    """The parts of every key that are the same for all of a build's files.

    ``data``: the code (mulu, the plugin, the libraries that render), the settings but the day,
    and the reference data; ``page``: that, the templates and the day, which every page shows.
    """

    def __init__(self, settings: dict, reference_folder: Path, template_folders: list[Path], today: dt.date):
        import pelican  # here: the benchmark's plain-Jinja2 reference uses the site's writer without Pelican
        import xlsxwriter

        code = digest(  # zlib's too: the workbook keeps deflated pieces
            sys.version, pelican.__version__, jinja2.__version__, markupsafe.__version__, xlsxwriter.__version__,
            zlib.ZLIB_RUNTIME_VERSION,
            files_digest(Path(mulu.__file__).parent, Path(__file__).parent),
        )
        settings_text = canonical({k: v for k, v in settings.items() if k not in UNKEYED_SETTINGS})
        self.data = digest(FORMAT, code, settings_text, files_digest(reference_folder))
        self.page = digest(self.data, files_digest(*template_folders), today.isoformat())


class Memo:
    """One table of parts by key. It starts from the last build's table; only the entries this
    build looks up are kept for the next, so it never grows beyond one build's worth. It is
    stored again only if that changed it: large tables take a while to pickle."""

    def __init__(self, path: Path | None, salt: bytes):
        self.path, self.salt = path, salt
        self.old = (read_pickle(path, salt) or {}) if path else {}
        self.new: dict = {}
        self.added = False

    def get(self, key: bytes):
        """The part for ``key``, or None."""
        value = self.new.get(key)
        if value is None:
            value = self.old.get(key)
            if value is not None:
                self.new[key] = value
        return value

    def put(self, key: bytes, value) -> None:
        self.new[key] = value
        self.added = True

    def save(self) -> None:
        # Without additions the new table holds some of the old entries: all of them, if as many.
        if self.path and (self.added or len(self.new) != len(self.old)):
            write_pickle(self.path, self.salt, self.new)


def read_pickle(path: Path, salt: bytes):
    """What :func:`write_pickle` stored with the same salt, or None. The salt comes first, so
    that a file stored with another is not read any further."""
    try:
        with open(path, "rb") as handle, bulk_allocation():
            if pickle.load(handle) != salt:
                return None
            return pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign file: the cache is only ever an aid
        logger.warning("构建缓存 %s 无法读取（%s），将重新生成", path, exc)
        return None


def write_pickle(path: Path, salt: bytes, value) -> None:
    """Replace the file in one step, so a reader never sees half of it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with open(temporary, "wb") as handle:
        pickle.dump(salt, handle, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)


class BuildCache:
    """The cache of one output folder. ``previous``: relative path -> ``(key, size,
    modification time in ns)`` of each file the last build wrote (key None when unkeyed)."""

    def __init__(self, output: Path, keys: Keys):
        self.output = Path(output)
        self.keys = keys
        self.folder: Path | None = folder_beside(self.output)
        try:
            self.folder.mkdir(exist_ok=True)
        except OSError as exc:
            logger.warning("无法创建构建缓存 %s（%s），本次构建不使用缓存", self.folder, exc)
            self.folder = None
        # Salted with the format only: after a change of code or settings the last build's
        # files are still known, and so still deleted when this build does not write them.
        self.previous: dict[str, tuple[bytes | None, int, int]] = (
            read_pickle(self.folder / FILES, FORMAT) or {}) if self.folder else {}

    def memo(self, name: str) -> Memo:
        return Memo(self.folder / f"memo-{name}.pickle" if self.folder else None, self.keys.data)

    def stored(self, name: str):
        """What the last build with the same code, settings and reference data kept as
        ``name`` (:meth:`store`), or None."""
        return read_pickle(self.folder / f"{name}.pickle", self.keys.data) if self.folder else None

    def store(self, name: str, value) -> None:
        if self.folder:
            write_pickle(self.folder / f"{name}.pickle", self.keys.data, value)

    def finish(self, files: dict[str, tuple[bytes | None, int, int]]) -> int:
        """After a build that wrote ``files``: delete what the last build wrote and this one
        did not, and remember this build's files. Returns how many files were deleted."""
        gone = sorted(self.previous.keys() - files.keys())
        for relpath in gone:
            remove_with_empty_parents(self.output, relpath)
        if self.folder:
            write_pickle(self.folder / FILES, FORMAT, files)
        return len(gone)


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
