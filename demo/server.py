"""HTTP serving of the demo federation: one ThreadingHTTPServer per site.

``serve(fed, host, base_port)`` binds site *i* to ``base_port + i`` (or to free
ports when ``base_port == 0``), tells the federation where it lives
(``fed.bind``) and returns a :class:`DemoServer`.
"""
from __future__ import annotations

import hashlib
import threading
import time
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from demo.federation import Federation
from demo.routes import Response, handle

__all__ = ["DemoServer", "serve"]


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, handler, demo: "DemoServer", site_id: str):
        self.demo = demo
        self.site_id = site_id
        super().__init__(addr, handler)

    def handle_error(self, request, client_address):  # quiet: clients hanging up are normal
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ZhanqunDemo/1.0"
    timeout = 30
    server: _SiteServer

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    def do_GET(self):
        self._serve("GET")

    def do_HEAD(self):
        self._serve("HEAD")

    def do_POST(self):
        self._serve("POST")

    def _serve(self, method: str) -> None:
        demo = self.server.demo
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        demo._log(self.server.site_id, method, self.path, dict(self.headers.items()))
        try:
            resp = handle(demo.fed, self.server.site_id, method, self.path, body)
        except Exception:  # a bug in the demo must not kill the connection silently
            resp = Response(500, b"demo server error", "text/plain; charset=utf-8", cacheable=False)
        if resp.delay:
            time.sleep(resp.delay)
        self._send(method, resp)

    def _send(self, method: str, resp: Response) -> None:
        headers = {"Content-Type": resp.content_type, **resp.headers}
        status = resp.status
        if resp.cacheable and status == 200:
            etag = '"' + hashlib.sha1(resp.body).hexdigest()[:20] + '"'
            headers["ETag"] = etag
            if resp.last_modified is not None:
                headers["Last-Modified"] = format_datetime(resp.last_modified.astimezone(timezone.utc), usegmt=True)
            if method in ("GET", "HEAD") and _not_modified(self.headers, etag, resp.last_modified):
                status = 304
        body = b"" if status == 304 else resp.body
        self.send_response(status)
        for k, v in headers.items():
            if status == 304 and k == "Content-Type":
                continue
            self.send_header(k, v)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method != "HEAD" and body:
            self.wfile.write(body)


def _not_modified(req_headers, etag: str, last_modified: datetime | None) -> bool:
    inm = req_headers.get("If-None-Match")
    if inm is not None:
        tags = [t.strip() for t in inm.split(",")]
        return "*" in tags or etag in tags or ("W/" + etag) in tags
    ims = req_headers.get("If-Modified-Since")
    if ims and last_modified is not None:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        return last_modified.replace(microsecond=0) <= since
    return False


class DemoServer:
    """Running federation: ``urls`` (site id -> base URL), ``requests`` log, ``stop()``."""

    def __init__(self, fed: Federation, host: str):
        self.fed = fed
        self.host = host
        self.ports: dict[str, int] = {}
        self.urls: dict[str, str] = {}
        self.requests: list[tuple[str, str, str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._servers: list[_SiteServer] = []
        self._threads: list[threading.Thread] = []

    def _log(self, site_id: str, method: str, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append((site_id, method, path, headers))

    def _start(self, base_port: int) -> None:
        try:
            for site in self.fed.sites:
                port = 0 if base_port == 0 else base_port + site.index
                srv = _SiteServer((self.host, port), _Handler, self, site.id)
                self._servers.append(srv)
                self.ports[site.id] = srv.server_address[1]
        except OSError:
            self.stop()
            raise
        self.fed.bind(self.host, self.ports)
        self.urls = self.fed.urls
        for srv in self._servers:
            t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2},
                                 name=f"demo-{srv.site_id}", daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self) -> None:
        for srv, _t in zip(self._servers, self._threads):  # only servers whose loop runs
            srv.shutdown()
        for srv in self._servers:
            srv.server_close()
        self._servers, self._threads = [], []

    def __enter__(self) -> "DemoServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def serve(fed: Federation, host: str = "127.0.0.1", base_port: int = 8701) -> DemoServer:
    """Start every site in daemon threads; ``base_port=0`` picks free ports."""
    server = DemoServer(fed, host)
    server._start(base_port)
    return server
