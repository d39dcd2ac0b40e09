"""The /verify/ page, the compact authorisation files it answers from (``verify/meta.json`` and
the bucket files ``verify/k/{n}.json``, see :func:`mulu.verify.compact`), and the authorisation
timeline on each organisation's page."""

from __future__ import annotations

import json

from jinja2 import Environment

from mulu.model import Organisation, Registry
from mulu.verify import Names, compact, data_date, timeline

from .site import Site

META = "verify/meta.json"
BUCKET = "verify/k/{n}.json"


def compact_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_verify(site: Site) -> None:
    as_of = data_date(site.registry, site.today)
    data = compact(site.registry, as_of, site.settings["MULU_PROVINCE_CODE"], site.settings["MULU_CITY_NAME"])
    site.write(META, compact_json(data["meta"]))
    for number, organisations in enumerate(data["buckets"]):
        site.write(BUCKET.format(n=number), compact_json(organisations))
    levels = site.registry.reference.levels
    site.render("verify.html", "verify/index.html", as_of=as_of, levels=[levels[n] for n in sorted(levels, reverse=True)],
                occupations=data["occupations"], meta_url=site.url(META), bucket_url=site.url(BUCKET),
                org_url=site.url("org/{code}/"))


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
