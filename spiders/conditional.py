"""Conditional GET everywhere, and a count of requests by kind.

Listing, feed and sitemap requests, and revisits of known detail pages, carry
``If-None-Match`` / ``If-Modified-Since`` from the last fetch; a 304 reaches
the spider, which treats it as "unchanged".  New validators are collected on
the harvest context and stored when the run closes.
"""
from __future__ import annotations

from spiders.middleware import CrawlerMiddleware

from urllib.parse import urlsplit


class ConditionalGetMiddleware(CrawlerMiddleware):
    def process_request(self, request, spider=None):
        if request.method != "GET" or request.meta.get("unconditional"):
            return None
        if request.meta.get("stage") == "listing" and not self.spider.state.trust_listing:
            return None  # the last run did not finish its listing: read it all again
        etag, modified = self.context.validators.get(request.url, (None, None))
        if etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = etag
        if modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = modified
        return None

    def process_response(self, request, response, spider=None):
        spider = self.spider
        kind = "robots" if urlsplit(request.url).path == "/robots.txt" else request.meta.get("stage", "other")
        counts = spider.request_counts
        counts[kind] = counts.get(kind, 0) + 1
        if response.status == 304:
            counts["not_modified"] = counts.get("not_modified", 0) + 1
        elif response.status == 200 and request.method == "GET" and kind != "robots":
            etag = response.headers.get(b"ETag")
            modified = response.headers.get(b"Last-Modified")
            if etag or modified:
                self.context.new_validators.setdefault(spider.source_id, {})[request.url] = (
                    etag.decode("latin-1") if etag else None,
                    modified.decode("latin-1") if modified else None,
                )
        return response
