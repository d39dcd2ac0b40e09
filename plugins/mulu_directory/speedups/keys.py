"""Keys derived from values: what a page or file is made from, as bytes that change whenever it does.

A stage never says what its output depends on: the seam derives the key from the values it
renders from (a template's context, a maker's arguments), on top of a base that covers what every
output shares (the code, the libraries, the settings, the reference data and the theme). A value
whose key cannot be derived makes its output unkeyed: it is made on every build, never stale.

How a value is keyed:
- ``None``, booleans, numbers, text, bytes and dates: by their type and value;
- lists, tuples, dicts, sets: by their items, in order (sets sorted);
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
from array import array
from pathlib import Path
from typing import Callable

from markupsafe import Markup


class Unkeyable(TypeError):
    """A value whose key cannot be derived: what it is made from is not known."""


def digest(*parts: bytes | str) -> bytes:
    """A 128-bit digest of the parts, each length-prefixed, so that no two lists of parts collide."""
    return fed(hashlib.blake2b(digest_size=16), parts).digest()


def fed(h, parts) -> hashlib.blake2b:
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h


def digest_after(first: bytes) -> Callable[[bytes], bytes]:
    """``digest(first, part)`` for any ``part``, ``first`` hashed once: 0.66 µs a key, not 0.99."""
    head = fed(hashlib.blake2b(digest_size=16), [first])
    return lambda part: fed(head.copy(), [part]).digest()


KEYERS: dict[type, Callable[[object], bytes]] = {}
# Kinds whose values many outputs are made from (see :func:`register`): each kind's keyer, framed.
MANY: dict[type, Callable[[object], bytes]] = {}
# Encodings of values that many outputs are made from, made once per build by id: those of the
# kinds in MANY (an organisation's entry is on its own pages, on lists, on occupation pages), a
# large tuple (the numbering of the occupations in every verification file) and a frozen
# dataclass (a list page's filters). None of them can change while a build keys them; each is
# held beside its encoding, so that its id is not reused while it is.
LARGE_TUPLE = 64
ENCODED: dict[int, bytes] = {}
HELD: dict[int, object] = {}
SIZE = 4  # bytes of every length prefix
# How a value is encoded, by its exact type: one lookup per value (a build keys tens of thousands
# of outputs). The plain types' encoders, then those of this build's registered kinds and of the
# dataclasses and subclasses met (:func:`encoder_for`).
ENCODERS: dict[type, Callable[[object, bytearray], None]] = {}
# The encodings of the text keys of the dicts met this build (the contexts' names above all).
NAMES: dict[str, bytes] = {}


class Settings(dict):
    """The build's settings. Every key's base covers them (see ``speedups.base_key``), so a value
    made from them needs nothing more in its key."""


def forget() -> None:
    """Start a build afresh: the keyers of the last build's model and its shared encodings go."""
    KEYERS.clear()
    MANY.clear()
    ENCODED.clear()
    HELD.clear()
    ENCODERS.clear()
    NAMES.clear()
    ENCODERS.update(PLAIN)
    register(Settings, lambda settings: b"")


def register(kind: type, keyer: Callable[[object], bytes], many: bool = False) -> None:
    """Key values of ``kind`` (exactly that type) by ``keyer(value)``; with ``many``, once per
    value and build (for values that many outputs are made from)."""
    KEYERS[kind] = keyer
    if many:
        frame = MANY[kind] = lambda value: framed(keyer(value))
        ENCODERS[kind] = lambda value, out: out.extend(shared(value, frame))
    else:
        ENCODERS[kind] = lambda value, out: out.extend(framed(keyer(value)))


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
    out += len(data).to_bytes(SIZE, "little")
    out += data


def encode(value, out: bytearray) -> None:
    kind = type(value)
    (ENCODERS.get(kind) or encoder_for(kind))(value, out)


def encode_text(value: str, out: bytearray) -> None:
    put(out, b"s", value.encode("utf-8", "surrogatepass"))


def encode_scalar(value, out: bytearray) -> None:
    put(out, b"n", repr(value).encode())


def encode_day(value, out: bytearray) -> None:
    put(out, b"d", str(value).encode())


def encode_bytes(value: bytes, out: bytearray) -> None:
    put(out, b"b", value)


def encode_list(value: list, out: bytearray) -> None:
    encode_items(value, out, b"[")


def encode_tuple(value: tuple, out: bytearray) -> None:
    if len(value) <= LARGE_TUPLE:
        encode_items(value, out, b"[")
    else:
        out += shared(value, digested)


def digested(value: tuple) -> bytes:
    """A large tuple by the digest of its items: the material of each of the thousand outputs
    made from one stays short (hashing the numbering of the occupations into every verification
    file's key took 20 ms a build)."""
    material = bytearray()
    put(material, b"t", digest(encoded(list(value))))
    return bytes(material)


def encode_set(value, out: bytearray) -> None:
    encode_items(sorted(value, key=repr), out, b"(")


def framed(key: bytes) -> bytes:
    return b"k" + len(key).to_bytes(SIZE, "little") + key


def encode_dict(value: dict, out: bytearray) -> None:
    """Its items in its order (which a template iterating over it shows), each key then its value."""
    out += b"{"
    out += len(value).to_bytes(SIZE, "little")
    encoders, names = ENCODERS, NAMES
    for name, item in value.items():
        if type(name) is str:  # as every context's keys are: a few dozen names, each encoded once
            encoding = names.get(name)
            if encoding is None:
                encoding = names[name] = encoded(name)
            out += encoding
        else:
            encode(name, out)
        kind = type(item)
        (encoders.get(kind) or encoder_for(kind))(item, out)


PLAIN: dict[type, Callable[[object, bytearray], None]] = {
    str: encode_text, Markup: encode_text, dict: encode_dict, list: encode_list, tuple: encode_tuple,
    dt.date: encode_day, dt.datetime: encode_day, type(None): encode_scalar, bool: encode_scalar,
    int: encode_scalar, float: encode_scalar, bytes: encode_bytes, set: encode_set, frozenset: encode_set,
}


ENCODERS.update(PLAIN)


def encoder_for(kind: type) -> Callable[[object, bytearray], None]:
    """The encoder of a type that is not plain: a dict's subclass (a Counter, the home page's
    counts), a path, a dataclass by its fields; remembered for the build."""
    if issubclass(kind, dict):
        encoder = encode_dict
    elif issubclass(kind, Path):
        encoder = encode_day
    elif dataclasses.is_dataclass(kind):
        encoder = dataclass_encoder(kind)
    else:
        raise Unkeyable(f"{kind.__module__}.{kind.__qualname__}")
    ENCODERS[kind] = encoder
    return encoder


def dataclass_encoder(kind: type) -> Callable[[object, bytearray], None]:
    names = tuple(field.name for field in dataclasses.fields(kind))
    title = f"{kind.__module__}.{kind.__qualname__}".encode()

    def fields(value) -> bytes:
        material = bytearray()
        put(material, b"c", title)
        encode_items([getattr(value, name) for name in names], material, b"[")
        return bytes(material)

    if kind.__dataclass_params__.frozen:
        return lambda value, out: out.extend(shared(value, fields))
    return lambda value, out: out.extend(fields(value))


def shared(value, make: Callable[[object], bytes]) -> bytes:
    """The value's encoding, ``make(value)`` the first time the build meets it."""
    known = ENCODED.get(id(value))
    if known is None:
        known = ENCODED[id(value)] = make(value)
        HELD[id(value)] = value
    return known


def encode_items(items, out: bytearray, tag: bytes) -> None:
    out += tag
    out += len(items).to_bytes(SIZE, "little")
    if not items:
        return
    kind = type(items[0])
    keyer = KEYERS.get(kind)
    if keyer is not None and len(set(map(type, items))) == 1:  # one kind of keyed item: no dispatch
        framing = MANY.get(kind)
        if framing is None:  # the keys' lengths, then the keys: in C, where framing each took a call
            keyed = list(map(keyer, items))
            out += b"K"  # no encoding's tag: this is told from a list of framed values
            out += array("I", map(len, keyed)).tobytes()
            out += b"".join(keyed)
            return
        try:  # each met before: joined in C
            out += b"".join(map(ENCODED.__getitem__, map(id, items)))
        except KeyError:
            out += b"".join([shared(item, framing) for item in items])
        return
    encoders = ENCODERS
    for item in items:
        kind = type(item)
        (encoders.get(kind) or encoder_for(kind))(item, out)


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
