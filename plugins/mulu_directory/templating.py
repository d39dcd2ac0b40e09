"""Filters and globals the theme's templates use."""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment

from mulu.model import Registry

STATUS_CLASSES = {
    "公示中": "notice", "有效": "valid", "即将到期": "expiring", "已过期": "expired",
    "已移出": "removed", "未生效": "pending",
}


def configure(env: Environment, registry: Registry, today: dt.date) -> None:
    levels = registry.reference.levels
    env.filters["level_label"] = lambda level: levels[level].label
    env.filters["status_class"] = lambda status: STATUS_CLASSES[status]
    env.globals["today"] = today
