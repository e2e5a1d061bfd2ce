"""Which addresses the harvester (and every checker of sub-sites) may contact.

Only public, globally routable unicast addresses.  Every IPv6 address is
normalised by parsing (``[0:0::1]``, ``[::127.0.0.1]`` and ``[::1]`` are one
address) and judged by what it *is*, not how it is written; addresses that embed
an IPv4 address are judged by the IPv4 address they lead to:

- refused outright: IPv4-mapped (``::ffff:a.b.c.d``), IPv4-compatible
  (``::a.b.c.d``), IPv4-translated, local-use NAT64 (``64:ff9b:1::/48``),
  Teredo (``2001::/32``) and the rest of ``2001::/23``, unique-local, link-local,
  site-local, multicast, documentation, benchmarking, discard-only, SRv6, and
  anything outside global unicast (``2000::/3``);
- judged by the IPv4 address they embed: the well-known NAT64 prefix
  (``64:ff9b::/96``, how an IPv6-only harvester behind DNS64 reaches IPv4 sites)
  and 6to4 (``2002::/16``).  ``64:ff9b::7f00:1`` and ``2002:7f00:1::`` lead to
  127.0.0.1 and are refused; ``64:ff9b::8.8.8.8`` is a public host.

IPv4: this-network, private, shared (CGNAT), loopback, link-local (the cloud
metadata service at 169.254.169.254), IETF protocol assignments, documentation,
benchmarking, the 6to4 relay anycast, multicast and reserved ranges are refused.
Odd IPv4 spellings (``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``) are
names to us: they are resolved the way the connection would resolve them, and the
address they resolve to is judged.

A source with ``allow_private: true`` may contact its *own* host and port only
(see :class:`harvestkit.policy.SourcePolicy`); that decision is made by the
caller, never here.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket

IPv4, IPv6 = ipaddress.IPv4Network, ipaddress.IPv6Network

V4_REFUSED: tuple[tuple[IPv4, str], ...] = tuple((IPv4(net), why) for net, why in (
    ("0.0.0.0/8", "this network"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared address space (CGNAT)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local (cloud metadata)"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "6to4 relay anycast"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
))

NAT64 = IPv6("64:ff9b::/96")
SIX_TO_FOUR = IPv6("2002::/16")
GLOBAL_UNICAST = IPv6("2000::/3")
V6_REFUSED: tuple[tuple[IPv6, str], ...] = tuple((IPv6(net), why) for net, why in (
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::ffff:0:0/96", "IPv4-mapped"),
    ("::/96", "IPv4-compatible"),
    ("::ffff:0:0:0/96", "IPv4-translated"),
    ("64:ff9b:1::/48", "local-use NAT64"),
    ("100::/64", "discard-only"),
    ("2001::/32", "Teredo"),
    ("2001:2::/48", "benchmarking"),
    ("2001::/23", "IETF protocol assignments"),
    ("2001:db8::/32", "documentation"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "SRv6 segment identifiers"),
    ("fc00::/7", "unique-local"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local"),
    ("ff00::/8", "multicast"),
))


def refusal(address: str) -> str | None:
    """Why ``address`` (an IP address in any spelling ``ipaddress`` accepts, with or
    without brackets or an IPv6 zone) must not be contacted; None when it is public."""
    ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    if ip.version == 4:
        return _v4_refusal(ip)
    for net, why in V6_REFUSED:
        if ip in net:
            return why
    if ip in NAT64:
        return _embedded("NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip in SIX_TO_FOUR:
        return _embedded("6to4", ipaddress.IPv4Address((int(ip) >> 80) & 0xFFFFFFFF))
    if ip not in GLOBAL_UNICAST:
        return "not global unicast"
    return None


def _v4_refusal(ip: ipaddress.IPv4Address) -> str | None:
    for net, why in V4_REFUSED:
        if ip in net:
            return why
    return None


def _embedded(kind: str, inner: ipaddress.IPv4Address) -> str | None:
    why = _v4_refusal(inner)
    return f"{kind} address leading to {inner} ({why})" if why else None


def is_forbidden(address: str) -> bool:
    return refusal(address) is not None


def ip_literal(host: str) -> str | None:
    """The normalised address when ``host`` is a standard IP literal, else None."""
    try:
        return str(ipaddress.ip_address(host.strip("[]").split("%", 1)[0]))
    except ValueError:
        return None


async def resolve(host: str) -> list[str]:
    """Addresses ``host`` leads to, resolved as the connection will (so ``127.1`` and
    ``2130706433`` come back as 127.0.0.1)."""
    literal = ip_literal(host)
    if literal:
        return [literal]
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})
