"""What every access-pattern spider shares: one source, detail pages, errors,
its limits, and how it stops.

A spider harvests exactly one registry source, under that source's frozen
:class:`~harvestkit.policy.SourcePolicy`.  It yields a ``PageItem``
(``harvestkit.items``) for a fetched detail page (raw bytes: extraction happens in
the pipeline) and an ``ErrorItem`` for anything that went wrong, so the run records every
failure with its URL and stage.  One bad entry (a ``javascript:`` or ``file:``
link, a broken date) is such an error; the other entries go on.

Only http(s) URLs become requests (:meth:`SourceSpider.follow`,
:meth:`SourceSpider.entry`); refused links are errors at the listing stage.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Iterable

import scrapy
from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DontCloseSpider,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from harvestkit.emptiness import declared_empty
from harvestkit.items import MESSAGE_MAX, ErrorItem, GoneItem, PageItem, SkipItem, SpiderItem
from harvestkit.limits import DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT_SECONDS
from harvestkit.listing import ListingTally
from harvestkit.policy import SourcePolicy
from harvestkit.stages import Stage
from harvestkit.state import SourceState
from harvestkit.urls import canonical_url, fetch_refusal
from spiders.address_guard import PrivateAddressRefused
from spiders.downloads import Halted, InFlight, SchemeRefused

HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "application/xml", "text/xml")


class SourceSpider(scrapy.Spider):
    """Base class.  Subclasses set ``start_callback`` to the method that reads the
    source URL (a feed, a list page, a Hanweb column, a sitemap)."""

    name = "source"
    start_callback = "parse_list"

    def __init__(self, source: dict[str, Any], unit_id: str, state: SourceState | None = None,
                 policy: SourcePolicy | None = None, **kwargs: Any):
        super().__init__(name=f"source:{source['id']}", **kwargs)
        self.source = source
        self.source_id: str = source["id"]
        self.unit_id = unit_id
        self.max_pages: int = source.get("max_pages") or DEFAULT_MAX_PAGES
        self.timeout: float = source.get("timeout") or DEFAULT_TIMEOUT_SECONDS  # per request
        self.state = state or SourceState()
        self.policy = policy or SourcePolicy()
        self.limits = self.policy.limits
        self.listing = ListingTally()
        self.request_counts: dict[str, int] = {}
        # Watched only (registry `harvest: false`): entries are counted and dated, no page is
        # fetched; the first list page tells the newest date, so the listing is trusted to stop.
        self.watched = source.get("harvest") is False
        if self.watched:
            self.state.trust_listing = True
        self.inflight = InFlight()  # this spider's downloads, cancelled when it halts
        self.detail_requests = 0
        self.rechecked = False

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    @property
    def listed(self) -> int:
        return self.listing.entries

    # -- stopping ---------------------------------------------------------------
    def halt(self, reason: str, shortfall: bool) -> None:
        """Stop where we are: no new request, downloads in flight cancelled.  A
        ``shortfall`` (the wall-clock limit) makes the run partial with ``reason``;
        otherwise (SIGTERM) the run is closed as aborted by the harvest."""
        if shortfall:
            self.listing.shortfall(reason)
        self.inflight.halt(reason)

    @property
    def halted(self) -> bool:
        return self.inflight.reason is not None

    # -- requests ---------------------------------------------------------------
    def request(self, url: str, callback, stage: str, **kwargs: Any) -> scrapy.Request:
        """A request for an http(s) URL already checked (use :meth:`follow` otherwise)."""
        meta = kwargs.pop("meta", {})
        meta.update(stage=stage, source_id=self.source_id)
        meta.setdefault("download_timeout", self.timeout)
        meta.setdefault("download_maxsize", self.limits.max_response_mb << 20)  # decompressed bodies too
        # 304 (unchanged) and, for detail pages, 404/410 (withdrawn) reach the callbacks.
        meta.setdefault("handle_httpstatus_list", [304, 404, 410] if stage == "detail" else [304])
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, **kwargs)

    def follow(self, url: str, callback, stage: str, **kwargs: Any) -> Iterable[Any]:
        """A request for a listing page (next page, feed link, sitemap file), or the
        error that refuses it: a listing we cannot follow was not read completely."""
        refused = fetch_refusal(url)
        if refused:
            self.listing.failed = True
            yield self.error(url, stage, refused)
            return
        yield self.request(url, callback, stage, **kwargs)

    async def start(self):
        for item in self.follow(self.source["url"], getattr(self, self.start_callback), stage="listing"):
            yield item

    def entry(self, url: str, hint: dict[str, Any]) -> scrapy.Request | ErrorItem | None:
        """A listing entry: a request for its detail page, None when it is known and
        unchanged (or the run's request budget is spent), or an error item when its
        link is refused."""
        judged = self.judge(url, hint)
        if not isinstance(judged, tuple):
            return judged
        decision, hint = judged
        return self.detail_request(url, hint, decision)

    def judge(self, url: str, hint: dict[str, Any]) -> tuple[str, dict[str, Any]] | ErrorItem | None:
        """Count a listing entry and decide on it: ``(decision, hint)`` when its page
        is wanted ('new', 'changed', 'revisit'), None when known and unchanged, an
        error item when its link is refused."""
        refused = fetch_refusal(url)
        if refused:
            return self.error(url, "listing", refused)
        canon = canonical_url(url)
        list_date = valid_date(hint.get("list_date") or hint.get("date") or "")
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
        return decision, hint

    def detail_request(self, url: str, hint: dict[str, Any], decision: str) -> scrapy.Request | None:
        if self.budget_spent():
            return None
        self.detail_requests += 1
        return self.request(url, self.parse_detail, stage="detail", meta={"hint": hint, "decision": decision})

    def walk_goes_on(self, walk, ended: bool, pages_read: int) -> bool:
        """Whether a paged listing asks for its next page: not after its last page
        (``ended``: "last"), a stop or a spent budget, a page with nothing new on a
        listing trusted to be newest first ("early"), or ``max_pages`` ("bound").  The
        walk records which."""
        if ended:
            walk.finish(self.listing, "last")
            return False
        if self.halted or self.budget_spent():
            return False
        if self.listing.unseen_on_page == 0 and self.state.trust_listing:
            walk.finish(self.listing, "early")
            return False
        if pages_read >= self.max_pages:
            walk.finish(self.listing, "bound", self.max_pages)
            return False
        return True

    def budget_spent(self) -> bool:
        """True (and a shortfall) once this run requested ``max_detail_requests`` pages."""
        most = self.limits.max_detail_requests
        if self.detail_requests < most:
            return False
        self.listing.shortfall(f"requested {most} detail pages, the most one run takes (max_detail_requests {most}); "
                               "the rest wait for the next run")
        return True

    def entries(self, pairs: Iterable[tuple[str, dict[str, Any]]]) -> Iterable[Any]:
        """Requests (or errors) for a page's entries; one bad entry never stops the others."""
        self.listing.unseen_on_page = 0
        for url, hint in pairs:
            try:
                out = self.entry(url, hint)
            except Exception as exc:  # noqa: BLE001 - a hostile entry must not sink the listing
                out = self.error(url, "listing", f"bad entry: {type(exc).__name__}: {exc}")
            if out is not None:
                yield out

    def capped(self, entries: list, url: str) -> list:
        """A page's entries, at most ``max_links_per_page`` of them (more is a shortfall)."""
        most = self.limits.max_links_per_page
        if len(entries) > most:
            self.listing.shortfall(f"{url} shows more than {most} entries; took the first {most} (max_links_per_page {most})")
            return entries[:most]
        return entries

    def not_modified(self, response: Response) -> bool:
        """True (and noted) when a listing answered 304: nothing changed since last time."""
        if response.status == 304:
            self.listing.not_modified = True
            return True
        return False

    # -- pages gone from a listing ---------------------------------------------------
    def on_idle(self) -> None:
        """Once the listing is read: check pages that are gone from it but are no
        evidence of a withdrawal by their absence (feeds, sitemaps, lists not in
        date order).  A page that answers 404/410 is withdrawn; others stay."""
        if self.rechecked or self.halted:
            return
        self.rechecked = True
        requests = [r for r in self.recheck_vanished() if r is not None]
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def recheck_vanished(self) -> Iterable[scrapy.Request | None]:
        """Known pages a complete listing no longer shows, whose revisit is due
        (``revisit_every``, within ``revisit_window``).  From a window (feed,
        sitemap) only those newer than its oldest entry: older ones just aged out."""
        listing = self.listing
        if not listing.complete or listing.vanish_boundary:
            return
        floor = listing.oldest_date if listing.window else None
        for url, page in self.state.known.items():
            if url in listing.seen or page.status == "withdrawn":
                continue
            if floor and (page.list_date or "")[:10] <= floor:
                continue
            if self.state.decide(url, None) == "revisit":
                yield self.detail_request(url, {"list_date": page.list_date}, "recheck")

    # -- responses --------------------------------------------------------------
    def parse_detail(self, response: Response) -> Iterable[SpiderItem]:
        canon = canonical_url(response.request.url if response.request else response.url)
        if response.status == 304:
            self.listing.unchanged.add(canon)
            return
        if response.status in (404, 410):
            decision = response.meta.get("decision")
            if decision == "new":
                yield self.error(response.url, "detail", f"HTTP {response.status}")
            else:
                where = "gone from its listing and its page" if decision == "recheck" else "source page"
                yield GoneItem(self.source_id, canon, f"{where} answers HTTP {response.status}")
            return
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if content_type and not content_type.startswith(HTML_TYPES):
            yield self.error(response.url, "detail", f"not an HTML page ({content_type})")
            return
        yield self.page(response, response.meta.get("hint") or {})

    def page(self, response: Response, hint: dict[str, Any]) -> PageItem:
        listed = response.request.meta.get("redirect_urls", [response.url])[0] if response.request else response.url
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        return self.page_item(response.url, listed, response.body, content_type, self.source.get("encoding"), hint, response.status)

    def page_item(self, url: str, listed_url: str, body: bytes, content_type: str, encoding: str | None,
                  hint: dict[str, Any], status: int = 200) -> PageItem:
        """A fetched (or feed-supplied) detail page, for the pipeline to extract and store."""
        return PageItem(self.source_id, self.unit_id, url, listed_url, status, content_type, body, encoding, hint)

    def error(self, url: str, stage: Stage | str, message: str) -> ErrorItem:
        """An error of the run; the message cut to ``MESSAGE_MAX`` (the run cuts the address)."""
        return ErrorItem(self.source_id, str(url), stage, message[:MESSAGE_MAX])

    def record_error(self, url: str, stage: str, message: str) -> None:
        """An error noticed outside a callback (in a middleware): straight onto the run."""
        context = getattr(self, "context", None)
        if context is not None:
            context.runs.error(self.source_id, url, stage, message)

    def listing_done(self, url: str, found: int, text: str | None = None, empty: str | None = None) -> Iterable[ErrorItem]:
        """Call when a listing is fully read; an empty first listing is an error, unless
        it says it is empty (``empty``, or a notice such as "暂无信息" in ``text``)."""
        if found == 0 and self.listed == 0 and not self.listing.not_modified:
            notice = empty or declared_empty(text)
            if notice:
                self.listing.declare_empty(notice)
            else:  # a source whose listing yields nothing is an error, never a quiet column
                yield self.error(url, Stage.LISTING, "the listing yielded no items (site redesign or wrong type?)")

    def on_error(self, failure) -> Iterable[SpiderItem]:
        request = failure.request
        if failure.check(Halted) or (self.halted and failure.check(IgnoreRequest, DownloadCancelledError)):
            if request.meta.get("stage") == "listing":
                self.listing.failed = True
            return  # the halt's reason is on the run, not one error per request
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            yield SkipItem(self.source_id, request.url, "disallowed by robots.txt")
            return
        stage = request.meta.get("stage", "fetch")
        if stage == "listing":
            self.listing.failed = True
        yield self.error(request.url, stage, describe_failure(failure, self.limits.max_response_mb))


def valid_date(value: str) -> str:
    """A listing's date as given (so it compares with earlier runs) when it starts
    with a real ``YYYY-MM-DD``, as every reader writes them; else "" (undated)."""
    value = (value or "").strip()[:64]
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return ""
    return value


def describe_failure(failure, max_mb: int) -> str:
    """A human reason for a failed request (``max_mb``: the source's response limit);
    :meth:`SourceSpider.error` cuts it."""
    value = failure.value
    text = str(value)
    if failure.check(SchemeRefused, PrivateAddressRefused):
        return text
    if failure.check(HttpError):
        response = value.response
        return f"HTTP {response.status}"
    if failure.check(DNSLookupError, CannotResolveHostError):
        return text if "refused:" in text else "DNS lookup failed"  # the connect-time address check
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return "timed out"
    if failure.check(DownloadConnectionRefusedError):
        return "connection refused"
    if failure.check(DownloadCancelledError):
        if "max size" in text.lower():
            return f"refused: response larger than the {max_mb} MiB limit ({text})"
        if not text or text == type(value).__name__:  # Scrapy cancels a body that grows past the limit
            return f"refused: response larger than the {max_mb} MiB limit (cut off as it streamed in)"
    if failure.check(IgnoreRequest) and "DOWNLOAD_MAXSIZE" in text:
        return f"refused: response larger than the {max_mb} MiB limit once decompressed (a compression bomb?)"
    return f"{type(value).__name__}: {text or type(value).__name__}"
