"""The build cache on disk: the folder ``<output>.build-cache`` beside the output folder (never
inside what is published). It holds:

- ``files.pickle``: every file the last build wrote, with the key it was made from and its size
  and modification time then, and whether it wrote compressed copies beside them;
- ``memo-<name>.pickle``: tables of parts of files by key (:class:`Memo`);
- ``<name>.pickle``: values a build kept for the next (:meth:`Store.stored`): the registry
  snapshot, the search files and index;
- ``templates/``: the theme's templates as Jinja compiled them (:class:`Templates`).

Every file is salted (the first pickled value) with what it depends on, and replaced in one
step. Deleting the folder is always safe: the next build makes everything and fills it again.
"""

from __future__ import annotations

import logging
import os
import pickle
from pathlib import Path

from jinja2 import FileSystemBytecodeCache


logger = logging.getLogger(__name__)

FORMAT = b"mulu-build-cache 3"
SUFFIX = ".build-cache"
FILES = "files.pickle"


def folder_beside(output: Path) -> Path:
    output = Path(output).resolve()
    return output.with_name(output.name + SUFFIX)


def read_pickle(path: Path, salt: bytes):
    """What :func:`write_pickle` stored with the same salt, or None. The salt comes first, so a
    file stored with another is not read any further."""
    try:
        with open(path, "rb") as handle:
            if pickle.load(handle) != salt:
                return None
            return pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign file: the cache is only ever an aid
        logger.warning("构建缓存 %s 无法读取（%s），将重新生成", path, exc)
        return None


def write_pickle(path: Path, salt: bytes, value) -> None:
    """Replace the file in one step, so that a reader never sees half of it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with open(temporary, "wb") as handle:
        pickle.dump(salt, handle, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)


class Memo:
    """One table of parts by key. It starts from the last build's table; only the entries this
    build looks up are kept for the next, so that it never grows beyond one build's worth. It is
    stored again only if that changed it: large tables take a while to pickle."""

    def __init__(self, path: Path, salt: bytes):
        self.path, self.salt = path, salt
        self.old = read_pickle(path, salt) or {}
        self.new: dict = {}
        self.added = False

    def get(self, key: bytes):
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
        if self.added or len(self.new) != len(self.old):
            write_pickle(self.path, self.salt, self.new)


class Templates(FileSystemBytecodeCache):
    """Jinja's compiled templates, which every process of every build would otherwise compile
    again. Jinja checks each against its template's source; the salt in the file names covers
    what else the compiled code depends on (the environment's options, Jinja's version), and
    files of another salt are deleted."""

    def __init__(self, folder: Path, salt: bytes):
        prefix = salt.hex()[:16]
        folder.mkdir(exist_ok=True)
        for old in folder.iterdir():
            if not old.name.startswith(prefix):
                old.unlink(missing_ok=True)
        super().__init__(str(folder), f"{prefix}-%s.cache")


class Store:
    """The cache folder of one output folder, or None where it cannot be made."""

    def __init__(self, folder: Path, salt: bytes):
        self.folder, self.salt = folder, salt

    @classmethod
    def beside(cls, output: Path, salt: bytes) -> Store | None:
        folder = folder_beside(output)
        try:
            folder.mkdir(parents=True, exist_ok=True)  # beside an output folder Pelican has yet to make
        except OSError as exc:
            logger.warning("无法创建构建缓存 %s（%s），本次构建不使用缓存", folder, exc)
            return None
        return cls(folder, salt)

    def templates(self) -> Templates:
        return Templates(self.folder / "templates", self.salt)

    def memo(self, name: str) -> Memo:
        return Memo(self.folder / f"memo-{name}.pickle", self.salt)

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.pickle"

    def stored(self, name: str):
        """What the last build with the same code, settings and reference data kept as ``name``."""
        return read_pickle(self.path(name), self.salt)

    def store(self, name: str, value) -> None:
        write_pickle(self.path(name), self.salt, value)

    def previous_files(self) -> tuple[bool | None, dict[str, tuple[bytes | None, int, int]]]:
        """Whether the last build wrote compressed copies (None if unknown), and its files.
        Salted with the format only: after a change of code or settings the last build's files
        are still known, and so still deleted when this build does not write them."""
        return read_pickle(self.folder / FILES, FORMAT) or (None, {})

    def keep_files(self, copies: bool, files: dict[str, tuple[bytes | None, int, int]]) -> None:
        write_pickle(self.folder / FILES, FORMAT, (copies, files))
