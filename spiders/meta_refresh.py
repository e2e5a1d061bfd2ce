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


class SafeMetaRefreshMiddleware(MetaRefreshMiddleware):
    def __init__(self, settings, crawler=None):
        super().__init__(settings)
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings, crawler)

    def process_response(self, request, response, spider=None):
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
