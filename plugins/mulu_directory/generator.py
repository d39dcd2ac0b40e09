"""The generator Pelican runs: load and validate everything first, then render every stage."""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.generators import Generator

from mulu.validate import load_registry

from . import assets, downloads, feeds, lists, pages, parallel, search, sitemap, templating, verify
from .site import Site

logger = logging.getLogger(__name__)

# Each stage writes one part of the site from the loaded model (``site.directory``). With two
# processes the main one runs MAIN_STAGES and a worker WORKER_STAGES (whole-registry files, about
# as much work), then both share the organisation pages. The sitemap lists what every other stage
# wrote, so it runs last, in the main process.
MAIN_STAGES = (
    assets.write_theme_assets, assets.write_content_pages, pages.write_pages, lists.write_lists, feeds.write_feeds,
)
WORKER_STAGES = (downloads.write_downloads, search.write_search, verify.write_verify)


class DirectoryGenerator(Generator):
    def generate_context(self):
        settings = {**self.settings, "ROOT": Path(self.settings["PATH"]).parent}
        today = settings["MULU_TODAY"]  # resolved when the plugin was initialised
        if settings["MULU_BUILD_PROCESSES"] > 1:
            registry = parallel.in_child(load_registry, settings, today)
        else:
            registry = load_registry(settings, today)
        self.site = Site(registry, today, {**self.context, **settings}, self.env, Path(self.output_path))
        templating.configure(self.env, registry, today, self.site.settings)
        verify.configure(self.env, registry)
        self.site.directory  # the model every stage renders from, built once before any output
        logger.info("目录：%d 个机构，%d 条记录，状态按 %s 计算", len(registry.organisations), len(registry.events), today)

    def generate_output(self, writer):
        site = self.site
        entries = site.directory.entries
        if self.settings["MULU_BUILD_PROCESSES"] > 1:
            parallel.build_in_two(site, MAIN_STAGES, WORKER_STAGES, pages.write_orgs, entries)
        else:
            for stage in MAIN_STAGES + WORKER_STAGES:
                stage(site)
            pages.write_orgs(site, entries)
        sitemap.write_sitemap(site)
        logger.info("目录：写出 %d 个文件（%d 个未变）", len(self.site.written), self.site.unchanged)
