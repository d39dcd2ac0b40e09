"""The Pagefind reference: Pagefind (extended, for Chinese) indexes the organisation pages the
build wrote; a first-time reader's fetches per query are recorded by running Pagefind's own
client (``pagefind.js`` and its WebAssembly) in Chromium on a bare page that searches and loads
the shown results, exactly as Pagefind's documented JavaScript API does."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from .measure import Run, run_child

SHOWN = 10  # results whose fragments a first screen loads (Pagefind's UI shows 5, then more)

HOST_HTML = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Pagefind</title>
<script type="module" src="/search.js"></script></head><body></body></html>
"""
# Search for ?q=, load the data of the first SHOWN results, then mark the page answered.
HOST_JS = """const q = new URLSearchParams(location.search).get("q");
const pagefind = await import("/pagefind/pagefind.js");
const search = await pagefind.search(q);
const shown = await Promise.all(search.results.slice(0, %d).map((r) => r.data()));
document.body.dataset.results = String(search.results.length);
document.body.dataset.shown = String(shown.length);
""" % SHOWN
DONE_JS = "() => document.body && document.body.dataset.results !== undefined"


def executable() -> str | None:
    """The Pagefind binary of the ``pagefind[extended]`` package, when installed."""
    spec = importlib.util.find_spec("pagefind_bin_extended")
    if spec is None or not spec.submodule_search_locations:
        return None
    binary = Path(next(iter(spec.submodule_search_locations))) / "pagefind_extended"
    return str(binary) if binary.is_file() else None


def index(binary: str, site: Path, folder: Path) -> Run:
    """Index ``site``'s organisation pages into ``folder``/pagefind, next to a bare search page."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(HOST_HTML, encoding="utf-8")
    (folder / "search.js").write_text(HOST_JS, encoding="utf-8")
    return run_child([binary, "--site", str(site), "--glob", "org/**/*.html", "--output-path", str(folder / "pagefind")])


def fetch_query(browser_site, query: str):
    return browser_site.fetch("/?q=" + query, DONE_JS, None)
