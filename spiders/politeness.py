"""Politeness per *host*, shared by every spider in the harvesting process.

Many sub-sites share one host or CMS platform, so limits are per host, not
per source: at most ``concurrency`` requests in flight and ``delay`` seconds
between request starts (or robots.txt's Crawl-delay, if longer).  A 429/503
with Retry-After pauses the host for that long; failures back the host off
exponentially until it answers again.
"""
from __future__ import annotations

from spiders.middleware import CrawlerMiddleware

import asyncio
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from spiders.downloads import Halted, InFlight

MAX_BACKOFF = 60.0  # seconds
MAX_RETRY_AFTER = 600.0  # a host asking for longer is retried on the next run instead
RETRY_AFTER_CODES = (429, 503)


@dataclass
class HostState:
    concurrency: int
    delay: float
    semaphore: asyncio.Semaphore
    next_start: float = 0.0
    crawl_delay: float = 0.0
    blocked_until: float = 0.0
    failures: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    starts: list[float] = field(default_factory=list)

    def spacing(self) -> float:
        backoff = min(MAX_BACKOFF, 0.5 * 2 ** (self.failures - 1)) if self.failures else 0.0
        return max(self.delay, self.crawl_delay, backoff)


class HostGate:
    """Process-wide per-host limits.  ``policy(host) -> (concurrency, delay)``,
    where host is ``name`` or ``name:port`` as :func:`host_key` gives it."""

    def __init__(self, policy):
        self.policy = policy
        self.hosts: dict[str, HostState] = {}

    def state(self, host: str) -> HostState:
        if host not in self.hosts:
            concurrency, delay = self.policy(host)
            self.hosts[host] = HostState(concurrency, delay, asyncio.Semaphore(concurrency))
        return self.hosts[host]

    async def acquire(self, host: str, inflight: InFlight | None = None) -> None:
        """A slot on ``host`` once its spacing allows; waiting ends at once (with
        :class:`Halted`) when the requesting spider halts."""
        state = self.state(host)
        if inflight is not None:
            inflight.check()
        if inflight is None or not state.semaphore.locked():
            await state.semaphore.acquire()  # a free slot is taken at once: nothing to wait for, or halt
        else:
            await inflight.until_halted(state.semaphore.acquire())
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            wait = max(state.next_start, state.blocked_until) - now
            if wait <= 0:
                break
            try:
                await (asyncio.sleep(wait) if inflight is None else inflight.until_halted(asyncio.sleep(wait)))
            except Halted:
                state.semaphore.release()
                raise
        state.next_start = now + state.spacing()
        state.in_flight += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        state.starts.append(time.monotonic())

    def release(self, host: str, ok: bool) -> None:
        state = self.state(host)
        state.in_flight -= 1
        state.failures = 0 if ok else state.failures + 1
        state.semaphore.release()

    def block(self, host: str, seconds: float) -> None:
        state = self.state(host)
        state.blocked_until = max(state.blocked_until, asyncio.get_running_loop().time() + seconds)

    def set_crawl_delay(self, host: str, seconds: float | None) -> None:
        if seconds:
            self.state(host).crawl_delay = float(seconds)


def host_key(url: str) -> str:
    """A host is a server: name and port (demo sites share 127.0.0.1 on different ports)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def retry_after_seconds(value: bytes | None) -> float | None:
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class PolitenessMiddleware(CrawlerMiddleware):
    """Downloader middleware placed closest to the downloader (after every other
    ``process_request``), so a request that took a host slot always gives it back."""

    @property
    def gate(self) -> HostGate:
        return self.context.gate

    async def process_request(self, request, spider=None):
        host = host_key(request.url)
        await self.gate.acquire(host, getattr(self.spider, "inflight", None))
        request.meta["gate_host"] = host
        return None

    def process_response(self, request, response, spider=None):
        host = request.meta.pop("gate_host", None)
        if host is None:
            return response
        self.gate.release(host, ok=response.status < 500 and response.status != 429)
        if response.status in RETRY_AFTER_CODES:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait is not None:
                if wait > MAX_RETRY_AFTER:
                    raise IgnoreRequest(f"host asks to come back in {int(wait)} s (Retry-After)")
                self.gate.block(host, wait)
                tries = request.meta.get("retry_after_tries", 0)
                if tries < 2:
                    return request.replace(dont_filter=True, meta={**request.meta, "retry_after_tries": tries + 1})
        return response

    def process_exception(self, request, exception, spider=None):
        host = request.meta.pop("gate_host", None)
        if host is not None:
            self.gate.release(host, ok=False)
        return None
