"""Compressed copies of the site's text files, ``X.gz`` and ``X.br`` beside ``X`` (``X.gz`` alone
for what programs fetch, :data:`FOR_PROGRAMS`), which a web server sends as they are (nginx's
``gzip_static`` and ``brotli_static``) instead of compressing every response, and at a better
ratio than it could afford to on the fly.

The site's writer tells Pelican's ``content_written`` receivers of each file whose bytes it wrote,
and only then: :func:`written` puts the file in a batch whose copies are made when it is full or
when the writer calls :func:`flush` (before forking, and after its last file). A file joined
from parts (a download) is gzipped a piece per part (:func:`.speedups.pieces.gzip_in_pieces`), so
that the build cache can deflate again only the pieces whose bytes changed. The build cache
calls :func:`remove` when it deletes a file no longer built. A copy is the same bytes for the
same file in every build (gzip's header holds no time and no file name), so a deploy moves it
only when its file changed. Switched off (``MULU_PRECOMPRESS``), a changed file's copies are
removed instead, so that no server ever sends an old copy for a new file. A build whose setting
differs from the last one's, or that does not know it (without the cache, or for a file not as the
last build left it), also settles the copies of the files it leaves as they were (:func:`settle`):
either way, the very files a build into an empty folder leaves.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Callable

import brotli
import deflate

from .disk import same_bytes, write_bytes
from .speedups import pieces

# A file joined from parts: the parts, and how the pieces of its gzip copy are deflated.
Joined = tuple[list[bytes], Callable[[pieces.Jobs], list[bytes]]]

# Text: what compresses. Downloads already compressed (the workbook) are left alone.
TEXT_SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".xml", ".csv", ".txt", ".svg"})
# What programs fetch rather than browsers: each organisation's JSON twin, the downloads, the feed
# and the machine site map. Their clients ask for gzip if for anything (curl --compressed,
# Python's requests, spreadsheets, feed readers, crawlers), so these get the gzip copy alone: a
# brotli one, a sixth smaller, would take a sixth of every build's compressing (86 of 496 MB at
# 25,000 organisations) and a one-organisation change would pack 47 MB of downloads again.
FOR_PROGRAMS = re.compile(r"org/[^/]+\.json|data/.+|feeds/.+|sitemap\.xml")
# A copy is kept only at this fraction of its file's size or less (whitenoise's rule too):
# for a few bytes saved, a server had better send the file.
PAYS = 0.95
# Measured on 6,000 organisation pages and their JSON of a 25,000-organisation site, where these
# copies are most of the build's extra time: brotli quality 5 packs as small as 6 (29.7 % of a
# page) and faster, 4 packs 17 % larger; a window no larger than the file packs the same and 9 %
# faster. libdeflate at level 6 packs 34.6 % in 61 µs a page, where zlib took 96 µs for 35.2 %
# at level 4. Quality 7 and up cost more than the whole build takes.
GZIP_LEVEL = 6
BROTLI_QUALITY = 5


def gzipped(data: bytes, joined: Joined | None = None) -> bytes:
    """A gzip member with no time and no file name in its header: the same bytes in every build.
    A file joined from parts is deflated a piece per part, by the writer's means."""
    if joined:
        parts, deflated = joined
        return pieces.gzip_in_pieces(data, parts, deflated)
    return deflate.gzip_compress(data, GZIP_LEVEL)


def brotli_compressed(data: bytes, joined: Joined | None = None) -> bytes:
    """Made whole: the files joined from parts are downloads, which get no brotli copy."""
    return brotli.compress(data, quality=BROTLI_QUALITY, lgwin=brotli_window(len(data)))


def brotli_window(size: int) -> int:
    """``lgwin``: the smallest window that holds the whole file and the 16 bytes brotli keeps of
    it, from brotli's smallest (2¹⁰) to its default (2²²)."""
    return min(max((size + 16).bit_length(), 10), 22)


ENCODINGS = {".gz": gzipped, ".br": brotli_compressed}
ENABLED = {"MULU_PRECOMPRESS": True}  # the setting, as the plugin started (:func:`switch`)
# Copies are made a batch of files at a time, one encoding after the other: the compressors' code
# and tables then stay in the processor's caches, which rendering a page in between evicts.
# Measured on 6,000 organisations' pages and JSON: their copies took 2.1 s where one file at a time
# took 2.8 s, for the same bytes.
BATCH_BYTES = 4 << 20


class Batch:
    """Files written whose copies are still to be made: (output folder, relative path, bytes,
    whether copies as they should be are left untouched, what a joined file was joined from)."""

    def __init__(self):
        self.files: list[tuple[str, str, bytes, bool, Joined | None]] = []
        self.size = 0

    def add(self, output: str, relpath: str, data: bytes, settled: bool, joined: Joined | None) -> None:
        self.files.append((output, relpath, data, settled, joined))
        self.size += len(data)
        if self.size >= BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        files, self.files, self.size = self.files, [], 0
        for suffix, compress in ENCODINGS.items():
            for output, relpath, data, settled, joined in files:
                refresh(output, relpath, data, joined, suffix, compress, settled)


PENDING = Batch()


def switch(enabled: bool) -> None:
    ENABLED["MULU_PRECOMPRESS"] = enabled


def enabled() -> bool:
    return ENABLED["MULU_PRECOMPRESS"]


def written(path: str, context: dict | None = None) -> None:
    """Pelican's ``content_written`` receiver: ``path`` is a file of the site the writer has just
    written, at ``context["relpath"]`` in the output folder, with the bytes ``context["data"]``
    and, for a file joined from parts, ``context["joined"]`` (other writers' files are left alone)."""
    context = context or {}
    relpath = context.get("relpath")
    if relpath is not None:
        PENDING.add(path[: -len(relpath)], relpath, context["data"], False, context.get("joined"))


def settle(output: str | Path, relpath: str, data: bytes, joined: Joined | None = None) -> None:
    """A file the writer left as it was, whose copies a build of another setting (or one cut
    short) may have made or removed: made as this build's setting says, rewritten only where
    they differ."""
    PENDING.add(str(output), relpath, data, True, joined)


def flush() -> None:
    """Make the copies of every file written so far."""
    PENDING.flush()


def siblings(relpath: str) -> list[str]:
    """The paths of a file's compressed copies."""
    return [relpath + suffix for suffix in ENCODINGS]


def compressible(relpath: str) -> bool:
    return os.path.splitext(relpath)[1] in TEXT_SUFFIXES


def refresh(output: str, relpath: str, data: bytes, joined: Joined | None, suffix: str, compress, settled: bool) -> None:
    """Write one compressed copy of a file of the site whose bytes are now ``data`` (``joined``:
    the parts it was joined from, if it was), if it pays; remove it if not, and when
    precompression is off. ``settled``: a copy already as it should be is left untouched.
    (Plain os calls: a build does this for tens of thousands of files.)"""
    target = os.path.join(output, relpath + suffix)
    wanted = enabled() and compressible(relpath) and (suffix == ".gz" or not FOR_PROGRAMS.fullmatch(relpath))
    packed = compress(data, joined) if wanted else None
    if packed is not None and len(packed) <= len(data) * PAYS:
        if not (settled and same_bytes(target, packed)):
            write_bytes(target, packed)
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)


def remove(output: Path, relpath: str) -> None:
    """Remove the compressed copies of a file that is no longer built."""
    for sibling in siblings(relpath):
        (Path(output) / sibling).unlink(missing_ok=True)
