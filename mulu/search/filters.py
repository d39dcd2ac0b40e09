"""The organisations each filter keeps, by ref, so that the page filters by district, type,
level and occupation without the facts of every organisation (``facets.json``, a hundred KB
gzipped at 25,000 organisations): a query names a few of these small files.

``search/filters/d/{n}.txt`` (district ``n`` of the manifest's list), ``t/{n}.txt`` (type) and
``l/{level}.txt`` (any occupation at that level) are one line: ``*`` and the refs as gaps
(:func:`index.gaps_text`). ``o/{code}.txt`` has a line per level the occupation is held at: the
level's digit and the refs that may evaluate it at that level. Every district, type and level
has its file, empty or not; an occupation has one when some organisation holds it.
"""

from __future__ import annotations

from collections import defaultdict

from ..model import Organisation
from .index import decode_gaps, gaps_text

ALL = "*"
FILTERS = "filters/"  # the folder of the filter files, under search/


def filter_files(orgs: list[Organisation], districts: list[str], types: list[str], levels: list[int]) -> dict[str, bytes]:
    """Every filter file, by path under ``search/``, for the organisations in ref order."""
    by_district, by_type = defaultdict(list), defaultdict(list)
    by_level: dict[int, list[int]] = defaultdict(list)
    by_grant: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for ref, org in enumerate(orgs):
        by_district[org.district].append(ref)
        by_type[org.org_type].append(ref)
        for level in sorted({level for grant in org.grants for level in grant.levels}):
            by_level[level].append(ref)
        for grant in org.grants:
            for level in grant.levels:
                if not by_grant[grant.code][level] or by_grant[grant.code][level][-1] != ref:
                    by_grant[grant.code][level].append(ref)
    files = {f"{FILTERS}d/{n}.txt": line(ALL, by_district[name]) for n, name in enumerate(districts)}
    files |= {f"{FILTERS}t/{n}.txt": line(ALL, by_type[name]) for n, name in enumerate(types)}
    files |= {f"{FILTERS}l/{level}.txt": line(ALL, by_level[level]) for level in levels}
    for code, refs in by_grant.items():
        files[f"{FILTERS}o/{code}.txt"] = b"\n".join(line(str(level), refs[level]) for level in sorted(refs, reverse=True))
    return files


def line(label: str, refs: list[int]) -> bytes:
    return (label + gaps_text(refs)).encode("ascii")


def decode_filter(text: str) -> dict[str, list[int]]:
    """A filter file read back: the refs of each line, by its label (``*`` or a level)."""
    return {row[0]: decode_gaps(row[1:]) for row in text.split("\n") if row}
