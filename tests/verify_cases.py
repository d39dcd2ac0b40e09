"""The registries the verification tests ask questions of, and the case table shared with the
JavaScript tests (``tests/data/verify-cases.json``).

Regenerate the table after changing an answer on purpose:
``python -m tests.verify_cases > tests/data/verify-cases.json``
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

from mulu.reference import Reference
from mulu.sample import generate
from mulu.settings import check_settings
from mulu.store import write_pair
from mulu.validate import validate_files
from mulu.verify import (Names, QuestionError, answer, compact, data_date, key_hash, read_certificate, timelines,
                         verify)

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = check_settings({})
TODAY = dt.date(2026, 11, 27)
CASES_FILE = ROOT / "tests" / "data" / "verify-cases.json"

# An organisation whose records start part way through its life (its first record is 备案, its
# validity starts after the filing), with two events on one day, a lapse before a late renewal
# that leaves one occupation out, and a level dropped from an occupation.
IMPORTED = "91310000MA1FL0E07U"
FIRST = "6-31-01-03 电工:5-3;4-03-02-01 中式烹调师:5"
IMPORTED_EVENTS = (
    ("2021-02-20", "备案", FIRST, "2021-03-01", "2024-02-28", "已备案", "沪人社职〔2021〕5号"),
    ("2021-06-01", "变更", FIRST + ";4-10-01-05 养老护理员:5-4", "2021-03-01", "2024-02-28", "已备案", "沪职鉴〔2021〕7号"),
    ("2021-06-01", "变更", FIRST, "2021-03-01", "2024-02-28", "已备案", "沪职鉴〔2021〕8号"),
    ("2024-04-01", "延续", "6-31-01-03 电工:5-3", "2021-03-01", "2027-02-28", "已备案", "沪人社职〔2024〕9号"),
    ("2025-01-10", "变更", "6-31-01-03 电工:5-4", "2021-03-01", "2027-02-28", "已备案", "沪职鉴〔2025〕3号"),
)
# (day, occupation, level, the answer's reason code) for the organisation above.
IMPORTED_QUESTIONS = (
    ("2021-02-19", "6-31-01-03", 3, "before_records"),  # its records start with the filing
    ("2021-02-25", "6-31-01-03", 3, "not_yet_valid"),  # filed, validity starts on 03-01
    ("2021-03-01", "6-31-01-03", 3, "authorised"),
    ("2021-06-01", "4-10-01-05", 5, "never_in_scope"),  # added and dropped on one day: never in force
    ("2024-02-28", "6-31-01-03", 3, "authorised"),  # the last day of the first term
    ("2024-02-29", "6-31-01-03", 3, "expired"),  # lapsed until the late renewal
    ("2024-04-01", "6-31-01-03", 3, "authorised"),
    ("2024-04-01", "4-03-02-01", 5, "scope_lapsed"),  # left out of the renewal
    ("2025-01-09", "6-31-01-03", 3, "authorised"),
    ("2025-01-10", "6-31-01-03", 3, "scope_ended"),  # 三级 dropped on this day
    ("2025-01-10", "6-31-01-03", 4, "authorised"),
)


def imported_rows(reference: Reference):
    """The hand-made organisation's registry row and ledger rows."""
    history = [dict(zip(("date", "event", "occupations", "valid_from", "valid_until", "status", "document"), e),
                    credit_code=IMPORTED, note="") for e in IMPORTED_EVENTS]
    last = history[-1]
    row = {
        "credit_code": IMPORTED, "name": "上海迁入示例职业技能评价有限公司", "org_type": "企业", "scope": "本市遴选",
        "filing_no": "S000031009999", "district": next(iter(reference.districts)), "address": "上海市黄浦区中山路1号",
        "phone": "021-60000000", "website": "", "occupations": last["occupations"], "valid_from": last["valid_from"],
        "valid_until": last["valid_until"], "notice_from": "2021-02-01", "notice_until": "2021-02-05",
        "status": "已备案", "status_note": "", "updated": last["date"],
    }
    return row, history


def sample_registry(folder: Path, orgs: int, seed: int, with_imported: bool = False):
    """A generated registry written to ``folder`` and loaded back: ``(registry, history rows)``."""
    reference = Reference(ROOT / "reference")
    rows, history = generate(reference, SETTINGS, orgs, seed)
    if with_imported:
        row, events = imported_rows(reference)
        rows, history = rows + [row], history + events
    write_pair(folder / "registry.csv", rows, folder / "history.csv", history)
    report = validate_files(folder / "registry.csv", folder / "history.csv", reference, SETTINGS, TODAY)
    assert report.ok, [str(p) for p in report.problems if p.severity == "error"]
    return report.registry, history


def boundary_days(line) -> set[dt.date]:
    """The days answers change on, and their neighbours."""
    days = set()
    for event in line.events:
        for day in (event.date, event.valid_from, event.valid_until):
            if day:
                days |= {day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)}
    return days


def questions(registry, rng: random.Random, per_org: int):
    """``(organisation, org key, occupation, level, day)`` on the boundary days and random days."""
    every_code = sorted({g.code for e in registry.events for g in e.grants})
    for org, line in zip(registry.organisations.values(), timelines(registry).values()):
        days = sorted(boundary_days(line))
        own = sorted({g.code for e in org.events for g in e.grants})
        for _ in range(per_org):
            if rng.random() < 0.6:
                day = rng.choice(days)
            else:
                day = org.events[0].date + dt.timedelta(days=rng.randint(-60, 2400))
            code = rng.choice(own) if rng.random() < 0.85 else rng.choice(every_code)
            key = rng.choice((org.credit_code, org.filing_no or org.credit_code))
            yield org, key, code, rng.randint(1, 5), day


def event_refs(line, refs) -> list[list[str]]:
    return [[line.events[i].date.isoformat(), line.events[i].event, line.events[i].document] for i in refs]


def question_cases(registry, as_of: dt.date, rng: random.Random) -> list[dict]:
    names = Names(registry.reference)
    lines = timelines(registry)
    cases = []
    edges = [(org, org.credit_code, org.events[-1].grants[0].code if org.events[-1].grants else "6-31-01-03", 5, day)
             for org in registry.organisations.values() for day in (as_of, as_of + dt.timedelta(days=1))]
    made = [(registry.organisations[IMPORTED], IMPORTED, code, level, dt.date.fromisoformat(day))
            for day, code, level, _ in IMPORTED_QUESTIONS]
    for org, key, code, level, day in [*questions(registry, rng, per_org=12), *edges, *made]:
        line = lines[org.credit_code]
        found = answer(line, code, level, day, as_of, names)
        cases.append({"org": key, "occupation": code, "level": level, "date": day.isoformat(),
                      "verdict": found.verdict, "code": found.code, "reason": found.reason,
                      "events": event_refs(line, found.refs)})
    return cases


BAD_QUESTIONS = (
    ("", "6-31-01-03", "3", "2024-03-01"),
    ("91310000MA1FL0E07", "6-31-01-03", "3", "2024-03-01"),
    ("S000031009998", "6-31-01-03", "3", "2024-03-01"),
    (IMPORTED, "6-31-01-3", "3", "2024-03-01"),
    (IMPORTED, "6-31-01-03", "6", "2024-03-01"),
    (IMPORTED, "6-31-01-03", "三", "2024-03-01"),
    (IMPORTED, "6-31-01-03", "3", "2024-02-30"),
    (IMPORTED, "6-31-01-03", "3", "2024/03/01"),
)


def error_cases(registry, as_of: dt.date) -> list[dict]:
    cases = []
    for org, occupation, level, date in BAD_QUESTIONS:
        try:
            verify(registry, org, occupation, level, date, as_of)
        except QuestionError as exc:
            cases.append({"org": org, "occupation": occupation, "level": level, "date": date, "error": str(exc)})
        else:
            raise AssertionError(f"question accepted: {org} {occupation} {level} {date}")
    return cases


def certificate_inputs(registry) -> list[str]:
    """Numbers of our issuers in years with and without authorisations, and every kind of mistake."""
    filed = [o for o in registry.organisations.values() if o.filing_no]
    numbers = []
    for org in filed[:12]:
        first = org.events[0].date.year
        for year, level in ((first, 5), (first + 1, 4), (first - 1, 3), (min(first + 2, TODAY.year), 3)):
            numbers.append(f"{org.filing_no}{year % 100:02d}{level}{len(numbers):06d}")
    sample = filed[0].filing_no
    numbers += [
        "", "S0000310000", f"X{sample[1:]}243012345", f"{sample[:8]}A{sample[9:]}243012345",
        f"{sample}240012345", f"{sample}246012345", f"{sample}303012345", "S000099000001243012345",
        f"Y{sample[1:]}243012345", "S000044000123243012345", "S000031009998243012345",
        f" {sample.lower()} 24 3 012345 ", f"{sample}24３012345",
    ]
    return numbers


def certificate_cases(registry, as_of: dt.date) -> list[dict]:
    cases = []
    for number in certificate_inputs(registry):
        reading = read_certificate(registry, number, as_of, SETTINGS["MULU_PROVINCE_CODE"], SETTINGS["MULU_CITY_NAME"])
        cases.append({
            "input": number, "kind": reading.kind, "message": reading.message,
            "org": reading.timeline.credit_code if reading.timeline else None,
            "options": {code: [[a.isoformat(), b.isoformat()] for a, b in spans] for code, spans in reading.options.items()},
        })
    return cases


# Keys whose bucket hash both languages must agree on: ASCII, Chinese, and a character outside the
# BMP (two UTF-16 code units).
HASHED_KEYS = ("", "a", "foobar", IMPORTED, "S000031009999", "沪人社职", "\U00020000")


def build_cases(folder: Path) -> dict:
    registry, _ = sample_registry(folder, orgs=40, seed=7, with_imported=True)
    as_of = data_date(registry, TODAY)
    return {
        "data": compact(registry, as_of, SETTINGS["MULU_PROVINCE_CODE"], SETTINGS["MULU_CITY_NAME"]),
        "questions": question_cases(registry, as_of, random.Random(7)),
        "errors": error_cases(registry, as_of),
        "certificates": certificate_cases(registry, as_of),
        "hashes": [[key, key_hash(key)] for key in HASHED_KEYS],
    }


def render_cases(cases: dict) -> str:
    return json.dumps(cases, ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        sys.stdout.write(render_cases(build_cases(Path(folder))))
