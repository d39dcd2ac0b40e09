"""The HTML pages of the directory."""

from __future__ import annotations

from collections import Counter

from .site import Site


def write_pages(site: Site) -> None:
    write_home(site)
    for org in site.registry.organisations.values():
        write_org(site, org)


def write_home(site: Site) -> None:
    warning_days = site.settings["MULU_EXPIRY_WARNING_DAYS"]
    counts = Counter(o.public_status(site.today, warning_days) for o in site.registry.organisations.values())
    site.render("home.html", "index.html", counts=counts)


def write_org(site: Site, org) -> None:
    status = org.public_status(site.today, site.settings["MULU_EXPIRY_WARNING_DAYS"])
    site.render("org.html", f"org/{org.credit_code}/index.html", org=org, status=status)
