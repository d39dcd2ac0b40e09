"""A link check of a built site: every ``href`` and ``src`` of every HTML file that points into
the site must name a file the site has, and none may point past the site's prefix (a page
published at ``https://host/pjzz/`` linking to ``/orgs/`` sends readers off the site)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

PLACEHOLDER_ORIGIN = "http://site.invalid"  # for a site built with an empty SITEURL
NOT_FILES = ("data:", "mailto:", "tel:")


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("href", "src") and value]


def links(page: Path) -> list[str]:
    parser = LinkParser()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.urls


def site_path(url: str, base: str) -> str | None:
    """The file a URL (already made absolute) names in the site at ``base``: ``""`` past the
    site's prefix, None on another host."""
    target, site = urlsplit(url), urlsplit(base)
    if (target.scheme, target.netloc) != (site.scheme, site.netloc):
        return None
    prefix = site.path.rstrip("/") + "/"
    if not target.path.startswith(prefix):
        return ""
    path = unquote(target.path[len(prefix):])
    return path + "index.html" if path == "" or path.endswith("/") else path


def broken_links(root: Path, siteurl: str = "") -> tuple[list[str], int]:
    """The internal links of the site in ``root`` (built with ``siteurl``) that name no file of
    it, as ``page: link``, and how many internal links were checked."""
    base = siteurl.rstrip("/") if urlsplit(siteurl).netloc else PLACEHOLDER_ORIGIN + siteurl.rstrip("/")
    broken, checked = [], 0
    for page in sorted(root.rglob("*.html")):
        relpage = page.relative_to(root).as_posix()
        page_url = f"{base}/{relpage}"
        for link in links(page):
            if link.startswith(NOT_FILES):
                continue
            path = site_path(urljoin(page_url, link), base)
            if path is None:
                continue
            checked += 1
            if not path or not (root / path).is_file():
                broken.append(f"{relpage}: {link}")
    return broken, checked
