"""What a first-time reader's browser fetches for a query: a folder served to headless Chromium,
one fresh browser context (empty cache) per query, every request the page makes recorded."""

from __future__ import annotations

import mimetypes
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .measure import gzip_size

ORIGIN = "http://bench.test"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# The search's own cost: scripts, data and WebAssembly. The HTML page and its stylesheet are
# the same for every page of the site and are left out, for mulu and Pagefind alike.
NOT_COUNTED = {"document", "stylesheet", "image", "font"}
MIME = {".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json", ".wasm": "application/wasm"}


@dataclass
class Fetched:
    files: list[str]  # site paths, in request order
    gzip_bytes: int
    ms: float | None  # from navigation until the page said it answered; None if it did not in time


class FolderSite:
    """Serves a folder at ``ORIGIN`` to Chromium through Playwright's request routing."""

    def __init__(self, root: Path, playwright):
        self.root = Path(root)
        self.browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self._sizes: dict[str, int] = {}

    def close(self) -> None:
        self.browser.close()

    def file_for(self, url: str) -> Path:
        path = unquote(urlsplit(url).path)
        target = self.root / path.lstrip("/")
        return target / "index.html" if path.endswith("/") else target

    def serve(self, route) -> None:
        target = self.file_for(route.request.url)
        if not target.is_file():
            route.fulfill(status=404, body="")
            return
        content_type = MIME.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=target.read_bytes(), headers={"Content-Type": content_type})

    def gzip_size_of(self, path: str) -> int:
        if path not in self._sizes:
            self._sizes[path] = gzip_size(self.file_for(ORIGIN + path).read_bytes())
        return self._sizes[path]

    def fetch(self, path: str, done_js: str, arg, timeout_ms: int = 120_000) -> Fetched:
        """Open ``path`` in an empty browser, wait until ``done_js(arg)`` is true, and list the
        files it requested (each counted once, as the browser's cache would)."""
        context = self.browser.new_context()
        requested: list[str] = []
        context.route(f"{ORIGIN}/**", self.serve)
        context.on("request", lambda r: r.resource_type in NOT_COUNTED or requested.append(urlsplit(r.url).path))
        page = context.new_page()
        started = time.perf_counter()
        page.goto(ORIGIN + quote(path, safe="/?=&"))
        try:
            page.wait_for_function(done_js, arg=arg, timeout=timeout_ms)
            ms = (time.perf_counter() - started) * 1000
        except PlaywrightTimeout:  # still count what it fetched: a slow answer is a figure too
            ms = None
        context.close()
        files = list(dict.fromkeys(requested))
        return Fetched(files, sum(self.gzip_size_of(f) for f in files), ms)
