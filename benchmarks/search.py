"""mulu's own search, measured from the built site: its files, what the search page fetches for
each query of a first-time reader, and how fast a query is answered."""

from __future__ import annotations

import importlib
import statistics
import time
from pathlib import Path

from .measure import gzip_size

SEARCH_PAGE = "search/index.html"
# True once the search page's result list answers the query (search.js marks it with the query).
DONE_JS = "(q) => { const list = document.getElementById('search-results'); return !!list && list.dataset.query === q; }"


def available(output: Path) -> bool:
    return (output / SEARCH_PAGE).is_file()


def index_build_seconds(registry, settings: dict, repeat: int) -> float | None:
    """Median time to make the search files from the loaded registry (null before search exists)."""
    try:
        make = importlib.import_module("mulu.search.index").search_files
    except (ImportError, AttributeError):
        return None
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        make(registry, settings)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def file_sizes(output: Path, also: set[str]) -> dict[str, dict[str, int]]:
    """Raw and gzip size of every search data file and of every file a query made the page fetch."""
    paths = {str(p.relative_to(output)) for p in (output / "search").rglob("*") if p.is_file() and p.suffix != ".html"}
    paths |= {p.lstrip("/") for p in also}
    sizes = {}
    for path in sorted(paths):
        data = (output / path).read_bytes()
        sizes[path] = {"raw": len(data), "gzip": gzip_size(data)}
    return sizes


def fetch_query(browser_site, query: str):
    return browser_site.fetch("/search/?q=" + query, DONE_JS, query)
