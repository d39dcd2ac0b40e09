"""``sitemap.xml`` and ``robots.txt``. Runs after every other stage: it lists the pages they
wrote."""

from __future__ import annotations

from xml.sax.saxutils import escape

from .site import Site

INDEX = "index.html"


def page_urls(site: Site) -> list[str]:
    """Every HTML page's path as a URL path: ``org/X/index.html`` -> ``org/X/``."""
    return sorted(path[: -len(INDEX)] for path in site.written if path == INDEX or path.endswith("/" + INDEX))


def write_sitemap(site: Site) -> None:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    escaped = escape("\n".join(map(site.url, page_urls(site))))  # at once: no URL holds a line break
    lines += [f"<url><loc>{url}</loc></url>" for url in escaped.split("\n") if url]
    lines.append("</urlset>")
    site.write("sitemap.xml", "\n".join(lines) + "\n")
    robots = ["User-agent: *", "Allow: /"]
    if site.siteurl:  # the Sitemap line must be an absolute URL
        robots.append(f"Sitemap: {site.url('sitemap.xml')}")
    site.write("robots.txt", "\n".join(robots) + "\n")
