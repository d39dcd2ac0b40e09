"""The generator Pelican runs: load and validate everything first, then render every stage."""

from __future__ import annotations

import gc
import logging
from functools import partial
from pathlib import Path

from pelican.generators import Generator

from mulu.settings import resolve

from . import assets, downloads, feeds, lists, pages, parallel, search, sitemap, supervision, templating, verify
from .cache import BuildCache, Keys, folder_beside
from .loading import Loading
from .site import Site

logger = logging.getLogger(__name__)

# Each stage writes one part of the site from the loaded model (``site.directory``); then the
# organisation pages are written in chunks. With two processes, each takes the next stage or
# chunk when it is done with one: the longest stages first (the search, most of a rebuild
# after a small change), so that the chunks even out the end. The sitemap lists what every
# other stage wrote, so it runs last, in the main process.
STAGES = (
    search.write_search, downloads.write_downloads, verify.write_verify, pages.write_pages, lists.write_lists,
    feeds.write_feeds, assets.write_theme_assets, assets.write_content_pages, supervision.write_supervision,
)


class DirectoryGenerator(Generator):
    def generate_context(self):
        # What an earlier build in this process (Pelican's autoreload) froze can be collected now.
        # This build's model stays frozen to the end: the collection at exit then skips it.
        gc.unfreeze()
        settings = {**self.settings, "ROOT": Path(self.settings["PATH"]).parent}
        today = settings["MULU_TODAY"]  # resolved when the plugin was initialised
        keys = build_keys(settings, today)
        self.loading = Loading(settings, today, folder_beside(Path(self.output_path)), keys.data,
                               settings["MULU_BUILD_PROCESSES"] > 1)
        cache = BuildCache(Path(self.output_path), keys)  # read while a child loads, if one does
        registry = self.loading.result()
        # The model lasts the whole build: keep the collector from walking it again and again.
        gc.freeze()
        self.site = Site(registry, today, {**self.context, **settings}, self.env, Path(self.output_path), cache)
        templating.configure(self.env, registry, today, self.site.settings)
        verify.configure(self.env, registry)
        self.site.directory  # the model every stage renders from, built once before any output
        supervision.load(self.site)  # checked before any output too, and shared by both processes
        gc.freeze()
        logger.info("目录：%d 个机构，%d 条记录，状态按 %s 计算", len(registry.organisations), len(registry.events), today)

    def generate_output(self, writer):
        site = self.site
        jobs = [*STAGES, *(partial(pages.write_orgs, entries=chunk) for chunk in parallel.chunks(site.directory.entries))]
        if self.settings["MULU_BUILD_PROCESSES"] > 1:
            parallel.build_in_two(site, jobs)
        else:
            for job in jobs:
                job(site)
        sitemap.write_sitemap(site)
        self.loading.finish()
        deleted = site.cache.finish(site.files())
        logger.info("目录：写出 %d 个文件（%d 个未变），删除上次构建留下的 %d 个文件",
                    len(site.written), site.unchanged, deleted)


def build_keys(settings: dict, today) -> Keys:
    templates = [*map(Path, settings["THEME_TEMPLATES_OVERRIDES"]), Path(settings["THEME"]) / "templates"]
    return Keys(settings, resolve(settings, "MULU_REFERENCE_DIR"), templates, today)
