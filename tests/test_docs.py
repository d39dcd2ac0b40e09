"""The documents say what the code does."""

from __future__ import annotations

import re

import pytest

from mulu.schema import HISTORY_FIELDS, REGISTRY_FIELDS
from mulu.supervision.schema import DRAW_FIELDS, INSPECTION_FIELDS, INSPECTOR_FIELDS, ITEM_FIELDS
from tests.registry_files import ROOT


def documented_columns(section: str, document: str = "docs/registry-format.md") -> tuple[str, ...]:
    text = (ROOT / document).read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return tuple(re.findall(r"^\| `([a-z0-9_]+)` \|", body, flags=re.MULTILINE))


def test_registry_format_documents_exactly_the_registry_columns_in_order():
    assert documented_columns("registry.csv") == REGISTRY_FIELDS


def test_registry_format_documents_exactly_the_history_columns_in_order():
    assert documented_columns("history.csv") == HISTORY_FIELDS


@pytest.mark.parametrize("section, fields", [
    ("inspection-items.csv", ITEM_FIELDS), ("inspectors.csv", INSPECTOR_FIELDS), ("draws.csv", DRAW_FIELDS),
    ("inspections.csv", INSPECTION_FIELDS),
])
def test_supervision_document_lists_exactly_each_files_columns_in_order(section, fields):
    assert documented_columns(section, "docs/supervision.md") == fields


def test_the_documented_worked_example_is_the_one_the_code_draws():
    from mulu.supervision.draw import Selector, key_string

    text = (ROOT / "docs/supervision.md").read_text(encoding="utf-8")
    selector = Selector(key_string("9319 / 2 5 12 8 10 / 9 18 26 34 41 45"))
    picks = selector.picks(list(range(1, 26)), 5)
    assert "`9319./2.5.8.10.12./9.18.26.34.41.45./`" in text and "`3912.46/3.9.15./`" in text
    for (number, digest, candidates, _), pick in zip(selector.steps, picks):
        assert f"| {number} | `{digest}` | {candidates} | {pick} |" in text
