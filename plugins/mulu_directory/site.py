"""What every stage renders from and writes through: the validated registry, the day, the
settings, the templates and the output (see :mod:`.speedups` for how the output is made)."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Callable

from jinja2 import Environment

from mulu.model import Registry

from .directory import Directory
from .speedups.output import Output


class Site:
    def __init__(self, registry: Registry, today: dt.date, settings: dict, env: Environment, output: Output,
                 pages: list = (), hidden_pages: list = ()):
        self.registry = registry
        self.today = today
        self.settings = settings
        self.env = env
        self.output = output
        self.pages, self.hidden_pages = list(pages), list(hidden_pages)  # Pelican's content pages

    @cached_property
    def directory(self) -> Directory:
        """Statuses for the day and the groupings the pages are cut from, computed once."""
        return Directory(self.registry, self.today, self.settings["MULU_EXPIRY_WARNING_DAYS"], self.siteurl)

    @property
    def siteurl(self) -> str:
        return self.settings.get("SITEURL", "")

    def url(self, path: str) -> str:
        """An absolute-path URL for a site path such as ``org/X/``."""
        return f"{self.siteurl}/{path}"

    @property
    def written(self) -> dict[str, int]:
        """Every file written so far: relative path -> size in bytes."""
        return self.output.written

    def render(self, template: str, relpath: str, **context) -> None:
        """A page: the template rendered with the context, ``page_path``, and ``data_date`` (the
        directory's, unless the context gives the page its own)."""
        self.output.page(relpath, self.env.get_template(template),
                         {"page_path": relpath, "data_date": self.directory.data_date, **context})

    def file(self, relpath: str, make: Callable, *inputs) -> None:
        """A file: ``make(*inputs)``, text or bytes."""
        self.output.file(relpath, make, inputs)

    def files(self, folder: str, make: Callable, *inputs) -> None:
        """Files made together: ``make(*inputs)`` gives each one's bytes by its path under ``folder``."""
        self.output.files(folder, make, inputs)

    def parts(self, name: str, make_groups: Callable[[list[list]], list], items: list, groups: int | None = None) -> list:
        """The part of each group of consecutive items of a file made from many: ``make_groups``
        takes a list of groups and gives a part for each."""
        return self.output.parts(name, make_groups, items, *([groups] if groups else []))

    def joined(self, relpath: str, name: str, make_groups: Callable[[list[list]], list], items: list,
               join: Callable, *inputs, groups: int | None = None) -> None:
        """A file made from many items: ``join(parts, *inputs)``, the parts those of :meth:`parts`."""
        self.output.joined(relpath, name, make_groups, items, join, inputs, *([groups] if groups else []))

    def write(self, relpath: str, content: str | bytes) -> None:
        """A file made on every build (written only if its bytes changed)."""
        self.output.write(relpath, content)
