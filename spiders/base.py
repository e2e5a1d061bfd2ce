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

from harvestkit.emptiness import declared_empty
from harvestkit.listing import ListingTally
from harvestkit.state import SourceState
from harvestkit.urls import canonical_url

HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "application/xml", "text/xml")


class SourceSpider(scrapy.Spider):
    """Base class.  Subclasses set ``start_callback`` to the method that reads the
    source URL (a feed, a list page, a Hanweb column, a sitemap)."""

    name = "source"
    start_callback = "parse_list"
    #: a source whose listing yields nothing is an error, never a quiet column
    empty_listing_is_error = True

    def __init__(self, source: dict[str, Any], unit_id: str, state: SourceState | None = None, **kwargs: Any):
        super().__init__(name=f"source:{source['id']}", **kwargs)
        self.source = source
        self.source_id: str = source["id"]
        self.unit_id = unit_id
        self.max_pages: int = source.get("max_pages") or 5
        self.state = state or SourceState()
        self.listing = ListingTally()
        self.request_counts: dict[str, int] = {}
        self.detected: str | None = None
        # Watched only (registry `harvest: false`): entries are counted and dated, no page is
        # fetched; the first list page tells the newest date, so the listing is trusted to stop.
        self.watched = source.get("harvest") is False
        if self.watched:
            self.state.trust_listing = True

    @property
    def listed(self) -> int:
        return self.listing.entries

    # -- requests ---------------------------------------------------------------
    def request(self, url: str, callback, stage: str, **kwargs: Any) -> scrapy.Request:
        meta = kwargs.pop("meta", {})
        meta.update(stage=stage, source_id=self.source_id, allow_private=bool(self.source.get("allow_private")))
        meta.setdefault("download_timeout", self.source.get("timeout") or 30)
        # 304 (unchanged) and, for detail pages, 404/410 (withdrawn) reach the callbacks.
        meta.setdefault("handle_httpstatus_list", [304, 404, 410] if stage == "detail" else [304])
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, **kwargs)

    async def start(self):
        yield self.request(self.source["url"], getattr(self, self.start_callback), stage="listing")

    def entry(self, url: str, hint: dict[str, Any]) -> scrapy.Request | None:
        """A listing entry: a request for its detail page, or None when it is known and unchanged."""
        canon = canonical_url(url)
        list_date = hint.get("list_date") or hint.get("date") or ""
        hint = {**hint, "list_date": list_date}
        self.listing.saw(canon, list_date, bool(hint.get("title")) or "title" not in hint)
        if self.watched:
            return None
        decision = self.state.decide(canon, list_date)
        if decision == "skip":
            self.listing.unchanged.add(canon)
            return None
        if decision in ("new", "changed"):
            self.listing.unseen_on_page += 1
        return self.request(url, self.parse_detail, stage="detail", meta={"hint": hint, "decision": decision})

    def entries(self, pairs: Iterable[tuple[str, dict[str, Any]]]) -> Iterable[scrapy.Request]:
        self.listing.unseen_on_page = 0
        for url, hint in pairs:
            request = self.entry(url, hint)
            if request is not None:
                yield request

    def not_modified(self, response: Response) -> bool:
        """True (and noted) when a listing answered 304: nothing changed since last time."""
        if response.status == 304:
            self.listing.not_modified = True
            return True
        return False

    # -- responses --------------------------------------------------------------
    def parse_detail(self, response: Response) -> Iterable[dict[str, Any]]:
        canon = canonical_url(response.request.url if response.request else response.url)
        if response.status == 304:
            self.listing.unchanged.add(canon)
            return
        if response.status in (404, 410):
            if response.meta.get("decision") == "new":
                yield self.error(response.url, "detail", f"HTTP {response.status}")
            else:
                yield {"kind": "gone", "source_id": self.source_id, "url": canon, "message": f"source page answers HTTP {response.status}"}
            return
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if content_type and not content_type.startswith(HTML_TYPES):
            yield self.error(response.url, "detail", f"not an HTML page ({content_type})")
            return
        yield self.page(response, response.meta.get("hint") or {})

    def page(self, response: Response, hint: dict[str, Any]) -> dict[str, Any]:
        listed = response.request.meta.get("redirect_urls", [response.url])[0] if response.request else response.url
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        return self.page_item(response.url, listed, response.body, content_type, self.source.get("encoding"), hint, response.status)

    def page_item(self, url: str, listed_url: str, body: bytes, content_type: str, encoding: str | None,
                  hint: dict[str, Any], status: int = 200) -> dict[str, Any]:
        """A fetched (or feed-supplied) detail page, for the pipeline to extract and store."""
        return {
            "kind": "page", "source_id": self.source_id, "unit_id": self.unit_id, "url": url, "listed_url": listed_url,
            "status": status, "content_type": content_type, "body": body, "encoding": encoding, "hint": hint,
        }

    def error(self, url: str, stage: str, message: str) -> dict[str, Any]:
        return {"kind": "error", "source_id": self.source_id, "url": url, "stage": stage, "message": message}

    def listing_done(self, url: str, found: int, text: str | None = None, empty: str | None = None) -> Iterable[dict[str, Any]]:
        """Call when a listing is fully read; an empty first listing is an error, unless
        it says it is empty (``empty``, or a notice such as "暂无信息" in ``text``)."""
        if found == 0 and self.listed == 0 and not self.listing.not_modified:
            notice = empty or declared_empty(text)
            if notice:
                self.listing.declare_empty(notice)
            elif self.empty_listing_is_error:
                yield self.error(url, "listing", "the listing yielded no items (site redesign or wrong type?)")

    def on_error(self, failure) -> Iterable[dict[str, Any]]:
        request = failure.request
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            yield {"kind": "skip", "source_id": self.source_id, "url": request.url, "message": "disallowed by robots.txt"}
            return
        stage = request.meta.get("stage", "fetch")
        if stage == "listing":
            self.listing.failed = True
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
