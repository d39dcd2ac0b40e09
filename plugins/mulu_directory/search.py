"""The search page and the search files."""

from __future__ import annotations

from mulu.model import PUBLIC_STATUSES
from mulu.schema import ORG_TYPES
from mulu.search.shards import search_files

from .site import Site


def write_search(site: Site) -> None:
    """The search files, made again only when an organisation's rows changed (they do not
    depend on the day), and the page."""
    key = site.data_key("search", b"".join(site.registry.digests.values()))  # in registry order
    if not site.reuse_all(key):
        for name, data in search_files(site.registry, site.settings).items():
            site.write(f"search/{name}", data, key)
    reference = site.registry.reference
    site.render("search.html", "search/index.html", districts=list(reference.districts), types=ORG_TYPES,
                levels=list(reference.levels.values()), statuses=PUBLIC_STATUSES)
