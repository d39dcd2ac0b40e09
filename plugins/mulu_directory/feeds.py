"""An Atom feed of the registry's events (notices, filings, changes, renewals, removals) and of
supervision: each 双随机 draw and each inspection result."""

from __future__ import annotations

import datetime as dt

from feedgenerator import Atom1Feed

from mulu.model import Event

from .directory import Entry, events_digest
from .site import Site
from .supervision import feed_entries, load

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
    latest = site.directory.latest_events(FEED_ITEMS)
    key = site.data_key("feed", events_digest(latest), load(site).digest)
    if not site.reuse(FEED_PATH, key):
        site.write(FEED_PATH, feed_bytes(site, latest), key)


def event_item(site: Site, event: Event, entry: Entry) -> dict:
    # The ledger only grows, so an organisation's n-th event keeps its identity across builds.
    position = entry.org.events.index(event) + 1
    return {"date": event.date, "title": f"{event.event}：{entry.org.name}", "link": site.url(f"org/{entry.code}/"),
            "summary": event_summary(event, entry), "id": f"urn:mulu:{entry.code}:{position}"}


def feed_bytes(site: Site, latest: list[tuple[Event, Entry]]) -> bytes:
    feed = Atom1Feed(
        title=f"{site.settings['SITENAME']} - 备案动态",
        link=site.url(""),
        description="新公示、备案、变更、延续与移出，双随机抽取与检查结果",
        language="zh-CN",
        feed_url=site.url(FEED_PATH),
        author_name=site.settings["MULU_CENTRE"],
    )
    items = [event_item(site, event, entry) for event, entry in latest] + feed_entries(site)[:FEED_ITEMS]
    for item in sorted(items, key=lambda item: item["date"], reverse=True)[:FEED_ITEMS]:
        stamp = dt.datetime.combine(item["date"], dt.time(), TIMEZONE)
        feed.add_item(title=item["title"], link=item["link"], description=item["summary"], pubdate=stamp,
                      updateddate=stamp, unique_id=item["id"])
    return feed.writeString("utf-8").encode("utf-8")
