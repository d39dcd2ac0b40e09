"""The /verify/ page, the compact authorisation files it answers from (``verify/meta.json`` and
the bucket files ``verify/k/{n}.json``, see :func:`mulu.verify.compact`), and the authorisation
timeline on each organisation's page."""

from __future__ import annotations

import json
from itertools import chain

from jinja2 import Environment

from mulu.model import Organisation, Registry
from mulu.verify import (Layout, Names, Placement, Timeline, compact_meta, compact_timeline, data_date, occupation_names,
                         placement, timeline)

from .site import Site, each

META = "verify/meta.json"
BUCKET = "verify/k/{n}.json"


def compact_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_verify(site: Site) -> None:
    """The files of :func:`mulu.verify.compact`. A bucket file whose organisations' rows and the
    occupations' numbering are unchanged is not made again, and neither are the timelines of
    its organisations."""
    registry = site.registry
    as_of = data_date(registry, site.today)
    lines: dict[str, Timeline] = {}

    def line(code: str) -> Timeline:
        if code not in lines:
            lines[code] = timeline(registry.organisations[code])
        return lines[code]

    codes = list(registry.organisations)
    # Kept as plain tuples, which unpickle several times faster than named ones.
    groups = site.by_groups("verify-placements", codes, site.digests,
                            each(lambda group: [tuple(placement(line(code))) for code in group]))
    layout = Layout(dict(zip(codes, map(Placement._make, chain.from_iterable(groups)))))
    numbering = repr(layout.occupations)
    for number, bucket in enumerate(layout.buckets):
        path = BUCKET.format(n=number)
        key = site.data_key("verify-bucket", numbering, b"".join([registry.digests[code] for code in bucket]))
        if not site.reuse(path, key):
            site.write(path, compact_json([compact_timeline(line(code), layout.occupation_index) for code in bucket]), key)
    site.write(META, compact_json(compact_meta(registry.reference, as_of, site.settings["MULU_PROVINCE_CODE"],
                                               site.settings["MULU_CITY_NAME"], layout.count)))
    levels = registry.reference.levels
    site.render("verify.html", "verify/index.html", data_date=site.directory.data_date, levels=[levels[n] for n in sorted(levels, reverse=True)],
                occupations=occupation_names(registry.reference, layout), meta_url=site.url(META),
                bucket_url=site.url(BUCKET), org_url=site.url("org/{code}/"))


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
