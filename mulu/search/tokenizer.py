"""Split text into search tokens; ``theme/static/js/tokenizer.js`` is the same code in JavaScript.

Both are checked against ``tests/data/tokenizer-vectors.json``, so the index built here and the
queries typed in the browser always agree.

- NFKC first, so full-width letters, digits and punctuation become their half-width forms.
- A run of Han characters gives its overlapping bigrams and its last character alone, so that
  every character starts some token and a one-character query can be a prefix search.
- A run of ASCII letters and digits is one lower-cased token; hyphens inside it are dropped, so
  ``021-67723560`` and ``6-31-01-03`` are single tokens a query can reach by prefix.
- Everything else (punctuation, spaces, other scripts) only separates tokens.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Kept identical to HAN in tokenizer.js: 〇, Extension A, the main block, compatibility
# ideographs, and the whole of planes 2 and 3 (Extensions B to H).
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
TOKEN_RUN = re.compile(f"([{HAN}]+)|([0-9A-Za-z]+(?:-[0-9A-Za-z]+)*)")
MAX_QUERY_TERMS = 32  # a pasted paragraph should not become hundreds of clauses


@dataclass(frozen=True)
class QueryTerm:
    term: str
    prefix: bool  # matches every token starting with ``term``

    def __str__(self) -> str:
        return self.term + ("*" if self.prefix else "")


def runs(text: str) -> list[tuple[str, str]]:
    """``("han", run)`` and ``("word", token)`` pairs in reading order."""
    normal = unicodedata.normalize("NFKC", text)
    return [("han", han) if han else ("word", word.replace("-", "").lower())
            for han, word in TOKEN_RUN.findall(normal)]


def han_tokens(run: str) -> list[str]:
    bigrams = [run[i:i + 2] for i in range(len(run) - 1)]
    return bigrams + [run[-1]]


def tokens(text: str) -> list[str]:
    """The tokens indexed for ``text``, repeats kept (they count as term frequency)."""
    found: list[str] = []
    for kind, run in runs(text):
        found.extend(han_tokens(run) if kind == "han" else [run])
    return found


def query_terms(text: str) -> list[QueryTerm]:
    """What a typed query looks for: bigrams exactly; a lone Han character and every word by
    prefix (the word may still be being typed). A run's last character is left out of the
    query: the bigram ending in it already requires it."""
    terms: list[QueryTerm] = []
    for kind, run in runs(text):
        if kind == "word" or len(run) == 1:
            terms.append(QueryTerm(run, prefix=True))
        else:
            terms.extend(QueryTerm(bigram, prefix=False) for bigram in han_tokens(run)[:-1])
    unique = list(dict.fromkeys(terms))
    return unique[:MAX_QUERY_TERMS]
