"""The directory's own HTML pages: home, one page (and JSON twin) per organisation, one page per
occupation, the occupation index, the notice and removed lists, and the 404 page."""

from __future__ import annotations

from dataclasses import dataclass

from mulu.jsonio import compact_json
from mulu.model import EXPIRING, NOT_YET_VALID, NOTICE, REMOVED, VALID

from .directory import Entry
from .site import Site
from .supervision import org_inspections

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
    """Each organisation's page and its JSON twin."""
    for entry in entries:
        site.render("org.html", f"org/{entry.code}/index.html", entry=entry, data_date=entry.data_date,
                    inspections=org_inspections(site, entry.code))
        site.file(f"org/{entry.code}.json", org_json, entry)


def org_json(entry: Entry) -> str:
    return compact_json(org_record(entry))


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


@dataclass(frozen=True)
class OccupationLink:
    """An occupation as the index lists it."""

    code: str
    title: str
    evaluating_count: int


def write_occupations(site: Site) -> None:
    directory = site.directory
    for view in directory.occupations.values():
        site.render("occupation.html", f"occupation/{view.code}/index.html", occupation=view,
                    data_date=directory.data_date_of([holder.entry for holder in view.holders]))
    by_major = {major: [OccupationLink(v.code, v.title, v.evaluating_count) for v in views]
                for major, views in directory.occupations_by_major.items()}
    site.render("occupations.html", "occupations/index.html", occupations_by_major=by_major,
                count=len(directory.occupations))


@dataclass(frozen=True)
class ContentText:
    """A content page's text, as another page includes it."""

    title: str
    content: str


def content_text(site: Site, slug: str) -> ContentText:
    """A page from content/pages (hidden ones included), found by its slug."""
    page = next(page for page in [*site.pages, *site.hidden_pages] if page.slug == slug)
    return ContentText(page.title, page.content)


def write_notice(site: Site) -> None:
    entries = site.directory.by_status.get(NOTICE, [])
    site.render("notice.html", "notice/index.html", entries=entries, objection=content_text(site, OBJECTION_PAGE),
                data_date=site.directory.data_date_of(entries))


def write_removed(site: Site) -> None:
    entries = sorted(site.directory.by_status.get(REMOVED, []), key=lambda e: e.org.removed_on or e.org.updated, reverse=True)
    site.render("removed.html", "removed/index.html", entries=entries, data_date=site.directory.data_date_of(entries))
