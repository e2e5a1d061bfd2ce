"""A tiny threaded HTTP server on 127.0.0.1 for tests: path → (status, headers, body or callable)."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

Route = tuple[int, dict[str, str], bytes | Callable[[], bytes]]


class Site:
    def __init__(self, routes: dict[str, Route]):
        self.routes = routes
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                site.hits.append(self.path)
                status, headers, body = site.routes.get(self.path, (404, {"Content-Type": "text/html"}, b"<h1>404</h1>"))
                if callable(body):
                    body = body()
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def slow(seconds: float, body: bytes) -> Callable[[], bytes]:
    def render() -> bytes:
        time.sleep(seconds)
        return body

    return render


HTML = {"Content-Type": "text/html; charset=utf-8"}


def article(title: str, day: str, source: str = "测试单位", extra: str = "") -> bytes:
    body = "".join(f"<p>{title}的第{i}段正文，内容用于测试采集程序是否正确处理各种情况。</p>" for i in range(6))
    return (f"<html><head><meta charset='utf-8'><title>{title}</title><meta name='ArticleTitle' content='{title}'>"
            f"<meta name='PubDate' content='{day}'><meta name='ContentSource' content='{source}'></head>"
            f"<body><h1>{title}</h1><div id='zoom'>{body}{extra}</div></body></html>").encode("utf-8")


def list_page(links: list[tuple[str, str, str]]) -> bytes:
    items = "".join(f"<li><a href='{href}'>{title}</a><span>{day}</span></li>" for href, title, day in links)
    return f"<html><head><meta charset='utf-8'></head><body><ul class='list'>{items}</ul></body></html>".encode("utf-8")
