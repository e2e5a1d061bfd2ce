"""Fetch one picture from a sub-site for an editor, under the harvester's address policy.

* http and https only, no credentials in the URL;
* every host, each redirect hop included, is resolved and judged by
  ``harvestkit.addresses`` before any connection: private, loopback, link-local
  (the cloud metadata service) and other non-global addresses are refused, except
  the host:port a registry source with ``allow_private: true`` names (demo and test
  sites); a hop to any *other* private host is refused like the first request;
* the connection goes to the address that was judged (no second lookup that DNS
  rebinding could answer differently);
* at most ``max_redirects`` hops, ``timeout`` seconds per network operation,
  ``deadline`` seconds in all, ``max_bytes`` of body;
* the answer must say it is a raster image (``image/png``, ``jpeg``, ``gif``,
  ``webp``; never SVG, which can carry script) *and* its bytes must be one; the
  type served back is the one the bytes show, not the one the sub-site claimed.
"""
from __future__ import annotations

import asyncio
import http.client
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from harvestkit.addresses import is_forbidden, resolve

USER_AGENT = "Zhanqun/0.1 (portal hub image preview)"
ACCEPT = "image/png,image/jpeg,image/gif,image/webp"
DECLARED_TYPES = {"image/png", "image/jpeg", "image/jpg", "image/pjpeg", "image/gif", "image/webp"}
CHUNK = 64 * 1024


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int = 5 * 1024 * 1024
    timeout: float = 5.0
    deadline: float = 10.0
    max_redirects: int = 3


@dataclass(frozen=True)
class Image:
    content_type: str
    data: bytes


class ImageRefused(Exception):
    """The picture was not fetched or not served: an HTTP status and a message for the editor."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def sniff(data: bytes) -> str | None:
    """The raster type the bytes are, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def origin(url: str) -> tuple[str, int] | None:
    """(host, port) of an http(s) URL, the port made explicit."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        return parts.hostname.lower(), parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was judged, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = self.pinned = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.pinned = self._context.wrap_socket(sock, server_hostname=self.host)


def _resolve(host: str) -> list[str]:
    """``harvestkit.addresses.resolve`` from a request thread (which runs no event loop; if
    one does, from a thread of its own)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(resolve(host))
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, resolve(host)).result()


def _addresses(url: str, private_origins: frozenset[tuple[str, int]]) -> tuple[str, int, list[str]]:
    """Host, port and the addresses it may be reached at, or ImageRefused."""
    parts = urlsplit(url)
    where = origin(url)
    if where is None:
        raise ImageRefused(403, "只能加载 http 或 https 地址的图片。")
    if parts.username or parts.password:
        raise ImageRefused(403, "图片地址不能含用户名或密码。")
    host, port = where
    try:
        addresses = _resolve(host)
    except (OSError, UnicodeError):
        raise ImageRefused(502, f"无法解析来源网站地址：{host}") from None
    if not addresses:
        raise ImageRefused(502, f"无法解析来源网站地址：{host}")
    if where not in private_origins and any(is_forbidden(a) for a in addresses):
        raise ImageRefused(403, f"已拒绝：{host} 是内网、本机或保留地址。")
    return host, port, addresses


def _connect(url: str, host: str, port: int, addresses: list[str], timeout: float):
    path = urlsplit(url)._replace(scheme="", netloc="", fragment="").geturl() or "/"
    kind = _PinnedHTTPS if urlsplit(url).scheme == "https" else _PinnedHTTP
    error: Exception | None = None
    for address in addresses:
        conn = kind(host, port, address, timeout)
        try:
            conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": ACCEPT,
                                               "Accept-Encoding": "identity"})
            return conn, conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            error = exc
    if isinstance(error, (socket.timeout, TimeoutError)):
        raise ImageRefused(504, "来源网站响应超时。")
    if isinstance(error, ssl.SSLError):
        raise ImageRefused(502, f"来源网站的 HTTPS 证书无效：{host}")
    raise ImageRefused(502, f"无法连接来源网站：{host}")


def _read(conn, response, limits: ImageLimits, started: float) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > limits.max_bytes:
        raise ImageRefused(413, f"图片超过 {limits.max_bytes // (1024 * 1024)} MB，未加载。")
    data = bytearray()
    try:
        while True:
            left = limits.deadline - (time.monotonic() - started)
            if left <= 0:
                raise ImageRefused(504, "来源网站响应超时。")
            conn.pinned.settimeout(min(limits.timeout, left))  # conn.sock is gone once a reply says "close"
            chunk = response.read1(CHUNK)
            if not chunk:
                return bytes(data)
            data += chunk
            if len(data) > limits.max_bytes:
                raise ImageRefused(413, f"图片超过 {limits.max_bytes // (1024 * 1024)} MB，未加载。")
    except (socket.timeout, TimeoutError):
        raise ImageRefused(504, "来源网站响应超时。") from None
    except (OSError, http.client.HTTPException):
        raise ImageRefused(502, "来源网站中断了连接。") from None


def fetch_image(url: str, private_origins: frozenset[tuple[str, int]] = frozenset(),
                limits: ImageLimits = ImageLimits()) -> Image:
    """The picture at ``url``, or ImageRefused saying why not."""
    started = time.monotonic()
    for _ in range(limits.max_redirects + 1):
        host, port, addresses = _addresses(url, private_origins)
        conn, response = _connect(url, host, port, addresses, min(limits.timeout, limits.deadline))
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise ImageRefused(502, "来源网站的跳转没有目标地址。")
                url = urljoin(url, location.strip())
                continue
            if response.status != 200:
                raise ImageRefused(502, f"来源网站返回 HTTP {response.status}。")
            declared = (response.getheader("Content-Type") or "").split(";", 1)[0].strip().lower()
            encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
            if declared not in DECLARED_TYPES or encoding != "identity":
                raise ImageRefused(415, f"来源地址不是可显示的图片（{declared or '未声明类型'}）。")
            data = _read(conn, response, limits, started)
        finally:
            conn.close()
        kind = sniff(data)
        if kind is None:
            raise ImageRefused(415, "来源地址返回的内容不是 PNG、JPEG、GIF 或 WebP 图片。")
        return Image(kind, data)
    raise ImageRefused(502, f"来源网站跳转超过 {limits.max_redirects} 次。")
