"""``/data/``: the registry and its history as downloads (CSV with a BOM for Excel, XLSX with
Chinese headers, JSON) described by a Frictionless Data Package."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import xlsxwriter

from mulu.schema import HISTORY_COLUMNS, REGISTRY_COLUMNS, Column

from .site import Site

# A spreadsheet runs a cell starting with one of these as a formula; a leading ' makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell(value) -> str:
    return "" if value is None else str(value)


def table(records, columns: tuple[Column, ...]):
    """Rows of the given columns' values, as the source files spell them, one at a time: the
    history has over 100,000 rows at a national scale."""
    return ([cell(getattr(record, c.name)) for c in columns] for record in records)


def csv_bytes(columns: tuple[Column, ...], rows) -> bytes:
    """CSV with a BOM so Excel reads UTF-8, and formula-like cells neutralised; encoded as it
    is written, so no copy of the whole text is held."""
    buffer = io.BytesIO()
    text = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(c.name for c in columns)
    writer.writerows([neutralise(value) for value in row] for row in rows)
    text.flush()
    return buffer.getvalue()


def json_bytes(names: list[str], rows: list[list[str]]) -> bytes:
    """The rows as a JSON array of objects, indented by one space; the same text as
    ``json.dumps(records, ensure_ascii=False, indent=1)`` without building every record first."""
    records = (" " + json.dumps(dict(zip(names, row)), ensure_ascii=False, indent=1).replace("\n", "\n ")
               for row in rows)
    return ("[\n" + ",\n".join(records) + "\n]" if rows else "[]").encode("utf-8")


def xlsx_bytes(title: str, columns: tuple[Column, ...], rows: list[list[str]], day: dt.date) -> bytes:
    """A one-sheet workbook with Chinese headers and formula-like cells neutralised. Streamed row
    by row (constant memory) with every cell written as text, as the source files spell it. The
    same data gives the same bytes (fixed document date; the writer dates zip entries 1980-01-01),
    so an unchanged file stays put."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False})
    book.set_properties({"created": dt.datetime.combine(day, dt.time()), "author": "mulu"})
    sheet = book.add_worksheet(title)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, [column.title for column in columns], book.add_format({"bold": True}))
    write = sheet.write_string
    for number, row in enumerate(rows, 1):
        for index, value in enumerate(row):
            if value:  # an empty cell is left out, as openpyxl and Excel leave it
                write(number, index, neutralise(value))
    book.close()
    return buffer.getvalue()


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
        ],
    }


def write_downloads(site: Site) -> None:
    registry = site.registry
    registry_rows = list(table(registry.organisations.values(), REGISTRY_COLUMNS))
    site.write("data/registry.csv", csv_bytes(REGISTRY_COLUMNS, registry_rows))
    site.write("data/history.csv", csv_bytes(HISTORY_COLUMNS, table(registry.events, HISTORY_COLUMNS)))
    site.write("data/registry.json", json_bytes([c.name for c in REGISTRY_COLUMNS], registry_rows))
    site.write("data/registry.xlsx", xlsx_bytes("机构名录", REGISTRY_COLUMNS, registry_rows, site.today))
    site.write("data/datapackage.json", json.dumps(data_package(site), ensure_ascii=False, indent=1))
    sizes = {name: site.written[f"data/{name}"] for name in
             ("registry.csv", "registry.xlsx", "registry.json", "history.csv", "datapackage.json")}
    site.render("data.html", "data/index.html", sizes=sizes, organisations=len(registry_rows), events=len(registry.events))
