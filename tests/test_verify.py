"""Point-in-time verification: the answers from authorisation intervals against a brute-force
replay of the raw ledger rows, the staff command, and the case table shared with JavaScript."""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from collections import Counter

import pytest

from mulu.grants import parse_occupations
from mulu.verify import Names, answer, bucket_count, bucket_of, compact, data_date, describe, key_hash, timeline, timelines
from tests.verify_cases import (CASES_FILE, IMPORTED, IMPORTED_QUESTIONS, ROOT, SETTINGS, TODAY, build_cases, questions,
                                render_cases, sample_registry)

SEEDS = (1, 2, 3, 4)
SCOPE_REASONS = {"scope_ended", "scope_lapsed", "scope_later", "never_in_scope"}


def replay(rows: list[dict], code: str, level: int, day: dt.date, as_of: dt.date) -> str:
    """The answer read straight off the ledger rows of one organisation, without intervals."""
    if day > as_of:
        return "after_data"
    in_force = [row for row in rows if dt.date.fromisoformat(row["date"]) <= day]
    if not in_force:
        return "not_listed" if rows[0]["event"] == "公示" else "before_records"
    state = in_force[-1]
    if state["status"] == "公示中":
        return "notice"
    if state["status"] == "已移出":
        return "removed"
    if day < dt.date.fromisoformat(state["valid_from"]):
        return "not_yet_valid"
    if day > dt.date.fromisoformat(state["valid_until"]):
        return "expired"
    levels = {level for grant in parse_occupations(state["occupations"])[0] if grant.code == code for level in grant.levels}
    if level in levels:
        return "authorised"
    return "level_not_in_scope" if levels else "out_of_scope"


@pytest.fixture(scope="module", params=SEEDS)
def generated(request, tmp_path_factory):
    """A generated registry (with the hand-made imported organisation) and its raw ledger rows."""
    folder = tmp_path_factory.mktemp(f"seed{request.param}")
    registry, history = sample_registry(folder, orgs=60, seed=request.param, with_imported=True)
    by_org = {}
    for row in history:
        by_org.setdefault(row["credit_code"], []).append(row)
    return request.param, registry, by_org


def test_answers_equal_a_replay_of_the_ledger(generated):
    seed, registry, rows = generated
    as_of = data_date(registry, TODAY)
    names = Names(registry.reference)
    lines = timelines(registry)
    seen = Counter()
    for org, _, code, level, day in questions(registry, random.Random(seed), per_org=60):
        found = answer(lines[org.credit_code], code, level, day, as_of, names)
        expected = replay(rows[org.credit_code], code, level, day, as_of)
        got = "out_of_scope" if found.code in SCOPE_REASONS else found.code
        if expected == "level_not_in_scope" and found.code == "scope_ended":
            got = expected  # the change that dropped this level is named rather than the levels left
        assert got == expected, f"{org.credit_code} {code} {level} {day}: {found.reason}"
        assert found.authorised == (expected == "authorised")
        seen[found.code] += 1
    # The questions reached every kind of answer the generated ledgers give (the hand-made
    # organisation's rarer ones are checked below).
    assert {"authorised", "notice", "removed", "expired", "level_not_in_scope", "scope_ended",
            "scope_later", "never_in_scope", "not_listed", "after_data"} <= set(seen)


def test_every_boundary_day_matches_the_replay(generated):
    """First and last day of validity, the day of each change and of removal, and their neighbours."""
    seed, registry, rows = generated
    as_of = data_date(registry, TODAY)
    names = Names(registry.reference)
    for line in timelines(registry).values():
        codes = sorted({g.code for e in line.events for g in e.grants})
        days = {d for e in line.events for base in (e.date, e.valid_from, e.valid_until) if base
                for d in (base - dt.timedelta(days=1), base, base + dt.timedelta(days=1))}
        for day in days:
            for code in codes:
                for level in (5, 3, 1):
                    found = answer(line, code, level, day, as_of, names)
                    assert found.authorised == (replay(rows[line.credit_code], code, level, day, as_of) == "authorised")


def test_intervals_are_maximal_and_disjoint(generated):
    _, registry, _ = generated
    for line in timelines(registry).values():
        spans = {}
        for interval in line.intervals:
            assert interval.start <= interval.end
            for level in interval.levels:
                spans.setdefault((interval.code, level), []).append((interval.start, interval.end))
        for pieces in spans.values():
            for (_, end), (start, _) in zip(sorted(pieces), sorted(pieces)[1:]):
                assert start > end + dt.timedelta(days=1), "touching intervals should have been merged"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    registry, _ = sample_registry(tmp_path_factory.mktemp("imported"), orgs=5, seed=1, with_imported=True)
    return registry, timeline(registry.organisations[IMPORTED]), Names(registry.reference)


@pytest.mark.parametrize("day, code, level, reason", IMPORTED_QUESTIONS)
def test_hand_made_ledger(imported, day, code, level, reason):
    registry, line, names = imported
    assert answer(line, code, level, dt.date.fromisoformat(day), TODAY, names).code == reason


def test_answer_names_the_events_it_rests_on(imported):
    _, line, names = imported
    found = answer(line, "6-31-01-03", 3, dt.date(2025, 1, 10), TODAY, names)
    assert found.reason == "未获授权：6-31-01-03 电工 三级/高级工 已于 2025-01-10 经变更（沪职鉴〔2025〕3号）移出该机构的备案范围。"
    assert [describe(line, i, "6-31-01-03", names) for i in found.refs] == [
        "2025-01-10 变更（沪职鉴〔2025〕3号） 6-31-01-03 电工 等级调整为 五级/初级工、四级/中级工"]
    renewed = answer(line, "6-31-01-03", 3, dt.date(2024, 4, 1), TODAY, names)
    assert "该项授权期间为 2024-04-01 至 2025-01-09" in renewed.reason
    assert [line.events[i].event for i in renewed.refs] == ["延续"]


def run_verify(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts.verify", *argv], cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    sample_registry(folder, orgs=5, seed=1, with_imported=True)
    return ["--registry", str(folder / "registry.csv"), "--history", str(folder / "history.csv")]


def test_command_prints_the_answer_and_its_basis(files):
    done = run_verify(*files, "--org", "S000031009999", "--occupation", "6-31-01-03", "--level", "3", "--date", "2025-01-10")
    assert done.returncode == 0, done.stderr
    assert "结论：未获授权" in done.stdout
    assert "2025-01-10 变更（沪职鉴〔2025〕3号） 6-31-01-03 电工 等级调整为" in done.stdout


def test_command_json(files):
    done = run_verify(*files, "--org", IMPORTED, "--occupation", "6-31-01-03", "--level", "4", "--date", "2025-01-10", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["authorised"] is True and result["answer"] == "authorised"
    # Authorised again from the late renewal, which both reopened the occupation and set the validity.
    assert [e["document"] for e in result["events"]] == ["沪人社职〔2024〕9号"]


@pytest.mark.parametrize("option, value, message", [
    ("--org", "S000031009998", "本目录中没有统一社会信用代码或备案编号为「S000031009998」的机构"),
    ("--occupation", "6-31-1-03", "职业编码「6-31-1-03」格式错误"),
    ("--occupation", "6-99-01-03", "不在职业分类大典中"),
    ("--level", "0", "技能等级「0」无效"),
    ("--date", "2025-13-01", "日期「2025-13-01」无效"),
])
def test_command_rejects_bad_questions(files, option, value, message):
    question = {"--org": IMPORTED, "--occupation": "6-31-01-03", "--level": "3", "--date": "2025-01-10", option: value}
    done = run_verify(*files, *[part for pair in question.items() for part in pair])
    assert done.returncode == 1
    assert message in done.stderr and not done.stdout


def test_shared_case_table_is_current(tmp_path):
    """The table the JavaScript tests replay holds today's Python answers
    (regenerate with ``python -m tests.verify_cases > tests/data/verify-cases.json``)."""
    assert CASES_FILE.read_text(encoding="utf-8") == render_cases(build_cases(tmp_path))



def test_key_hash_is_fnv1a():
    """FNV-1a's published 32-bit values: for ASCII keys the UTF-16 code units are the bytes."""
    assert [key_hash(key) for key in ("", "a", "foobar")] == [0x811C9DC5, 0xE40C292C, 0xBF9CF968]


def test_bucket_count_grows_with_the_keys():
    assert [bucket_count(keys) for keys in (0, 64, 65, 128, 129, 50_000)] == [1, 1, 2, 2, 4, 1024]


def test_an_organisation_is_in_the_bucket_of_each_of_its_keys_and_nowhere_else(generated):
    _, registry, _ = generated
    data = compact(registry, TODAY, SETTINGS["MULU_PROVINCE_CODE"], SETTINGS["MULU_CITY_NAME"])
    count = data["meta"]["b"]
    assert count == len(data["buckets"]) > 1
    for organisations in data["buckets"]:
        assert len({org["c"] for org in organisations}) == len(organisations)
    placed = {(org["c"], number) for number, organisations in enumerate(data["buckets"]) for org in organisations}
    assert placed == {(org.credit_code, bucket_of(key, count)) for org in registry.organisations.values()
                      for key in (org.credit_code, org.filing_no) if key}
