"""The search files of a rebuild, updated from the last build's index (:mod:`.search_update`)
rather than made again."""

from __future__ import annotations

from mulu.search.shards import search_build, search_files

from .output import UPDATERS


def updated_search_files(kept, registry, settings):
    return search_build(registry, settings, kept)


UPDATERS[search_files] = updated_search_files
