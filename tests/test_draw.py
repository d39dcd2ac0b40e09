"""The draw (mulu/supervision/draw.py): RFC 3797's worked example, the shared vectors the
JavaScript is held to as well, and what a fair draw must do: the same inputs give the same picks,
another beacon other picks, and over many beacons every organisation is picked about equally often."""

from __future__ import annotations

import json
import math
import random
from collections import Counter

import pytest

from mulu.supervision import draw as rfc
from tests.draw_vectors import PATH, RFC_EXAMPLE, vectors

SHARED = json.loads(PATH.read_text(encoding="utf-8"))


def test_the_rfc_worked_example_gives_the_rfcs_key_digests_and_picks():
    key = rfc.key_string(RFC_EXAMPLE["beacon"])
    selector = rfc.Selector(key)
    picks = selector.picks(RFC_EXAMPLE["pool"], len(RFC_EXAMPLE["picks"]))
    assert key == RFC_EXAMPLE["key"]
    assert [digest for _, digest, _, _ in selector.steps] == RFC_EXAMPLE["md5"]
    assert picks == RFC_EXAMPLE["picks"]


def test_python_gives_the_shared_vectors():
    assert vectors() == SHARED


@pytest.mark.parametrize("beacon", SHARED["bad_beacons"])
def test_a_beacon_without_a_defined_key_string_is_refused(beacon):
    with pytest.raises(rfc.BeaconError):
        rfc.key_string(beacon)


def candidates(count: int, focus: int = 0) -> rfc.Candidates:
    codes = [f"ORG{n:04d}" for n in range(count)]
    return rfc.Candidates(tuple(codes[:focus]), tuple(codes[focus:]), {c: ("JC001", "JC002", "JC003") for c in codes})


def test_the_same_inputs_give_the_same_picks_and_another_beacon_others():
    pool, ratio = candidates(200, 10), rfc.parse_ratio("5%")
    first = rfc.run_draw("2026135 / 3 9 15 21 27 33 / 12", pool, ratio, 3, rfc.parse_ratio("20%"))
    again = rfc.run_draw("2026135 / 33 27 21 15 9 3 / 12", pool, ratio, 3, rfc.parse_ratio("20%"))  # order within a source is free
    other = rfc.run_draw("2026136 / 3 9 15 21 27 33 / 12", pool, ratio, 3, rfc.parse_ratio("20%"))
    assert first == again
    assert (first.focus_picks, first.picks) != (other.focus_picks, other.picks)
    assert len(first.focus_picks) == 2 and len(first.picks) == 10
    assert all(code < "ORG0010" for code in first.focus_picks) and all(code >= "ORG0010" for code in first.picks)


def test_counts_round_up_and_respect_the_minimum():
    assert [rfc.pick_count(n, rfc.parse_ratio("5%"), 3) for n in (0, 2, 40, 60, 61, 301)] == [0, 2, 3, 3, 4, 16]


def test_over_many_beacons_every_organisation_is_picked_about_equally_often():
    """20,000 draws of 5 from 40 with seeded random beacons: each organisation's count stays
    within 5 standard deviations of the 2,500 expected, and the counts pass a chi-square test
    at the 0.1% level (39 degrees of freedom: critical value 72.05)."""
    rng = random.Random(14)
    pool, draws, size, picked = candidates(40), 20_000, 40, 5
    counts = Counter()
    for _ in range(draws):
        beacon = f"{rng.randint(1, 10**7)} / " + " ".join(str(n) for n in rng.sample(range(1, 34), 6))
        counts.update(rfc.run_draw(beacon, pool, rfc.parse_ratio("12.5%"), 0, None).picks)
    expected = draws * picked / size
    p = picked / size
    spread = math.sqrt(draws * p * (1 - p))
    assert sum(counts.values()) == draws * picked and len(counts) == size
    assert all(abs(count - expected) < 5 * spread for count in counts.values()), counts
    chi_square = sum((count - expected) ** 2 / expected for count in counts.values())
    assert chi_square < 72.05, chi_square


def test_inspectors_are_drawn_only_from_those_allowed_and_never_twice_for_one_organisation():
    allowed = {f"ORG{n:04d}": ("JC001", "JC004") if n % 3 == 0 else ("JC001", "JC002", "JC003", "JC004") for n in range(30)}
    pool = rfc.Candidates((), tuple(allowed), allowed)
    for seed in range(50):
        outcome = rfc.run_draw(f"{seed} / 7 8 9", pool, rfc.parse_ratio("20%"), 0, None)
        for code, team in zip(outcome.picks, outcome.inspectors):
            assert set(team) <= set(allowed[code]) and len(set(team)) == 2


def test_too_few_allowed_inspectors_is_said():
    pool = rfc.Candidates((), ("ORG0001",), {"ORG0001": ("JC001",)})
    with pytest.raises(rfc.TooFewInspectors):
        rfc.run_draw("1", pool, rfc.parse_ratio("100%"), 0, None)
