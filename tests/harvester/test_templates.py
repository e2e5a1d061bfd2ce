"""Site templates: learned from a source's first pages, checked, used, stored, shown,
and a redesign at the source shown in its health (broken-rules).

The detail pages imitate two layouts county sites really use: TRS WCM's article
page (``h1`` title, a ``发布时间：… 来源：…`` bar, the body in ``div.TRS_Editor``, no
government meta tags, as on many 浙江 county portals) and, after a "redesign",
a Hanweb-style page (``div#zoom`` body, ``发布日期/信息来源`` line under an ``h2``).
"""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from harvester.extract import extract_page
from harvester.extract.template import TemplateBook, char_f1
from harvester.templates_store import SourceTemplate
from storage.db import make_engine, session_factory
from storage.models import Item, Source
from tests.sitekit import HTML, Site, list_page, paragraphs

ROOT = Path(__file__).resolve().parents[2]
CHROME = ("<div class='top'><a href='/'>首页</a> <a href='/zwgk/'>政务公开</a> <a href='/hdjl/'>互动交流</a></div>"
          "<div class='position'>当前位置：<a href='/'>首页</a> &gt; 通知公告</div>")
FOOTER = "<div class='footer'><p>主办：测试县人民政府办公室 浙ICP备12345678号</p></div>"


def trs_page(title: str, day: str, source: str) -> bytes:
    """TRS WCM article page: no meta tags, the info bar is the only place of the date."""
    return (f"<html><head><meta charset='utf-8'><title>{title}_测试县人民政府</title></head><body>{CHROME}"
            f"<div class='xl_con'><h1 class='xl_title'>{title}</h1>"
            f"<div class='xl_info'><span>发布时间：{day} 09:30</span><span>来源：{source}</span>"
            "<span>【字体：<a href='javascript:;'>大</a> <a href='javascript:;'>小</a>】</span></div>"
            f"<div class='TRS_Editor'>{paragraphs(title)}</div>"
            "<div class='xl_share'>分享到：<a href='javascript:;'>微信</a></div></div>"
            f"{FOOTER}</body></html>").encode("utf-8")


def hanweb_page(title: str, day: str, source: str) -> bytes:
    """The same site after a redesign: another container, another info line."""
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{CHROME}"
            f"<div id='article'><h2 class='art-title'>{title}</h2>"
            f"<p class='art-meta'>发布日期：{day}　信息来源：{source}</p>"
            f"<div id='zoom'>{paragraphs(title, 'v2')}</div></div>{FOOTER}</body></html>").encode("utf-8")


class Column:
    def __init__(self) -> None:
        self.site = Site({})
        self.articles: list[dict] = []
        self.design = trs_page

    def add(self, n: int) -> None:
        for _ in range(n):
            k = len(self.articles) + 1
            day = (date(2026, 10, 1) + timedelta(days=k)).isoformat()
            self.articles.insert(0, {"id": k, "title": f"测试县关于第{k}批惠企政策兑现工作的通知", "day": day,
                                     "source": "测试县经济和信息化局", "page": self.design})
        routes = {"/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"),
                  "/col/index.html": (200, HTML, list_page([(f"/art/{a['id']}.html", a["title"], a["day"]) for a in self.articles]))}
        for a in self.articles:
            routes[f"/art/{a['id']}.html"] = (200, HTML, a["page"](a["title"], a["day"], a["source"]))
        self.site.routes = routes

    def registry(self, tmp: Path) -> Path:
        path = tmp / "registry.yaml"
        path.write_text(
            "portal: {name: 测试门户, timezone: Asia/Shanghai}\nharvest: {per_host: {concurrency: 4, delay: 0}}\n"
            "columns:\n  - {id: tzgg, name: 通知公告}\n"
            "units:\n  - id: t\n    name: 测试县人民政府\n    kind: county\n"
            f"    homepage: {self.site.url}/\n    sources:\n"
            f"      - {{id: col, url: '{self.site.url}/col/index.html', type: list, columns: [tzgg], allow_private: true, review: auto}}\n",
            encoding="utf-8")
        return path


def harvest(registry: Path, db_url: str, workers: int = 1) -> dict:
    proc = subprocess.run([sys.executable, "-m", "cli.main", "harvest", "--registry", str(registry), "--db", db_url,
                           "--json", "--workers", str(workers)], capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_template_is_learned_checked_and_reads_like_the_full_way():
    book = TemplateBook()
    ways = []
    for k in range(1, 31):
        title, day = f"测试县关于第{k}批惠企政策兑现工作的通知", f"2026-10-{k:02d}"
        html = trs_page(title, day, "测试县经济和信息化局").decode("utf-8")
        page, report = book.extract("col", html, f"http://t.example/art/{k}.html", "Asia/Shanghai")
        full = extract_page(html, f"http://t.example/art/{k}.html")
        ways.append(report["way"])
        if "learned" in report:
            learned = report["learned"]
        assert page.title == full.title == title
        assert page.published_at == full.published_at and page.published_at.date().isoformat() == day
        assert page.source == full.source == "测试县经济和信息化局"
        assert char_f1(page.body_text, full.body_text) >= 0.99 and "分享到" not in page.body_text
    assert ways[:3] == ["full"] * 3  # learned from the first three pages, checked on them
    assert learned["title"] == '//h1[@class="xl_title"]'
    assert learned["info"] == '//div[@class="xl_info"]'
    assert learned["body"] == '//div[@class="TRS_Editor"]'
    assert ways.count("template") >= 25 and "check" in ways and "miss" not in ways


def test_a_page_the_template_misses_goes_the_full_way_and_the_template_is_learned_again():
    book = TemplateBook()
    for k in range(1, 5):
        book.extract("col", trs_page(f"第{k}号通知公告的标题", f"2026-10-0{k}", "县教育局").decode("utf-8"), f"http://t.example/{k}", "Asia/Shanghai")
    odd = hanweb_page("改版后的第一篇通知公告标题", "2026-11-02", "县教育局").decode("utf-8")
    page, report = book.extract("col", odd, "http://t.example/odd", "Asia/Shanghai")
    assert report["way"] == "miss"
    assert page.title == "改版后的第一篇通知公告标题" and page.published_at.date().isoformat() == "2026-11-02"
    reports = [book.extract("col", hanweb_page(f"改版后第{k}篇通知公告", f"2026-11-1{k}", "县教育局").decode("utf-8"),
                            f"http://t.example/new{k}", "Asia/Shanghai")[1] for k in range(4)]
    learned = next(r for r in reports if "learned" in r)
    assert learned["redesign"] and learned["learned"]["body"] == '//div[@id="zoom"]'
    assert learned["previous"]["body"] == '//div[@class="TRS_Editor"]'
    assert reports[-1]["way"] == "template"


def test_harvest_stores_reuses_and_shows_templates_and_a_redesign_breaks_the_rules(tmp_path, sqlite_url):
    column = Column()
    column.add(8)
    registry = column.registry(tmp_path)
    try:
        first = harvest(registry, sqlite_url)
        assert first["totals"]["new"] == 8
        assert first["templates"]["full"] == 3 and first["templates"]["template"] == 5
        engine = make_engine(sqlite_url)
        sessions = session_factory(engine)
        with sessions() as s:
            row = s.get(SourceTemplate, "col")
            assert (row.title_xpath, row.info_xpath, row.body_xpath) == (
                '//h1[@class="xl_title"]', '//div[@class="xl_info"]', '//div[@class="TRS_Editor"]')
            assert row.pages_template == 5 and row.pages_full == 3 and row.redesigned_at is None
            items = {i.title: i for i in s.scalars(select(Item))}
            for a in column.articles:  # dates and 来源 from the info bar, by template too
                item = items[a["title"]]
                assert item.source_text == "测试县经济和信息化局"
                assert item.published_at.isoformat().startswith(a["day"] + "T01:30")  # 09:30 in Asia/Shanghai

        # new pages of the same layout: read by the stored template from the first page on
        column.add(4)
        second = harvest(registry, sqlite_url)
        assert second["totals"]["new"] == 4
        assert second["templates"]["template"] == 4 and second["templates"]["full"] == 0

        # the site is redesigned: the template misses, is learned again, and the health says so
        column.design = hanweb_page
        column.add(5)
        third = harvest(registry, sqlite_url)
        assert third["totals"]["new"] == 5 and third["templates"]["miss"] >= 1
        with sessions() as s:
            row = s.get(SourceTemplate, "col")
            assert row.body_xpath == '//div[@id="zoom"]' and row.title_xpath == '//h2[@class="art-title"]'
            assert row.redesigned_at is not None and row.previous["body"] == '//div[@class="TRS_Editor"]'
            source = s.get(Source, "col")
            assert source.status == "broken-rules" and "page template changed" in source.health_note
            titles = {i.title for i in s.scalars(select(Item))}
            assert {a["title"] for a in column.articles} <= titles
        engine.dispose()

        # 采集管理's source page shows the selectors, when, how often, and the redesign
        from tests.hub.control_kit import client_as, seeded_app

        with seeded_app(sqlite_url, REGISTRY_PATH=str(registry), HARVEST_LOG_DIR=str(tmp_path / "logs")) as app:
            html = client_as(app, "editor").get("/hub/harvest/sources/col").get_data(as_text=True)
        assert "页面模板" in html and "//div[@id=&#34;zoom&#34;]" in html
        assert 'id="template-redesign"' in html and "规则可能失效" in html
        assert "按模板提取" in html
    finally:
        column.site.stop()
