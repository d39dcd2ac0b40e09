"""``/orgs/``: the whole directory as a paginated table, one pre-built (paginated) list per single
filter value so every filter works without JavaScript, and the compact rows orgs.js filters."""

from __future__ import annotations

from dataclasses import dataclass

from .directory import STATUS_SLUGS, TYPE_SLUGS, Entry, entry_digests
from .site import Site, each
from .verify import compact_json

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


@dataclass
class FilterOption:
    kind: str  # district, type, status, level
    slug: str
    label: str
    entries: list[Entry]

    @property
    def url(self) -> str:
        return f"orgs/{self.kind}/{self.slug}/"

    @property
    def count(self) -> int:
        return len(self.entries)


@dataclass
class FilterGroup:
    kind: str
    label: str
    options: list[FilterOption]


def filter_groups(site: Site) -> list[FilterGroup]:
    directory = site.directory
    return [
        FilterGroup("district", "所在区", [
            FilterOption("district", code, directory.district_names[code], entries)
            for code, entries in directory.by_district.items()]),
        FilterGroup("type", "机构类型", [
            FilterOption("type", TYPE_SLUGS[name], name, entries) for name, entries in directory.by_type.items()]),
        FilterGroup("status", "状态", [
            FilterOption("status", STATUS_SLUGS[name], name, entries) for name, entries in directory.by_status.items()]),
        FilterGroup("level", "可评价等级", [
            FilterOption("level", str(level), directory.level_labels[level], entries)
            for level, entries in directory.by_level.items()]),
    ]


def write_lists(site: Site) -> None:
    groups = filter_groups(site)
    write_paginated(site, "orgs/", "机构名录", site.directory.entries, groups, None)
    for group in groups:
        for option in group.options:
            heading = f"机构名录：{group.label} {option.label}"
            write_paginated(site, option.url, heading, option.entries, groups, option)
    rows_key = site.data_key("rows.json", entry_digests(site.directory.entries))
    if not site.reuse("orgs/rows.json", rows_key):
        site.write("orgs/rows.json", rows_json(site), rows_key)


def write_paginated(site: Site, base: str, heading: str, entries: list[Entry], groups, current) -> None:
    count = max(1, -(-len(entries) // PAGE_SIZE))
    filters = filters_text(groups)
    for number in range(1, count + 1):
        pagination = Pagination(base, number, count)
        page = entries[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
        # What the page shows: its rows, where it is, and every filter's label and count.
        key = site.page_key("orgs", base, str(number), str(count), heading, str(len(entries)), str(PAGE_SIZE),
                            current.url if current else "", filters, entry_digests(page))
        site.render("orgs.html", pagination.url(number) + "index.html", key, heading=heading, entries=page,
                    total=len(entries), pagination=pagination, filters=groups, current=current,
                    page_size=PAGE_SIZE, data_date=site.directory.data_date)


def filters_text(groups: list[FilterGroup]) -> str:
    return repr([(g.kind, g.label, [(o.slug, o.label, o.count) for o in g.options]) for g in groups])


ROW_FIELDS = ("code", "name", "filing_no", "type", "district", "status", "valid_from", "valid_until",
              "levels", "level_range")


def rows_json(site: Site) -> str:
    """Every organisation as one short array, for filtering in the browser, with the labels of
    the coded columns. The rows are made by groups of organisations, each again only if one of
    its organisations' rows changed."""
    directory = site.directory
    entries = directory.entries
    rows = site.by_groups("rows-json", entries, [entry.digest for entry in entries],
                          each(lambda group: compact_json(compact_rows(group))[1:-1]))  # without the brackets
    types = {slug: name for name, slug in TYPE_SLUGS.items()}
    return (f'{{"fields":{compact_json(ROW_FIELDS)},"rows":[{",".join(rows)}],'
            f'"types":{compact_json(types)},"districts":{compact_json(directory.district_names)}}}')


def compact_rows(entries: list[Entry]) -> list[list[str]]:
    return [
        [entry.code, entry.org.name, entry.org.filing_no, entry.type_slug, entry.district_code, entry.org.status,
         str(entry.org.valid_from or ""), str(entry.org.valid_until or ""),
         "".join(str(level) for level in entry.levels), entry.level_range]
        for entry in entries
    ]
