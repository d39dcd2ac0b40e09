"""The publicly verifiable draw of RFC 3797 (Publicly Verifiable Nominations Committee Random
Selection), exactly as the RFC gives it, so that its own worked example is a test of this code
and of ``theme/static/js/draw-core.js``, which is the same algorithm in the browser.

1. The beacon, random values announced in public before the draw (a lottery's winning numbers, an
   index's close), becomes the RFC's key string: source by source, integers in ascending order
   each written in decimal followed by ``.``, decimals in the order given, each written as its
   integer part, ``.`` and its fraction without trailing zeros; each source ends with ``/``.
2. Selection number i (0, 1, 2, …, one count for the whole draw) hashes, with MD5, the two bytes
   of i (big-endian), the key string and the same two bytes again; the 16-byte digest read as a
   big-endian unsigned integer, modulo the number of candidates left, counted from 0, names the
   candidate picked, who is then taken out of the list.

``docs/supervision.md`` spells the same steps out in Chinese for a reader to follow by hand.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from fractions import Fraction

ALGORITHM = "RFC3797-mulu-1"
# ASCII digits and these separators only, written out, so that draw-core.js reads a beacon alike.
INTEGER = re.compile(r"[0-9]+")
DECIMAL = re.compile(r"([0-9]+)\.([0-9]+)")
PERCENT = re.compile(r"([0-9]+(?:\.[0-9]+)?)%")
SOURCE_SEPARATOR = re.compile(r"[/／]")
VALUE_SEPARATOR = re.compile(r"[ \t\u3000,，、]+")
MAX_SELECTIONS = 1 << 16  # the selection number is two bytes
INSPECTORS_PER_ORGANISATION = 2  # local rules ask for at least two inspectors per inspection


class TooFewInspectors(ValueError):
    """Fewer inspectors may inspect a picked organisation than a team needs."""

    def __init__(self, credit_code: str):
        super().__init__(credit_code)
        self.credit_code = credit_code


class BeaconError(ValueError):
    """A beacon written so that its key string is not defined."""


def beacon_sources(text: str) -> list[list[str]]:
    """The values of each source of a beacon written as ``9319 / 2 5 12 8 10 / 9,18,26``:
    sources separated by ``/``, values by spaces or commas (full-width ones too)."""
    sources = [[value for value in VALUE_SEPARATOR.split(part) if value] for part in SOURCE_SEPARATOR.split(text)]
    if any(not values for values in sources):
        raise BeaconError("随机数不能为空，每个来源至少一个数；多个来源之间用 / 分隔，如「9319 / 2 5 12 8 10」")
    return sources


def source_key(values: list[str]) -> str:
    """One source's part of the key string (RFC 3797, section 4)."""
    if all(INTEGER.fullmatch(v) for v in values):
        return "".join(f"{n}." for n in sorted(int(v) for v in values)) + "/"
    decimals = [DECIMAL.fullmatch(v) for v in values]
    if all(decimals):
        return "".join(f"{int(m[1])}.{m[2].rstrip('0')}" for m in decimals) + "/"
    bad = [v for v, m in zip(values, decimals) if not m and not INTEGER.fullmatch(v)]
    if bad:
        raise BeaconError(f"随机数「{bad[0]}」不是非负整数或小数；只能用开奖号码、指数收盘价等公开发布的数")
    raise BeaconError("同一来源的数须全是整数或全是小数（如收盘价 3912.46 与 3900.00）；不同性质的数请分作两个来源，用 / 分隔")


def key_string(beacon: str) -> str:
    """The RFC's key string of a beacon, e.g. ``9319./2.5.8.10.12./`` for ``9319 / 2 5 12 8 10``."""
    return "".join(source_key(values) for values in beacon_sources(beacon))


def canonical_beacon(beacon: str) -> str:
    """The beacon as the record keeps it: sources separated by `` / ``, values by a space.
    Raises BeaconError for a beacon without a key string."""
    key_string(beacon)
    return " / ".join(" ".join(values) for values in beacon_sources(beacon))


def selection_digest(key: str, number: int) -> bytes:
    """MD5 of the selection number's two bytes, the key string and the two bytes again."""
    if not 0 <= number < MAX_SELECTIONS:
        raise ValueError(f"selection number {number} does not fit in two bytes")
    index = number.to_bytes(2, "big")
    return hashlib.md5(index + key.encode("ascii") + index, usedforsecurity=False).digest()


class Selector:
    """The numbered selections of one draw, all from one key string."""

    def __init__(self, key: str):
        self.key = key
        self.number = 0
        self.steps: list[tuple[int, str, int, int]] = []  # number, MD5 in hex, candidates, position

    def pick(self, candidates: list) -> object:
        """Take the next selection's candidate out of ``candidates`` and return it."""
        digest = selection_digest(self.key, self.number)
        position = int.from_bytes(digest, "big") % len(candidates)
        self.steps.append((self.number, digest.hex().upper(), len(candidates), position))
        self.number += 1
        return candidates.pop(position)

    def picks(self, candidates: list, count: int) -> list:
        remaining = list(candidates)
        return [self.pick(remaining) for _ in range(count)]


def parse_ratio(text: str) -> Fraction:
    """``5%`` (or ``0.05``) as an exact fraction between 0 and 1."""
    text = text.strip().replace("％", "%")
    match = PERCENT.fullmatch(text)
    try:
        value = Fraction(match[1]) / 100 if match else Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"比例「{text}」无效，应写作百分数，如 5%") from None
    if not 0 < value <= 1:
        raise ValueError(f"比例「{text}」须大于 0、不超过 100%")
    return value


def format_ratio(value: Fraction) -> str:
    """``5%`` for 1/20: how records and pages write a ratio."""
    percent = value * 100
    return f"{percent.numerator}%" if percent.denominator == 1 else f"{float(percent):g}%"


def pick_count(size: int, ratio: Fraction, minimum: int = 0) -> int:
    """How many of ``size`` candidates a ratio picks: the ratio rounded up, at least ``minimum``,
    at most all of them."""
    return min(size, max(minimum, math.ceil(size * ratio)))


def list_text(codes: list[str]) -> str:
    """A list as it is published and hashed: one entry per line, each ending in a line feed."""
    return "".join(f"{code}\n" for code in codes)


def list_digest(codes: list[str]) -> str:
    return hashlib.sha256(list_text(codes).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Candidates:
    """What one draw picks from: the organisations in the two strata and, for each organisation,
    the inspectors who may inspect it, in the pool's order."""

    focus: tuple[str, ...]  # 重点对象, drawn at the higher ratio
    general: tuple[str, ...]  # the other eligible organisations
    inspectors: dict  # credit code -> tuple of inspector ids


@dataclass(frozen=True)
class Outcome:
    key: str
    focus_picks: tuple[str, ...]
    picks: tuple[str, ...]
    inspectors: tuple[tuple[str, ...], ...]  # for each of focus_picks + picks
    steps: tuple[tuple[int, str, int, int], ...]


def run_draw(beacon: str, candidates: Candidates, ratio: Fraction, minimum: int,
             focus_ratio: Fraction | None) -> Outcome:
    """The whole draw: the 重点对象 first, then the others, then two inspectors for each
    organisation picked, in that order; one count of selections throughout."""
    selector = Selector(key_string(beacon))
    focus_count = pick_count(len(candidates.focus), focus_ratio) if focus_ratio else 0
    focus_picks = selector.picks(list(candidates.focus), focus_count)
    picks = selector.picks(list(candidates.general), pick_count(len(candidates.general), ratio, minimum))
    teams = []
    for code in focus_picks + picks:
        allowed = candidates.inspectors[code]
        if len(allowed) < INSPECTORS_PER_ORGANISATION:
            raise TooFewInspectors(code)
        teams.append(tuple(selector.picks(list(allowed), INSPECTORS_PER_ORGANISATION)))
    return Outcome(selector.key, tuple(focus_picks), tuple(picks), tuple(teams), tuple(selector.steps))
