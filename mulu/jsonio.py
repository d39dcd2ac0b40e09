"""JSON as the site publishes it: UTF-8 text, Chinese as it is (not ``\\u`` escapes)."""

from __future__ import annotations

import json


def compact_json(value) -> str:
    """Without spaces: for files scripts read."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def compact_json_bytes(value) -> bytes:
    return compact_json(value).encode("utf-8")


def readable_json(value) -> str:
    """Indented by one space: for files people open."""
    return json.dumps(value, ensure_ascii=False, indent=1)
