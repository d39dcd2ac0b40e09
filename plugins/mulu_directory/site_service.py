"""What a government site carries besides its content: the human site map (``/sitemap/``; the
machine one is :mod:`.sitemap`) and the two images of the footer (the 党政机关网站标识 and the
public-security emblem), copied from the files the settings name."""

from __future__ import annotations

from mulu.government import image_relpaths
from mulu.settings import resolve

from .lists import filter_lists
from .site import Site


def write_site_service(site: Site) -> None:
    write_marks(site)
    write_sitemap_page(site)


def write_marks(site: Site) -> None:
    for key, relpath in image_relpaths(site.settings).items():
        site.write(relpath, resolve(site.settings, key).read_bytes())


def write_sitemap_page(site: Site) -> None:
    """Every section, every list a filter leads to and every content page, as plain values."""
    filters = [(group.label, [(option.label, option.url) for option in group.options])
               for group, _ in filter_lists(site)]
    pages = sorted((page.title, f"{page.slug}/") for page in site.pages)
    site.render("sitemap.html", "sitemap/index.html", filters=filters, pages=pages,
                occupations=site.directory.occupation_count)
