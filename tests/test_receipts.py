"""The 备案回执 people can check: a QR code that decodes to the organisation's page, the site's
footer and metadata, an A4 PDF printed by Chromium with the organisation's name in its text, and
receipts written beside the registry that changed, never into the project."""

from __future__ import annotations

import io
import subprocess
import sys
import unicodedata

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from conftest import GOVERNMENT, ROOT
from test_government_site import check_footer_and_metadata
from workflow_support import APPLICANT, Files

pytestmark = pytest.mark.browser

A4_POINTS = (595, 842)  # 210 x 297 mm


def pdf_facts(path) -> tuple[int, tuple[int, int], str]:
    """Pages, the first page's size in points and its text (CJK radicals as the characters they
    stand for: the fonts map some characters to the radicals' code points)."""
    reader = PdfReader(path)
    box = reader.pages[0].mediabox
    text = unicodedata.normalize("NFKC", reader.pages[0].extract_text())
    return len(reader.pages), (round(float(box.width)), round(float(box.height))), text


def project_receipts() -> set[str]:
    return {path.name for path in (ROOT / "receipts").glob("*")} if (ROOT / "receipts").exists() else set()


def test_invoke_receipt_pdf_writes_one_a4_page_beside_the_registry(tmp_path):
    files = Files(tmp_path, orgs=12, seed=3)
    org = files.first("已备案")
    before = project_receipts()
    result = files.invoke("receipt", org.credit_code, "--pdf")
    assert result.returncode == 0, result.stderr
    html = files.folder / "receipts" / f"{org.credit_code}-{org.filing_no}.html"
    pdf = html.with_suffix(".pdf")
    assert f"备案回执：{html}" in result.stdout and f"备案回执：{pdf}" in result.stdout
    pages, size, text = pdf_facts(pdf)
    assert pages == 1 and size == A4_POINTS
    assert org.name in text and org.filing_no in text
    assert project_receipts() == before
    assert not list((files.folder / "receipts").glob(".*"))  # no temporary file left
    # Without the site's address (a sample), the receipt says what to fill in instead of a QR code.
    assert "〔示例占位：上线前填写 MULU_SITE_URL〕" in html.read_text("utf-8") and "<svg" not in html.read_text("utf-8")


def test_approve_pdf_gives_a_receipt_whose_qr_code_opens_the_organisations_page(tmp_path, government_conf, browser):
    files = Files(tmp_path, orgs=12, seed=3)
    (tmp_path / "conf").mkdir()
    conf = government_conf(tmp_path / "conf")
    assert files.invoke("intake", str(files.write_application()), "--date", "2026-11-27").returncode == 0
    argv = [sys.executable, "-m", "scripts.approve", APPLICANT, "--conf", str(conf), "--date", "2026-12-07",
            "--document", "沪人社职〔2026〕300号", "--pdf", "--registry", str(files.registry), "--history", str(files.history)]
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    row = files.row(APPLICANT)
    html = files.folder / "receipts" / f"{APPLICANT}-{row['filing_no']}.html"
    url = f"{GOVERNMENT['MULU_SITE_URL']}/org/{APPLICANT}/"

    context = browser.new_context(viewport={"width": 900, "height": 1300})
    page = context.new_page()
    page.goto(html.as_uri())
    try:
        decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(page.locator(".check svg").screenshot())))
        assert [(code.format, code.text) for code in decoded] == [(zxingcpp.BarcodeFormat.QRCode, url)]
        assert page.get_by_role("link", name=url).get_attribute("href") == url
        check_footer_and_metadata(page, GOVERNMENT["MULU_SITE_URL"], "机构名录", "2026-12-07")
    finally:
        context.close()
    pages, size, text = pdf_facts(html.with_suffix(".pdf"))
    assert pages == 1 and size == A4_POINTS
    assert row["name"] in text and url in text.replace("\n", "")


def test_a_pdf_chromium_cannot_print_leaves_no_receipt_and_says_why(tmp_path, government_conf):
    files = Files(tmp_path, orgs=12, seed=3)
    org = files.first("已备案")
    (tmp_path / "conf").mkdir()
    conf = government_conf(tmp_path / "conf", MULU_CHROMIUM=str(tmp_path / "no-chromium"))
    before = files.snapshot()
    argv = [sys.executable, "-m", "scripts.receipt", org.credit_code, "--conf", str(conf), "--pdf",
            "--registry", str(files.registry), "--history", str(files.history)]
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "Chromium" in result.stdout and "未能打印 PDF" in result.stdout and f"invoke receipt {org.credit_code}" in result.stdout
    assert not list((tmp_path / "receipts").iterdir())  # neither the HTML nor a half-written file
    assert files.snapshot() == before
