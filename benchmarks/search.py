"""mulu's own search, measured from the built site: its files, what the search page fetches for
each query of a first-time reader, and how fast a query is answered."""

from __future__ import annotations

import importlib
import json
import statistics
import subprocess
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
        make = importlib.import_module("mulu.search.shards").search_files
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


def listed_bytes(output: Path, query: str) -> int:
    """Gzip bytes of the files ``mulu.search.answer.fetched_for`` lists for a query: what the
    page fetches, computed without a browser (the browser tests check the two agree)."""
    from mulu.search.answer import fetched_for

    from mulu.sample import ANCHOR

    return sum(size for _, size in fetched_for(output, query, ANCHOR))


def fetch_query(browser_site, query: str):
    return browser_site.fetch("/search/?q=" + query, DONE_JS, query)


def node_latency(output: Path, queries: list[str]) -> dict:
    """Cold and warm query times and the ranked refs, from ``latency.js`` run by node."""
    script = Path(__file__).with_name("latency.js")
    done = subprocess.run(["node", str(script), str(output)], input=json.dumps(queries), capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def single_index_refs(registry, settings: dict, output: Path, queries: list[str]) -> list[list[int]]:
    """Each query's answer (``mulu.search.answer``: its words understood, its text ranked, its
    conditions applied) from one index of every organisation made in memory and scored in
    Python (``mulu.search.query``, which the search tests check against lunr.py): the design
    the split search files must keep answering like. The text's terms are the ones the page
    searches for the built site (a prefix too broad for its shards as a whole word). lunr.py
    itself is not used here: at 25,000 organisations it is slow, and it fails on some prefix
    queries (a KeyError in ``Index.query``). Statuses are those of the sample's day."""
    from mulu.sample import ANCHOR
    from mulu.search.answer import WholeIndex, answer
    from mulu.search.shards import read_manifest

    whole = WholeIndex(registry, settings, read_manifest(output)["index"])
    return [answer(whole, q, ANCHOR).refs for q in queries]
