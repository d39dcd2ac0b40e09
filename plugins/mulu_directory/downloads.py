"""``/data/``: the registry and its history as downloads (CSV with a BOM for Excel, XLSX with
Chinese headers, JSON) described by a Frictionless Data Package."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from mulu.schema import HISTORY_COLUMNS, REGISTRY_COLUMNS, Column

from .site import Site

# A spreadsheet runs a cell starting with one of these as a formula; a leading ' makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell(value) -> str:
    return "" if value is None else str(value)


def table(records, columns: tuple[Column, ...]) -> list[list[str]]:
    """Rows of the given columns' values, as the source files spell them."""
    return [[cell(getattr(record, c.name)) for c in columns] for record in records]


def csv_bytes(columns: tuple[Column, ...], rows: list[list[str]]) -> bytes:
    """CSV with a BOM so Excel reads UTF-8, and formula-like cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(c.name for c in columns)
    writer.writerows([neutralise(value) for value in row] for row in rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def xlsx_bytes(sheets: dict[str, tuple[tuple[Column, ...], list[list[str]]]], day: dt.date) -> bytes:
    """A workbook with one sheet per table, Chinese headers, formula-like cells neutralised, and
    the same bytes for the same data (fixed document and zip dates) so unchanged files stay put."""
    book = Workbook(write_only=True)
    stamp = dt.datetime.combine(day, dt.time())
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = "mulu"
    for title, (columns, rows) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.freeze_panes = "A2"
        sheet.append([header_cell(sheet, column.title) for column in columns])
        for row in rows:
            sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    # ExcelWriter rather than book.save(), which stamps the document with the current time.
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return with_fixed_dates(buffer.getvalue(), stamp)


def header_cell(sheet, title: str) -> WriteOnlyCell:
    header = WriteOnlyCell(sheet, value=title)
    header.font = Font(bold=True)
    return header


def with_fixed_dates(data: bytes, stamp: dt.datetime) -> bytes:
    """The zip archive with every entry dated ``stamp`` instead of the moment it was written."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info))
    return out.getvalue()


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
             "description": "工作表「机构名录」与「备案台账」，表头为中文列名", "schema": registry_schema},
            {"name": "history", "path": "history.csv", "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8-sig", "dialect": csv_dialect, "schema": history_schema},
        ],
    }


def write_downloads(site: Site) -> None:
    registry = site.registry
    registry_rows = table(registry.organisations.values(), REGISTRY_COLUMNS)
    history_rows = table(registry.events, HISTORY_COLUMNS)
    site.write("data/registry.csv", csv_bytes(REGISTRY_COLUMNS, registry_rows))
    site.write("data/history.csv", csv_bytes(HISTORY_COLUMNS, history_rows))
    names = [c.name for c in REGISTRY_COLUMNS]
    records = [dict(zip(names, row)) for row in registry_rows]
    site.write("data/registry.json", json.dumps(records, ensure_ascii=False, indent=1))
    sheets = {"机构名录": (REGISTRY_COLUMNS, registry_rows), "备案台账": (HISTORY_COLUMNS, history_rows)}
    site.write("data/registry.xlsx", xlsx_bytes(sheets, site.today))
    site.write("data/datapackage.json", json.dumps(data_package(site), ensure_ascii=False, indent=1))
    sizes = {name: site.written[f"data/{name}"] for name in
             ("registry.csv", "registry.xlsx", "registry.json", "history.csv", "datapackage.json")}
    site.render("data.html", "data/index.html", sizes=sizes, organisations=len(registry_rows), events=len(history_rows))
