"""Downloader middleware: only http(s), and never private, loopback or link-local
addresses (the policy is harvestkit/addresses.py).

Every request passes here, robots.txt and each hop of a redirect included
(Scrapy's redirect middleware schedules a new request), so a public page cannot
bounce the harvester into the portal's own network.  A source with
``allow_private: true`` may contact its own host and port (those of its URL and
of its unit's homepage, :class:`harvestkit.policy.SourcePolicy`) and nothing else
that is private: a redirect from a loopback test site to 169.254.169.254, to
10.x or to another loopback port is refused like any other.

A redirect to another scheme (``Location: file:///etc/passwd``) is not followed by
Scrapy; here it becomes a refusal recorded on the run.  The connection itself
resolves names through :class:`spiders.resolver.GuardedResolver`, so a name that
answers a public address here and a private one a moment later (DNS rebinding)
is refused there.  That is also why a name found public here is taken as public
for ``PUBLIC_SECONDS`` (per harvesting process) rather than resolved again for
every request of its host: the connection still judges each answer.
"""
from __future__ import annotations

import asyncio
import time
from urllib.parse import urljoin

from scrapy.exceptions import IgnoreRequest

from harvestkit.addresses import refusal, resolve
from harvestkit.policy import SourcePolicy
from harvestkit.urls import fetch_refusal, host_port
from spiders.downloads import SchemeRefused
from spiders.middleware import CrawlerMiddleware

DNS_SECONDS = 10.0
PUBLIC_SECONDS = 60.0  # a name that resolved to public addresses only is not resolved again for this long


class PrivateAddressRefused(IgnoreRequest):
    pass


class AddressGuardMiddleware(CrawlerMiddleware):
    # host → monotonic time until which it counts as public; shared by the harvest's spiders
    public_until: dict[str, float] = {}

    def policy(self) -> SourcePolicy:
        return getattr(self.spider, "policy", None) or SourcePolicy()

    async def process_request(self, request, spider=None):
        refused = fetch_refusal(request.url)
        if refused:
            raise SchemeRefused(refused)
        if self.policy().may_skip_address_check(request.url):
            return None
        host, port = host_port(request.url)
        now = time.monotonic()
        if self.public_until.get(host, 0.0) > now:
            return None
        try:
            addresses = await asyncio.wait_for(resolve(host), DNS_SECONDS)
        except (OSError, asyncio.TimeoutError):
            return None  # let the download fail with Scrapy's own DNS error
        for address in addresses:
            why = refusal(address)
            if why:
                raise PrivateAddressRefused(f"refused: {host}:{port} is not a public address ({address}: {why})")
        if addresses:
            self.public_until[host] = now + PUBLIC_SECONDS
        return None

    def process_response(self, request, response, spider=None):
        location = response.headers.get(b"Location") if 300 <= response.status < 400 else None
        if location:
            target = urljoin(request.url, location.decode("latin-1").strip())
            refused = fetch_refusal(target)
            if refused:
                raise SchemeRefused(f"redirect from {request.url}: {refused}")
        return response
