"""Which addresses the harvester (and every checker of sub-sites) may contact.

Only public, globally routable addresses, unless a source allows private ones.
Shared by the spiders' address guard and anything else that fetches from
sub-sites.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket


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
