"""A small threaded HTTP server on 127.0.0.1 for tests.

Routes map a path to (status, headers, body or callable).  A ``resolver``
answers what no route names (POSTed forms, API queries): it gets
``(method, path, body)`` and returns a route or None.  The server answers
conditional GETs (ETag from the body), and records every request with its
start time and how many requests were in flight, so tests can measure
politeness on the wire.
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

Route = tuple[int, dict[str, str], bytes | Callable[[], bytes]]


@dataclass
class Hit:
    path: str
    started: float
    in_flight: int
    status: int = 0
    headers: dict | None = None


class Site:
    def __init__(self, routes: dict[str, Route], latency: float = 0.0,
                 resolver: Callable[[str, str, bytes], Route | None] | None = None):
        self.routes = routes
        self.latency = latency
        self.resolver = resolver
        self.hits: list[Hit] = []
        self.in_flight = 0
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                self._handle("GET", b"")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self._handle("POST", self.rfile.read(length) if length else b"")

            def _handle(self, method: str, body: bytes) -> None:
                with site.lock:
                    site.in_flight += 1
                    hit = Hit(self.path, time.monotonic(), site.in_flight, headers=dict(self.headers))
                    site.hits.append(hit)
                try:
                    self._answer(hit, method, body)
                finally:
                    with site.lock:
                        site.in_flight -= 1

            def _answer(self, hit: Hit, method: str = "GET", posted: bytes = b"") -> None:
                if site.latency:
                    time.sleep(site.latency)
                route = site.routes.get(self.path) if method == "GET" else None
                if route is None and site.resolver is not None:
                    route = site.resolver(method, self.path, posted)
                status, headers, body = route or (404, {"Content-Type": "text/html"}, b"<h1>404</h1>")
                if callable(body):
                    body = body()
                etag = '"' + hashlib.md5(body).hexdigest() + '"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
                hit.status = status
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    if status in (200, 304):
                        self.send_header("ETag", etag)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def paths(self, prefix: str = "") -> list[str]:
        return [h.path for h in self.hits if h.path.startswith(prefix)]

    def reset(self) -> None:
        self.hits.clear()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def slow(seconds: float, body: bytes) -> Callable[[], bytes]:
    def render() -> bytes:
        time.sleep(seconds)
        return body

    return render


HTML = {"Content-Type": "text/html; charset=utf-8"}


TOPICS = ("森林防火", "安全生产", "农村饮水", "垃圾分类", "医疗保障", "义务教育", "交通治理", "营商环境", "养老服务",
          "河湖治理", "就业创业", "防汛抗台", "文物保护", "食品安全", "基层治理", "数字政府", "老旧小区", "耕地保护")
ACTIONS = ("召开专题会议", "开展专项检查", "印发实施方案", "组织业务培训", "推进重点项目", "部署阶段工作", "通报工作进展")


def paragraphs(title: str, salt: str = "") -> str:
    """Body paragraphs that differ from every other title's (no accidental near-duplicates)."""
    seed = int(hashlib.md5((title + salt).encode("utf-8")).hexdigest(), 16)
    sentences = []
    for i in range(6):
        topic = TOPICS[(seed >> (4 * i)) % len(TOPICS)]
        action = ACTIONS[(seed >> (4 * i + 2)) % len(ACTIONS)]
        sentences.append(f"<p>{title}：围绕{topic}工作，有关部门{action}，第{(seed >> i) % 97}项任务按期推进，{topic}成效明显。</p>")
    return "".join(sentences)


def article(title: str, day: str, source: str = "测试单位", extra: str = "") -> bytes:
    """A detail page whose text differs from every other title's (no accidental near-duplicates)."""
    body = paragraphs(title)
    return (f"<html><head><meta charset='utf-8'><title>{title}</title><meta name='ArticleTitle' content='{title}'>"
            f"<meta name='PubDate' content='{day}'><meta name='ContentSource' content='{source}'></head>"
            f"<body><h1>{title}</h1><div id='zoom'>{body}{extra}</div></body></html>").encode("utf-8")


class Articles(dict):
    """Routes where every ``/art/N.html`` not routed otherwise is an article of its own
    (for list pages that link more pages than a test would write out)."""

    def get(self, key, default=None):
        if key.startswith("/art/") and key not in self:
            n = key.rsplit("/", 1)[-1].split(".")[0]
            return (200, HTML, article(f"海量列表中的第{n}号通知", "2026-11-01"))
        return super().get(key, default)


def list_page(links: list[tuple[str, str, str]], next_href: str | None = None) -> bytes:
    items = "".join(f"<li><a href='{href}'>{title}</a><span>{day}</span></li>" for href, title, day in links)
    nxt = f"<a href='{next_href}'>下一页</a>" if next_href else ""
    return f"<html><head><meta charset='utf-8'></head><body><ul class='list'>{items}</ul>{nxt}</body></html>".encode("utf-8")


def one_source_registry(path, site: Site, list_path: str = "/col/index.html",
                        policy: str = "{per_host: {concurrency: 2, delay: 0}}", extra: str = ""):
    """A registry with one unit and one auto-detected list source on ``site``."""
    path.write_text(
        f"portal: {{name: 测试, timezone: Asia/Shanghai}}\nharvest: {policy}\n"
        "columns:\n  - {id: tzgg, name: 通知公告}\nunits:\n  - id: t\n    name: 测试单位\n    kind: department\n"
        f"    homepage: {site.url}/\n    sources:\n"
        f"      - {{id: a, url: '{site.url}{list_path}', type: list, columns: [tzgg], allow_private: true{extra}}}\n",
        encoding="utf-8")
    return path
