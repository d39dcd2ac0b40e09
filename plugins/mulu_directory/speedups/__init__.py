"""Everything that exists only to make a build faster, behind one seam: :class:`Build`.

The stages render plainly through :class:`~mulu_directory.site.Site` (``render``, ``file``,
``files``, ``parts``, ``write``); how they are made is decided here:

- **the build cache** (:mod:`.output`, :mod:`.store`, :mod:`.keys`): every page and file is keyed
  by the values it is made from, and made again only when its key changed; parts of files made
  from many organisations are kept by groups; what the last build wrote and this one did not is
  deleted. Makers with an incremental form (the search index, :mod:`.search`) update what the last
  build made instead of making it again; the templates are compiled once and kept;
- **loading from a snapshot** (:mod:`.loading`, :mod:`.incremental`): a rebuild validates again
  only the organisations whose rows changed since the last full load;
- **two processes** (:mod:`.parallel`): a forked child loads, then a forked worker and the main
  process share the stages and the organisation pages;
- pausing the garbage collector for the whole build (:mod:`.collector`).

Off switch: ``MULU_BUILD_CACHE = False``, Pelican's ``--ignore-cache`` or ``invoke build
--no-cache`` build from scratch, without reading or writing the cache; ``MULU_BUILD_PROCESSES = 1``
builds in one process. Both ways give the very same files (tests/test_site_build.py).
"""

from __future__ import annotations

import datetime as dt
import sys
from importlib import metadata
from pathlib import Path

import brotli
import deflate
import jinja2
import markupsafe
import pelican
from zlib_ng import zlib_ng

import mulu
from mulu.model import Event, Organisation, Registry
from mulu.settings import resolve
from mulu.validate import load_report

from mulu.search.shards import search_files

from . import collector, keys, parallel
from .loading import Loading, input_paths
from .output import UPDATERS, CachedOutput, Output
from .search import updated_search_files
from .store import Store

PLUGIN = Path(__file__).resolve().parent.parent
# Makers whose last output a rebuild brings up to date rather than making it again.
UPDATERS[search_files] = updated_search_files
# Settings that do not change what a file says: where things are (of the input files, the
# contents are keyed instead), the day (keyed through the statuses it gives), how many processes
# build, whether to use the cache, whether to write compressed copies beside the files (made when
# a file is written, not keyed) and where Chromium is (for receipts, not pages).
UNKEYED_SETTINGS = {"MULU_TODAY", "MULU_REGISTRY", "MULU_HISTORY", "MULU_REFERENCE_DIR", "OUTPUT_PATH", "CACHE_PATH",
                    "PATH", "ROOT", "MULU_BUILD_PROCESSES", "MULU_BUILD_CACHE", "LOAD_CONTENT_CACHE",
                    "MULU_PRECOMPRESS", "MULU_CHROMIUM"}


def cache_wanted(settings: dict) -> bool:
    """The cache is on unless a setting or Pelican's ``--ignore-cache`` turns it off."""
    return bool(settings["MULU_BUILD_CACHE"] and settings.get("LOAD_CONTENT_CACHE", True))


def base_key(settings: dict) -> bytes:
    """What every page and file depends on: the code, the libraries that render and pack (the
    compressed copies of a file left as it was too), the settings, the reference data and the theme.
    The workbook writer by its installed version: importing it took 15 ms of every build's start,
    and few builds make a workbook."""
    code = keys.digest(sys.version, pelican.__version__, jinja2.__version__, markupsafe.__version__,
                       metadata.version("XlsxWriter"), zlib_ng.ZLIBNG_VERSION, deflate.__version__, brotli.__version__,
                       keys.files_digest(Path(mulu.__file__).parent, PLUGIN))
    shown = keys.setting_text({k: v for k, v in settings.items() if k.isupper() and k not in UNKEYED_SETTINGS})
    themes = [Path(settings["THEME"]), *map(Path, settings.get("THEME_TEMPLATES_OVERRIDES", ()))]
    return keys.digest(code, shown, keys.files_digest(resolve(settings, "MULU_REFERENCE_DIR"), *themes))


class Build:
    """How one build loads the registry, writes the output and shares the work."""

    def __init__(self, settings: dict, output: Path):
        collector.pause()
        self.settings = settings
        self.processes = settings["MULU_BUILD_PROCESSES"]
        self.store = Store.beside(output, base_key(settings)) if cache_wanted(settings) else None
        self.output = CachedOutput(output, self.store, self.store.salt, self.processes > 1) if self.store else Output(output)
        self.loading: Loading | None = None
        keys.forget()

    def compile_templates(self, env: jinja2.Environment) -> None:
        """Templates compiled once and kept in the cache, not by every process of every build."""
        env.bytecode_cache = self.store.templates() if self.store else None

    def load(self, today: dt.date) -> Registry:
        """The validated registry (raises InvalidInput)."""
        if self.store:
            self.loading = Loading(self.settings, today, self.store, self.processes > 1)
            return self.loading.result()
        return load_report(self.settings, today, *input_paths(self.settings)).registry

    def run(self, site, jobs: list) -> None:
        parallel.run_jobs(site, jobs, self.processes)

    def finish(self) -> int:
        """Files of earlier builds deleted."""
        if self.loading:
            self.loading.finish()
        deleted = self.output.finish()
        collector.resume()
        return deleted


def chunks(items: list) -> list[list]:
    return parallel.chunks(items)


def register_model(registry: Registry, entry_type: type, holder_type: type) -> None:
    """Key the directory's objects by the digests of their organisations' rows (``Registry.digests``,
    which cover every field but the line numbers): an organisation's entry also by its status for
    the day (once each: every list it is on meets it again); a holder of a grant by its entry and
    the grant's occupation."""
    digests = registry.digests
    keys.register(Organisation, lambda org: digests[org.credit_code])
    keys.register(entry_type, lambda entry: digests[entry.org.credit_code] + entry.status.encode(), many=True)
    keys.register(holder_type, lambda holder: digests[holder.entry.org.credit_code] + holder.entry.status.encode()
                  + holder.grant.code.encode())
    places: dict[int, bytes] = {}
    organisations = registry.organisations

    def event_key(event: Event) -> bytes:
        """An event by its organisation's digest and its place among that one's events (all of
        which are placed at once: the home page keys a few events, a download all of them)."""
        place = places.get(id(event))
        if place is None:
            digest = digests[event.credit_code]
            for number, each in enumerate(organisations[event.credit_code].events):
                places[id(each)] = digest + b"%d" % number
            place = places[id(event)]
        return place

    keys.register(Event, event_key)
    whole: list[bytes] = []

    def registry_key(_: Registry) -> bytes:
        """The whole registry: every organisation's digest in order, and whose event comes next."""
        if not whole:
            whole.append(keys.digest(b"".join(digests[code] for code in registry.organisations),
                                     "\x1f".join(event.credit_code for event in registry.events)))
        return whole[0]

    keys.register(Registry, registry_key)
