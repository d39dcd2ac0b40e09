"""Query understanding in Python against the vectors tests/js/understand.test.js checks the
JavaScript one against: the page and the build read a query's words the same way."""

import json
from pathlib import Path

import pytest

from mulu.reference import Level
from mulu.search.understand import probes, understand, word_table

VECTORS = json.loads((Path(__file__).parent / "data" / "query-vectors.json").read_text("utf-8"))
CASES = VECTORS["cases"]


def test_the_word_table_holds_every_form_of_the_names():
    names = VECTORS["names"]
    levels = [Level(*level) for level in names["levels"]]
    assert word_table(names["districts"], names["types"], levels, names["statuses"]) == VECTORS["table"]


@pytest.mark.parametrize("case", CASES, ids=[case["note"] for case in CASES])
def test_understood(case):
    recognised, rest = understand(case["text"], VECTORS["table"], VECTORS["occupations"])
    assert [[r.word, r.kind, r.value] for r in recognised] == case["recognised"]
    assert rest == case["rest"]


@pytest.mark.parametrize("case", CASES, ids=[case["note"] for case in CASES])
def test_probes(case):
    assert probes(case["text"], VECTORS["table"]) == case["probes"]
