"""Incremental harvesting on a site that changes between runs, measured on the wire:
conditional GET, early stop, no refetching, updates, withdrawals, broken rules."""
from __future__ import annotations

import json
from datetime import date, timedelta
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import make_engine, session_factory
from storage.models import Item, ItemRevision, ItemSource, Source
from tests.sitekit import HTML, Site, article, list_page, one_source_registry

ROOT = Path(__file__).resolve().parents[2]
PER_PAGE = 10


class Column:
    """A column list of articles, newest first, 10 per page, with 下一页 links."""

    def __init__(self) -> None:
        self.articles: list[dict] = []
        self.site = Site({})
        self.next_id = 1
        for _ in range(30):
            self.add()
        self.publish()

    def add(self, day: str | None = None) -> dict:
        n = self.next_id
        self.next_id += 1
        art = {"id": n, "title": f"关于第{n}号事项的通知公告", "day": day or (date(2026, 9, 1) + timedelta(days=n)).isoformat(), "extra": "", "status": 200}
        self.articles.insert(0, art)
        return art

    def publish(self) -> None:
        routes = {"/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")}
        pages = [self.articles[i : i + PER_PAGE] for i in range(0, len(self.articles), PER_PAGE)] or [[]]
        for p, chunk in enumerate(pages):
            path = "/col/index.html" if p == 0 else f"/col/index_{p}.html"
            nxt = f"/col/index_{p + 1}.html" if p + 1 < len(pages) else None
            routes[path] = (200, HTML, list_page([(f"/art/{a['id']}.html", a["title"], a["day"]) for a in chunk], nxt))
        for a in self.articles:
            routes[f"/art/{a['id']}.html"] = (a["status"], HTML, article(a["title"], a["day"] + " 09:00", extra=a["extra"]))
        self.site.routes = routes

    def registry(self, tmp: Path, policy: str = "{per_host: {concurrency: 4, delay: 0}}") -> Path:
        path = tmp / "registry.yaml"
        path.write_text(
            "portal: {name: 测试门户, timezone: Asia/Shanghai}\n"
            f"harvest: {policy}\n"
            "columns:\n  - {id: tzgg, name: 通知公告}\n"
            "units:\n  - id: t\n    name: 测试单位\n    kind: department\n"
            f"    homepage: {self.site.url}/\n    sources:\n"
            f"      - {{id: col, url: '{self.site.url}/col/index.html', type: list, columns: [tzgg], allow_private: true, max_pages: 10, review: auto}}\n",
            encoding="utf-8",
        )
        return path


def harvest(registry: Path, db_url: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "cli.main", "harvest", "--registry", str(registry), "--db", db_url, "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return json.loads(proc.stdout)["sources"][0]


@pytest.fixture
def column():
    col = Column()
    yield col
    col.site.stop()


def test_conditional_get_early_stop_and_no_refetching(column, tmp_path, db_url):
    registry = column.registry(tmp_path)
    first = harvest(registry, db_url)
    assert first["new"] == 30 and len(column.site.paths("/art/")) == 30
    assert len(column.site.paths("/col/")) == 3

    column.site.reset()
    second = harvest(registry, db_url)
    assert second["new"] == 0 and second["updated"] == 0
    assert column.site.paths("/art/") == []  # no detail-page request at all
    listing = [h for h in column.site.hits if h.path.startswith("/col/")]
    assert [(h.path, h.status) for h in listing] == [("/col/index.html", 304)]
    assert listing[0].headers.get("If-None-Match")

    column.add("2026-11-20")
    column.add("2026-11-21")
    column.publish()
    column.site.reset()
    third = harvest(registry, db_url)
    assert third["new"] == 2
    assert sorted(column.site.paths("/art/")) == ["/art/31.html", "/art/32.html"]
    # page 1 had new items, page 2 had none: paging stops there
    assert column.site.paths("/col/") == ["/col/index.html", "/col/index_1.html"]


def test_updates_withdrawals_and_broken_rules(column, tmp_path, sqlite_url):
    registry = column.registry(tmp_path)
    harvest(registry, sqlite_url)

    # An update at the source: the list shows a new date, the page has new text.
    changed = column.articles[1]
    changed["day"], changed["extra"] = "2026-11-05", "<p>（本文于11月5日更正：会议地点调整为市民中心。）</p>"
    # A withdrawal: gone from the list, and its page answers 404.
    gone = column.articles.pop(3)
    gone["status"] = 404
    column.publish()
    column.site.routes[f"/art/{gone['id']}.html"] = (404, HTML, b"not found")
    result = harvest(registry, sqlite_url)
    # Paging stopped early at page 2 (nothing unseen there): the listing was not read
    # completely, so its absence is no evidence yet.
    assert result["updated"] == 1 and result["withdrawn"] == 0

    # Edits on every page make the next run read the whole listing: now it is evidence
    # (each corrected entry is re-dated by a day, so the list stays newest first).
    for later in (column.articles[0], column.articles[12], column.articles[24]):
        later["day"] = (date.fromisoformat(later["day"]) + timedelta(days=1)).isoformat()
        later["extra"] = "<p>（本文次日更正。）</p>"
    column.publish()
    column.site.routes[f"/art/{gone['id']}.html"] = (404, HTML, b"not found")
    result = harvest(registry, sqlite_url)
    assert result["updated"] == 3 and result["withdrawn"] == 1, result

    sessions = session_factory(make_engine(sqlite_url))
    with sessions() as s:
        item = s.scalar(select(Item).where(Item.title == changed["title"]))
        assert [f["kind"] for f in item.flags] == ["updated_at_source"]
        link = item.sources[0]
        revisions = s.scalars(select(ItemRevision).where(ItemRevision.item_source_id == link.id).order_by(ItemRevision.id)).all()
        assert len(revisions) == 2 and "更正" in revisions[1].body_text and "更正" not in revisions[0].body_text
        withdrawn = s.scalar(select(Item).where(Item.title == gone["title"]))
        assert withdrawn.status == "withdrawn"
        assert withdrawn.flags[-1]["kind"] == "withdrawn_at_source"
        assert withdrawn.flags[-1]["reason"] == "vanished from its list at the source"
        assert s.scalar(select(ItemSource.status).where(ItemSource.item_id == withdrawn.id)) == "withdrawn"

    # A redesign: the list page no longer has a detectable item list.
    column.site.routes["/col/index.html"] = (200, HTML, "<html><body><div class='new-ui' data-app='list'></div></body></html>".encode())
    result = harvest(registry, sqlite_url)
    assert result["status"] == "failed"
    with sessions() as s:
        source = s.get(Source, "col")
        assert source.status == "broken-rules"
        assert "rules may be broken (site redesign?)" in source.health_note


def test_per_host_limits_and_crawl_delay_on_the_wire(tmp_path, sqlite_url):
    arts = [(f"/art/{i}.html", f"第{i}篇政务信息标题", "2026-11-01") for i in range(12)]
    routes = {"/col/index.html": (200, HTML, list_page(arts + [("/private/x.html", "不应抓取的内部页面", "2026-11-01")]))}
    routes.update({href: (200, HTML, article(title, day)) for href, title, day in arts})
    routes["/private/x.html"] = (200, HTML, article("不应抓取的内部页面", "2026-11-01"))
    routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\nCrawl-delay: 0.3\n")
    site = Site(routes, latency=0.05)
    try:
        registry = tmp_path / "registry.yaml"
        registry.write_text(
            "portal: {name: 测试, timezone: Asia/Shanghai}\nharvest: {per_host: {concurrency: 2, delay: 0.1}}\n"
            "columns:\n  - {id: tzgg, name: 通知公告}\nunits:\n  - id: t\n    name: 测试单位\n    kind: department\n"
            f"    homepage: {site.url}/\n    sources:\n"
            f"      - {{id: a, url: '{site.url}/col/index.html', type: list, columns: [tzgg], allow_private: true}}\n"
            f"      - {{id: b, url: '{site.url}/col/index.html?copy=1', type: list, columns: [tzgg], allow_private: true}}\n",
            encoding="utf-8")
        harvest(registry, sqlite_url)
        assert "/private/x.html" not in site.paths()
        assert max(h.in_flight for h in site.hits) <= 2  # two sources, one host: still at most 2
        starts = sorted(h.started for h in site.hits if not h.path.startswith("/robots"))
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        # Server-side start times carry thread-scheduling jitter (both ends of a gap), so allow 60 ms.
        assert min(gaps) >= 0.3 - 0.06, gaps  # robots.txt's Crawl-delay beats the configured 0.1 s
    finally:
        site.stop()


def test_retry_after_is_honoured(tmp_path, sqlite_url):
    calls = {"n": 0}

    def flaky() -> bytes:
        calls["n"] += 1
        return article("限流后恢复的文章", "2026-11-02")

    routes = {"/col/index.html": (200, HTML, list_page([("/art/1.html", "限流后恢复的文章", "2026-11-02"),
                                                        ("/art/2.html", "一切正常的另一篇文章", "2026-11-01")])),
              "/art/2.html": (200, HTML, article("一切正常的另一篇文章", "2026-11-01"))}
    site = Site(routes)
    site.routes["/art/1.html"] = (503, {"Content-Type": "text/html", "Retry-After": "1"}, b"busy")

    original = site.routes

    class Once(dict):
        def get(self, key, default=None):
            if key == "/art/1.html" and len([h for h in site.hits if h.path == key]) > 1:
                return (200, HTML, flaky)
            return original.get(key, default)

    site.routes = Once(original)
    try:
        registry = one_source_registry(tmp_path / "registry.yaml", site)
        result = harvest(registry, sqlite_url)
        assert result["new"] == 2 and result["errors"] == 0
        tries = [h for h in site.hits if h.path == "/art/1.html"]
        assert [h.status for h in tries] == [503, 200]
        assert tries[1].started - tries[0].started >= 0.95
    finally:
        site.stop()


def test_template_notices_with_near_identical_text_stay_apart(tmp_path, sqlite_url):
    """Numbered notices share a template: same text but for the number. They are different
    notices and must not be merged as reposts (the public would lose one of them)."""

    def template(n: int) -> bytes:
        body = "".join(f"<p>各单位：现将第{n}号事项的有关要求通知如下，请各单位认真组织实施，按时报送工作情况，确保各项任务落到实处。</p>" for _ in range(4))
        title = f"关于第{n}号事项的通知公告"
        return (f"<html><head><meta charset='utf-8'><meta name='ArticleTitle' content='{title}'>"
                f"<meta name='PubDate' content='2026-11-0{n}'></head><body><h1>{title}</h1><div id='zoom'>{body}</div></body></html>").encode()

    routes = {"/col/index.html": (200, HTML, list_page([(f"/art/{n}.html", f"关于第{n}号事项的通知公告", f"2026-11-0{n}") for n in (1, 2, 3)]))}
    routes.update({f"/art/{n}.html": (200, HTML, template(n)) for n in (1, 2, 3)})
    site = Site(routes)
    try:
        registry = one_source_registry(tmp_path / "registry.yaml", site)
        harvest(registry, sqlite_url)
        with session_factory(make_engine(sqlite_url))() as s:
            assert sorted(s.scalars(select(Item.title))) == [f"关于第{n}号事项的通知公告" for n in (1, 2, 3)]
    finally:
        site.stop()
