"""The only download handler a harvest has (http and https), and how a spider's
downloads are stopped at once.

Scrapy's graceful close waits for every download in flight; a server that
accepts and never answers would hold a stopping harvest for the whole download
timeout.  Each download runs here as a task the spider can cancel: when a spider
halts (SIGTERM, its wall-clock limit), its downloads end within a moment and no
new one starts.  file:, ftp:, s3: and data: have no handler at all
(``DOWNLOAD_HANDLERS`` in harvester/crawl.py).
"""
from __future__ import annotations

import asyncio

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import IgnoreRequest

from harvestkit.urls import fetch_refusal


class Halted(IgnoreRequest):
    """The spider halted (SIGTERM, wall-clock limit): this request is not made."""


class SchemeRefused(IgnoreRequest):
    """Only http and https are ever requested."""


class InFlight:
    """One spider's downloads in progress; :meth:`halt` cancels them all."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task] = set()
        self.reason: str | None = None
        self._halted: asyncio.Event | None = None

    @property
    def halted(self) -> asyncio.Event:
        if self._halted is None:
            self._halted = asyncio.Event()
            if self.reason:
                self._halted.set()
        return self._halted

    def halt(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
        if self._halted is not None:
            self._halted.set()
        for task in list(self.tasks):
            task.cancel()

    def check(self) -> None:
        if self.reason is not None:
            raise Halted(self.reason)

    async def run(self, coro):
        """Await ``coro`` as a cancellable task; a halt turns into :class:`Halted`."""
        self.check()
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        try:
            return await task
        except asyncio.CancelledError:
            if self.reason is not None and task.cancelled():
                raise Halted(self.reason) from None
            raise
        finally:
            self.tasks.discard(task)

    async def until_halted(self, awaitable) -> None:
        """Await ``awaitable``, unless the spider halts first: then it is cancelled
        and :class:`Halted` raised."""
        self.check()
        task = asyncio.ensure_future(awaitable)
        stop = asyncio.ensure_future(self.halted.wait())
        try:
            done, _ = await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
        if task not in done:
            task.cancel()
            raise Halted(self.reason or "halted")


class GuardedDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, with each download cancellable by its spider."""

    async def download_request(self, request):
        refused = fetch_refusal(request.url)
        if refused:
            raise SchemeRefused(refused)
        inflight = getattr(self._crawler.spider, "inflight", None)
        if inflight is None:
            return await super().download_request(request)
        return await inflight.run(super().download_request(request))
