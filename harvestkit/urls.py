"""Canonical URLs (one spelling per page, so the same page is stored once) and
which URLs may be requested at all."""
from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that track the visitor and never change the page.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|spm|from|fr|share_token|sharesource|wfr|isappinstalled|scene|clicktime|enterid|"
    r"timestamp|_t|_|source|tt_from|tt_medium|sessionid|jsessionid|phpsessid|sid)$",
    re.IGNORECASE,
)
INDEX_PAGES = re.compile(r"/(index|default)\.(html?|shtml|jsp|php|aspx?)$", re.IGNORECASE)
DEFAULT_PORTS = {"http": 80, "https": 443}


@lru_cache(maxsize=8192)
def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments, session ids and
    tracking parameters, sort the remaining query, and map ``…/index.html`` to ``…/``.
    Cached: a harvest asks it of a page's address several times (listing, request,
    item), and the spelling of an address never changes its answer.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = parts.path or "/"
    path = re.sub(r";jsessionid=[^/?]*", "", path, flags=re.IGNORECASE)
    path = re.sub(r"/{2,}", "/", path)
    path = INDEX_PAGES.sub("/", path)
    path = quote(unquote(path), safe="/%:@!$&'()*+,;=~-._")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


# Only these are ever requested: sources, links, feeds, sitemaps, redirects, meta
# refreshes.  file:, ftp:, data:, s3:, javascript: and the rest never are.
FETCHABLE_SCHEMES = ("http", "https")


URL_SHOWN = 200  # characters of a refused address quoted in the reason


@lru_cache(maxsize=8192)
def fetch_refusal(url: str) -> str | None:
    """Why ``url`` must not be requested (scheme, no host, bad port), or None.
    Cached: every request asks it again (the address guard, the download handler)."""
    shown = url if len(url) <= URL_SHOWN else url[:URL_SHOWN] + "…"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return f"refused link {shown!r}: not a valid URL"
    if parts.scheme.lower() not in FETCHABLE_SCHEMES:
        scheme = f"{parts.scheme}:" if parts.scheme else "no scheme"
        return f"refused link {shown!r} ({scheme}): only http and https are fetched"
    if not parts.hostname:
        return f"refused link {shown!r}: no host"
    return None


def host_port(url: str) -> tuple[str, int]:
    """``(host, port)`` of an http(s) URL, the host lower-cased without a trailing dot
    and IPv6 literals normalised, the port explicit (80/443 by default)."""
    parts = urlsplit(url.strip())
    return _normal_host(parts.hostname or ""), parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 0)


@lru_cache(maxsize=4096)
def _normal_host(hostname: str) -> str:
    """Lower-cased, no trailing dot, IP literals in their normal spelling (every
    request asks this of its host: a harvest has few hosts, so it is cached)."""
    host = hostname.lower().rstrip(".")
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        return host
