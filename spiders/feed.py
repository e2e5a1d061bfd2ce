"""``feed`` sources: RSS/Atom, parsed by feedparser from the bytes Scrapy fetched.

feedparser never downloads anything here: it gets a byte stream.  An entry
that carries its full text becomes a page directly; an entry with only a
summary is followed to its link for the full text.
"""
from __future__ import annotations

import html
import io
from datetime import datetime, timezone
from urllib.parse import urljoin

import feedparser
from scrapy.http import Response

from spiders import xmlsafe
from spiders.base import SourceSpider
from harvestkit.dates import feed_date

FULL_TEXT_MIN_CHARS = 200  # shorter entry content counts as a summary
DATE_KEYS = ("published", "updated", "created", "dc_date")


def parse_feed(body: bytes) -> feedparser.FeedParserDict:
    xmlsafe.refuse_entities(body)
    return feedparser.parse(io.BytesIO(body), resolve_relative_uris=False, sanitize_html=False)


def entry_date(entry) -> str | None:
    """The entry's date as ISO 8601, keeping the feed's own offset when it gives one."""
    for key in DATE_KEYS:
        found = feed_date(entry.get(key))
        if found:
            return found
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        return datetime(*parsed[:6], tzinfo=timezone.utc).isoformat()
    return None


def full_content(entry) -> str | None:
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if len(value) >= FULL_TEXT_MIN_CHARS and len(value) > len(entry.get("summary") or "") + 20:
            return value
    return None


def entry_page_html(title: str, date: str | None, source: str, content: str) -> str:
    """A detail page assembled from a full-text entry, for the same extractor."""
    meta = f'<meta name="ArticleTitle" content="{html.escape(title)}">'
    if date:
        meta += f'<meta name="PubDate" content="{html.escape(date)}">'
    if source:
        meta += f'<meta name="ContentSource" content="{html.escape(source)}">'
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{meta}<title>{html.escape(title)}</title></head>'
        f'<body><h1>{html.escape(title)}</h1><div id="zoom">{content}</div></body></html>'
    )


class FeedSpider(SourceSpider):
    name = "feed"
    start_callback = "parse_feed"

    def parse_feed(self, response: Response):
        self.listing.window = True  # a feed shows its latest entries, not the whole column
        if self.not_modified(response):
            return
        try:
            feed = parse_feed(response.body)
        except xmlsafe.UnsafeXML as exc:
            self.listing.failed = True
            yield self.error(response.url, "listing", str(exc))
            return
        take = self.max_pages * self.limits.entries_per_chunk
        if len(feed.entries) > take:
            self.listing.bound(f"the feed holds {len(feed.entries)} entries; read the first {take} "
                               f"(max_pages {self.max_pages} × entries_per_chunk {self.limits.entries_per_chunk})")
        found = 0
        self.listing.unseen_on_page = 0
        for entry in feed.entries[:take]:
            link = str(entry.get("link") or "").strip()
            if not link:
                continue
            found += 1
            try:
                out = list(self.feed_entry(entry, urljoin(response.url, link), response.url))
            except Exception as exc:  # noqa: BLE001 - one bad entry (link, date, text) never sinks the feed
                out = [self.error(link, "listing", f"bad feed entry: {type(exc).__name__}: {exc}")]
            yield from out
        if found == 0 and feed.bozo:
            self.listing.failed = True
            yield self.error(response.url, "listing", f"bad feed XML: {feed.get('bozo_exception')}")
            return
        yield from self.listing_done(response.url, found, empty=None if feed.entries else "订阅源中没有任何条目")

    def feed_entry(self, entry, url: str, feed_url: str):
        """What one entry gives: a detail request, a page (a full-text entry needs no
        request), an error (a refused link; a date no calendar has, the entry kept
        and dated by its page), or nothing (known and unchanged)."""
        title = " ".join((entry.get("title") or "").split())
        date = entry_date(entry)
        stated = next((entry.get(k) for k in DATE_KEYS if entry.get(k)), None)
        if stated and not date:
            yield self.error(url, "listing", f"unreadable date {str(stated)[:80]!r} in the feed; the entry is dated by its page")
        judged = self.judge(url, {"title": title, "date": date, "list_url": feed_url})
        if not isinstance(judged, tuple):
            if judged is not None:
                yield judged
            return
        decision, hint = judged
        content = full_content(entry)
        if not content:
            request = self.detail_request(url, hint, decision)
            if request is not None:
                yield request
            return
        body = entry_page_html(title, hint["date"], entry.get("author") or "", content)
        yield self.page_item(url, url, body.encode("utf-8"), "text/html; charset=utf-8", "utf-8", hint)
