"""The directory as objects: organisations, their grants and their ledger of events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .grants import Grant
from .reference import Reference
from .schema import NOTICE, REMOVED

# What the public is shown, computed for a given day: NOTICE and REMOVED as the registry says.
VALID = "有效"
EXPIRING = "即将到期"
EXPIRED = "已过期"
NOT_YET_VALID = "未生效"
PUBLIC_STATUSES = (NOTICE, VALID, EXPIRING, EXPIRED, REMOVED, NOT_YET_VALID)


@dataclass(slots=True)
class Event:
    """One line of ``history.csv``: an event and the organisation's state after it."""

    line: int
    date: dt.date
    credit_code: str
    event: str
    occupations: str
    grants: list[Grant]
    valid_from: dt.date | None
    valid_until: dt.date | None
    status: str
    document: str
    note: str


@dataclass(slots=True)
class Organisation:
    line: int
    credit_code: str
    name: str
    org_type: str
    scope: str
    filing_no: str
    district: str
    address: str
    phone: str
    website: str
    occupations: str
    grants: list[Grant]
    valid_from: dt.date | None
    valid_until: dt.date | None
    notice_from: dt.date | None
    notice_until: dt.date | None
    status: str
    status_note: str
    updated: dt.date | None
    events: list[Event] = field(default_factory=list)

    def public_status(self, today: dt.date, warning_days: int = 90) -> str:
        """The status a reader should see on ``today``."""
        if self.status == NOTICE:
            return NOTICE
        if self.status == REMOVED:
            return REMOVED
        if today < self.valid_from:
            return NOT_YET_VALID
        if today > self.valid_until:
            return EXPIRED
        if (self.valid_until - today).days <= warning_days:
            return EXPIRING
        return VALID

    @property
    def removed_on(self) -> dt.date | None:
        removals = [e.date for e in self.events if e.event == "移出"]
        return removals[-1] if removals else None


@dataclass(slots=True)
class Registry:
    """A validated registry with its history and reference data."""

    organisations: dict[str, Organisation]  # by credit code, in registry order
    events: list[Event]  # in history.csv order
    reference: Reference
    # Credit code -> digest of the organisation's registry row and history rows as written, in
    # order, line numbers left out: what everything shown of it alone is made from (the build
    # cache's key).
    digests: dict[str, bytes] = field(default_factory=dict)

    def by_filing_no(self, filing_no: str) -> Organisation | None:
        return next((o for o in self.organisations.values() if o.filing_no == filing_no), None)

    def find(self, key: str) -> Organisation | None:
        """An organisation by credit code or 备案编号."""
        return self.organisations.get(key) or self.by_filing_no(key)

