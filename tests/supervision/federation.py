"""A small federation of loopback sites for supervision tests, dated relative to today.

Shapes: list pages are the ``<ul class="list"><li><a>标题</a><span>日期</span></li>`` of
tests.sitekit (a Hanweb/TRS column as its HTML renders); the empty column prints
``<li>暂无数据</li>`` in place of its entries, as the JSP list template of the public
repository hxxy2012/party does (``<c:if test="${empty list}"><li>暂无数据</li>``); the
soft 404 is a 200 page titled "404 文件不存在" saying "非常抱歉，您访问的页面不存在，或者已经被移除！",
like error_404.php of zhihong01/ahgk; the redesigned list renders its entries from a
script (a list the reader can no longer read, which must not count as a quiet column).
"""
from __future__ import annotations

import socket
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from harvester.registry import load_registry
from harvester.sync import sync_registry
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from tests.sitekit import HTML, Site, article, list_page

TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


def last_month(day: int) -> str:
    return (TODAY.replace(day=1) - timedelta(days=1)).replace(day=day).isoformat()


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def homepage(title: str, news: list[tuple[str, str, str]], extra: str = "") -> bytes:
    lis = "".join(f"<li><a href='{href}'>{text}</a><span>{day}</span></li>" for href, text, day in news)
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<div class='top'>今天是{TODAY.year}年{TODAY.month}月{TODAY.day}日</div>"
            f"<div class='nav'><a href='/'>首页</a> <a href='/about.html'>走进本地</a></div>"
            f"<img src='/images/logo.png' alt='标志'><div class='news'><h3>要闻</h3><ul>{lis}</ul></div>{extra}"
            f"</body></html>").encode("utf-8")


def column(routes: dict, base: str, entries: list[tuple[str, str]]) -> None:
    """A column list at ``base``/index.html with its detail pages."""
    links = [(f"{base}/{i}.html", title, day) for i, (title, day) in enumerate(entries)]
    routes[f"{base}/index.html"] = (200, HTML, list_page(links))
    for href, title, day in links:
        routes[href] = (200, HTML, article(title, day + " 09:30"))


EMPTY_LIST = ("<html><head><meta charset='utf-8'><title>政策解读</title></head><body><div class='position'>首页 &gt; 政策解读</div>"
              "<div class='bszl_list'><ul><li>暂无数据</li></ul></div></body></html>").encode("utf-8")
SOFT_404 = ("<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>404 文件不存在</title>"
            "<style>p{text-align:center}</style></head><body><div id='container'>"
            "<p>非常抱歉，您访问的页面不存在，或者已经被移除！</p><p><a href='/'>返回首页</a></p></div></body></html>").encode("utf-8")
REDESIGNED = ("<html><head><meta charset='utf-8'><title>新闻</title></head><body><div id='app'></div>"
              "<script>window.__LIST__ = {\"total\": 2, \"rows\": []};</script></body></html>").encode("utf-8")
PAGE = (200, HTML, "<html><head><meta charset='utf-8'><title>走进本地</title></head><body><h1>走进本地</h1>"
                   "<p>本地位于浙江省西部，历史悠久。</p></body></html>".encode("utf-8"))
PNG = (200, {"Content-Type": "image/png"}, bytes.fromhex("89504e470d0a1a0a0000000d49484452"))
ROBOTS = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")


class Federation:
    """healthy, dead (nothing listens), quiet (stale, empty, dead links, duty shortfall), redesign."""

    def __init__(self) -> None:
        self.dead_port = free_port()
        self.healthy = Site(self._healthy())
        self.quiet = Site(self._quiet())
        self.redesign = Site(self._redesign())

    def _healthy(self) -> dict:
        routes = {"/robots.txt": ROBOTS, "/about.html": PAGE, "/images/logo.png": PNG}
        column(routes, "/col/xw", [("关于开展健康单位创建工作的通知", ago(1)), ("全市安全生产大检查部署会召开", ago(5)),
                                   ("上月农村饮水工程推进情况通报", last_month(10))])
        routes["/"] = (200, HTML, homepage("健康单位", [("/col/xw/0.html", "关于开展健康单位创建工作的通知", ago(1))]))
        return routes

    def _quiet(self) -> dict:
        routes = {"/robots.txt": ROBOTS, "/about.html": PAGE, "/images/logo.png": PNG, "/zt/gone.html": (200, HTML, SOFT_404),
                  "/col/zcjd/index.html": (200, HTML, EMPTY_LIST)}
        column(routes, "/col/gzdt", [("区政府召开专题会议研究森林防火工作", ago(40)), ("区领导调研农村饮水工程", ago(55))])
        column(routes, "/col/tzgg", [("关于做好冬季供暖工作的通知", last_month(15)), ("关于开展防汛检查的通知", ago(100))])
        extra = ("<div class='zt'><a href='/zt/gone.html'>专题：2025年惠民政策解读</a> "
                 "<a href='/zwgk/old.html'>政府信息公开年报（旧）</a></div>")
        routes["/"] = (200, HTML, homepage("安静单位", [("/col/tzgg/0.html", "关于做好冬季供暖工作的通知", ago(2))], extra))
        return routes

    def _redesign(self) -> dict:
        routes = {"/robots.txt": ROBOTS, "/about.html": PAGE, "/images/logo.png": PNG}
        column(routes, "/col/xw", [("改版前的最后一条新闻", ago(30)), ("改版前的另一条新闻", ago(45))])
        routes["/"] = (200, HTML, homepage("改版单位", [("/col/xw/0.html", "网站改版公告", ago(1))]))
        return routes

    def redesign_list(self) -> None:
        self.redesign.routes["/col/xw/index.html"] = (200, HTML, REDESIGNED)

    def stop(self) -> None:
        for site in (self.healthy, self.quiet, self.redesign):
            site.stop()

    def registry(self, path: Path, supervision: str = "{veto: {stale_columns: 1, unreachable_checks: 2}, "
                                                      "link_checks: {external: false}}") -> Path:
        def unit(uid: str, name: str, base: str, sources: list[str], duties: str = "") -> str:
            out = (f"  - id: {uid}\n    name: {name}\n    kind: department\n    homepage: {base}/\n"
                   f"    allow_private: true\n    sources:\n")
            out += "".join(f"      - {{{s}, allow_private: true, review: auto}}\n" for s in sources)
            return out + (f"    duties:\n      - {duties}\n" if duties else "")

        dead = f"http://127.0.0.1:{self.dead_port}"
        text = (
            "portal: {name: 测试门户, timezone: Asia/Shanghai}\n"
            "harvest: {per_host: {concurrency: 2, delay: 0}}\n"
            f"supervision: {supervision}\n"
            "columns:\n  - {id: xw, name: 新闻}\n  - {id: tzgg, name: 通知公告}\n  - {id: zcjd, name: 政策解读}\n"
            "units:\n"
            + unit("healthy", "健康单位", self.healthy.url,
                   [f"id: healthy-xw, url: '{self.healthy.url}/col/xw/index.html', type: list, columns: [xw]"],
                   "{column: xw, min_items: 1, per: month}")
            + unit("dead", "无法访问单位", dead, [f"id: dead-xw, url: '{dead}/col/xw/index.html', type: list, columns: [xw], timeout: 5"])
            + unit("quiet", "安静单位", self.quiet.url, [
                f"id: quiet-gzdt, url: '{self.quiet.url}/col/gzdt/index.html', type: list, columns: [xw]",
                f"id: quiet-zcjd, url: '{self.quiet.url}/col/zcjd/index.html', type: list, columns: [zcjd], category: notice, harvest: false",
                f"id: quiet-tzgg, url: '{self.quiet.url}/col/tzgg/index.html', type: list, columns: [tzgg], category: notice",
            ], "{column: tzgg, min_items: 3, per: month}")
            + unit("redesign", "改版单位", self.redesign.url,
                   [f"id: redesign-xw, url: '{self.redesign.url}/col/xw/index.html', type: list, columns: [xw]"])
        )
        path.write_text(text, encoding="utf-8")
        return path


def synced(registry, db_url: str):
    """A migrated database at ``db_url`` synced to ``registry``: ``(sessions, engine)``."""
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions.begin() as s:
        sync_registry(s, registry)
    return sessions, engine


def prepared(path: Path, db_url: str):
    """The registry at ``path`` and a database synced to it: ``(registry, sessions, engine)``."""
    registry = load_registry(path)
    return (registry, *synced(registry, db_url))
