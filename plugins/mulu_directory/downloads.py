"""``/data/``: the registry and its history as downloads (CSV with a BOM for Excel, XLSX with
Chinese headers, JSON) described by a Frictionless Data Package."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from itertools import repeat
from json.encoder import encode_basestring
from operator import attrgetter

from mulu.jsonio import readable_json
from mulu.model import Event, Organisation
from mulu.schema import HISTORY_COLUMNS, REGISTRY_COLUMNS, Column

from .site import Site
from .speedups import pieces
from .speedups.pieces import Deflated
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
EPOCH = dt.date(1980, 1, 1)  # the date of the sheet XML's groups, which no cell shows


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


def csv_file(lines: list[bytes], columns: tuple[Column, ...]) -> bytes:
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
    import xlsxwriter  # here: 15 ms to import, and few builds make a workbook

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


def sheet_groups(groups: list[list[tuple[int, Organisation]]]) -> list[tuple[bytes, bytes]]:
    """The sheet XML of each group of ``(row number, organisation)`` as XlsxWriter writes it
    (formula-like cells neutralised), and that XML deflated as a piece (see :mod:`.pieces`)."""
    numbers = [number for group in groups for number, _ in group]
    rows = neutralised(text_rows([org for group in groups for _, org in group], REGISTRY_COLUMNS))
    _, written, _ = sheet_parts(workbook_bytes(SHEET_TITLE, REGISTRY_COLUMNS, zip(numbers, rows), EPOCH))
    xml = iter(written.split(b"</row>"))
    made = [b"".join([next(xml) + b"</row>" for _ in group]) for group in groups]
    return [(data, pieces.piece(data)) for data in made]


def registry_workbook(groups: list[tuple[bytes, bytes]], rows: int, day: dt.date) -> bytes:
    """The workbook of ``rows`` rows, dated ``day``, from the groups of :func:`sheet_groups`. Its
    sheet is the XML XlsxWriter writes for all the rows at once; the groups' pieces are joined
    into one deflate stream between the deflated head and tail of an empty sheet's."""
    book = workbook_bytes(SHEET_TITLE, REGISTRY_COLUMNS, (), day)
    head, _, tail = sheet_parts(book)
    head = LAST_ROW.sub(rb'\g<1>%d"' % (rows + 1), head) if rows else head
    body = b"".join([data for data, _ in groups])
    stream = [pieces.piece(head), *(deflated for _, deflated in groups), pieces.last_piece(tail)]
    crc = zlib.crc32(tail, zlib.crc32(body, zlib.crc32(head)))
    return with_sheet(book, Deflated(b"".join(stream), crc, len(head) + len(body) + len(tail)))


def sheet_parts(book: bytes) -> tuple[bytes, bytes, bytes]:
    """A workbook's sheet XML: up to its header row, its other rows, and what follows them."""
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        return SHEET_ROWS.fullmatch(archive.read(SHEET)).groups()


def with_sheet(book: bytes, sheet: Deflated) -> bytes:
    """The workbook with another sheet, its members named, dated and ordered as XlsxWriter wrote
    them."""
    with zipfile.ZipFile(io.BytesIO(book)) as source:
        members = [(info, sheet if info.filename == SHEET else Deflated.of(source.read(info)))
                   for info in source.infolist()]
    return pieces.archive(members)


def table_schema(columns: tuple[Column, ...], headed_by_title: bool = False) -> dict:
    """The Table Schema of the columns. A file whose header row is the Chinese titles (the
    workbook) names its fields by them, as a validator checks the header against the names."""
    fields = []
    for column in columns:
        name, title = (column.title, column.name) if headed_by_title else (column.name, column.title)
        field = {"name": name, "title": title, "type": column.type}
        if column.description:
            field["description"] = column.description
        if column.required:
            field["constraints"] = {"required": True}
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}


# The data's day is the city's: a ledger date means that day in Beijing time.
BEIJING = dt.timezone(dt.timedelta(hours=8))


def data_package(title: str, day: dt.date, supervision: dict[str, tuple[Column, ...]]) -> dict:
    """The data package; ``supervision``: the columns of each supervision download by file name."""
    registry_schema = table_schema(REGISTRY_COLUMNS)
    history_schema = table_schema(HISTORY_COLUMNS)
    workbook_schema = table_schema(REGISTRY_COLUMNS, headed_by_title=True)
    registry_schema["primaryKey"] = [REGISTRY_COLUMNS[0].name]
    workbook_schema["primaryKey"] = [REGISTRY_COLUMNS[0].title]
    csv_dialect = {"delimiter": ",", "header": True}
    return {
        "name": "mulu-registry",
        "title": title,
        "description": "经备案的社会培训评价组织目录及其备案台账。CSV 与 XLSX 中以 = + - @ 开头的单元格前加了 '，以免电子表格将其作为公式执行；JSON 为原值。",
        "created": dt.datetime.combine(day, dt.time(), BEIJING).isoformat(),  # the standard wants a datetime
        "resources": [
            {"name": "registry", "path": "registry.csv", "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8-sig", "dialect": csv_dialect, "schema": registry_schema},
            {"name": "registry-json", "path": "registry.json", "format": "json", "mediatype": "application/json",
             "encoding": "utf-8", "schema": registry_schema},
            {"name": "registry-xlsx", "path": "registry.xlsx", "format": "xlsx", "scheme": "file",
             "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "description": "工作表「机构名录」，表头为中文列名（各列的英文名见 title）；备案台账见 history.csv",
             "schema": workbook_schema},
            {"name": "history", "path": "history.csv", "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8-sig", "dialect": csv_dialect, "schema": history_schema},
            *({"name": name.removesuffix(".csv"), "path": name, "format": "csv", "mediatype": "text/csv",
               "encoding": "utf-8-sig", "dialect": csv_dialect, "schema": table_schema(columns)}
              for name, columns in supervision.items()),
        ],
    }


def registry_csv_groups(groups: list[list[Organisation]]) -> list[bytes]:
    return [b"".join(csv_lines(text_rows(group, REGISTRY_COLUMNS))) for group in groups]


def history_csv_groups(groups: list[list[Event]]) -> list[bytes]:
    return [b"".join(csv_lines(text_rows(group, HISTORY_COLUMNS))) for group in groups]


def registry_json_groups(groups: list[list[Organisation]]) -> list[bytes]:
    names = [c.name for c in REGISTRY_COLUMNS]
    return [b",\n".join(json_records(names, text_rows(group, REGISTRY_COLUMNS))) for group in groups]


def write_downloads(site: Site) -> None:
    """Each download, then the data package describing them and the page listing them. The files
    made from every organisation are made of groups of them (:meth:`Site.parts`)."""
    registry = site.registry
    orgs = list(registry.organisations.values())
    day = site.directory.data_date or EPOCH  # dated by the data, not by the day they are built
    site.joined("data/registry.csv", "registry-csv", registry_csv_groups, orgs, csv_file, REGISTRY_COLUMNS)
    site.joined("data/history.csv", "history-csv", history_csv_groups, registry.events, csv_file, HISTORY_COLUMNS,
                groups=LEDGER_GROUPS)
    site.joined("data/registry.json", "registry-json", registry_json_groups, orgs, json_file)
    site.joined("data/registry.xlsx", "xlsx-rows", sheet_groups, list(enumerate(orgs, 2)), registry_workbook,
                len(orgs), day)
    supervision = download_tables(site)
    for name, (columns, rows) in supervision.items():
        site.file(f"data/{name}", supervision_csv, columns, rows)
    columns = {name: columns for name, (columns, _) in supervision.items()}
    site.write("data/datapackage.json", readable_json(data_package(site.settings["SITENAME"], day, columns)))
    sizes = {name: site.written[f"data/{name}"] for name in
             ("registry.csv", "registry.xlsx", "registry.json", "history.csv", "datapackage.json", *supervision)}
    site.render("data.html", "data/index.html", sizes=sizes, organisations=len(orgs), events=len(registry.events),
                supervision=list(supervision))


def supervision_csv(columns: tuple[Column, ...], rows: list[dict[str, str]]) -> bytes:
    """A supervision file as a download: its cells as written, in the columns published."""
    return csv_file(csv_lines([tuple(row[c.name] for c in columns) for row in rows]), columns)

