"""``/data/``: the registry and its history as downloads (CSV with a BOM for Excel, XLSX with
Chinese headers, JSON) described by a Frictionless Data Package."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import struct
import zipfile
import zlib
from itertools import count, repeat
from json.encoder import encode_basestring
from operator import attrgetter

import xlsxwriter

from mulu.model import Organisation
from mulu.schema import HISTORY_COLUMNS, REGISTRY_COLUMNS, Column

from . import pieces
from .pieces import Deflated
from .site import Site, each
from .supervision import download_tables

# A spreadsheet runs a cell starting with one of these as a formula; a leading ' makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET = "xl/worksheets/sheet1.xml"
SHEET_TITLE = "机构名录"
SHEET_ROWS = re.compile(rb"(?s)(.*?<sheetData><row .*?</row>)(.*)(</sheetData>.*)")
LAST_ROW = re.compile(rb'(<dimension ref="[A-Z]+1:[A-Z]+)\d+"')
# history.csv is made by smaller groups than the other downloads: an organisation's events are
# spread over the ledger, so a change to it touches several groups.
LEDGER_GROUPS = 512
EVENT_IDENTITY = struct.Struct("<16sI")  # its organisation's digest, its place among that one's events


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def text_rows(records, columns: tuple[Column, ...]) -> list[tuple[str, ...]]:
    """Each record's values of the columns, as the source files spell them (dates as
    YYYY-MM-DD, empty for none). Column by column, so that the loops run in C."""
    getter = attrgetter(*(c.name for c in columns))
    values = list(zip(*map(getter, records))) or [() for _ in columns]
    for index, column in enumerate(columns):
        if column.type == "date":
            spelled = {day: day.isoformat() if day else "" for day in set(values[index])}
            values[index] = map(spelled.__getitem__, values[index])
    return list(zip(*values))


def neutralised(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The rows with formula-like cells made text; only columns that have one are touched."""
    columns = list(zip(*rows))
    for index, values in enumerate(columns):
        if any(map(str.startswith, values, repeat(FORMULA_STARTS))):
            columns[index] = [neutralise(value) for value in values]
    return list(zip(*columns)) if columns else rows


def csv_lines(rows: list[tuple[str, ...]]) -> list[bytes]:
    """Each row as a line of CSV, formula-like cells neutralised."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    lines = []
    for row in neutralised(rows):
        writer.writerow(row)
        lines.append(text.getvalue().encode("utf-8"))
        text.seek(0)
        text.truncate()
    return lines


def csv_file(columns: tuple[Column, ...], lines) -> bytes:
    """CSV with a BOM so Excel reads UTF-8."""
    return b"".join([codecs.BOM_UTF8, *csv_lines([tuple(c.name for c in columns)]), *lines])


def json_records(names: list[str], rows: list[tuple[str, ...]]) -> list[bytes]:
    """Each row as an object of :func:`json_file`, in UTF-8. ``json.dumps`` encodes an indented
    object in Python; filling one template per row with its C string escaper is a hundred times
    faster."""
    template = " {\n" + ",\n".join(f"  {encode_basestring(name).replace('%', '%%')}: %s" for name in names) + "\n }"
    return [(template % tuple(map(encode_basestring, row))).encode("utf-8") for row in rows]


def json_file(records: list[bytes]) -> bytes:
    """The records (or runs of records joined by ``,\\n``) as a JSON array indented by one space:
    the same text as ``json.dumps(records, ensure_ascii=False, indent=1)``."""
    return b"[\n" + b",\n".join(records) + b"\n]" if records else b"[]"


def workbook_bytes(title: str, columns: tuple[Column, ...], rows, day: dt.date) -> bytes:
    """A one-sheet workbook with Chinese headers and the given ``(row number, cells)``, numbers
    increasing from 2. Streamed row by row (constant memory) with every cell written as text, as
    the source files spell it. The same data gives the same bytes (fixed document date; the
    writer dates zip entries 1980-01-31), so an unchanged file stays put."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False})
    book.set_properties({"created": dt.datetime.combine(day, dt.time()), "author": "mulu"})
    sheet = book.add_worksheet(title)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, [column.title for column in columns], book.add_format({"bold": True}))
    write = sheet.write_string
    for number, row in rows:
        for index, value in enumerate(row):
            if value:  # an empty cell is left out, as openpyxl and Excel leave it
                write(number - 1, index, value)
    book.close()
    return buffer.getvalue()


class Sheet:
    """The registry's workbook (formula-like cells neutralised), as XlsxWriter writes it, its
    sheet deflated in groups of rows (see :mod:`.pieces`).

    XlsxWriter writes only the groups of rows :meth:`make_groups` is given; :meth:`workbook`
    joins them to the groups it wrote for earlier builds. The sheet's XML is the same as if it
    had written every row."""

    def __init__(self, day: dt.date):
        self.day = day

    def make_groups(self, groups: list[list[tuple[int, Organisation]]]) -> list[tuple[bytes, bytes]]:
        """The XML of each group of ``(row number, organisation)``, and that XML deflated."""
        numbers = [number for group in groups for number, _ in group]
        rows = neutralised(text_rows([org for group in groups for _, org in group], REGISTRY_COLUMNS))
        self.book = workbook_bytes(SHEET_TITLE, REGISTRY_COLUMNS, zip(numbers, rows), self.day)
        self.head, written, self.tail = SHEET_ROWS.fullmatch(sheet_xml(self.book)).groups()
        xml = iter(written.split(b"</row>"))
        made = [b"".join([next(xml) + b"</row>" for _ in group]) for group in groups]
        return [(data, pieces.piece(data)) for data in made]

    def workbook(self, groups: list[tuple[bytes, bytes]], rows: int) -> bytes:
        """The workbook of ``rows`` rows in these groups."""
        head = LAST_ROW.sub(rb'\g<1>%d"' % (rows + 1), self.head) if rows else self.head
        body = b"".join([data for data, _ in groups])
        stream = [pieces.piece(head), *(deflated for _, deflated in groups), pieces.last_piece(self.tail)]
        crc = zlib.crc32(self.tail, zlib.crc32(body, zlib.crc32(head)))
        return with_sheet(self.book, Deflated(b"".join(stream), crc, len(head) + len(body) + len(self.tail)))


def sheet_xml(book: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        return archive.read(SHEET)


def with_sheet(book: bytes, sheet: Deflated) -> bytes:
    """The workbook with another sheet, its members named, dated and ordered as XlsxWriter wrote
    them."""
    with zipfile.ZipFile(io.BytesIO(book)) as source:
        members = [(info, sheet if info.filename == SHEET else Deflated.of(source.read(info)))
                   for info in source.infolist()]
    return pieces.archive(members)


def table_schema(columns: tuple[Column, ...]) -> dict:
    fields = []
    for column in columns:
        field = {"name": column.name, "title": column.title, "type": column.type}
        if column.description:
            field["description"] = column.description
        if column.required:
            field["constraints"] = {"required": True}
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}


def data_package(site: Site) -> dict:
    registry_schema = table_schema(REGISTRY_COLUMNS)
    history_schema = table_schema(HISTORY_COLUMNS)
    registry_schema["primaryKey"] = ["credit_code"]
    csv_dialect = {"delimiter": ",", "header": True}
    return {
        "name": "mulu-registry",
        "title": site.settings["SITENAME"],
        "description": "经备案的社会培训评价组织目录及其备案台账。CSV 与 XLSX 中以 = + - @ 开头的单元格前加了 '，以免电子表格将其作为公式执行；JSON 为原值。",
        "created": str(site.today),
        "resources": [
            {"name": "registry", "path": "registry.csv", "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8-sig", "dialect": csv_dialect, "schema": registry_schema},
            {"name": "registry-json", "path": "registry.json", "format": "json", "mediatype": "application/json",
             "encoding": "utf-8", "schema": registry_schema},
            {"name": "registry-xlsx", "path": "registry.xlsx", "format": "xlsx", "scheme": "file",
             "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "description": "工作表「机构名录」，表头为中文列名；备案台账见 history.csv", "schema": registry_schema},
            {"name": "history", "path": "history.csv", "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8-sig", "dialect": csv_dialect, "schema": history_schema},
            *({"name": name.removesuffix(".csv"), "path": name, "format": "csv", "mediatype": "text/csv",
               "encoding": "utf-8-sig", "dialect": csv_dialect, "schema": table_schema(columns)}
              for name, (columns, _) in download_tables(site).items()),
        ],
    }


def history_groups(site: Site) -> list[bytes]:
    """history.csv's lines by groups of neighbouring events (see :meth:`Site.by_groups`). An
    event's line is known by its organisation's digest, which covers its history rows, and its
    place among that organisation's events; both are found for every event in C, by mapping."""
    registry = site.registry
    codes = list(map(attrgetter("credit_code"), registry.events))
    counters = {code: count() for code in registry.organisations}
    places = map(next, map(counters.__getitem__, codes))
    identities = list(map(EVENT_IDENTITY.pack, map(registry.digests.__getitem__, codes), places))
    return site.by_groups("history-csv", registry.events, identities,
                          each(lambda group: b"".join(csv_lines(text_rows(group, HISTORY_COLUMNS)))), LEDGER_GROUPS)


def registry_groups(site: Site, name: str, make) -> list[bytes]:
    """``make(rows)`` of each group of organisations' registry rows (see :meth:`Site.by_groups`)."""
    return site.by_groups(name, list(site.registry.organisations.values()), site.digests,
                          each(lambda group: make(text_rows(group, REGISTRY_COLUMNS))))


def write_downloads(site: Site) -> None:
    """Each download, made again only when an organisation's rows changed (and, for the
    workbook, which is dated, the day)."""
    registry = site.registry
    names = [c.name for c in REGISTRY_COLUMNS]
    rows = b"".join(site.digests)
    # The history interleaves the organisations' events: whose event comes next is part of it.
    ledger = rows + "\x1f".join(map(attrgetter("credit_code"), registry.events)).encode()
    downloads = {
        "registry.csv": (rows, lambda: csv_file(REGISTRY_COLUMNS, registry_groups(
            site, "registry-csv", lambda group: b"".join(csv_lines(group))))),
        "history.csv": (ledger, lambda: csv_file(HISTORY_COLUMNS, history_groups(site))),
        "registry.json": (rows, lambda: json_file(registry_groups(
            site, "registry-json", lambda group: b",\n".join(json_records(names, group))))),
        "registry.xlsx": (rows + site.today.isoformat().encode(), lambda: registry_workbook(site)),
    }
    for name, (made_from, make) in downloads.items():
        path, key = f"data/{name}", site.data_key(name, made_from)
        if not site.reuse(path, key):
            site.write(path, make(), key)
    supervision = download_tables(site)
    for name, (columns, rows) in supervision.items():  # a few hundred rows: made every time
        site.write(f"data/{name}", csv_file(columns, csv_lines([tuple(row[c.name] for c in columns) for row in rows])))
    site.write("data/datapackage.json", json.dumps(data_package(site), ensure_ascii=False, indent=1))
    sizes = {name: site.written[f"data/{name}"] for name in
             ("registry.csv", "registry.xlsx", "registry.json", "history.csv", "datapackage.json", *supervision)}
    site.render("data.html", "data/index.html", sizes=sizes, organisations=len(registry.organisations),
                events=len(registry.events), supervision=list(supervision))


def registry_workbook(site: Site) -> bytes:
    """The registry's workbook. A group of its rows is known by its organisations' rows as
    written and its place, which numbers the rows."""
    sheet = Sheet(site.today)
    numbered = list(enumerate(site.registry.organisations.values(), 2))
    return sheet.workbook(site.by_groups("xlsx-rows", numbered, site.digests, sheet.make_groups), len(numbered))
