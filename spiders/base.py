"""What every access-pattern spider shares: one source, detail pages, errors.

A spider harvests exactly one registry source.  It yields two kinds of items:
``{"kind": "page", ...}`` for a fetched detail page (raw bytes: extraction
happens in the pipeline) and ``{"kind": "error", ...}`` for anything that went
wrong, so the run records every failure with its URL and stage.
"""
from __future__ import annotations

from typing import Any, Iterable

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "application/xml", "text/xml")


class SourceSpider(scrapy.Spider):
    """Base class.  Subclasses set ``start_callback`` to the method that reads the
    source URL (a feed, a list page, a Hanweb column, a sitemap)."""

    name = "source"
    start_callback = "parse_list"
    #: a source whose listing yields nothing is an error, never a quiet column
    empty_listing_is_error = True

    def __init__(self, source: dict[str, Any], unit_id: str, **kwargs: Any):
        super().__init__(name=f"source:{source['id']}", **kwargs)
        self.source = source
        self.source_id: str = source["id"]
        self.unit_id = unit_id
        self.max_pages: int = source.get("max_pages") or 5
        self.listed = 0  # detail pages found in listings

    # -- requests ---------------------------------------------------------------
    def request(self, url: str, callback, stage: str, **kwargs: Any) -> scrapy.Request:
        meta = kwargs.pop("meta", {})
        meta.update(stage=stage, source_id=self.source_id, allow_private=bool(self.source.get("allow_private")))
        meta.setdefault("download_timeout", self.source.get("timeout") or 30)
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, **kwargs)

    async def start(self):
        yield self.request(self.source["url"], getattr(self, self.start_callback), stage="listing")

    def detail(self, url: str, hint: dict[str, Any] | None = None) -> scrapy.Request:
        self.listed += 1
        return self.request(url, self.parse_detail, stage="detail", meta={"hint": hint or {}})

    # -- responses --------------------------------------------------------------
    def parse_detail(self, response: Response) -> Iterable[dict[str, Any]]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if content_type and not content_type.startswith(HTML_TYPES):
            yield self.error(response.url, "detail", f"not an HTML page ({content_type})")
            return
        yield self.page(response, response.meta.get("hint") or {})

    def page(self, response: Response, hint: dict[str, Any]) -> dict[str, Any]:
        return {
            "kind": "page",
            "source_id": self.source_id,
            "unit_id": self.unit_id,
            "url": response.url,
            "listed_url": response.request.meta.get("redirect_urls", [response.url])[0] if response.request else response.url,
            "status": response.status,
            "content_type": response.headers.get("Content-Type", b"").decode("latin-1"),
            "body": response.body,
            "encoding": self.source.get("encoding"),
            "hint": hint,
        }

    def error(self, url: str, stage: str, message: str) -> dict[str, Any]:
        return {"kind": "error", "source_id": self.source_id, "url": url, "stage": stage, "message": message}

    def listing_done(self, url: str, found: int) -> Iterable[dict[str, Any]]:
        """Call when a listing is fully read; an empty first listing is an error."""
        if found == 0 and self.listed == 0 and self.empty_listing_is_error:
            yield self.error(url, "listing", "the listing yielded no items (site redesign or wrong type?)")

    def on_error(self, failure) -> Iterable[dict[str, Any]]:
        request = failure.request
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            yield {"kind": "skip", "source_id": self.source_id, "url": request.url, "message": "disallowed by robots.txt"}
            return
        stage = request.meta.get("stage", "fetch")
        yield self.error(request.url, stage, describe_failure(failure))


def describe_failure(failure) -> str:
    """A short, human reason for a failed request."""
    if failure.check(HttpError):
        response = failure.value.response
        return f"HTTP {response.status}"
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "DNS lookup failed"
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return "timed out"
    if failure.check(DownloadConnectionRefusedError):
        return "connection refused"
    if failure.check(DownloadCancelledError) and "max size" in str(failure.value).lower():
        return f"refused: response larger than the 10 MiB limit ({failure.value})"[:300]
    value = failure.value
    text = str(value) or type(value).__name__
    return f"{type(value).__name__}: {text}"[:500]
