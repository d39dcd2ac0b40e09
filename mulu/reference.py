"""Reference data: the occupation catalogue, skill levels, provinces and the city's districts."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class Occupation:
    code: str
    name: str
    name_full: str
    major_code: str
    mid_code: str
    levels: tuple[int, ...] = ()  # the levels its national standard sets, where the catalogue says

    @property
    def title(self) -> str:
        """The name as people read it (the full name where the catalogue's was cut off)."""
        return self.name_full or self.name

    def accepts_name(self, name: str) -> bool:
        return name in (self.name, self.name_full)


@dataclass(frozen=True)
class Level:
    code: int
    name: str  # 三级
    traditional: str  # 高级工
    label: str  # 三级/高级工


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


class Reference:
    """The reference files of one ``reference/`` folder, read on first use."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    @cached_property
    def occupations(self) -> dict[str, Occupation]:
        return {
            row["code"]: Occupation(
                row["code"], row["name"], row["name_full"], row["major_code"], row["mid_code"],
                tuple(int(level) for level in row.get("levels", "").split(";") if level),
            )
            for row in read_rows(self.folder / "occupations.csv")
        }

    @cached_property
    def categories(self) -> dict[str, str]:
        """Major and middle category code → name (``6`` → 生产制造及有关人员)."""
        return {row["code"]: row["name"] for row in read_rows(self.folder / "occupation-categories.csv")}

    @cached_property
    def levels(self) -> dict[int, Level]:
        return {
            int(row["level_code"]): Level(
                int(row["level_code"]), row["level_name"], row["traditional_name"], row["label"]
            )
            for row in read_rows(self.folder / "skill-levels.csv")
        }

    def levels_text(self, levels) -> str:
        """Levels as people read them: ``五级至三级`` for a run, ``四级、二级`` with gaps, ``三级``."""
        ordered = sorted(set(levels), reverse=True)
        names = [self.levels[level].name for level in ordered]
        is_run = len(ordered) > 1 and ordered[0] - ordered[-1] == len(ordered) - 1
        return f"{names[0]}至{names[-1]}" if is_run else "、".join(names)

    @cached_property
    def provinces(self) -> dict[str, str]:
        return {row["code"]: row["name"] for row in read_rows(self.folder / "provinces.csv")}

    @cached_property
    def districts(self) -> dict[str, str]:
        """District name → code, in the file's order."""
        return {row["name"]: row["code"] for row in read_rows(self.folder / "districts.csv")}
