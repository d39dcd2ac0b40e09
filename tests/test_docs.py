"""The documents say what the code does."""

from __future__ import annotations

import re
import shlex

import pytest

from mulu.government import IMAGES, RULES
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


def test_deploy_guide_lists_every_setting_a_bureau_must_fill_in():
    text = (ROOT / "docs/deploy.md").read_text(encoding="utf-8")
    section = text.split("## 上线前必须填写的设置", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `(MULU_[A-Z_]+)` \|", section, flags=re.MULTILINE)
    assert sorted(documented) == sorted([*RULES, *IMAGES])


def test_the_deploy_guide_states_the_rules_and_names_what_exists():
    from mulu.deploy import IMMUTABLE, REVALIDATE
    from mulu.settings import DEFAULTS
    from scripts.deploy import arguments

    text = (ROOT / "docs/deploy.md").read_text(encoding="utf-8")
    words = " ".join(text.split())
    assert f"Cache-Control: {IMMUTABLE}" in words and f"Cache-Control: {REVALIDATE}" in words
    assert {name for name in re.findall(r"`(MULU_[A-Z_]+) = ", text)} <= DEFAULTS.keys()
    assert all((ROOT / path).is_file() for path in re.findall(r"`(deploy/[a-z-]+\.conf)`", text))
    commands = re.findall(r"^invoke deploy (.*?)(?:  +#.*)?$", text, flags=re.MULTILINE)
    for command in commands:
        arguments().parse_args(shlex.split(command))  # every documented command line is valid
    options = {option for action in arguments()._actions for option in action.option_strings} - {"-h", "--help"}
    assert options <= set(re.findall(r"--[a-z-]+", " ".join(commands)))  # and every option is shown


def test_the_deploy_guide_lists_exactly_the_secrets_the_object_storage_job_reads():
    import yaml

    job = yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text(encoding="utf-8"))["jobs"]["object-storage"]
    read = set(re.findall(r"secrets\.([A-Z0-9_]+)", str(job)))
    section = (ROOT / "docs/deploy.md").read_text(encoding="utf-8").split("## GitHub Pages", 1)[1]
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", section, flags=re.MULTILINE))
    assert documented == read
    remote = next(key for key in job["env"] if key.endswith("_TYPE")).removeprefix("RCLONE_CONFIG_").removesuffix("_TYPE")
    assert f"远程存储名必须是 `{remote.lower()}`" in section


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
