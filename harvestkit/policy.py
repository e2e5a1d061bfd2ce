"""What one source may do, computed once from the registry and handed to its
spider, pipeline and run: never re-derived on the way."""
from __future__ import annotations

from dataclasses import dataclass, field

from harvestkit.limits import Limits
from harvestkit.urls import host_port


@dataclass(frozen=True)
class SourcePolicy:
    limits: Limits = field(default_factory=Limits)
    withdrawal: str = "unpublish"  # "unpublish" | "flag": what a page gone at its source does
    # (host, port) pairs this source may contact even when they are private: with
    # ``allow_private: true``, the host:port of its URL and of its unit's homepage.
    own_hosts: frozenset[tuple[str, int]] = frozenset()

    @classmethod
    def build(cls, limits: Limits, withdrawal: str, allow_private: bool, urls: list[str]) -> "SourcePolicy":
        own = frozenset(host_port(u) for u in urls) if allow_private else frozenset()
        return cls(limits, withdrawal, own)

    def may_skip_address_check(self, url: str) -> bool:
        """True for the source's own private host:port (``allow_private``)."""
        return bool(self.own_hosts) and host_port(url) in self.own_hosts
