"""The theme's static files and the content pages (``content/pages``), written through
:class:`~.site.Site` like every other file, so that a rebuild leaves them untouched when they
did not change: Pelican's own static copier and page writer rewrite them on every build.

Theme files are published under names that carry a digest of their published bytes
(``theme/js/search.0123456789.js``), so that servers can let browsers keep them for a year: a
changed file is a new name, and a page never mixes an old script with a new one. Templates
name them through the ``asset`` filter (:func:`~.templating.asset_url`), from the map
:func:`asset_names` makes from the files' contents, so a page changes only when a file it
refers to does. A small step of the build rather than a library: the build already writes
these files itself (to skip unchanged ones and to minify the scripts), and naming them by
content is a digest more.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import rjsmin

from .site import Site

DIGEST_LENGTH = 10  # hex digits in a published name: collisions within one theme are out of reach
PUBLISHED_FOLDER = "theme"


@dataclass(frozen=True)
class Asset:
    relpath: str  # its path in the site, digest included
    data: bytes  # as published


def theme_assets(theme: str | Path) -> dict[str, Asset]:
    """Each file of the theme's ``static`` folder by its name there (``js/search.js``), as
    published: scripts without their comments and spaces, so that a reader's first search
    downloads a third less of them."""
    static = Path(theme) / "static"
    found = {}
    for path in sorted(p for p in static.rglob("*") if p.is_file()):
        name = path.relative_to(static).as_posix()
        data = rjsmin.jsmin(path.read_text("utf-8")).encode("utf-8") if path.suffix == ".js" else path.read_bytes()
        found[name] = Asset(f"{PUBLISHED_FOLDER}/{hashed_name(name, data)}", data)
    return found


def hashed_name(name: str, data: bytes) -> str:
    """``js/search.js`` as ``js/search.<digest>.js``."""
    digest = hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH]
    folder, _, file = name.rpartition("/")
    stem, dot, suffix = file.rpartition(".")
    published = f"{stem}.{digest}.{suffix}" if dot else f"{file}.{digest}"
    return f"{folder}/{published}" if folder else published


def asset_names(theme: str | Path) -> dict[str, str]:
    """Each theme file's name to its path in the site."""
    return {name: asset.relpath for name, asset in theme_assets(theme).items()}


def write_theme_assets(site: Site) -> None:
    for asset in theme_assets(site.settings["THEME"]).values():
        site.write(asset.relpath, asset.data)


def write_content_pages(site: Site) -> None:
    """Pelican reads and converts the pages; they are rendered here with the theme's template.
    Hidden pages are text other pages include (the objection text on /notice/), not pages."""
    for page in site.pages:
        site.render("page.html", f"{page.slug}/index.html", page=page)
