"""Filters and globals the theme's templates use."""

from __future__ import annotations

from jinja2 import Environment
from markupsafe import Markup

from mulu.model import Registry

from .directory import STATUS_SLUGS

TEMPLATE_SETTINGS = ("SITENAME", "SITEURL", "DEFAULT_LANG")
DAY_SETTINGS = ("MULU_TODAY",)


def configure(env: Environment, registry: Registry, settings: dict) -> None:
    """Give every template the settings it uses (SITENAME, SITEURL, MULU_*) and the filters. Only
    those (Jinja copies the globals into every render's context), and not the day: a page shows
    what its context holds, which its key covers."""
    levels = registry.reference.levels
    env.globals.update({k: v for k, v in settings.items()
                        if (k.startswith("MULU_") and k not in DAY_SETTINGS) or k in TEMPLATE_SETTINGS})
    env.filters["level_label"] = lambda level: levels[level].label
    env.filters["status_class"] = STATUS_SLUGS.__getitem__


def site_links(html: str, siteurl: str) -> Markup:
    """Content pages link to the site's pages as ``/orgs/``; prefix SITEURL so the links still
    work when the site is published under a sub-path (a GitHub Pages project site)."""
    return Markup(str(html).replace('href="/', f'href="{siteurl}/'))


def add_common_filters(env: Environment) -> None:
    """Filters every generator's templates may use, Pelican's page generator included."""
    env.filters["site_links"] = site_links
