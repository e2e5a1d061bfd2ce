"""Downloader middleware: never fetch private, loopback or link-local addresses.

Every request passes here, including each hop of a redirect (Scrapy's redirect
middleware schedules a new request), so a public page cannot bounce the
harvester into the portal's own network.  A source opts out only with
``allow_private: true`` in the registry (test and demo sites on loopback).
"""
from __future__ import annotations

from spiders.middleware import CrawlerMiddleware

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest


class PrivateAddressRefused(IgnoreRequest):
    pass


def is_forbidden(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


async def resolve(host: str) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


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
