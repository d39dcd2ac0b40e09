"""The 备案回执: a printable HTML receipt of a filing (organisation, number, term, occupations)."""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .grants import parse_occupations
from .reference import Reference

TEMPLATES = Path(__file__).parent / "templates"
# The events after which the filing's receipt is (re)issued.
ISSUING_EVENTS = ("备案", "变更", "延续")


def receipt_path(folder: Path, row: dict[str, str]) -> Path:
    return Path(folder) / f"{row['credit_code']}-{row['filing_no']}.html"


def render_receipt(row: dict[str, str], events: list[dict[str, str]], reference: Reference, settings: dict) -> str:
    """The receipt for an organisation's current filing, from its registry cells and events."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    grants, _ = parse_occupations(row["occupations"])
    own = [e for e in events if e["credit_code"] == row["credit_code"]]
    filing = next(e for e in reversed(own) if e["event"] == "备案")
    issued = next(e for e in reversed(own) if e["event"] in ISSUING_EVENTS)
    occupations = [
        {"code": g.code, "title": g.title, "levels": reference.levels_text(g.levels),
         "labels": "、".join(reference.levels[level].label for level in g.levels)}
        for g in grants
    ]
    return environment.get_template("receipt.html").render(
        org=row, filing=filing, issued=issued, occupations=occupations,
        changes=[e for e in own if e["date"] >= filing["date"] and e["event"] in ISSUING_EVENTS],
        centre=settings["MULU_CENTRE"], bureau=settings["MULU_BUREAU"], city=settings["MULU_CITY_NAME"],
    )


def write_receipt(folder: str | Path, row: dict[str, str], events: list[dict[str, str]],
                  reference: Reference, settings: dict) -> Path:
    """Write the receipt beside its siblings; a reader never sees half a file."""
    path = receipt_path(Path(folder), row)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(render_receipt(row, events, reference, settings), encoding="utf-8")
    os.replace(temporary, path)
    return path
