"""Filters and globals the theme's templates use."""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment

from mulu.model import Registry

from .directory import STATUS_SLUGS


def configure(env: Environment, registry: Registry, today: dt.date, settings: dict) -> None:
    """Give every template the settings (SITENAME, SITEURL, MULU_*), the day and the filters."""
    levels = registry.reference.levels
    env.globals.update(settings)
    env.filters["level_label"] = lambda level: levels[level].label
    env.filters["status_class"] = STATUS_SLUGS.__getitem__
    env.globals["today"] = today
