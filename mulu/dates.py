"""Calendar arithmetic the process needs: working days for the 公示 period, years for a term."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
    """Monday to Friday, less public holidays, plus the weekend days worked in their place (调休)."""

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day after ``day``."""
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The last day of a period of ``days`` working days that begins on ``start``."""
        day = start
        while days > 1:
            day += ONE_DAY
            if self.is_working_day(day):
                days -= 1
        return day


WEEKDAYS = Calendar()


def calendar(settings: dict) -> Calendar:
    """The working calendar the settings describe (``MULU_HOLIDAYS``, ``MULU_WORKDAYS``)."""
    return Calendar(frozenset(settings["MULU_HOLIDAYS"]), frozenset(settings["MULU_WORKDAYS"]))


def add_working_days(start: dt.date, days: int, within: Calendar = WEEKDAYS) -> dt.date:
    return within.add_working_days(start, days)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def term_end(start: dt.date, years: int) -> dt.date:
    """The last day of a filing term of ``years`` years that begins on ``start``."""
    return add_years(start, years) - ONE_DAY
