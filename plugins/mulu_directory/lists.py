"""``/orgs/``: the whole directory as a paginated table, one pre-built (paginated) list per single
filter value so every filter works without JavaScript, and the compact rows orgs.js filters."""

from __future__ import annotations

from dataclasses import dataclass

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


def write_lists(site: Site) -> None:
    filters = filter_lists(site)
    groups = [group for group, _ in filters]
    write_paginated(site, "orgs/", "机构名录", site.directory.entries, groups, None)
    for group, options in filters:
        for option, entries in options:
            write_paginated(site, option.url, f"机构名录：{group.label} {option.label}", entries, groups, option)
    site.file("orgs/rows.json", rows_json, site.parts("orgs-rows", rows_groups, site.directory.entries),
              site.directory.district_names)


def write_paginated(site: Site, base: str, heading: str, entries: list[Entry], groups: list[FilterGroup],
                    current: FilterOption | None) -> None:
    count = max(1, -(-len(entries) // PAGE_SIZE))
    for number in range(1, count + 1):
        pagination = Pagination(base, number, count)
        page = entries[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
        site.render("orgs.html", pagination.url(number) + "index.html", heading=heading, entries=page, total=len(entries),
                    pagination=pagination, filters=groups, current=current, page_size=PAGE_SIZE,
                    data_date=site.directory.data_date_of(page))


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
