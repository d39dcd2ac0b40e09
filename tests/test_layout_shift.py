"""Cumulative layout shift, measured in Chromium as Lighthouse does (a PerformanceObserver of
``layout-shift`` entries without recent input), on the pages whose answers arrive after the
page is drawn: the search page with a query and the verification page with a certificate or
a question in its address. The answers must not push what is on screen."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from urllib.parse import urlencode

import pytest

from conftest import QuietHandler
from tests.registry_files import read_rows

pytestmark = pytest.mark.browser

BUDGET = 0.05  # Lighthouse's "good" is 0.1; the issue asks for less than half of it
VIEWPORTS = ({"width": 412, "height": 823}, {"width": 1280, "height": 800})  # Lighthouse's phone; a desktop
OBSERVE = """window.layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.layoutShift += entry.value;
}).observe({ type: "layout-shift", buffered: true });"""
SETTLED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(window.layoutShift))))"


NETWORK_DELAY = 0.3  # seconds before each data file: the page is drawn before its answers arrive


class SlowDataHandler(QuietHandler):
    def do_GET(self):
        if self.path.endswith((".json", ".txt")):
            time.sleep(NETWORK_DELAY)
        super().do_GET()


@pytest.fixture(scope="module")
def site(fixture_site):
    """The fixture site served as over a network: its data files come a moment late."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SlowDataHandler, directory=str(fixture_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def filed(fixture_files):
    """A filed organisation of the fixture registry, with its first occupation and level."""
    row = next(r for r in read_rows(fixture_files / "registry.csv") if r["status"] == "已备案")
    code, levels = row["occupations"].split(";")[0].split(" ")[0], row["occupations"].split(";")[0].rsplit(":", 1)[1]
    return row, code, levels[-1]


def answered_shift(browser, url: str, viewport: dict, answered: str) -> float:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.add_init_script(OBSERVE)
    page.goto(url)
    page.wait_for_function(answered)
    shift = page.evaluate(SETTLED)
    context.close()
    return shift


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: str(v["width"]))
def test_search_results_do_not_move_the_page(browser, site, fixture_files, viewport):
    query = read_rows(fixture_files / "registry.csv")[3]["name"][:2]  # the city's name: a page of results
    answered = f"() => document.querySelector('#search-results').dataset.query === {query!r}"
    assert answered_shift(browser, f"{site}/search/?{urlencode({'q': query})}", viewport, answered) < BUDGET


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: str(v["width"]))
@pytest.mark.parametrize("asked", ("certificate", "question", "both"))
def test_verification_answers_do_not_move_the_page(browser, site, filed, viewport, asked):
    row, occupation, level = filed
    certificate = f"{row['filing_no']}{row['valid_from'][2:4]}{level}000001"
    question = {"org": row["filing_no"], "occupation": occupation, "level": level, "date": row["valid_from"]}
    params = {"certificate": {"cert": certificate}, "question": question,
              "both": {**question, "cert": certificate, "date": ""}}[asked]
    answered = "() => document.querySelector('#verify').dataset.ready === 'true'"
    assert answered_shift(browser, f"{site}/verify/?{urlencode(params)}", viewport, answered) < BUDGET
