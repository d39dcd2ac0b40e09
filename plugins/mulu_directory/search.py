"""The search page and the search files."""

from __future__ import annotations

from mulu.model import PUBLIC_STATUSES
from mulu.schema import ORG_TYPES
from mulu.search.shards import search_build

from .site import Site


def write_search(site: Site) -> None:
    """The search files, made again only when an organisation's rows changed (they do not
    depend on the day), by updating the last build's index, and the page."""
    key = site.data_key("search", b"".join(site.digests))
    if not site.reuse_all(key):
        cache = site.cache
        files, indexed = search_build(site.registry, site.settings, cache.stored("search") if cache else None)
        for name, data in files.items():
            site.write(f"search/{name}", data, key)
        if cache:
            cache.store("search", indexed)
    reference = site.registry.reference
    site.render("search.html", "search/index.html", districts=list(reference.districts), types=ORG_TYPES,
                levels=list(reference.levels.values()), statuses=PUBLIC_STATUSES, data_date=site.directory.data_date)
