"""The directory's own HTML pages: home, one page (and JSON twin) per organisation, one page per
occupation, the occupation index, the notice and removed lists, and the 404 page."""

from __future__ import annotations

import json

from mulu.model import EXPIRING, NOT_YET_VALID, NOTICE, REMOVED, VALID

from .directory import Entry, OccupationView, entry_digests
from .site import Site

# The Pelican page whose text tells readers how to object to a notice.
OBJECTION_PAGE = "notice-objection"


def write_pages(site: Site) -> None:
    """Every page of this module but the organisations' (see :func:`write_orgs`)."""
    write_home(site)
    write_occupations(site)
    write_notice(site)
    write_removed(site)
    site.render("404.html", "404.html")


def write_home(site: Site) -> None:
    counts = site.directory.counts
    filed = counts[VALID] + counts[EXPIRING] + counts[NOT_YET_VALID]
    site.render("home.html", "index.html", counts=counts, filed=filed, latest=site.directory.latest_events())


def write_orgs(site: Site, entries: list[Entry]) -> None:
    for entry in entries:
        write_org(site, entry)


def write_org(site: Site, entry: Entry) -> None:
    """Its page and JSON twin, each only if what it is made from changed: the page shows the day,
    the twin only the status for it."""
    site.render("org.html", f"org/{entry.code}/index.html", site.page_key("org", entry.digest), entry=entry)
    path, key = f"org/{entry.code}.json", site.data_key("org.json", entry.digest, entry.status)
    if not site.reuse(path, key):
        site.write(path, json.dumps(org_record(entry), ensure_ascii=False, separators=(",", ":")), key)


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
    site.render("occupations.html", "occupations/index.html",
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
    site.render("notice.html", "notice/index.html", entries=entries, objection=content_page(site, OBJECTION_PAGE))


def write_removed(site: Site) -> None:
    entries = sorted(site.directory.by_status.get(REMOVED, []), key=lambda e: e.org.removed_on or e.org.updated, reverse=True)
    site.render("removed.html", "removed/index.html", entries=entries)
