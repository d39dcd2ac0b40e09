"""The search page, the search files and lunr.js (from node_modules, pinned in package.json)."""

from __future__ import annotations

from pathlib import Path

from mulu.model import PUBLIC_STATUSES
from mulu.schema import ORG_TYPES
from mulu.search.shards import search_files

from .site import Site

LUNR_JS = Path("node_modules") / "lunr" / "lunr.min.js"


def write_search(site: Site) -> None:
    for name, data in search_files(site.registry, site.settings).items():
        site.write(f"search/{name}", data)
    site.copy_asset(Path(site.settings["ROOT"]) / LUNR_JS, "search/lunr.min.js")
    reference = site.registry.reference
    site.render("search.html", "search/index.html", districts=list(reference.districts), types=ORG_TYPES,
                levels=list(reference.levels.values()), statuses=PUBLIC_STATUSES)
