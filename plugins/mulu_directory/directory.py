"""The registry as the site shows it, computed once per build: each organisation's status for the
day, its history with what each event changed, and the groupings the list pages are cut from
(by occupation, district, type, status and level), so no page scans the whole registry again."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache, cached_property, partial
from html import escape
from operator import attrgetter
from typing import Callable

from markupsafe import Markup

from mulu.grants import Grant
from mulu.model import EXPIRED, EXPIRING, NOT_YET_VALID, NOTICE, REMOVED, VALID, Event, Organisation, Registry
from mulu.schema import ORG_TYPES

# Stable ASCII slugs used in the filter pages' URLs.
STATUS_SLUGS = {
    NOTICE: "notice", VALID: "valid", EXPIRING: "expiring", EXPIRED: "expired",
    REMOVED: "removed", NOT_YET_VALID: "pending",
}
TYPE_SLUGS = dict(zip(ORG_TYPES, ("enterprise", "association", "college", "other")))
# The order statuses are listed in: what a reader can use first.
STATUS_ORDER = (VALID, EXPIRING, NOT_YET_VALID, NOTICE, EXPIRED, REMOVED)
# Statuses under which an organisation may evaluate now.
EVALUATING = (VALID, EXPIRING)
LATEST_CHANGES = 10
# Status badge, link and list row as every list shows them, rendered once per organisation rather
# than once per list: a 25,000-organisation site lists each on half a dozen list pages. The badge
# carries the raw dates for status.js.
BADGE = '<span class="badge badge-{}" data-status="{}" data-valid-from="{}" data-valid-until="{}">{}</span>'
LINK = '<a href="{}">{}</a>'
# A list row is <tr><td>name</td><td>type</td><td>district</td><td>levels</td><td>status</td></tr>;
# the cells between the name and the status repeat across organisations.
ROW_CELLS = "</td><td>{}</td><td>{}</td><td>{}</td><td>"
# An occupation page's row is <tr data-levels="levels, for the level filter"><td>name</td>
# <td>levels</td><td>work type</td><td>district</td><td>end of the filing period</td>
# <td>status</td></tr>: the grant's cells repeat across organisations, the organisation's on each
# of its occupations' pages.
GRANT_OPENING = '<tr data-levels="{}"><td>'
GRANT_CELLS = "</td><td>{}</td><td>{}</td>"
HOLDER_CELLS = "<td>{}</td><td>{}</td><td>{}</td></tr>"


# Text already escaped, as Markup: ``Markup(text)`` would first ask the text for ``__html__``.
as_markup = partial(str.__new__, Markup)


@cache
def holes(template: str) -> list[str]:
    return template.split("{}")


def html(template: str, *values) -> Markup:
    """The template filled with the values escaped (markup, such as a badge in a row, as it is):
    what ``Markup(template).format`` gives, joined in C rather than formatted through
    :class:`string.Formatter` (or ``str.format``, which asks each Markup value to format itself),
    for a badge, a link and cells per organisation. The standard library's escape (quotes too)
    makes no Markup of each value: a third faster than markupsafe's for the model's short text."""
    text = holes(template)
    pieces = [text[0]]
    for value, after in zip(values, text[1:]):
        pieces += (value if type(value) is Markup else escape(str(value)), after)
    return as_markup("".join(pieces))


def joined(*pieces: str) -> Markup:
    """Markup and the literal markup around it, as one."""
    return as_markup("".join(pieces))


class kept:
    """An attribute computed on first use and kept on the instance, as
    :class:`functools.cached_property` does without its lock (Python 3.11's takes one on every
    first use): the rows' parts are first used for thousands of organisations per page."""

    def __init__(self, make: Callable):
        self.make, self.__doc__ = make, make.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.make(instance)
        return value


# Badges and the cells between a row's name and status repeat across rows: at 25,000
# organisations, 4,454 badges (a status and a filing period), 1,175 list rows' cells and 81
# grants' cells. Each is made once per process: an organisation's list row took 13 µs to make,
# now 5, and a row of an occupation page 8 µs, now 3; the lists a day's status changes touch are
# made afresh each night.
@cache
def status_badge(slug: str, registry_status: str, valid_from: dt.date | None, valid_until: dt.date | None,
                 status: str) -> Markup:
    return html(BADGE, slug, registry_status, valid_from or "", valid_until or "", status)


@cache
def row_cells(org_type: str, district: str, level_range: str) -> Markup:
    return html(ROW_CELLS, org_type, district, level_range)


@cache
def grant_cells(levels: tuple[int, ...], work_type: str, levels_text: Callable[[tuple[int, ...]], str]) -> tuple[Markup, Markup]:
    return html(GRANT_OPENING, " ".join(map(str, levels))), html(GRANT_CELLS, levels_text(levels), work_type or "—")


@dataclass(slots=True)
class Change:
    """One ledger event and what it changed compared with the event before it."""

    event: Event
    changes: list[str]


@dataclass
class Entry:
    """An organisation with everything its pages show that depends on the day or the catalogue."""

    org: Organisation
    status: str
    district_code: str
    levels: tuple[int, ...]  # every level of any grant, from lower to higher skill
    url: str  # the organisation page's address
    # When its data last changed: its latest ledger event (its own pages' date), the last of its
    # events, which validation keeps in the order of their dates. Set when made: every list page
    # takes the latest of its rows'.
    data_date: dt.date
    levels_text: Callable[[tuple[int, ...]], str] = field(repr=False)  # the reference's, once per set of levels

    @property
    def history(self) -> list[Change]:
        """Its events with what each changed. Only its own two files show them: made for each
        rather than kept, so that the memory of a build does not grow with every page written."""
        return describe_history(self.org.events, self.levels_text)

    @property
    def code(self) -> str:
        return self.org.credit_code

    @property
    def status_slug(self) -> str:
        return STATUS_SLUGS[self.status]

    @property
    def type_slug(self) -> str:
        return TYPE_SLUGS[self.org.org_type]

    @kept
    def level_range(self) -> str:
        return self.levels_text(self.levels) if self.levels else ""

    @kept
    def badge(self) -> Markup:
        org = self.org
        return status_badge(self.status_slug, org.status, org.valid_from, org.valid_until, self.status)

    @kept
    def link(self) -> Markup:
        return html(LINK, self.url, self.org.name)

    @kept
    def row(self) -> Markup:
        """Its row of the list pages' table (``org_table`` in _macros.html, through the ``rows`` filter)."""
        org = self.org
        return joined("<tr><td>", self.link, row_cells(org.org_type, org.district, self.level_range), self.badge,
                      "</td></tr>")

    @kept
    def holder_cells(self) -> Markup:
        """The cells that end its rows of occupation pages' tables."""
        return html(HOLDER_CELLS, self.org.district, self.org.valid_until or "", self.badge)

    @kept
    def item(self) -> Markup:
        """Its item of a list of names with their status: the former holders of an occupation
        (hundreds on a page, through the ``rows`` filter)."""
        return joined("<li>", self.link, " ", self.badge, "</li>")


@dataclass(slots=True)
class Holder:
    """An organisation that may evaluate an occupation, with the grant that says so."""

    entry: Entry
    grant: Grant

    @property
    def row(self) -> Markup:
        """Its row of the occupation page's table. Made for each page as it is rendered, not kept:
        kept, the rows of every occupation would stay in memory to the end of the build."""
        entry, grant = self.entry, self.grant
        opening, cells = grant_cells(grant.levels, grant.work_type, entry.levels_text)
        return joined(opening, entry.link, cells, entry.holder_cells)


@dataclass
class OccupationView:
    code: str
    title: str
    major_code: str
    evaluating: list[Holder] = field(default_factory=list)  # may evaluate now
    pending: list[Holder] = field(default_factory=list)  # under notice or not yet valid
    former: list[Holder] = field(default_factory=list)  # expired or removed

    @property
    def holders(self) -> list[Holder]:
        """Every organisation the page lists, once each."""
        return self.evaluating + self.pending + self.former

    @property
    def evaluating_count(self) -> int:
        return len(self.evaluating)

    @cached_property
    def level_counts(self) -> dict[int, int]:
        """Level -> how many organisations may evaluate it now, highest skill (1) first (the page
        shows them and offers them in its filter)."""
        return dict(sorted(Counter(level for holder in self.evaluating for level in holder.grant.levels).items()))


def describe_grants(before: list[Grant], after: list[Grant], levels_text) -> list[str]:
    """Grants added, dropped or with other levels, in words (the words staff use: 新增, 减少)."""
    old = {g.code: g for g in before}
    new = {g.code: g for g in after}
    changes = [f"新增 {g.code} {g.title}（{levels_text(g.levels)}）" for code, g in new.items() if code not in old]
    changes += [f"减少 {g.code} {g.title}" for code, g in old.items() if code not in new]
    changes += [
        f"{g.code} {g.title} 等级改为 {levels_text(g.levels)}"
        for code, g in new.items()
        if code in old and (old[code].levels != g.levels or old[code].title != g.title)
    ]
    return changes


def describe_history(events: list[Event], levels_text) -> list[Change]:
    """Each event with what it changed: grants, filing period, status."""
    history = []
    previous: Event | None = None
    for event in events:
        if previous is None:
            changes = [f"评价职业(工种) {len(event.grants)} 项"] if event.grants else []
        else:
            changes = describe_grants(previous.grants, event.grants, levels_text)
        if event.valid_until and (previous is None or (event.valid_from, event.valid_until) != (previous.valid_from, previous.valid_until)):
            changes.append(f"备案有效期 {event.valid_from} 至 {event.valid_until}")
        if previous is not None and event.status != previous.status:
            changes.append(f"状态改为{event.status}")
        history.append(Change(event, changes))
        previous = event
    return history


class Directory:
    """Everything the stages render, built once from a validated registry for one day."""

    def __init__(self, registry: Registry, today: dt.date, warning_days: int, siteurl: str = ""):
        self.registry = registry
        self.today = today
        reference = registry.reference
        self.districts = reference.districts  # name -> code
        self.district_names = {code: name for name, code in self.districts.items()}
        self.level_labels = {code: level.label for code, level in reference.levels.items()}
        levels_text = cache(reference.levels_text)  # a few dozen sets of levels, on every row
        self.entries: list[Entry] = [
            Entry(
                org,
                org.public_status(today, warning_days),
                self.districts[org.district],
                tuple(sorted({level for g in org.grants for level in g.levels}, reverse=True)),
                f"{siteurl}/org/{org.credit_code}/",
                org.events[-1].date,
                levels_text,
            )
            for org in sorted(registry.organisations.values(), key=lambda o: o.name)
        ]  # by name: every list on the site shows organisations in this order

    @cached_property
    def data_date(self) -> dt.date | None:
        """When the data last changed: the latest ledger event, the date every page but an
        organisation's shows (lists and content pages alike), never the day of the build."""
        return max((event.date for event in self.registry.events), default=None)

    def data_date_of(self, entries: list[Entry]) -> dt.date | None:
        """When the organisations a list shows last changed: the latest of their events (the
        directory's for an empty list). A change to one organisation then dates only the pages
        that list it."""
        return max(map(attrgetter("data_date"), entries), default=self.data_date)

    @cached_property
    def counts(self) -> Counter:
        return Counter(entry.status for entry in self.entries)

    @cached_property
    def by_district(self) -> dict[str, list[Entry]]:
        """District code -> entries, in the reference file's order, districts without any left out."""
        groups = defaultdict(list)
        for entry in self.entries:
            groups[entry.district_code].append(entry)
        return {code: groups[code] for code in self.districts.values() if code in groups}

    @cached_property
    def by_type(self) -> dict[str, list[Entry]]:
        groups = defaultdict(list)
        for entry in self.entries:
            groups[entry.org.org_type].append(entry)
        return {t: groups[t] for t in ORG_TYPES if t in groups}

    @cached_property
    def by_status(self) -> dict[str, list[Entry]]:
        groups = defaultdict(list)
        for entry in self.entries:
            groups[entry.status].append(entry)
        return {s: groups[s] for s in STATUS_ORDER if s in groups}

    @cached_property
    def by_level(self) -> dict[int, list[Entry]]:
        """Level -> entries holding it for at least one occupation, highest skill (1) first."""
        groups = defaultdict(list)
        for entry in self.entries:
            for level in entry.levels:
                groups[level].append(entry)
        return {level: groups[level] for level in sorted(self.level_labels) if level in groups}

    @cached_property
    def occupations(self) -> dict[str, OccupationView]:
        """Occupation code -> who may evaluate it, for every occupation any organisation holds."""
        catalogue = self.registry.reference.occupations
        views: dict[str, OccupationView] = {}
        for entry in self.entries:
            for grant in entry.org.grants:
                view = views.get(grant.code)
                if view is None:
                    occupation = catalogue[grant.code]
                    view = views[grant.code] = OccupationView(grant.code, occupation.title, occupation.major_code)
                holder = Holder(entry, grant)
                if entry.status in EVALUATING:
                    view.evaluating.append(holder)
                elif entry.status in (NOTICE, NOT_YET_VALID):
                    view.pending.append(holder)
                else:
                    view.former.append(holder)
        return dict(sorted(views.items()))

    @cached_property
    def occupation_count(self) -> int:
        """How many occupations the occupation pages cover (any an organisation holds), without
        making the pages' views: the site map, in the other process, shows only the number."""
        return len({grant.code for entry in self.entries for grant in entry.org.grants})

    @cached_property
    def occupations_by_major(self) -> dict[str, list[OccupationView]]:
        """Major category name -> its occupations, in the catalogue's order."""
        categories = self.registry.reference.categories
        groups = defaultdict(list)
        for view in self.occupations.values():
            groups[view.major_code].append(view)
        return {categories[major]: groups[major] for major in sorted(groups)}

    @cached_property
    def entry_by_code(self) -> dict[str, Entry]:
        return {entry.code: entry for entry in self.entries}

    def latest_events(self, limit: int = LATEST_CHANGES) -> list[tuple[Event, Entry]]:
        """The most recent ledger events, newest first, with their organisations."""
        events = self.registry.events
        since = earliest_of_latest([event.date for event in events], limit)
        recent = [event for event in events if event.date >= since]
        latest = sorted(recent, key=attrgetter("date", "line"), reverse=True)[:limit]
        return [(event, self.entry_by_code[event.credit_code]) for event in latest]


def earliest_of_latest(dates: list[dt.date], limit: int) -> dt.date | None:
    """The earliest day any of the ``limit`` latest dates falls on: only events from that day
    on need sorting (counting the days is far cheaper than sorting the ledger)."""
    taken = 0
    for day, count in sorted(Counter(dates).items(), reverse=True):
        taken += count
        if taken >= limit:
            return day
    return min(dates, default=None)

