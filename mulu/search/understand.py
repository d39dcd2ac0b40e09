"""What the words of a query name: a district (浦东, 静安区), an organisation type (企业, 协会), a
skill level (三级, 高级工), a status (有效, 公示) or an occupation (电工, 6-31-01-03). The search
page applies such words as filters and searches the others as text.

``theme/static/js/understand.js`` is the same code; both are checked against
``tests/data/query-vectors.json``. The page knows no names of its own: :func:`word_table`
writes every form of the districts', types', levels' and statuses' names into the search
manifest, and occupations are the catalogue's names of those the directory holds (the page
looks up the ones a word could be in the index, see :func:`probes`).

A query is cut into words at spaces and punctuation. A word is recognised whole, or as a run
of names written together (浦东电工三级): names of the table are taken off its start, then off
its end, longest first, until what is left is empty or an occupation; if that never happens
the whole word is text. So a name of an organisation that merely starts with a district
(浦东职业技能培训中心) stays text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

DISTRICT, TYPE, LEVEL, STATUS, OCCUPATION = "district", "type", "level", "status", "occupation"
SEPARATORS = re.compile(r"[\s,、;。]+")  # after NFKC: full-width commas and semicolons are half-width
# A district is also known by its name without these endings (浦东新区 → 浦东, 静安区 → 静安).
DISTRICT_ENDINGS = ("新区", "区", "县")
STATUS_AFFIXES = ("已", "中")  # 已移出 → 移出, 公示中 → 公示
CODE = re.compile(r"[0-9]-?[0-9]{2}-?[0-9]{2}-?[0-9]{2}")


@dataclass(frozen=True)
class Recognised:
    word: str  # as typed (after NFKC)
    kind: str
    value: str | int  # district or type number, level code, status, occupation code


def stems(name: str, endings: tuple[str, ...]) -> list[str]:
    """The name, and the name without the first of ``endings`` it has, if two characters remain."""
    for ending in endings:
        if name.endswith(ending) and len(name) - len(ending) >= 2:
            return [name, name[:-len(ending)]]
    return [name]


def word_table(districts: list[str], types: list[str], levels: list, statuses: list[str]) -> dict[str, list]:
    """Every form of a name a word may be, with ``[kind, value]``: districts and types by
    their number in the manifest's lists, levels by code, statuses by name. A type is also
    known by its last two characters (行业协会 → 协会), a status without 已 or 中. A form two
    names share is left out: it names neither."""
    forms: dict[str, list] = {}
    shared: set[str] = set()

    def add(form: str, kind: str, value) -> None:
        if form in forms and forms[form] != [kind, value]:
            shared.add(form)
        forms.setdefault(form, [kind, value])

    for number, name in enumerate(districts):
        for form in stems(name, DISTRICT_ENDINGS):
            add(form, DISTRICT, number)
    for number, name in enumerate(types):
        for form in dict.fromkeys([name, name[-2:]]):
            add(form, TYPE, number)
    for level in levels:
        for form in (level.name, level.traditional, level.label):
            add(form, LEVEL, level.code)
    for status in statuses:
        for form in dict.fromkeys([status, status.removeprefix(STATUS_AFFIXES[0]).removesuffix(STATUS_AFFIXES[1])]):
            if len(form) >= 2:
                add(form, STATUS, status)
    return {form: value for form, value in forms.items() if form not in shared}


def words(text: str) -> list[str]:
    return [word for word in SEPARATORS.split(unicodedata.normalize("NFKC", text)) if word]


def occupation_of(word: str, occupations: dict[str, str]) -> str | None:
    """The code of the occupation ``word`` names or codes (``occupations``: code → name)."""
    if CODE.fullmatch(word):
        digits = word.replace("-", "")
        return next((code for code in occupations if code.replace("-", "") == digits), None)
    return next((code for code, name in occupations.items() if name == word), None)


def peelings(word: str, table: dict[str, list]) -> list[tuple[list[str], str, list[str]]]:
    """``(names taken off the start, what is left, names taken off the end)``: first the word
    itself, then after each name of the table taken off its start (longest first), or else off
    its end, until none fits."""
    starts, middle, ends = [], word, []
    found = [(starts, middle, ends)]
    while middle:
        start = next((middle[:n] for n in range(len(middle), 1, -1) if middle[:n] in table), None)
        end = None if start else next((middle[-n:] for n in range(len(middle), 1, -1) if middle[-n:] in table), None)
        if start:
            starts, middle = starts + [start], middle[len(start):]
        elif end:
            middle, ends = middle[:-len(end)], [end] + ends
        else:
            break
        found.append((starts, middle, ends))
    return found


def understand(text: str, table: dict[str, list], occupations: dict[str, str]) -> tuple[list[Recognised], list[str]]:
    """The recognised words of a query, in order, and the words left to search as text."""
    recognised, rest = [], []
    for word in words(text):
        found = recognise(word, table, occupations)
        if found is None:
            rest.append(word)
        else:
            recognised += found
    return recognised, rest


def recognise(word: str, table: dict[str, list], occupations: dict[str, str]) -> list[Recognised] | None:
    """The names ``word`` is made of (see the module documentation), or None."""
    for starts, middle, ends in peelings(word, table):
        code = occupation_of(middle, occupations) if middle else None
        if code or not middle:
            found = [Recognised(middle, OCCUPATION, code)] if code else []
            return [named(form, table) for form in starts] + found + [named(form, table) for form in ends]
    return None


def named(form: str, table: dict[str, list]) -> Recognised:
    kind, value = table[form]
    return Recognised(form, kind, value)


def probes(text: str, table: dict[str, list]) -> list[str]:
    """The index terms whose occupations the page needs to know to understand ``text``: the
    first term (a bigram, or a code as one word) of every middle :func:`recognise` may take
    for an occupation. Index rows list the occupations their term is a token of."""
    found = []
    for word in words(text):
        for _, middle, _ in peelings(word, table):
            if CODE.fullmatch(middle):
                found.append(middle.replace("-", "").lower())
            elif len(middle) >= 2 and not middle.isascii():
                found.append(middle[:2])
    return list(dict.fromkeys(found))
