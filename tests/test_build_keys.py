"""Keys derived from values (plugins/mulu_directory/speedups/keys.py): what tells a rebuild that a
page must be made again. Two values a template could show differently must never share a key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from mulu_directory.speedups import keys


@dataclass
class Shown:
    """Stands for a directory object keyed by a registered keyer."""

    code: str
    status: str


@dataclass
class Loose:
    name: str


class Opaque:
    """A value of no known shape."""


@pytest.fixture(autouse=True)
def fresh_keys():
    keys.forget()
    yield
    keys.forget()


@pytest.mark.parametrize("one, other", [
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}),  # a template shows a dict's items in its order
    (["ab"], ["a", "b"]),
    ("1", 1),
    (b"x", "x"),
    (None, "None"),
    (dt.date(2026, 1, 2), "2026-01-02"),
    ({"a": [1, 2]}, {"a": [1], "b": [2]}),
    ([Loose("x")], [Loose("y")]),
    (tuple(range(100)), tuple(range(99))),  # large tuples are encoded once and shared
])
def test_values_a_page_could_show_differently_have_different_keys(one, other):
    assert keys.key_of(one) != keys.key_of(other)


def test_a_registered_kind_is_keyed_by_its_keyer_once_per_value_and_build():
    calls = []

    def keyer(value: Shown) -> bytes:
        calls.append(value.code)
        return f"{value.code}:{value.status}".encode()

    keys.register(Shown, keyer, many=True)
    first, second = Shown("A", "有效"), Shown("B", "有效")
    pages = [[first, second], [second, first], [first, "mixed", second]]
    material = [keys.encoded(page) for page in pages]
    assert sorted(calls) == ["A", "B"]
    # joined or one by one, each value encodes the same
    assert material[0][5:] == keys.encoded(first) + keys.encoded(second)
    assert material[2] == b"[" + (3).to_bytes(4, "little") + keys.encoded(first) + keys.encoded("mixed") + keys.encoded(second)
    keys.forget()
    keys.register(Shown, keyer, many=True)
    first.status = "已过期"  # another build sees another status
    assert keys.encoded([first, second]) != material[0]


def test_a_value_of_unknown_shape_cannot_be_keyed():
    with pytest.raises(keys.Unkeyable):
        keys.key_of({"page": [Opaque()]})


def test_lists_of_a_kind_keyed_each_time_differ_whenever_their_keys_do():
    keys.register(Loose, lambda value: value.name.encode())
    assert keys.key_of([Loose("ab"), Loose("c")]) != keys.key_of([Loose("a"), Loose("bc")])
    assert keys.key_of([Loose("a"), Loose("b")]) != keys.key_of([Loose("a"), Loose("b"), Loose("")])
    assert keys.key_of([Loose("a"), Loose("b")]) != keys.key_of([Loose("a"), "b"])
    assert keys.key_of([Loose("a")]) == keys.key_of([Loose("a")])
