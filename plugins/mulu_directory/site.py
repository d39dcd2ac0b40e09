"""What every build stage shares: the validated registry, the day, the templates and a writer
that refuses to write a path twice and leaves unchanged files untouched."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path

from jinja2 import Environment

from mulu.model import Registry

from .directory import Directory


class DuplicateOutput(RuntimeError):
    """Two stages tried to write the same file."""


class Site:
    def __init__(self, registry: Registry, today: dt.date, settings: dict, env: Environment, output: Path):
        self.registry = registry
        self.today = today
        self.settings = settings
        self.env = env
        self.output = Path(output)
        self.written: dict[str, int] = {}  # relative path -> size in bytes
        self.unchanged = 0

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

    def write(self, relpath: str, content: str | bytes) -> None:
        """Write a file of the site, once; skip the disk write when the bytes are unchanged."""
        if relpath in self.written:
            raise DuplicateOutput(f"构建时重复写入 {relpath}")
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.written[relpath] = len(data)
        target = self.output / relpath
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                self.unchanged += 1
                return
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def take_over(self, written: dict[str, int], unchanged: int) -> None:
        """Count as ours the files another process of the build wrote."""
        twice = written.keys() & self.written.keys()
        if twice:
            raise DuplicateOutput(f"构建时重复写入 {min(twice)}")
        self.written.update(written)
        self.unchanged += unchanged

    def render(self, template: str, relpath: str, **context) -> None:
        self.write(relpath, self.env.get_template(template).render(page_path=relpath, **context))

    def copy_asset(self, source: str | Path, relpath: str) -> None:
        self.write(relpath, Path(source).read_bytes())
