"""Downloader middleware: never fetch private, loopback or link-local addresses.

Every request passes here, including each hop of a redirect (Scrapy's redirect
middleware schedules a new request), so a public page cannot bounce the
harvester into the portal's own network.  A source opts out only with
``allow_private: true`` in the registry (test and demo sites on loopback).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from harvestkit.addresses import is_forbidden, resolve
from spiders.middleware import CrawlerMiddleware


class PrivateAddressRefused(IgnoreRequest):
    pass


class AddressGuardMiddleware(CrawlerMiddleware):
    """Applies to every request of a spider, including robots.txt and redirects;
    the opt-out is the spider's source's ``allow_private``."""

    def allowed_private(self, request) -> bool:
        source = getattr(self.spider, "source", None) or {}
        return bool(source.get("allow_private") or request.meta.get("allow_private"))

    async def process_request(self, request, spider=None):
        if self.allowed_private(request):
            return None
        host = urlsplit(request.url).hostname or ""
        try:
            addresses = await resolve(host)
        except OSError:
            return None  # let the download fail with Scrapy's own DNS error
        bad = [a for a in addresses if is_forbidden(a)]
        if bad:
            raise PrivateAddressRefused(f"refused: {host} resolves to a non-public address ({bad[0]})")
        return None
