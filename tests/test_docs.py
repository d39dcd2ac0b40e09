"""The documents say what the code does."""

from __future__ import annotations

import re
import shlex

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
