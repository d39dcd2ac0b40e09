"""``/orgs/``: the whole directory as a paginated table, one pre-built (paginated) list per single
filter value so every filter works without JavaScript, and the compact rows orgs.js filters."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from mulu.jsonio import compact_json

from .directory import STATUS_SLUGS, TYPE_SLUGS, Entry
from .site import Site

PAGE_SIZE = 200
PAGER_WINDOW = 2  # page links shown either side of the current page


@dataclass
class Pagination:
    base: str  # the first page's path, e.g. "orgs/district/310115/"
    number: int
    count: int

    def url(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}page/{number}/"

    @property
    def previous(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None

    @property
    def links(self) -> list[tuple[int, str]]:
        """The first, the last and the pages near the current one."""
        near = range(max(1, self.number - PAGER_WINDOW), min(self.count, self.number + PAGER_WINDOW) + 1)
        numbers = sorted({1, self.count, *near})
        return [(n, self.url(n)) for n in numbers]


@dataclass(frozen=True)
class FilterOption:
    kind: str  # district, type, status, level
    slug: str
    label: str
    count: int | None  # organisations it lists, where shown

    @property
    def url(self) -> str:
        return f"orgs/{self.kind}/{self.slug}/"


@dataclass(frozen=True)
class FilterGroup:
    kind: str
    label: str
    options: tuple[FilterOption, ...]


def filter_lists(site: Site) -> list[tuple[FilterGroup, list[tuple[FilterOption, list[Entry]]]]]:
    """Each filter with each of its values and the organisations it lists."""
    directory = site.directory
    labelled = [
        ("district", "所在区", [(code, directory.district_names[code], entries) for code, entries in directory.by_district.items()]),
        ("type", "机构类型", [(TYPE_SLUGS[name], name, entries) for name, entries in directory.by_type.items()]),
        ("status", "状态", [(STATUS_SLUGS[name], name, entries) for name, entries in directory.by_status.items()]),
        ("level", "可评价等级", [(str(level), directory.level_labels[level], entries)
                            for level, entries in directory.by_level.items()]),
    ]
    filters = []
    for kind, label, values in labelled:
        # How many have each status changes with the day: shown on every list page, it would
        # have the nightly rebuild rewrite them all. Each status's own page says how many.
        options = [(FilterOption(kind, slug, name, None if kind == "status" else len(entries)), entries)
                   for slug, name, entries in values]
        filters.append((FilterGroup(kind, label, tuple(option for option, _ in options)), options))
    return filters


@dataclass(frozen=True)
class ListPage:
    entries: list[Entry]
    span: tuple[int, int] | None = None  # a status's list: the pages of the whole list it covers


def write_lists(site: Site) -> None:
    filters = filter_lists(site)
    groups = [group for group, _ in filters]
    everyone = site.directory.entries
    write_paginated(site, "orgs/", "机构名录", paged(everyone), len(everyone), groups, None)
    places = {id(entry): place for place, entry in enumerate(everyone)}
    for group, options in filters:
        for option, entries in options:
            pages = status_pages(entries, places, len(everyone)) if group.kind == "status" else paged(entries)
            write_paginated(site, option.url, f"机构名录：{group.label} {option.label}", pages, len(entries), groups, option)
    site.file("orgs/rows.json", rows_json, site.parts("orgs-rows", rows_groups, everyone), site.directory.district_names)


def paged(entries: list[Entry]) -> list[ListPage]:
    """``PAGE_SIZE`` to a page; an empty list on one page."""
    return [ListPage(entries[start:start + PAGE_SIZE]) for start in range(0, max(len(entries), 1), PAGE_SIZE)]


def status_pages(entries: list[Entry], places: dict[int, int], everyone: int) -> list[ListPage]:
    """A status's organisations (``entries``; ``places``: each one's place in the whole list of
    ``everyone``) cut where the whole list's pages are cut, ``span`` of those to a page: the
    largest power of two that keeps a page to ``PAGE_SIZE`` rows or fewer in the mean, so the
    cuts stay where they are while the status's share changes less than twofold. Cut by count,
    an organisation entering or leaving the status one day would move every row after it, and
    the nightly rebuild would rewrite all the pages after; cut so, it changes one page of each of
    the two lists. Parts of the whole list without any of them make no page; a list that fits on
    one page is one page."""
    whole_pages = -(-everyone // PAGE_SIZE)
    span = whole_pages if len(entries) <= PAGE_SIZE else 1
    while len(entries) * span * 2 <= everyone:
        span *= 2
    pages = [ListPage(list(members), (cut * span + 1, min((cut + 1) * span, whole_pages)))
             for cut, members in groupby(entries, key=lambda entry: places[id(entry)] // (PAGE_SIZE * span))]
    return pages or [ListPage([])]


def write_paginated(site: Site, base: str, heading: str, pages: list[ListPage], total: int, groups: list[FilterGroup],
                    current: FilterOption | None) -> None:
    """The pages of one list. A status's list gives its total on its first page alone: the total
    changes with the day, the other pages need not."""
    for number, page in enumerate(pages, start=1):
        pagination = Pagination(base, number, len(pages))
        site.render("orgs.html", pagination.url(number) + "index.html", heading=heading, entries=page.entries,
                    total=total if number == 1 or page.span is None else None, span=page.span, pagination=pagination,
                    filters=groups, current=current, page_size=PAGE_SIZE, data_date=site.directory.data_date_of(page.entries))


ROW_FIELDS = ("code", "name", "filing_no", "type", "district", "status", "valid_from", "valid_until",
              "levels", "level_range")


def rows_json(rows: list[str], district_names: dict[str, str]) -> str:
    """Every organisation as one short array (``rows``: runs of them, see :func:`rows_groups`), for
    filtering in the browser, with the labels of the coded columns."""
    types = {slug: name for name, slug in TYPE_SLUGS.items()}
    return (f'{{"fields":{compact_json(ROW_FIELDS)},"rows":[{",".join(rows)}],'
            f'"types":{compact_json(types)},"districts":{compact_json(district_names)}}}')


def rows_groups(groups: list[list[Entry]]) -> list[str]:
    """Each group's rows as JSON arrays joined by commas."""
    return [compact_json(compact_rows(group))[1:-1] for group in groups]


def compact_rows(entries: list[Entry]) -> list[list[str]]:
    return [
        [entry.code, entry.org.name, entry.org.filing_no, entry.type_slug, entry.district_code, entry.org.status,
         str(entry.org.valid_from or ""), str(entry.org.valid_until or ""),
         "".join(str(level) for level in entry.levels), entry.level_range]
        for entry in entries
    ]
