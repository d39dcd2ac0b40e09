"""Shared fixtures. Each is built once per test session (once per xdist worker):

- ``sample_files``: a folder with the 300-organisation sample (registry, history and supervision
  files) ``invoke sample --orgs 300 --seed 1`` writes (what the repository ships), made by the tests (``sample_rows()`` and
  ``sample_history()`` read it): no test reads the shipped ``registry.csv``/``history.csv``, so a
  bureau that puts its real data there keeps a green suite (tests/test_own_data.py).
- ``built_site``: ``sample_files`` built with ``invoke build --today 2026-11-27`` into a temporary
  folder; a ``pathlib.Path`` to the output.
- ``build_site(output, registry=None, history=None, today=SAMPLE_DAY, task="build", conf=None, options=(),
  siteurl=None)``: builds any registry the same way (``task="publish"`` for publishconf.py, with
  ``siteurl`` as ``MULU_SITEURL``; ``conf`` for another settings file, ``options`` for the task's
  other options); returns the ``CompletedProcess``.
- ``fixture_files``: a folder with a 12-organisation ``registry.csv``/``history.csv`` (from the
  sample generator) whose first two names are ``HOSTILE_NAME`` (markup) and ``FORMULA_NAME`` (a
  spreadsheet formula); ``fixture_site``: that registry built like ``built_site``.
- ``supervised_base``: a folder with an 80-organisation registry and its supervision files (pool,
  draws, inspections) as ``invoke sample`` writes them; ``supervised``: a fresh copy of it per test.
- ``static_server(folder)``: serves a folder over HTTP on 127.0.0.1 (in a thread) for the rest of
  the session and returns its base URL without a trailing slash, e.g. ``http://127.0.0.1:40123``.
- ``site_url``: ``built_site`` served by ``static_server``.
- ``government_conf(folder, **settings)``: writes a settings file into ``folder``: the project's
  pelicanconf.py with real data (``MULU_SAMPLE_DATA = False``) and every government-site setting
  of ``GOVERNMENT`` filled in (images of the test's own), then ``settings`` (None drops one).
- ``government_site``: ``fixture_files`` published with ``invoke publish --conf`` such a file;
  ``government_url``: it served by ``static_server``.
- ``browser``: one headless Debian Chromium (``/usr/bin/chromium``) driven by Playwright; open
  pages with ``browser.new_context(...)`` so each test gets its own viewport, JS setting, etc.
"""

from __future__ import annotations

import atexit
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from mulu.sample import generate
from mulu.store import write_pair
from registry_files import REFERENCE, SETTINGS, read_rows
from scripts.sample import write_sample

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DAY = "2026-11-27"  # the day the sample's statuses are arranged around
SAMPLE_ORGS, SAMPLE_SEED = 300, 1
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
FORMULA_NAME = '=HYPERLINK("http://example.com","点此")'
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def run_build(output, registry=None, history=None, today=SAMPLE_DAY, task="build", conf=None, options=(), siteurl=None):
    """Build a site with the project's invoke task, as a developer or CI would; ``siteurl``
    is the address ``invoke publish`` publishes for (``MULU_SITEURL``)."""
    argv = [sys.executable, "-m", "invoke", task, "--output", str(output), "--today", today, *options]
    if conf:
        argv += ["--conf", str(conf)]
    if registry:
        argv += ["--registry", str(registry)]
    if history:
        argv += ["--history", str(history)]
    env = {**os.environ, "MULU_SITEURL": siteurl} if siteurl is not None else None
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env)


@pytest.fixture(scope="session")
def build_site():
    return run_build


@functools.cache
def sample_folder() -> Path:
    """The sample, generated once per test process (modules read it when they are collected)."""
    folder = Path(tempfile.mkdtemp(prefix="mulu-sample-"))
    atexit.register(shutil.rmtree, folder, True)
    write_sample(folder, REFERENCE, SETTINGS, SAMPLE_ORGS, SAMPLE_SEED)
    return folder


def sample_rows() -> list[dict[str, str]]:
    return read_rows(sample_folder() / "registry.csv")


def sample_history() -> list[dict[str, str]]:
    return read_rows(sample_folder() / "history.csv")


@pytest.fixture(scope="session")
def sample_files() -> Path:
    return sample_folder()


@pytest.fixture(scope="session")
def built_site(sample_files, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("sample-site")
    result = run_build(output, sample_files / "registry.csv", sample_files / "history.csv")
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="session")
def fixture_files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fixture-registry")
    rows, events = generate(REFERENCE, SETTINGS, 12, 7)
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


# Every government-site setting filled in, as a bureau would before going online.
GOVERNMENT = {
    "MULU_SITE_URL": "https://rsj.example.gov.cn/mulu",
    "MULU_SITE_HOST": "示例市人力资源和社会保障局",
    "MULU_CONTACT_PHONE": "021-63891234",
    "MULU_CONTACT_ADDRESS": "示例市中山北路100号",
    "MULU_CONTACT_EMAIL": "webmaster@rsj.example.gov.cn",
    "MULU_SITE_ID_CODE": "3100000099",
    "MULU_ICP_NUMBER": "沪ICP备12345678号-1",
    "MULU_PSB_NUMBER": "沪公网安备31010402001234号",
    "MULU_GOV_MARK_URL": "https://bszs.conac.cn/sitename?method=show&id=0123456789ABCDEF0123456789ABCDEF",
    "MULU_COMPLAINT_URL": "https://rsj.example.gov.cn/complaints/",
}
# Images of the test's own, standing for the official files a bureau drops in.
TEST_IMAGE = ('<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}"><rect width="{w}" height="{h}" '
              'fill="#c00"/></svg>')


@pytest.fixture(scope="session")
def government_conf():
    def write(folder: Path, **settings) -> Path:
        (folder / "mark.svg").write_text(TEST_IMAGE.format(w=110, h=55), encoding="utf-8")
        (folder / "emblem.svg").write_text(TEST_IMAGE.format(w=20, h=20), encoding="utf-8")
        values = {**GOVERNMENT, "MULU_GOV_MARK": str(folder / "mark.svg"), "MULU_PSB_EMBLEM": str(folder / "emblem.svg"),
                  **settings}
        lines = [f"import sys; sys.path.insert(0, {str(ROOT)!r})", "from pelicanconf import *",
                 # Pelican reads these relative to the settings file: point them at the project.
                 f"PATH = {str(ROOT / 'content')!r}", f"THEME = {str(ROOT / 'theme')!r}",
                 f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]", f"MULU_REFERENCE_DIR = {str(ROOT / 'reference')!r}",
                 "MULU_SAMPLE_DATA = False"]
        lines += [f"{key} = {value!r}" for key, value in values.items() if value is not None]
        conf = folder / "conf.py"
        conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return conf

    return write


@pytest.fixture(scope="session")
def government_site(fixture_files, government_conf, tmp_path_factory) -> Path:
    conf = government_conf(tmp_path_factory.mktemp("government-conf"))
    output = tmp_path_factory.mktemp("government-site")
    result = run_build(output, fixture_files / "registry.csv", fixture_files / "history.csv", task="publish", conf=conf)
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="session")
def government_url(government_site, static_server) -> str:
    return static_server(government_site)
