"""Zip archives whose large member is deflated in pieces that a rebuild can keep.

A piece is deflated on its own and ends with a full flush, which leaves the stream on a byte
boundary with nothing referring back to earlier data; so pieces deflated separately, joined
and ended with an empty final block are one valid deflate stream, and a rebuild deflates again
only the pieces whose data changed. :mod:`zipfile` only deflates data itself, so the archive
around such a stream is written here (the plain zip layout: no encryption, no Zip64).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from zipfile import ZipInfo

DEFLATED = 8  # the zip compression method
VERSION = 20  # zip 2.0: deflate
LOCAL = struct.Struct("<4s5H3L2H")  # local header: version, flags, method, time, date, CRC, sizes, name, extra
CENTRAL = struct.Struct("<4s6H3L5H2L")  # central header: made by, and the local header's fields, then where
END = struct.Struct("<4s4H2LH")  # end of the central directory


def compressor():
    """Raw deflate at the default level, as :mod:`zipfile` deflates."""
    return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -zlib.MAX_WBITS)


def piece(data: bytes) -> bytes:
    """``data`` deflated as a piece that can be joined to any other."""
    deflater = compressor()
    return deflater.compress(data) + deflater.flush(zlib.Z_FULL_FLUSH)


def last_piece(data: bytes) -> bytes:
    """``data`` deflated as the piece that ends a stream."""
    deflater = compressor()
    return deflater.compress(data) + deflater.flush(zlib.Z_FINISH)


@dataclass(frozen=True)
class Deflated:
    """A member's data as the archive holds it: deflated, with the CRC-32 and length of the data."""

    data: bytes
    crc: int
    size: int

    @classmethod
    def of(cls, data: bytes) -> Deflated:
        return cls(last_piece(data), zlib.crc32(data), len(data))


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
