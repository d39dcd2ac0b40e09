"""The 备案回执: a printable receipt of a filing (organisation, number, term, occupations) with
a QR code of the organisation's page, so that anyone holding the paper can check it online, and
the footer and metadata of the site; as HTML and, when asked, as an A4 PDF printed by Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .government import TEMPLATE_GLOBALS, TEMPLATES, data_uri, government
from .grants import parse_occupations
from .reference import Reference
from .settings import resolve

# The events after which the filing's receipt is (re)issued.
ISSUING_EVENTS = ("备案", "变更", "延续")


def receipt_path(folder: Path, row: dict[str, str]) -> Path:
    return Path(folder) / f"{row['credit_code']}-{row['filing_no']}.html"


def qr_svg(url: str) -> Markup:
    """The address as a QR code (error correction M: still read with a fold or a stain)."""
    return Markup(segno.make(url, error="m").svg_inline(border=4, omitsize=True, title="本机构在目录中的页面"))


def render_receipt(row: dict[str, str], events: list[dict[str, str]], reference: Reference, settings: dict) -> str:
    """The receipt for an organisation's current filing, from its registry cells and events."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    environment.globals.update(TEMPLATE_GLOBALS)
    grants, _ = parse_occupations(row["occupations"])
    own = [e for e in events if e["credit_code"] == row["credit_code"]]
    filing = next(e for e in reversed(own) if e["event"] == "备案")
    issued = next(e for e in reversed(own) if e["event"] in ISSUING_EVENTS)
    occupations = [
        {"code": g.code, "title": g.title, "levels": reference.levels_text(g.levels),
         "labels": "、".join(reference.levels[level].label for level in g.levels)}
        for g in grants
    ]
    site = government(settings)
    page_url = site.page_url(f"org/{row['credit_code']}/")
    return environment.get_template("receipt.html").render(
        org=row, filing=filing, issued=issued, occupations=occupations,
        changes=[e for e in own if e["date"] >= filing["date"] and e["event"] in ISSUING_EVENTS],
        centre=settings["MULU_CENTRE"], bureau=settings["MULU_BUREAU"], city=settings["MULU_CITY_NAME"],
        page_url=page_url, qr=qr_svg(page_url) if page_url else "",
        # What the site's pages carry (mulu/templates/_government_*.html), the images inlined.
        SITENAME=settings.get("SITENAME", ""), government=site, link_base=site.site_url,
        data_date=max(e["date"] for e in own),
        mark_src=data_uri(resolve(settings, "MULU_GOV_MARK")), emblem_src=data_uri(resolve(settings, "MULU_PSB_EMBLEM")),
    )


def write_receipt(folder: str | Path, row: dict[str, str], events: list[dict[str, str]],
                  reference: Reference, settings: dict, pdf: bool = False) -> list[Path]:
    """Write the receipt (and its PDF) beside its siblings: both or neither, and a reader never
    sees half a file."""
    html = receipt_path(Path(folder), row)
    html.parent.mkdir(parents=True, exist_ok=True)
    files = {pending(html): html}
    if pdf:
        files[pending(html.with_suffix(".pdf"))] = html.with_suffix(".pdf")
    try:
        pending(html).write_text(render_receipt(row, events, reference, settings), encoding="utf-8")
        if pdf:
            print_pdf(pending(html), pending(html.with_suffix(".pdf")), settings["MULU_CHROMIUM"])
        for temporary, path in files.items():
            os.replace(temporary, path)
    finally:
        for temporary in files:
            temporary.unlink(missing_ok=True)
    return list(files.values())


def pending(path: Path) -> Path:
    """Where a file is written before it takes its name (its type kept, for the browser)."""
    return path.with_name(f".{path.stem}.new{path.suffix}")


def print_pdf(html: Path, pdf: Path, chromium: str) -> None:
    """Print an HTML file on A4 with headless Chromium (the page's own @page margins)."""
    from playwright.sync_api import Error, sync_playwright  # only for a PDF: starting it takes a while

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page()
                page.goto(html.resolve().as_uri())
                page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, print_background=True)
            finally:
                browser.close()
    except Error as exc:  # reported like a file that could not be written
        raise OSError(0, f"Chromium（{chromium}）未能打印 PDF：{exc.message.splitlines()[0]}", str(pdf)) from None
