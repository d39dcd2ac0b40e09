"""Filters and globals the theme's templates use."""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment
from markupsafe import Markup

from mulu.model import Registry

from .directory import STATUS_SLUGS

TEMPLATE_SETTINGS = ("SITENAME", "SITEURL", "DEFAULT_LANG")
# The theme files' published names, set when the plugin starts (:func:`.assets.asset_names`):
# a setting, so that the build's keys change when a theme file does.
ASSETS_SETTING = "THEME_ASSETS"


def configure(env: Environment, registry: Registry, today: dt.date, settings: dict) -> None:
    """Give every template the settings it uses (SITENAME, SITEURL, MULU_*), the day and the
    filters. Only those: Jinja copies the globals into every render's context."""
    levels = registry.reference.levels
    env.globals.update({k: v for k, v in settings.items() if k.startswith("MULU_") or k in TEMPLATE_SETTINGS})
    env.filters["level_label"] = lambda level: levels[level].label
    env.filters["status_class"] = STATUS_SLUGS.__getitem__
    env.filters["asset"] = asset_url(settings[ASSETS_SETTING], settings.get("SITEURL", ""))
    env.globals["today"] = today


def asset_url(names: dict[str, str], siteurl: str):
    """The ``asset`` filter: a theme file's URL under its content-hashed name,
    ``{{ "js/search.js"|asset }}`` (see :mod:`.assets`). A name the theme lacks fails the build."""

    def url(name: str) -> str:
        if name not in names:
            raise KeyError(f"模板引用的主题文件 {name} 不存在（theme/static/ 下有：{', '.join(sorted(names))}）")
        return f"{siteurl}/{names[name]}"

    return url


def site_links(html: str, siteurl: str) -> Markup:
    """Content pages link to the site's pages as ``/orgs/``; prefix SITEURL so the links still
    work when the site is published under a sub-path (a GitHub Pages project site)."""
    return Markup(str(html).replace('href="/', f'href="{siteurl}/'))


def add_common_filters(env: Environment) -> None:
    """Filters every generator's templates may use, Pelican's page generator included."""
    env.filters["site_links"] = site_links
