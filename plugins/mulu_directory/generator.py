"""The generator Pelican runs: load and validate everything first, then render every stage."""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from pelican.generators import Generator

from . import assets, downloads, feeds, lists, pages, search, site_service, sitemap, supervision, templating, verify
from .directory import Entry, Holder
from .site import Site
from .speedups import Build, chunks, register_model
from .speedups.keys import Settings

logger = logging.getLogger(__name__)

# Each stage writes one part of the site from the loaded model (``site.directory``); then the
# organisation pages are written in chunks. On two cores the longest stages go first, so that the
# chunks even out the end. The sitemap lists what every other stage wrote, so it runs last.
STAGES = (
    search.write_search, downloads.write_downloads, verify.write_verify, pages.write_pages, lists.write_lists,
    feeds.write_feeds, assets.write_theme_assets, assets.write_content_pages, site_service.write_site_service,
    supervision.write_supervision,
)


class DirectoryGenerator(Generator):
    def generate_context(self):
        settings = Settings(self.settings, ROOT=Path(self.settings["PATH"]).parent)
        today = settings["MULU_TODAY"]  # resolved when the plugin was initialised
        self.build = Build(settings, Path(self.output_path))
        registry = self.build.load(today)
        register_model(registry, Entry, Holder)
        self.site = Site(registry, today, settings, self.env, self.build.output,
                         self.context.get("pages", ()), self.context.get("hidden_pages", ()))
        templating.configure(self.env, registry, settings)
        self.build.compile_templates(self.env)
        verify.configure(self.env, registry)
        self.site.directory  # the model every stage renders from, made once before any output
        supervision.load(self.site)  # checked before any output too, and shared by both processes
        logger.info("目录：%d 个机构，%d 条记录，状态按 %s 计算", len(registry.organisations), len(registry.events), today)

    def generate_output(self, writer):
        site = self.site
        jobs = [*STAGES, *(partial(pages.write_orgs, entries=chunk) for chunk in chunks(site.directory.entries))]
        self.build.run(site, jobs)
        sitemap.write_sitemap(site)
        deleted = self.build.finish()
        logger.info("目录：写出 %d 个文件（%d 个未变），删除上次构建留下的 %d 个文件",
                    len(site.written), site.output.unchanged, deleted)
