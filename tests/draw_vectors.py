"""The shared draw vectors: what mulu/supervision/draw.py gives, which tests/js/draw.test.js
holds theme/static/js/draw-core.js to and tests/test_draw.py holds the Python to. The first
vector is RFC 3797's own worked example (section 6), from the RFC's text.

Run ``python -m tests.draw_vectors`` to write tests/data/draw-vectors.json again after a change
of the vectors (never to make a failing test pass: the file is the contract)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from mulu.supervision import draw as rfc

PATH = Path(__file__).parent / "data" / "draw-vectors.json"

# RFC 3797, section 6: 25 volunteers numbered 1 to 25, three sources of random values.
RFC_EXAMPLE = {
    "beacon": "9319 / 2 5 12 8 10 / 9 18 26 34 41 45",
    "key": "9319./2.5.8.10.12./9.18.26.34.41.45./",
    "pool": list(range(1, 26)),
    "picks": [17, 7, 2, 16, 25, 23, 8, 24, 19, 13, 22, 5, 18, 9, 1, 4],
    "md5": ["990DD0A5692A029A98B5E01AA28F3459", "3691E55CB63FCC37914430B2F70B5EC6", "FE814EDF564C190AC1D25753979990FA",
            "1863CCACEB568C31D7DDBDF1D4E91387", "F4AB33DF4889F0AF29C513905BE1D758", "13EAEB529F61ACFB9A29D0BA3A60DE4A",
            "992DB77C382CA2BDB9727001F3CDCCD9", "63AB4258ECA922976811C7F55C383CE7", "DFBC5AC97CED01B3A6E348E3CC63F40D",
            "31CB111C4A4EBE9287CEAE16FE51B909", "07FA46C122F164C215BBC72793B189A3", "AC52F8D75CCBE2E61AFEB3387637D501",
            "53306F73E14FC0B2FBF434218D25948E", "B5D1403501A81F9A47318BE7893B347C", "85B10B356AA06663EF1B1B407765100A",
            "3269E6CE559ABD57E2BA6AAB495EB9BD"],
}

BEACONS = [
    "9319 / 2 5 12 8 10 / 9 18 26 34 41 45",
    "2026135 / 03,09，15、21 27 33 / 12",  # full-width separators, leading zeros
    "3912.460 / 3900.00 / 7",  # decimals keep their order and lose trailing zeros
    "00 / 0",
    "123456789012345678901234567890",  # longer than a double holds exactly
    "2026123／10\u300012 16",
]
BAD_BEACONS = ["", " / 3", "３", "1.5 2", "a1", "-3", "3/"]
RATIOS = [(301, "5%", 3), (40, "5%", 3), (10, "12.5%", 0), (3, "20%", 0), (0, "5%", 3), (7, "100%", 0), (199, "0.5%", 1)]


def full_draws() -> list[dict]:
    """Whole draws over invented candidates: strata, counts, bars on inspectors."""
    rng = random.Random(3797)
    cases = []
    for number in range(6):
        codes = [f"ORG{n:04d}" for n in range(rng.randint(5, 60))]
        focus = [c for c in codes if rng.random() < 0.15]
        general = [c for c in codes if c not in focus]
        pool = [f"JC{n:03d}" for n in range(1, rng.randint(4, 12))]
        inspectors = {code: [i for i in pool if rng.random() < 0.85] for code in codes}
        inspectors = {code: ids if len(ids) >= 2 else pool[:2] for code, ids in inspectors.items()}
        beacon = " / ".join(" ".join(str(rng.randint(0, 99)) for _ in range(rng.randint(1, 6))) for _ in range(rng.randint(1, 3)))
        ratio, minimum = rng.choice(["5%", "10%", "33.3%"]), rng.randint(0, 4)
        focus_ratio = rng.choice([None, "20%", "50%"])
        outcome = rfc.run_draw(beacon, rfc.Candidates(tuple(focus), tuple(general), inspectors), rfc.parse_ratio(ratio),
                               minimum, rfc.parse_ratio(focus_ratio) if focus_ratio else None)
        cases.append({"beacon": beacon, "focus": focus, "general": general, "inspectors": inspectors, "ratio": ratio,
                      "minimum": minimum, "focus_ratio": focus_ratio, "key": outcome.key,
                      "focus_picks": list(outcome.focus_picks), "picks": list(outcome.picks),
                      "teams": [list(team) for team in outcome.inspectors], "steps": [list(s) for s in outcome.steps],
                      "general_sha256": rfc.list_digest(general), "focus_sha256": rfc.list_digest(focus)})
    return cases


def vectors() -> dict:
    return {
        "rfc3797": RFC_EXAMPLE,
        "keys": [{"beacon": b, "key": rfc.key_string(b), "canonical": rfc.canonical_beacon(b)} for b in BEACONS],
        "bad_beacons": BAD_BEACONS,
        "counts": [{"size": size, "ratio": ratio, "minimum": minimum,
                    "count": rfc.pick_count(size, rfc.parse_ratio(ratio), minimum)} for size, ratio, minimum in RATIOS],
        "draws": full_draws(),
    }


if __name__ == "__main__":
    PATH.write_text(json.dumps(vectors(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {PATH}")
