"""Keys derived from values: what a page or file is made from, as bytes that change whenever it does.

A stage never says what its output depends on: the seam derives the key from the values it
renders from (a template's context, a maker's arguments), on top of a base that covers what every
output shares (the code, the libraries, the settings, the reference data and the theme). A value
whose key cannot be derived makes its output unkeyed: it is made on every build, never stale.

How a value is keyed:
- ``None``, booleans, numbers, text, bytes and dates: by their type and value;
- lists, tuples, dicts, sets: by their items, in order (sets and dict keys sorted);
- a type with a registered keyer (:func:`register`): by what the keyer returns. The directory's
  objects are registered by :func:`register_model`: an organisation by the digest of its rows as
  written, which determines every field a page can show of it (line numbers, which only
  validation messages show, aside);
- any other dataclass: by its fields;
- anything else is :class:`Unkeyable`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import marshal
from pathlib import Path
from typing import Callable

from markupsafe import Markup


class Unkeyable(TypeError):
    """A value whose key cannot be derived: what it is made from is not known."""


def digest(*parts: bytes | str) -> bytes:
    """A 128-bit digest of the parts, each length-prefixed, so that no two lists of parts collide."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


KEYERS: dict[type, Callable[[object], bytes]] = {}
# Values that many outputs are made from, encoded once per build: a large tuple (the numbering of
# the occupations in every verification file) and a frozen dataclass (a list page's filters).
# Neither can change (the ones outputs are made from hold only values that cannot either); each
# is kept here with its encoding, so that its id is not reused while it is.
LARGE_TUPLE = 64
SHARED: dict[int, tuple[object, bytes]] = {}
DATACLASSES: dict[type, tuple[tuple[str, ...], bool] | None] = {}  # field names, frozen


class Settings(dict):
    """The build's settings. Every key's base covers them (see ``speedups.base_key``), so a value
    made from them needs nothing more in its key."""


def forget() -> None:
    """Start a build afresh: the keyers of the last build's model and its shared encodings go."""
    KEYERS.clear()
    SHARED.clear()
    register(Settings, lambda settings: b"")


def register(kind: type, keyer: Callable[[object], bytes]) -> None:
    """Key values of ``kind`` (exactly that type) by ``keyer(value)``."""
    KEYERS[kind] = keyer


def encoded(value) -> bytes:
    """The value's key material (not yet digested): type-tagged and length-prefixed."""
    out = bytearray()
    encode(value, out)
    return bytes(out)


def key_of(*values) -> bytes:
    """The digest of the values' key material; raises :class:`Unkeyable`."""
    return digest(encoded(values))


def put(out: bytearray, tag: bytes, data: bytes) -> None:
    out += tag
    out += len(data).to_bytes(4, "little")
    out += data


def encode(value, out: bytearray) -> None:
    kind = type(value)
    keyer = KEYERS.get(kind)
    if keyer is not None:
        put(out, b"k", keyer(value))
    elif kind is str or kind is Markup:
        put(out, b"s", value.encode("utf-8", "surrogatepass"))
    elif kind is list or (kind is tuple and len(value) <= LARGE_TUPLE):
        encode_items(value, out, b"[")
    elif isinstance(value, dict):  # a Counter too (the home page's counts)
        encode_items(sorted(value.items()) if all(type(k) is str for k in value)
                     else sorted(value.items(), key=lambda item: repr(item[0])), out, b"{")
    elif value is None or kind is bool or kind is int or kind is float:
        put(out, b"n", repr(value).encode())
    elif kind is dt.date or kind is dt.datetime or isinstance(value, Path):
        put(out, b"d", str(value).encode())
    elif kind is bytes:
        put(out, b"b", value)
    elif kind is tuple:
        out += shared(value, lambda: encoded(list(value)))
    elif kind is set or kind is frozenset:
        encode_items(sorted(value, key=repr), out, b"(")
    else:
        encode_dataclass(value, kind, out)


def encode_dataclass(value, kind: type, out: bytearray) -> None:
    if kind not in DATACLASSES:
        DATACLASSES[kind] = ((tuple(f.name for f in dataclasses.fields(kind)), kind.__dataclass_params__.frozen)
                             if dataclasses.is_dataclass(kind) else None)
    shape = DATACLASSES[kind]
    if shape is None:
        raise Unkeyable(f"{kind.__module__}.{kind.__qualname__}")
    names, frozen = shape

    def fields() -> bytes:
        material = bytearray()
        put(material, b"c", f"{kind.__module__}.{kind.__qualname__}".encode())
        encode_items([getattr(value, name) for name in names], material, b"[")
        return bytes(material)

    out += shared(value, fields) if frozen else fields()


def shared(value, make: Callable[[], bytes]) -> bytes:
    known = SHARED.get(id(value))
    if known is None:
        known = SHARED[id(value)] = (value, make())
    return known[1]


def encode_items(items, out: bytearray, tag: bytes) -> None:
    out += tag
    out += len(items).to_bytes(4, "little")
    first = next(iter(items), None)
    keyer = KEYERS.get(type(first)) if first is not None else None
    if keyer is not None and all(type(item) is type(first) for item in items):
        for key in map(keyer, items):  # one kind of keyed item: no dispatch
            put(out, b"k", key)
        return
    for item in items:
        encode(item, out)


def setting_text(value) -> str:
    """A setting's value as text that is the same in every run: no memory addresses, sets sorted,
    a function by its name and compiled body."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{setting_text(k)}:{setting_text(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(setting_text(v) for v in value) + "]"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(setting_text(v) for v in value)) + "}"
    if isinstance(value, (str, int, float, bool, type(None), dt.date, Path)):
        return repr(value)
    name = f"{type(value).__module__}.{getattr(value, '__qualname__', type(value).__qualname__)}"
    code = getattr(value, "__code__", None)
    if code is not None:
        return f"<{name} {hashlib.blake2b(marshal.dumps(code), digest_size=8).hexdigest()}>"
    return f"<{name}>"


def files_digest(*folders: Path) -> bytes:
    """Every file under the folders, by relative path and content (caches of compiled code aside)."""
    parts = []
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)
