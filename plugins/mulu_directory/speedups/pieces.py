"""Zip archives whose large member is deflated in pieces that a rebuild can keep.

A piece is deflated on its own and ends with a full flush, which leaves the stream on a byte
boundary with nothing referring back to earlier data; so pieces deflated separately, joined
and ended with an empty final block are one valid deflate stream, and a rebuild deflates again
only the pieces whose data changed. :mod:`zipfile` only deflates data itself, so the archive
around such a stream is written here (the plain zip layout: no encryption, no Zip64).

The gzip copy of a file joined from parts (:func:`gzip_in_pieces`) is deflated the same way,
one piece from each part's place to the next, each with the 32 KiB before it as its preset
dictionary (as pigz does): it packs as small as the file deflated whole, and a rebuild deflates
again only the pieces whose bytes, or whose 32 KiB before, changed.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Callable
from zipfile import ZipInfo

from zlib_ng import zlib_ng

DEFLATED = 8  # the zip compression method
VERSION = 20  # zip 2.0: deflate
LOCAL = struct.Struct("<4s5H3L2H")  # local header: version, flags, method, time, date, CRC, sizes, name, extra
CENTRAL = struct.Struct("<4s6H3L5H2L")  # central header: made by, and the local header's fields, then where
END = struct.Struct("<4s4H2LH")  # end of the central directory
WINDOW = 1 << 15  # how far back deflate refers: a piece's preset dictionary
# zlib-ng at level 5 deflates the downloads as small as libdeflate (level 6) deflates them whole,
# as fast, and the workbook's sheet smaller than zlib at its default level in half the time.
PIECE_LEVEL = 5
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no time, OS unknown
LAST_BLOCK = b"\x03\x00"  # an empty final block: what ends a stream of pieces
# Pieces of a gzip copy at most: each sets up 32 KiB of dictionary. history.csv's 512 parts, a
# piece each, took a quarter longer to deflate at 25,000 organisations (0.24 s against 0.20 s).
MOST_PIECES = 64


def deflate(data: bytes, end: int, before: bytes = b"") -> bytes:
    """Raw deflate, as zip and gzip hold it, ended by the flush ``end``; ``before``: the bytes the
    data follows in its file, as the preset dictionary."""
    dictionary = {"zdict": before} if before else {}
    deflater = zlib_ng.compressobj(PIECE_LEVEL, zlib_ng.DEFLATED, -zlib_ng.MAX_WBITS, **dictionary)
    return deflater.compress(data) + deflater.flush(end)


def piece(data: bytes) -> bytes:
    """``data`` deflated as a piece that can be joined to any other."""
    return deflate(data, zlib_ng.Z_FULL_FLUSH)


def last_piece(data: bytes) -> bytes:
    """``data`` deflated as the piece that ends a stream."""
    return deflate(data, zlib_ng.Z_FINISH)


@dataclass(frozen=True)
class Deflated:
    """A member's data as the archive holds it: deflated, with the CRC-32 and length of the data."""

    data: bytes
    crc: int
    size: int

    @classmethod
    def of(cls, data: bytes) -> Deflated:
        return cls(last_piece(data), zlib_ng.crc32(data), len(data))


def archive(members: list[tuple[ZipInfo, Deflated]]) -> bytes:
    """A zip archive of the members, each with its name, date and attributes from its ``ZipInfo``."""
    parts, central = [], []
    offset = 0
    for info, member in members:
        name = info.filename.encode("utf-8")
        flags = 0x800 if not name.isascii() else 0  # bit 11: the name is UTF-8
        time, date = dos_time(info.date_time)
        fields = (VERSION, flags, DEFLATED, time, date, member.crc, len(member.data), member.size, len(name), 0)
        parts += [LOCAL.pack(b"PK\x03\x04", *fields), name, member.data]
        central += [CENTRAL.pack(b"PK\x01\x02", info.create_system << 8 | VERSION, *fields, 0, 0, 0,
                                 info.external_attr, offset), name]
        offset += LOCAL.size + len(name) + len(member.data)
    directory = b"".join(central)
    end = END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), offset, 0)
    return b"".join([*parts, directory, end])


def dos_time(date_time: tuple[int, ...]) -> tuple[int, int]:
    """A zip entry's time and date fields (two-second resolution)."""
    year, month, day, hour, minute, second = date_time
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


Jobs = list[tuple[memoryview, memoryview]]  # (the 32 KiB before a piece, the piece's bytes)


def deflate_pieces(jobs: Jobs) -> list[bytes]:
    """Each piece deflated on the bytes before it, ending on a byte boundary (a sync flush)."""
    return [deflate(data, zlib_ng.Z_SYNC_FLUSH, before) for before, data in jobs]


def piece_jobs(data: bytes, parts: list[bytes]) -> Jobs:
    """``data`` cut where the parts it was joined from end (every part, or every few parts for
    a file of more than :data:`MOST_PIECES` parts), the last aside: the bytes between parts go
    with the part after them, those after the last with it. Each piece comes with the 32 KiB
    before it."""
    ends, at = [], 0
    for part in parts:
        found = (at if data.startswith(part, at) else data.find(part, at)) if part else -1
        if found >= 0:
            at = found + len(part)
            ends.append(at)
    step = -(-len(ends) // MOST_PIECES) or 1
    cuts = [0, *ends[step - 1:-1:step], len(data)]
    view = memoryview(data)  # pieces of tens of megabytes, not copied
    return [(view[max(0, start - WINDOW):start], view[start:end]) for start, end in zip(cuts, cuts[1:]) if end > start]


def gzip_in_pieces(data: bytes, parts: list[bytes], deflated: Callable[[Jobs], list[bytes]] = deflate_pieces) -> bytes:
    """A gzip member of ``data``, joined from ``parts``, deflated a piece per part by ``deflated``
    (:func:`deflate_pieces`, or a build cache's memory of it): the same bytes in every build."""
    body = b"".join(deflated(piece_jobs(data, parts)))
    return GZIP_HEADER + body + LAST_BLOCK + struct.pack("<2L", zlib_ng.crc32(data), len(data) & 0xFFFFFFFF)
