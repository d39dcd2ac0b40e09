"""The directory's own HTML pages: home, one page (and JSON twin) per organisation, one page per
occupation, the occupation index, the notice and removed lists, and the 404 page."""

from __future__ import annotations

import json

from mulu.model import EXPIRING, NOT_YET_VALID, NOTICE, REMOVED, VALID

from .directory import Entry, OccupationView, entry_digests, events_digest
from .site import Site
from .supervision import inspections_digest, org_inspections

# The Pelican page whose text tells readers how to object to a notice.
OBJECTION_PAGE = "notice-objection"


def write_pages(site: Site) -> None:
    """Every page of this module but the organisations' (see :func:`write_orgs`)."""
    write_home(site)
    write_occupations(site)
    write_notice(site)
    write_removed(site)
    site.render("404.html", "404.html", site.page_key("404"))


def write_home(site: Site) -> None:
    counts = site.directory.counts
    filed = counts[VALID] + counts[EXPIRING] + counts[NOT_YET_VALID]
    latest = site.directory.latest_events()
    key = site.page_key("home", repr(sorted(counts.items())), events_digest(latest))
    site.render("home.html", "index.html", key, counts=counts, filed=filed, latest=latest)


def write_orgs(site: Site, entries: list[Entry]) -> None:
    """Each organisation's page and JSON twin, each only if what it is made from changed: the page
    shows the day, the twin only the status for it."""
    page_keys = site.page_keys("org", [entry.digest + inspections_digest(site, entry.code) for entry in entries])
    twin_keys = site.data_keys("org.json", [entry.digest + entry.status.encode() for entry in entries])
    for entry, page_key, twin_key in zip(entries, page_keys, twin_keys):
        site.render("org.html", f"org/{entry.code}/index.html", page_key, entry=entry,
                    inspections=org_inspections(site, entry.code))
        path = f"org/{entry.code}.json"
        if not site.reuse(path, twin_key):
            site.write(path, json.dumps(org_record(entry), ensure_ascii=False, separators=(",", ":")), twin_key)


def text(value) -> str:
    return "" if value is None else str(value)


def org_record(entry: Entry) -> dict:
    """An organisation as its JSON twin: the registry's fields, the status for the day, the
    grants spelled out and the history."""
    org = entry.org
    return {
        "credit_code": org.credit_code,
        "name": org.name,
        "status": entry.status,
        "registry_status": org.status,
        "status_note": org.status_note,
        "filing_no": org.filing_no,
        "valid_from": text(org.valid_from),
        "valid_until": text(org.valid_until),
        "notice_from": text(org.notice_from),
        "notice_until": text(org.notice_until),
        "scope": org.scope,
        "org_type": org.org_type,
        "district": org.district,
        "district_code": entry.district_code,
        "address": org.address,
        "phone": org.phone,
        "website": org.website,
        "updated": text(org.updated),
        "occupations": [
            {"code": g.code, "name": g.name, "work_type": g.work_type, "levels": list(g.levels)}
            for g in org.grants
        ],
        "history": [
            {"date": text(c.event.date), "event": c.event.event, "document": c.event.document,
             "note": c.event.note, "changes": c.changes}
            for c in entry.history
        ],
    }


def write_occupations(site: Site) -> None:
    directory = site.directory
    for view in directory.occupations.values():
        site.render("occupation.html", f"occupation/{view.code}/index.html", occupation_key(site, view), occupation=view)
    # The index shows each occupation's code, title and count of organisations evaluating it.
    shown = [(major, [(v.code, v.title, v.evaluating_count) for v in views])
             for major, views in directory.occupations_by_major.items()]
    site.render("occupations.html", "occupations/index.html", site.page_key("occupations", repr(shown)),
                occupations=directory.occupations, occupations_by_major=directory.occupations_by_major)


def occupation_key(site: Site, view: OccupationView) -> bytes | None:
    """What an occupation's page shows: its holders, by level and group; a holder's grant and
    status come from its organisation's rows and the day."""
    groups = [(str(level), holders) for level, holders in view.by_level.items()]
    groups += [("pending", view.pending), ("former", view.former)]
    return site.page_key("occupation", view.code, view.title,
                         *(part for name, holders in groups for part in (name, entry_digests(h.entry for h in holders))))


def content_page(site: Site, slug: str):
    """A page from content/pages (hidden ones included), found by its slug."""
    pages = site.settings.get("pages", []) + site.settings.get("hidden_pages", [])
    return next(page for page in pages if page.slug == slug)


def write_notice(site: Site) -> None:
    entries = site.directory.by_status.get(NOTICE, [])
    objection = content_page(site, OBJECTION_PAGE)  # content pages are not in the build's keys
    key = site.page_key("notice", objection.title, objection.content, entry_digests(entries))
    site.render("notice.html", "notice/index.html", key, entries=entries, objection=objection)


def write_removed(site: Site) -> None:
    entries = sorted(site.directory.by_status.get(REMOVED, []), key=lambda e: e.org.removed_on or e.org.updated, reverse=True)
    site.render("removed.html", "removed/index.html", site.page_key("removed", entry_digests(entries)), entries=entries)
