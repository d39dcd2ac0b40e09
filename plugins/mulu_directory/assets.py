"""The theme's static files and the content pages (``content/pages``), written through
:class:`~.site.Site` like every other file, so that a rebuild leaves them untouched when they
did not change: Pelican's own static copier and page writer rewrite them on every build."""

from __future__ import annotations

from pathlib import Path

import rjsmin

from .site import Site


def write_theme_assets(site: Site) -> None:
    """The theme's files; scripts without their comments and spaces, so that a reader's first
    search downloads a third less of them (they keep their names: still readable)."""
    static = Path(site.settings["THEME"]) / "static"
    for path in sorted(p for p in static.rglob("*") if p.is_file()):
        relpath = f"theme/{path.relative_to(static).as_posix()}"
        if path.suffix == ".js":
            site.write(relpath, rjsmin.jsmin(path.read_text("utf-8")))
        else:
            site.write(relpath, path.read_bytes())


def write_content_pages(site: Site) -> None:
    """Pelican reads and converts the pages; they are rendered here with the theme's template.
    Hidden pages are text other pages include (the objection text on /notice/), not pages."""
    for page in site.pages:
        site.render("page.html", f"{page.slug}/index.html", page=page)
