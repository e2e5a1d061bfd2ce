"""Name resolution for connections, judged again (DNS rebinding).

The address guard resolves a request's host before the request goes out; the
connection resolves it once more.  A hostile name server can answer a public
address the first time and 127.0.0.1 the second.  This resolver (Scrapy's
caching one, set as ``TWISTED_DNS_RESOLVER``) refuses a private answer unless
the name is one that a source with ``allow_private`` names as its own
(``ZHANQUN_PRIVATE_HOSTS``; the guard checks the port).
"""
from __future__ import annotations

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from harvestkit.addresses import refusal


class GuardedResolver(CachingThreadedResolver):
    private_hosts: frozenset[str] = frozenset()

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.private_hosts = frozenset(h.lower() for h in crawler.settings.getlist("ZHANQUN_PRIVATE_HOSTS"))
        return resolver

    def getHostByName(self, name, timeout=()):
        return super().getHostByName(name, timeout).addCallback(self._judge, name)

    def _judge(self, address: str, name: str) -> str:
        host = name.decode("ascii", "replace") if isinstance(name, bytes) else name
        why = refusal(address)
        if why and host.lower().rstrip(".") not in self.private_hosts:
            raise DNSLookupError(f"refused: {host} resolves to a non-public address ({address}: {why})")
        return address
