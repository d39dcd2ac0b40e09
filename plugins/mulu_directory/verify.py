"""The /verify/ page, the compact authorisation files it answers from (``verify/meta.json`` and
the bucket files ``verify/k/{n}.json``, see :func:`mulu.verify.compact`), and the authorisation
timeline on each organisation's page."""

from __future__ import annotations

from functools import lru_cache
from itertools import chain

from jinja2 import Environment

from mulu.jsonio import compact_json
from mulu.model import Organisation, Registry
from mulu.verify import (Layout, Names, Placement, Timeline, compact_meta, compact_timeline, data_date, occupation_names,
                         placement, timeline)

from .site import Site

META = "verify/meta.json"
BUCKET = "verify/k/{n}.json"


def write_verify(site: Site) -> None:
    """The files of :func:`mulu.verify.compact`, and the page."""
    registry = site.registry
    as_of = data_date(registry, site.today)
    lines = Timelines()
    placements = chain.from_iterable(site.parts("verify-placements", lines.placement_groups,
                                                list(registry.organisations.values())))
    layout = Layout(dict(zip(registry.organisations, map(Placement._make, placements))))
    occupations = tuple(layout.occupations)  # one tuple for every bucket: its key is worked out once
    for number, bucket in enumerate(layout.buckets):
        site.file(BUCKET.format(n=number), lines.bucket_json, [registry.organisations[code] for code in bucket], occupations)
    site.write(META, compact_json(compact_meta(registry.reference, as_of, site.settings["MULU_PROVINCE_CODE"],
                                               site.settings["MULU_CITY_NAME"], layout.count)))
    levels = registry.reference.levels
    site.render("verify.html", "verify/index.html", levels=[levels[n] for n in sorted(levels, reverse=True)],
                occupations=occupation_names(registry.reference, layout), meta_url=site.url(META),
                bucket_url=site.url(BUCKET), org_url=site.url("org/{code}/"))


class Timelines:
    """Organisations' timelines, each made once: its placement and its bucket both need it."""

    def __init__(self):
        self.made: dict[str, Timeline] = {}

    def of(self, org: Organisation) -> Timeline:
        line = self.made.get(org.credit_code)
        if line is None:
            line = self.made[org.credit_code] = timeline(org)
        return line

    def placement_groups(self, groups: list[list[Organisation]]) -> list[list[tuple]]:
        """Each organisation's :class:`~mulu.verify.Placement`, as a plain tuple (which keeps small)."""
        return [[tuple(placement(self.of(org))) for org in group] for group in groups]

    def bucket_json(self, orgs: list[Organisation], occupations: tuple[str, ...]) -> str:
        index = numbering(occupations)
        return compact_json([compact_timeline(self.of(org), index) for org in orgs])


@lru_cache(maxsize=1)
def numbering(occupations: tuple[str, ...]) -> dict[str, int]:
    return {code: index for index, code in enumerate(occupations)}


def timeline_rows(org: Organisation, names: Names) -> list[dict]:
    """One row per authorisation interval: occupation, levels, first and last day, the documents."""
    line = timeline(org)
    return [{
        "occupation": names.occupation(i.code),
        "levels": names.levels(i.levels),
        "start": i.start,
        "end": i.end,
        "opened": line.events[i.opened],
        "closed": line.events[i.closed] if i.closed is not None else None,
    } for i in line.intervals]


def configure(env: Environment, registry: Registry) -> None:
    names = Names(registry.reference)
    env.filters["authorisation_timeline"] = lambda org: timeline_rows(org, names)
