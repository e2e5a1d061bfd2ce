"""``auto`` sources: look at the URL's response and read it the right way.

Order: a feed or sitemap document itself; a page that links its feed with
``<link rel="alternate">``; Hanweb JCMS markers; TRS ``createPageHTML``; and
finally automatic list detection.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from scrapy.http import Response

from spiders.feed import FeedSpider
from spiders.hanweb import HanwebSpider
from spiders.listing import ListSpider
from spiders.sitemap import SitemapSpider

FEED_LINK = re.compile(
    r"<link\b[^>]*\brel\s*=\s*[\"']?alternate[^>]*>", re.I
)
FEED_TYPE = re.compile(r"type\s*=\s*[\"']application/(rss|atom)\+xml", re.I)
HREF = re.compile(r"href\s*=\s*[\"']([^\"']+)", re.I)
HANWEB = re.compile(r"<datastore>|/module/web/jpage/dataproxy|jpage\(", re.I)


def sniff(body: bytes) -> str | None:
    """'feed' or 'sitemap' for XML documents, else None."""
    head = body[:2048].lstrip().lower()
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    return None


def feed_link(text: str, base_url: str) -> str | None:
    for tag in FEED_LINK.findall(text[:200_000]):
        if FEED_TYPE.search(tag):
            href = HREF.search(tag)
            if href:
                return urljoin(base_url, href.group(1).strip())
    return None


class AutoSpider(FeedSpider, HanwebSpider, ListSpider, SitemapSpider):
    name = "auto"
    start_callback = "parse_auto"

    def parse_auto(self, response: Response):
        kind = sniff(response.body)
        if kind == "feed":
            self.detected = "feed"
            yield from self.parse_feed(response)
            return
        if kind == "sitemap":
            self.detected = "sitemap"
            yield from self.parse_sitemap(response)
            return
        text = response.text
        link = feed_link(text, response.url)
        if link:
            self.detected = "feed"
            yield from self.follow(link, self.parse_feed, stage="listing")
            return
        if HANWEB.search(text):
            self.detected = "hanweb"
            yield from self.parse_hanweb(response)
            return
        self.detected = "list"
        yield from self.parse_list(response)
