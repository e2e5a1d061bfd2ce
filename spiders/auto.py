"""``auto`` sources: look at the URL's response and read it the right way.

Order: a feed or sitemap document itself; a JSON document; a page that links
its feed with ``<link rel="alternate">``; Hanweb JPaaS (``unitbuild.js``) and
JCMS (datastore, dataproxy.jsp, jpage) markers; TRS WCM markers; and finally
list detection (HTML blocks or inline JSON) with whatever pager the page has.
``detected`` and ``detected_reason`` say what was chosen and why.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from scrapy.http import Response

from spiders import hanweb_markup
from spiders.feed import FeedSpider
from spiders.hanweb import HanwebSpider
from spiders.jsonapi import JsonSpider
from spiders.listing import ListSpider
from spiders.sitemap import SitemapSpider

FEED_LINK = re.compile(
    r"<link\b[^>]*\brel\s*=\s*[\"']?alternate[^>]*>", re.I
)
FEED_TYPE = re.compile(r"type\s*=\s*[\"']application/(rss|atom)\+xml", re.I)
HREF = re.compile(r"href\s*=\s*[\"']([^\"']+)", re.I)
TRS = re.compile(r"createPageHTML\s*\(|pageChnlInfo|var\s+countPage\s*=|TRS_Editor|trs_paging", re.I)


def sniff(body: bytes) -> str | None:
    """'feed' or 'sitemap' for XML documents, 'json' for JSON, else None."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if head[:1] in (b"{", b"["):
        return "json"
    return None


def feed_link(text: str, base_url: str) -> str | None:
    for tag in FEED_LINK.findall(text[:200_000]):
        if FEED_TYPE.search(tag):
            href = HREF.search(tag)
            if href:
                return urljoin(base_url, href.group(1).strip())
    return None


class AutoSpider(FeedSpider, HanwebSpider, JsonSpider, ListSpider, SitemapSpider):
    name = "auto"
    start_callback = "parse_auto"
    detected_reason = ""

    def choose(self, kind: str, reason: str) -> None:
        self.detected, self.detected_reason = kind, reason

    def parse_auto(self, response: Response):
        kind = sniff(response.body)
        if kind == "feed":
            self.choose("feed", "the address answers an RSS/Atom feed")
            yield from self.parse_feed(response)
            return
        if kind == "sitemap":
            self.choose("sitemap", "the address answers a sitemap")
            yield from self.parse_sitemap(response)
            return
        if kind == "json":
            self.choose("json", "the address answers JSON")
            yield from self.parse_json(response)
            return
        text = response.text
        link = feed_link(text, response.url)
        if link:
            self.choose("feed", f"the page links its feed {link} (<link rel=\"alternate\">)")
            yield from self.follow(link, self.parse_feed, stage="listing")
            return
        if hanweb_markup.jpaas_column(text, response.url) is not None:
            self.choose("hanweb", "Hanweb JPaaS column: unitbuild.js with queryData")
            yield from self.parse_hanweb(response)
            return
        if hanweb_markup.RECORD.search(text) or hanweb_markup.MARKERS.search(text):
            self.choose("hanweb", "Hanweb JCMS column: <datastore> records / dataproxy.jsp / jpage")
            yield from self.parse_hanweb(response)
            return
        if TRS.search(text):
            self.choose("trs", "TRS WCM page: createPageHTML / countPage / pageChnlInfo / TRS_Editor")
        else:
            self.choose("list", "an HTML page: list detection")
        yield from self.parse_list(response)
