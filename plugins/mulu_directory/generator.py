"""The generator Pelican runs: load and validate everything first, then render every stage."""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.generators import Generator

from mulu.validate import load_registry

from . import assets, downloads, feeds, lists, pages, search, sitemap, templating, verify
from .site import Site

logger = logging.getLogger(__name__)

# Each stage writes one part of the site from the loaded model (``site.directory``). The sitemap
# lists what the stages before it wrote, so it stays last.
STAGES = (
    assets.write_theme_assets,
    assets.write_content_pages,
    pages.write_pages,
    lists.write_lists,
    downloads.write_downloads,
    feeds.write_feeds,
    search.write_search,
    verify.write_verify,
    sitemap.write_sitemap,
)


class DirectoryGenerator(Generator):
    def generate_context(self):
        settings = {**self.settings, "ROOT": Path(self.settings["PATH"]).parent}
        today = settings["MULU_TODAY"]  # resolved when the plugin was initialised
        registry = load_registry(settings, today)
        self.site = Site(registry, today, {**self.context, **settings}, self.env, Path(self.output_path))
        templating.configure(self.env, registry, today, self.site.settings)
        verify.configure(self.env, registry)
        self.site.directory  # the model every stage renders from, built once before any output
        logger.info("目录：%d 个机构，%d 条记录，状态按 %s 计算", len(registry.organisations), len(registry.events), today)

    def generate_output(self, writer):
        for stage in STAGES:
            stage(self.site)
        logger.info("目录：写出 %d 个文件（%d 个未变）", len(self.site.written), self.site.unchanged)
