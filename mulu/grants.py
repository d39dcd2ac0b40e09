"""The ``occupations`` field: ``CODE NAME[/工种]:LEVELS`` entries separated by ``;``.

``6-31-01-03 电工:5-3`` grants 电工 from 五级/初级工 (5) up to 三级/高级工 (3). Levels are one
digit (``3``), a range written from lower to higher skill (``5-3``) or a comma list (``4,2``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

ENTRY_SEPARATOR = ";"
FULL_WIDTH = str.maketrans({"；": ";", "：": ":", "，": ",", "－": "-", "／": "/", "　": " "})
ENTRY_SHAPE = re.compile(r"(?P<code>\d-\d\d-\d\d-\d\d) (?P<name>[^:/;]+?)(?:/(?P<work>[^:/;]+))?:(?P<levels>[^:;]+)")
LEVELS_SHAPE = re.compile(r"[1-5](?:-[1-5]|(?:,[1-5])+)?")


@dataclass(frozen=True, slots=True)
class Grant:
    """One occupation (and optional 工种) an organisation may evaluate, at some levels."""

    code: str
    name: str
    work_type: str
    levels: tuple[int, ...]  # from lower to higher skill: (5, 4, 3)

    @property
    def title(self) -> str:
        return f"{self.name}/{self.work_type}" if self.work_type else self.name

    def __str__(self) -> str:
        return f"{self.code} {self.title}:{format_levels(self.levels)}"

    def __reduce__(self):
        # As its constructor's arguments: a slotted dataclass's default (its slots as a dict,
        # set one by one) is far slower, and the build hands the whole model between processes.
        return Grant, (self.code, self.name, self.work_type, self.levels)


def format_levels(levels: tuple[int, ...] | list[int]) -> str:
    """Canonical spelling: ``5-3`` for a run, ``4,2`` for gaps, ``3`` for one level."""
    ordered = sorted(set(levels), reverse=True)
    if len(ordered) > 1 and ordered[0] - ordered[-1] == len(ordered) - 1:
        return f"{ordered[0]}-{ordered[-1]}"
    return ",".join(str(level) for level in ordered)


@lru_cache(maxsize=None)
def parse_levels(text: str) -> tuple[tuple[int, ...], str | None]:
    """Levels from ``5-3``/``4,2``/``3``, with the problem in Chinese if the text is malformed."""
    if not LEVELS_SHAPE.fullmatch(text):
        return (), f"等级「{text}」无法识别：等级为 1–5，写作 3、5-3（由低到高）或 4,2"
    if "-" in text:
        low, high = (int(part) for part in text.split("-"))
        if low <= high:
            return (), f"等级范围「{text}」应由低技能等级写到高技能等级（五级为最低），如 {high}-{low}"
        return tuple(range(low, high - 1, -1)), None
    levels = [int(part) for part in text.split(",")]
    if len(set(levels)) != len(levels):
        return (), f"等级「{text}」中有重复"
    return tuple(sorted(levels, reverse=True)), None


def fixable_forms(text: str) -> list[str]:
    """Spellings ``invoke normalize`` would rewrite: full-width punctuation, stray spaces."""
    found = []
    translated = text.translate(FULL_WIDTH)
    if translated != text:
        found.append("全角标点（；：，）")
    if translated != canonical_spacing(translated).strip(ENTRY_SEPARATOR):
        found.append("多余空格")
    return found


def canonical_spacing(text: str) -> str:
    """Collapse spaces: none around ``;``, ``:``, ``,``, ``-``, ``/``; one between code and name."""
    entries = []
    for entry in text.split(ENTRY_SEPARATOR):
        entry = re.sub(r"\s+", " ", entry).strip()
        entry = re.sub(r"\s*([:/,])\s*", r"\1", entry)
        entry = re.sub(r"(?<=[\d:,])\s*-\s*(?=\d)", "-", entry)
        entries.append(entry)
    return ENTRY_SEPARATOR.join(entries)


def normalize_occupations(text: str) -> str:
    """The canonical spelling of an ``occupations`` cell; meaning is unchanged."""
    return canonical_spacing(text.translate(FULL_WIDTH)).strip(ENTRY_SEPARATOR)


def parse_occupations(text: str) -> tuple[list[Grant], list[str]]:
    """Parse an ``occupations`` cell into grants, with every problem found."""
    if not text.strip():
        return [], ["至少需要一个评价职业(工种)，如 6-31-01-03 电工:5-3"]
    parsed = [parse_entry(entry) for entry in text.split(ENTRY_SEPARATOR)]
    problems = []
    if any(fixable for _, _, fixable in parsed):
        forms = fixable_forms(text)
        problems.append(f"含{'、'.join(forms)}，请运行 invoke normalize 自动改正")
        parsed = [parse_entry(entry) for entry in normalize_occupations(text).split(ENTRY_SEPARATOR)]
    grants = []
    for number, (grant, problem, _) in enumerate(parsed, start=1):
        if problem:
            problems.append(f"第 {number} 项{problem}")
        else:
            grants.append(grant)
    return grants, problems


@lru_cache(maxsize=65536)
def parse_entry(entry: str) -> tuple[Grant | None, str | None, bool]:
    """One ``CODE NAME[/工种]:LEVELS`` entry, its problem, and whether normalize would respell
    it (the same entries recur across rows, so each is parsed once)."""
    match = ENTRY_SHAPE.fullmatch(entry)
    plainly_canonical = match and entry.count(" ") == 1 and entry.translate(FULL_WIDTH) == entry
    fixable = not plainly_canonical and (not entry or bool(fixable_forms(entry)))
    if not match:
        return None, f"「{entry}」格式应为「代码 名称:等级」，如 6-31-01-03 电工:5-3", fixable
    levels, problem = parse_levels(match["levels"])
    if problem:
        return None, f"：{problem}", fixable
    return Grant(match["code"], match["name"], match["work"] or "", levels), None, fixable


def format_occupations(grants: list[Grant]) -> str:
    return ENTRY_SEPARATOR.join(str(grant) for grant in grants)
