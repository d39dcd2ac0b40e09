"""An Atom feed of the registry's events: notices, filings, changes, renewals, removals."""

from __future__ import annotations

import datetime as dt

from feedgenerator import Atom1Feed

from mulu.model import Event

from .directory import Entry
from .site import Site

FEED_PATH = "feeds/events.atom.xml"
FEED_ITEMS = 50
TIMEZONE = dt.timezone(dt.timedelta(hours=8))  # the bureau's day: events are dated in Beijing time


def event_summary(event, entry) -> str:
    parts = [f"{entry.org.name}：{event.event}"]
    if event.document:
        parts.append(f"文号 {event.document}")
    if event.note:
        parts.append(event.note)
    return "；".join(parts)


def write_feeds(site: Site) -> None:
    site.file(FEED_PATH, feed_bytes, site.directory.latest_events(FEED_ITEMS), site.settings["SITENAME"],
              site.settings["MULU_CENTRE"], site.siteurl)


def feed_bytes(latest: list[tuple[Event, Entry]], sitename: str, author: str, siteurl: str) -> bytes:
    feed = Atom1Feed(
        title=f"{sitename} - 备案动态",
        link=f"{siteurl}/",
        description="新公示、备案、变更、延续与移出",
        language="zh-CN",
        feed_url=f"{siteurl}/{FEED_PATH}",
        author_name=author,
    )
    for event, entry in latest:
        stamp = dt.datetime.combine(event.date, dt.time(), TIMEZONE)
        # The ledger only grows, so an organisation's n-th event keeps its identity across builds.
        position = entry.org.events.index(event) + 1
        feed.add_item(
            title=f"{event.event}：{entry.org.name}",
            link=f"{siteurl}/org/{entry.code}/",
            description=event_summary(event, entry),
            pubdate=stamp,
            updateddate=stamp,
            unique_id=f"urn:mulu:{entry.code}:{position}",
        )
    return feed.writeString("utf-8").encode("utf-8")
