"""The documents say what the code does."""

from __future__ import annotations

import re

from mulu.government import IMAGES, RULES
from mulu.schema import HISTORY_FIELDS, REGISTRY_FIELDS
from tests.registry_files import ROOT


def documented_columns(section: str) -> tuple[str, ...]:
    text = (ROOT / "docs/registry-format.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return tuple(re.findall(r"^\| `([a-z_]+)` \|", body, flags=re.MULTILINE))


def test_registry_format_documents_exactly_the_registry_columns_in_order():
    assert documented_columns("registry.csv") == REGISTRY_FIELDS


def test_registry_format_documents_exactly_the_history_columns_in_order():
    assert documented_columns("history.csv") == HISTORY_FIELDS


def test_deploy_guide_lists_every_setting_a_bureau_must_fill_in():
    text = (ROOT / "docs/deploy.md").read_text(encoding="utf-8")
    section = text.split("## 上线前必须填写的设置", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `(MULU_[A-Z_]+)` \|", section, flags=re.MULTILINE)
    assert sorted(documented) == sorted([*RULES, *IMAGES])
