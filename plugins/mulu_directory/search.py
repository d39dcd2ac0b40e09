"""The search page and the search files."""

from __future__ import annotations

from mulu.model import PUBLIC_STATUSES
from mulu.schema import ORG_TYPES
from mulu.search.shards import search_files

from .site import Site


def write_search(site: Site) -> None:
    site.files("search", search_files, site.registry, site.settings)
    reference = site.registry.reference
    site.render("search.html", "search/index.html", districts=list(reference.districts), types=ORG_TYPES,
                levels=list(reference.levels.values()), statuses=PUBLIC_STATUSES)
