"""A rebuild is a clean build, whatever staff did: a registry of more than a thousand organisations
(several pages of every list) goes through a seeded random series of staff steps, each through
the real ``invoke`` commands (更正 of a name, phone or address, 变更, 延续, 移出, 受理 then 备案, and
days passing), and after each the site rebuilt with the build cache beside it is byte for byte the
site built from nothing without it."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from mulu import codes
from mulu.grants import format_levels
from workflow_support import ANCHOR, REFERENCE, Files

from conftest import run_build
from test_site_rebuild import folders, tree

ORGS = 1200
STEPS = 14
pytestmark = pytest.mark.slow


class Staff:
    """Staff at work on a registry, one randomly chosen step at a time, each dated ``self.day``."""

    def __init__(self, files: Files, seed: int):
        self.files = files
        self.random = random.Random(seed)
        self.day = ANCHOR
        self.receipts = ["--receipts", str(files.receipts)]
        self.applied = 0

    def plan(self, steps: int) -> list[str]:
        """Every kind of step at least once, the rest at random, in a random order."""
        kinds = ["correct", "amend", "renew", "remove", "apply", "days"]
        plan = kinds + [self.random.choice(kinds) for _ in range(steps - len(kinds))]
        self.random.shuffle(plan)
        return plan

    def organisations(self, status: str) -> list:
        orgs = self.files.validated(self.day).registry.organisations.values()
        return [org for org in orgs if org.status == status and (status != "已备案" or org.valid_from <= self.day <= org.valid_until)]

    def run(self, task: str, *arguments: str) -> None:
        result = self.files.invoke(task, *arguments, "--date", self.day.isoformat())
        assert result.returncode == 0, result.stdout + result.stderr

    def correct(self) -> None:
        org = self.random.choice(self.organisations("已备案"))
        field, value = self.random.choice([
            ("phone", f"021-6{self.random.randrange(10 ** 6, 10 ** 7)}"),
            ("address", f"上海市{org.district}试验路{self.random.randrange(1, 999)}号"),
            ("name", f"{org.name}（更名{self.random.randrange(10 ** 6)}）"),
        ])
        self.run("correct", org.credit_code, "--field", field, "--value", value, "--reason", "笔误")

    def amend(self) -> None:
        org = self.random.choice(self.organisations("已备案"))
        held = {grant.code for grant in org.grants}
        if len(held) > 1 and self.random.random() < 0.4:
            self.run("amend", org.credit_code, "--remove", self.random.choice(sorted(held)), *self.receipts)
            return
        occupation = self.random.choice([o for o in REFERENCE.occupations.values() if o.levels and o.code not in held])
        entry = f"{occupation.code} {occupation.name}:{format_levels(occupation.levels[:1])}"
        self.run("amend", org.credit_code, "--add", entry, "--document", "沪职鉴〔2026〕1号", *self.receipts)

    def renew(self) -> None:
        org = self.random.choice(self.organisations("已备案"))
        until = org.valid_until + dt.timedelta(days=3 * 365 - self.random.randrange(30))
        self.run("renew", org.credit_code, "--until", until.isoformat(), *self.receipts)

    def remove(self) -> None:
        org = self.random.choice(self.organisations("已备案"))
        self.run("remove", org.credit_code, "--reason", "超出备案范围开展评价", "--document", "沪人社职〔2026〕9号")

    def apply(self) -> None:
        """受理 a new organisation, and 备案 it when its notice period is over."""
        self.applied += 1
        first17 = f"9131011{self.random.randrange(10 ** 9, 10 ** 10)}"
        code = first17 + codes.uscc_check_char(first17)
        district = self.random.choice(list(REFERENCE.districts))
        application = self.files.write_application(
            f"application-{self.applied}.yaml", credit_code=code, name=f"上海试验{self.applied}号职业技能评价有限公司",
            district=district, address=f"上海市{district}试验路{self.applied}号", submitted=self.day.isoformat())
        self.run("intake", str(application))
        self.day += dt.timedelta(days=10)  # past the five working days of notice
        self.run("approve", code, "--document", "沪人社职〔2026〕10号", *self.receipts)

    def days(self) -> None:
        self.day += dt.timedelta(days=self.random.randrange(1, 60))


def assert_rebuilt_as_clean(files: Files, built: Path, clean: Path, day: dt.date) -> None:
    for output, options in ((built, ()), (clean, ("--no-cache",))):
        result = run_build(output, files.registry, files.history, day.isoformat(), options=options)
        assert result.returncode == 0, result.stdout + result.stderr
    assert tree(built) == tree(clean)
    assert folders(built) == folders(clean)


def test_every_rebuild_after_random_staff_steps_is_the_clean_build(tmp_path):
    (tmp_path / "data").mkdir()
    files = Files(tmp_path / "data", orgs=ORGS, seed=11)
    staff = Staff(files, seed=2026)
    built = tmp_path / "site"
    assert_rebuilt_as_clean(files, built, tmp_path / "clean-0", staff.day)
    for number, kind in enumerate(staff.plan(STEPS), 1):
        getattr(staff, kind)()
        assert_rebuilt_as_clean(files, built, tmp_path / f"clean-{number}", staff.day)
