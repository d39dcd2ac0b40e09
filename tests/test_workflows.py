"""The CI workflows parse, run on the right events, deploy through the Pages actions, and call
only invoke tasks that exist (and that the README documents, once it does)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from invoke import Collection

import tasks

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github/workflows"
INVOKE_CALL = re.compile(r"invoke ([a-z][a-z0-9_-]*)")


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def invoked_tasks(step: dict) -> set[str]:
    return set(INVOKE_CALL.findall(step.get("run", "")))


def defined_tasks() -> set[str]:
    return set(Collection.from_module(tasks).task_names)


@pytest.mark.parametrize("name", ("ci.yml", "pages.yml", "nightly.yml"))
def test_every_invoked_task_exists(name):
    for step in steps(load(name)):
        assert invoked_tasks(step) <= defined_tasks(), f"{name}: {step.get('run')}"


def test_pull_requests_and_the_merge_queue_are_validated_tested_and_built():
    ci = load("ci.yml")
    assert {"pull_request", "merge_group"} <= set(triggers(ci))
    runs = " ".join(step.get("run", "") for step in steps(ci))
    assert "./dev setup" in runs
    for command in ("invoke validate", "python -m pytest", "invoke build", "invoke review --base", "--output review.md"):
        assert command in runs, command


def test_pushes_to_main_deploy_to_pages_with_publishconf():
    pages = load("pages.yml")
    assert triggers(pages)["push"]["branches"] == ["main"]
    assert "workflow_call" in triggers(pages)
    assert pages["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    uses = [step["uses"].split("@")[0] for step in steps(pages) if "uses" in step]
    order = [uses.index(f"actions/{action}") for action in ("configure-pages", "upload-pages-artifact", "deploy-pages")]
    assert order == sorted(order)
    publish = next(step for step in steps(pages) if "invoke publish" in step.get("run", ""))
    assert "MULU_SITEURL" in publish["env"]


def test_a_nightly_rebuild_republishes_the_site():
    nightly = load("nightly.yml")
    assert triggers(nightly)["schedule"][0]["cron"]
    assert [job["uses"] for job in nightly["jobs"].values()] == ["./.github/workflows/pages.yml"]


def test_the_readme_documents_the_tasks_the_workflows_run():
    readme = ROOT / "README.md"
    if not readme.exists():
        pytest.skip("README.md is not written yet")
    text = readme.read_text(encoding="utf-8")
    called = set().union(*(invoked_tasks(step) for name in ("ci.yml", "pages.yml") for step in steps(load(name))))
    missing = sorted(task for task in called if f"invoke {task}" not in text)
    assert missing == []


def staff_scripts() -> list[str]:
    return sorted(path.stem for path in (ROOT / "scripts").glob("*.py")
                  if "def arguments()" in path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", staff_scripts())
def test_every_staff_script_is_a_task_with_the_options_of_its_parser(name):
    import importlib

    parser = importlib.import_module(f"scripts.{name}").arguments()
    expected = {next((s for s in a.option_strings if s.startswith("--")), a.dest).lstrip("-").replace("-", "_")
                for a in parser._actions if a.dest != "help"}
    task = Collection.from_module(tasks)[name.replace("_", "-")]
    assert {argument.name for argument in task.get_arguments()} == expected
    assert task.__doc__ == parser.description
