"""Shared fixtures. Each is built once per test session (once per xdist worker):

- ``built_site``: the shipped sample (``registry.csv``/``history.csv``) built with ``invoke build
  --today 2026-11-27`` into a temporary folder; a ``pathlib.Path`` to the output.
- ``build_site(output, registry=None, history=None, today=SAMPLE_DAY, task="build")``: builds any
  registry the same way (``task="publish"`` for publishconf.py); returns the ``CompletedProcess``.
- ``fixture_files``: a folder with a 12-organisation ``registry.csv``/``history.csv`` (from the
  sample generator) whose first two names are ``HOSTILE_NAME`` (markup) and ``FORMULA_NAME`` (a
  spreadsheet formula); ``fixture_site``: that registry built like ``built_site``.
- ``supervised_base``: a folder with an 80-organisation registry and its supervision files (pool,
  draws, inspections) as ``invoke sample`` writes them; ``supervised``: a fresh copy of it per test.
- ``static_server(folder)``: serves a folder over HTTP on 127.0.0.1 (in a thread) for the rest of
  the session and returns its base URL without a trailing slash, e.g. ``http://127.0.0.1:40123``.
- ``site_url``: ``built_site`` served by ``static_server``.
- ``browser``: one headless Debian Chromium (``/usr/bin/chromium``) driven by Playwright; open
  pages with ``browser.new_context(...)`` so each test gets its own viewport, JS setting, etc.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mulu.reference import Reference
from mulu.sample import generate
from mulu.settings import load_settings, resolve
from mulu.store import write_pair

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DAY = "2026-11-27"  # the day the shipped sample's statuses are arranged around
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
FORMULA_NAME = '=HYPERLINK("http://example.com","点此")'
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def run_build(output, registry=None, history=None, today=SAMPLE_DAY, task="build"):
    """Build a site with the project's invoke task, as a developer or CI would."""
    argv = [sys.executable, "-m", "invoke", task, "--output", str(output), "--today", today]
    if registry:
        argv += ["--registry", str(registry)]
    if history:
        argv += ["--history", str(history)]
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="session")
def build_site():
    return run_build


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("sample-site")
    result = run_build(output)
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="session")
def fixture_files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fixture-registry")
    settings = load_settings(ROOT / "pelicanconf.py")
    rows, events = generate(Reference(resolve(settings, "MULU_REFERENCE_DIR")), settings, 12, 7)
    rows[0]["name"] = HOSTILE_NAME  # a legal name: the validator forbids only invisible characters
    rows[1]["name"] = FORMULA_NAME
    write_pair(folder / "registry.csv", rows, folder / "history.csv", events)
    return folder


@pytest.fixture(scope="session")
def fixture_site(fixture_files, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("fixture-site")
    result = run_build(output, fixture_files / "registry.csv", fixture_files / "history.csv")
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="session")
def supervised_base(tmp_path_factory) -> Path:
    from tests.supervision_support import write_supervised

    return write_supervised(tmp_path_factory.mktemp("supervised"))


@pytest.fixture
def supervised(supervised_base, tmp_path) -> Path:
    from tests.supervision_support import copy_files

    return copy_files(supervised_base, tmp_path / "supervised")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@pytest.fixture(scope="session")
def static_server():
    servers = []

    def serve(folder: Path) -> str:
        handler = functools.partial(QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(built_site, static_server) -> str:
    return static_server(built_site)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
