"""The checks' HTTP client: one request, each hop checked against the address policy.

Limits are named (:class:`Limits`): a deadline for the whole exchange (a site
that trickles bytes is cut off too), a cap on the bytes read and decompressed,
at most 5 redirects.  Every hop's host is resolved once, refused if any of its
addresses is private, loopback or link-local (unless ``allow_private``), and
the connection goes to that checked address, never to a second lookup.  The
harvester's politeness applies per host (:mod:`supervision.hosts`).
Certificates are not verified, as the harvester's Scrapy does not: a check
must see what a visitor's browser would show after a warning, not stop there.
"""
from __future__ import annotations

import http.client
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from harvestkit.addresses import is_forbidden
from supervision.hosts import GATE, HostGate, host_key

DEFAULT_USER_AGENT = "Zhanqun/0.1 (portal supervision checker; +https://github.com/zhanqun/zhanqun)"
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    timeout: float = 15.0  # seconds for the whole exchange, redirects included
    max_bytes: int = 2 * 1024 * 1024  # body bytes kept (after decompression)
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    delay: float = 0.5  # seconds between request starts on one host (registry harvest.per_host)


@dataclass
class Fetched:
    """What one request (with its redirects) came to."""

    url: str
    method: str
    final_url: str = ""
    status: int | None = None
    content_type: str = ""
    length: int | None = None  # Content-Length as declared
    body: bytes = b""
    elapsed_ms: int = 0
    error: str | None = None  # Chinese, for people: 连接被拒绝, 超时……
    redirects: list[str] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        """The server sent an HTTP answer (whatever its status)."""
        return self.status is not None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and self.status < 400


class FetchError(Exception):
    pass


def fetch(url: str, *, method: str = "GET", allow_private: bool = False, limits: Limits = Limits(),
          gate: HostGate = GATE) -> Fetched:
    """``method`` ``url``, following redirects; never raises."""
    result = Fetched(url, method, final_url=url)
    started = time.monotonic()
    deadline = started + limits.timeout
    current = url
    try:
        for _ in range(limits.max_redirects + 1):
            result.final_url = current
            with gate.turn(host_key(current), limits.delay):
                response, connection = _request(current, method, allow_private, limits, deadline)
                try:
                    location = response.getheader("Location")
                    if response.status in REDIRECTS and location:
                        result.status = response.status
                        result.redirects.append(current)
                        current = urljoin(current, location.strip())
                        if response.status == 303 and method != "HEAD":
                            method = "GET"
                        continue
                    result.status = response.status
                    result.content_type = response.getheader("Content-Type") or ""
                    declared = (response.getheader("Content-Length") or "").strip()
                    result.length = int(declared) if declared.isdigit() else None
                    if method != "HEAD":
                        result.body = _read(response, limits, deadline)
                finally:
                    connection.close()
            return result
        result.error = f"重定向超过 {limits.max_redirects} 次"
    except FetchError as exc:
        result.error = str(exc)
    except (socket.timeout, TimeoutError):
        result.error = f"超时（{limits.timeout:g} 秒内未完成）"
    except ConnectionRefusedError:
        result.error = "连接被拒绝"
    except ssl.SSLError as exc:
        result.error = f"TLS 握手失败：{exc.reason or exc}"[:300]
    except (http.client.HTTPException, OSError) as exc:
        result.error = f"连接出错：{type(exc).__name__} {exc}"[:300]
    finally:
        result.elapsed_ms = int((time.monotonic() - started) * 1000)
    return result


def _request(url: str, method: str, allow_private: bool, limits: Limits, deadline: float):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"不是 http(s) 地址：{url[:200]}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"端口无效：{url[:200]}") from None
    address = _checked_address(parts.hostname, port, allow_private)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise socket.timeout()
    cls = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = cls(parts.hostname, port, address, timeout=remaining)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(method, path, headers={
            "User-Agent": limits.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
            "Accept-Encoding": "gzip, deflate", "Accept-Language": "zh-CN,zh;q=0.9", "Connection": "close",
        })
        return connection.getresponse(), connection
    except BaseException:
        connection.close()
        raise


def _checked_address(host: str, port: int, allow_private: bool) -> tuple:
    """The address to connect to, after refusing private ones (the policy of harvestkit.addresses)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise FetchError(f"域名解析失败：{host}") from None
    if not infos:
        raise FetchError(f"域名解析失败：{host}")
    if not allow_private:
        for info in infos:
            if is_forbidden(info[4][0]):
                raise FetchError(f"拒绝访问内网或本机地址：{host}（{info[4][0]}）")
    return infos[0]


def _read(response: http.client.HTTPResponse, limits: Limits, deadline: float) -> bytes:
    """The body, decompressed, cut to ``max_bytes``, before the deadline."""
    encoding = (response.getheader("Content-Encoding") or "").lower().strip()
    inflate = None
    if encoding in ("gzip", "x-gzip"):
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        inflate = zlib.decompressobj()
    out = bytearray()
    while len(out) < limits.max_bytes:
        if time.monotonic() > deadline:
            raise socket.timeout()
        chunk = response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK)
        if not chunk:
            return bytes(out)
        if inflate is not None:
            try:
                chunk = inflate.decompress(chunk, limits.max_bytes - len(out) + 1)
            except zlib.error:
                inflate = None  # mislabelled: keep the bytes as they came
        out += chunk
    return bytes(out[: limits.max_bytes])


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, address: tuple, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        family, socktype, proto, _, sockaddr = self._address
        sock = socket.socket(family, socktype, proto)
        sock.settimeout(self.timeout)
        try:
            sock.connect(sockaddr)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


class _PinnedHTTPS(_PinnedHTTP):
    default_port = 443

    def connect(self) -> None:
        super().connect()
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        self.sock = context.wrap_socket(self.sock, server_hostname=self.host)
