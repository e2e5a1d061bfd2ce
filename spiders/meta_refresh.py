"""Scrapy's meta-refresh redirects: http(s) targets only, and without the crash on
a hostile refresh target.

A page with ``<meta http-equiv="refresh" content="0;url=javascript:…">`` makes
Scrapy's MetaRefreshMiddleware raise while building the redirect request, and
the page is lost; a refresh to ``file:///etc/passwd`` is quietly not followed.
Either is no redirect for us: the page is kept as it is (its HTML is sanitized
like any other) and the refused target is recorded on the run.  Refreshes to
http(s) URLs are followed as before, through the address guard like every
request.
"""
from __future__ import annotations

from urllib.parse import urljoin

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse
from scrapy.utils.response import get_meta_refresh

from harvestkit.urls import fetch_refusal
from spiders.middleware import CrawlerMiddleware

# Scrapy looks for a refresh in the first 4,096 characters of the decoded page: at most
# 4 bytes a character (UTF-8, GB18030, UTF-32), and a byte-order mark.
HEAD_BYTES = 4 * 4096 + 4
# "refresh" as ASCII-compatible encodings, UTF-16 and UTF-32 spell it (bytes.lower()
# folds ASCII letters only, so the UTF-16/32 forms fold too).
REFRESH_SPELLINGS = (b"refresh", "refresh".encode("utf-16-le"), "refresh".encode("utf-32-le"))


def no_refresh_in(body: bytes) -> bool:
    """True when the page certainly has no meta refresh: a "<" where ASCII, UTF-16 and
    UTF-32 put it (an EBCDIC page has none, and goes Scrapy's way), and no "refresh"
    in any of their spellings.  Spares decoding the whole page only to find nothing
    (the extraction worker decodes it anyway)."""
    head = body[:HEAD_BYTES]
    if b"<" not in head:
        return False
    head = head.lower()
    return not any(spelling in head for spelling in REFRESH_SPELLINGS)


class SafeMetaRefreshMiddleware(MetaRefreshMiddleware):
    def __init__(self, settings, crawler=None):
        super().__init__(settings)
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings, crawler)

    def process_response(self, request, response, spider=None):
        if isinstance(response, HtmlResponse) and no_refresh_in(response.body):
            return response  # what Scrapy would return, without decoding the page to look
        refused = self.refused_target(request, response)
        if refused:
            spider = CrawlerMiddleware(self.crawler).spider
            if hasattr(spider, "record_error"):
                spider.record_error(request.url, request.meta.get("stage", "fetch"), f"meta refresh: {refused}")
            return response
        try:
            return super().process_response(request, response)
        except ValueError:  # "Missing scheme in request url": already refused above
            return response

    def refused_target(self, request, response) -> str | None:
        if request.meta.get("dont_redirect") or not isinstance(response, HtmlResponse):
            return None
        try:
            interval, url = get_meta_refresh(response, ignore_tags=self._ignore_tags)
        except ValueError:
            return None
        if not url or interval >= self._maxdelay:
            return None
        return fetch_refusal(urljoin(request.url, url))
