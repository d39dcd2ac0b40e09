"""An Atom feed of the registry's events (notices, filings, changes, renewals, removals) and of
supervision: each 双随机 draw and each inspection result."""

from __future__ import annotations

import datetime as dt

from feedgenerator import Atom1Feed

from mulu.model import Event

from .directory import Entry
from .site import Site
from .supervision import feed_entries

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
    site.file(FEED_PATH, feed_bytes, site.directory.latest_events(FEED_ITEMS), feed_entries(site)[:FEED_ITEMS],
              site.settings["SITENAME"], site.settings["MULU_CENTRE"], site.siteurl)


def event_item(event: Event, entry: Entry, siteurl: str) -> dict:
    # The ledger only grows, so an organisation's n-th event keeps its identity across builds.
    position = entry.org.events.index(event) + 1
    return {"date": event.date, "title": f"{event.event}：{entry.org.name}", "link": f"{siteurl}/org/{entry.code}/",
            "summary": event_summary(event, entry), "id": f"urn:mulu:{entry.code}:{position}"}


def feed_bytes(latest: list[tuple[Event, Entry]], supervision: list[dict], sitename: str, author: str,
               siteurl: str) -> bytes:
    """The feed's newest entries: the registry's events and supervision's (a draw, a result)."""
    feed = Atom1Feed(
        title=f"{sitename} - 备案动态",
        link=f"{siteurl}/",
        description="新公示、备案、变更、延续与移出，双随机抽取与检查结果",
        language="zh-CN",
        feed_url=f"{siteurl}/{FEED_PATH}",
        author_name=author,
    )
    items = [event_item(event, entry, siteurl) for event, entry in latest] + supervision
    for item in sorted(items, key=lambda item: item["date"], reverse=True)[:FEED_ITEMS]:
        stamp = dt.datetime.combine(item["date"], dt.time(), TIMEZONE)
        feed.add_item(title=item["title"], link=item["link"], description=item["summary"], pubdate=stamp,
                      updateddate=stamp, unique_id=item["id"])
    return feed.writeString("utf-8").encode("utf-8")
