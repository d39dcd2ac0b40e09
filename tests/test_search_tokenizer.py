"""The Python tokenizer against the vectors tests/js/tokenizer.test.js checks the JavaScript one
against: the index and the queries typed in the browser split text the same way."""

import json
from pathlib import Path

import pytest

from mulu.search.tokenizer import query_terms, tokens

VECTORS = json.loads((Path(__file__).parent / "data" / "tokenizer-vectors.json").read_text("utf-8"))


@pytest.mark.parametrize("case", VECTORS, ids=[case["note"] for case in VECTORS])
def test_index_tokens(case):
    assert tokens(case["text"]) == case["tokens"]


@pytest.mark.parametrize("case", VECTORS, ids=[case["note"] for case in VECTORS])
def test_query_terms(case):
    assert [str(term) for term in query_terms(case["text"])] == case["query"]


def test_a_pasted_paragraph_is_cut_to_a_bounded_query():
    assert len(query_terms(" ".join(str(n) for n in range(100)))) == 32
