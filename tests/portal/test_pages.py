"""The portal's pages: what the public sees, and what it must never see."""
from __future__ import annotations

import pytest

from tests.portal.pagecheck import assert_accessible_structure, external_links, page, texts
from tests.portal.seeding import ATTACHMENT_URL, REPOST_URL, SOURCE_URL


def test_home_shows_columns_featured_site_navigation_and_search_box(client, ids):
    response = client.get("/")
    assert response.status_code == 200
    doc = page(response)
    assert_accessible_structure(doc)
    assert texts(doc, "//h1") == ["中国衢州"]  # the registry's portal.name (hub config)
    featured = doc.xpath("//section[@class='featured']")[0]
    assert texts(featured, ".//li/a") == ["首页推荐的发展动态"]
    blocks = {b.xpath(".//h2")[0].text_content(): texts(b, ".//ul/li/a")
              for b in doc.xpath("//section[@class='column-block']")}
    assert blocks["政务动态"] == ["江山市政务动态", "柯城区报送的工作信息"]
    assert "关于做好2026年政务公开工作的通知 & <重要>" in blocks["通知公告"]
    listed = sum(blocks.values(), [])
    assert not any("秘密待审" in t or "退回" in t or "撤下" in t or "定时发布的" in t for t in listed)
    nav = doc.xpath("//nav[@class='site-nav']")[0]
    hrefs = nav.xpath(".//a/@href")
    homepages = {"http://kc.example/", "http://js.example/"}
    sources = {"http://kc.example/tzgg/", "http://js.example/news/"}
    assert homepages | sources <= set(hrefs)
    assert nav.xpath(".//a[@href='http://kc.example/tzgg/']")[0].text_content() == "通知公告"
    assert "/units/kecheng" in hrefs
    search = doc.xpath("//form[@role='search']")[0]
    assert search.get("action") == "/search" and search.xpath(".//input[@name='q']")


def test_column_page_lists_pinned_first_then_newest(client, ids):
    doc = page(client.get("/columns/notices"))
    assert_accessible_structure(doc)
    assert texts(doc, "//h1") == ["通知公告"]
    titles = texts(doc, "//ul[@class='item-list']/li/a")
    assert titles[0] == "置顶的旧通知"
    assert titles[1:] == ["已到时间的定时通知", "关于做好2026年政务公开工作的通知 & <重要>", "首页推荐的发展动态"]
    assert doc.xpath("//ul[@class='item-list']/li[1]/span[@class='badge']")
    dates = doc.xpath("//ul[@class='item-list']//time/@datetime")
    assert dates[1].startswith("2026-11-10T10:00:00+08:00")


def _add_news(app, count: int) -> None:
    from datetime import datetime, timedelta, timezone

    from hub.db import new_session
    from storage import counters
    from storage.models import Item, ItemColumn

    with new_session(app) as s:
        for n in range(count):
            item = Item(title=f"分页测试{n:02d}", url=f"http://js.example/p/{n}.html", unit_id="jiangshan",
                        status="published", content_hash="p" * 64,
                        published_at=datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(days=n))
            s.add(item)
            s.flush()
            s.add(ItemColumn(item_id=item.id, column_id="news"))
        counters.bump(s)  # as every publish does: cached pages and counts go stale
        s.commit()


def test_column_pages_are_paginated(app, client, ids):
    _add_news(app, 25)
    first = page(client.get("/columns/news"))
    second = page(client.get("/columns/news?page=2"))
    assert len(first.xpath("//ul[@class='item-list']/li")) == 20
    assert "第 1 / 2 页" in first.xpath("//nav[@class='pager']")[0].text_content()
    assert first.xpath("//nav[@class='pager']//a[@rel='next']/@href") == ["/columns/news?page=2"]
    assert len(second.xpath("//ul[@class='item-list']/li")) == 7  # 27 published in 政务动态
    assert second.xpath("//a[@aria-current='page' and text()='2']")
    for bad in ("3", "0", "x", "501", "-1"):
        assert client.get(f"/columns/news?page={bad}").status_code == 404
    assert "共 27 条" in first.xpath("//nav[@class='pager']")[0].text_content()


def test_a_column_longer_than_the_pager_says_so_and_stops_at_the_last_page(app, client, ids, monkeypatch):
    """The count stops at what MAX_PAGE pages can show (共 N 余条); deeper pages are 404."""
    from hub.db import new_session
    from hub.portal import queries

    with new_session(app) as s:  # the seed has two published 政务动态 items
        assert queries.column_total(s, "news", cap=1) == 1
        assert queries.column_total(s, "news", cap=100) == 2
        assert queries.column_total(s, "tzgg-none", cap=100) == 0
    monkeypatch.setattr(queries, "MAX_PAGE", 2)
    _add_news(app, 45)  # 47 published in 政务动态, pages of 20: more than two pages
    doc = page(client.get("/columns/news?page=2"))
    assert "共 40 余条，第 2 / 2 页" in doc.xpath("//nav[@class='pager']")[0].text_content()
    assert client.get("/columns/news?page=3").status_code == 404
    monkeypatch.setattr(queries, "MAX_PAGE", 3)  # 47 fit in three pages: the exact count again
    assert "共 47 条，第 3 / 3 页" in page(client.get("/columns/news?page=3")).xpath("//nav[@class='pager']")[0].text_content()


def test_unit_page_lists_the_units_items(client, ids):
    doc = page(client.get("/units/kecheng"))
    assert_accessible_structure(doc)
    assert texts(doc, "//h1") == ["柯城区人民政府"]
    titles = texts(doc, "//ul[@class='item-list']/li/a")
    assert "柯城区报送的工作信息" in titles and "置顶的旧通知" in titles
    assert "江山市政务动态" not in titles and "被退回的通知" not in titles
    assert client.get("/units/nowhere").status_code == 404
    assert client.get("/columns/nowhere").status_code == 404


def test_item_page_shows_sources_attachments_body_and_other_publishers(client, ids):
    response = client.get(f"/items/{ids['rich']}")
    assert response.status_code == 200
    doc = page(response)
    assert_accessible_structure(doc)
    article = doc.xpath("//main//article")[0]
    assert texts(article, ".//h1") == ["关于做好2026年政务公开工作的通知 & <重要>"]
    facts = {dt.text_content(): " ".join(dd.text_content().split())
             for dt, dd in zip(article.xpath(".//dt"), article.xpath(".//dd"))}
    assert facts["发布时间"] == "2026-11-10 10:00"
    assert article.xpath(".//time/@datetime") == ["2026-11-10T10:00:00+08:00"]
    assert facts["来源"] == "柯城区人民政府（柯城区办公室）"
    assert facts["文号"] == "衢政办发〔2026〕1号"
    assert article.xpath(".//a[@class='source-link']/@href") == [SOURCE_URL]
    assert article.xpath(".//section[@class='attachments']//a/@href") == [ATTACHMENT_URL]
    also = article.xpath(".//section[@class='also']//a")
    assert [(a.get("href"), a.text_content()) for a in also] == [(REPOST_URL, "江山市人民政府")]
    body = article.xpath(".//div[@class='item-body']")[0]
    assert "政务公开工作" in body.text_content()
    assert texts(body, ".//h2") == ["一、总体要求"]  # the body's own h1 moved down: one h1 per page


def test_submission_shows_reporting_unit_and_no_source_link(client, ids):
    doc = page(client.get(f"/items/{ids['submission']}"))
    assert_accessible_structure(doc)
    terms = texts(doc, "//dt")
    assert "报送单位" in terms and "原文链接" not in terms and "来源" not in terms
    assert not doc.xpath("//a[@class='source-link']")
    assert not external_links(doc.xpath("//main")[0])  # the footer's 备案 links are the portal's own
    upload = doc.xpath("//section[@class='attachments']//a")[0]
    assert upload.text_content() == "报送材料.pdf" and upload.get("href").startswith("/hub/files/")


@pytest.mark.parametrize("state", ["pending", "scheduled", "rejected"])
def test_unpublished_items_are_not_found(client, ids, state):
    response = client.get(f"/items/{ids[state]}")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "页面不存在" in body and "秘密待审" not in body and "被退回" not in body and "定时发布的通知" not in body


def test_unknown_items_are_not_found(client, ids):
    for path in ("/items/999999", "/items/99999999999999999999999", "/items/abc"):
        assert client.get(path).status_code == 404


def test_withdrawn_item_is_gone_without_its_content(client, ids):
    response = client.get(f"/items/{ids['withdrawn']}")
    assert response.status_code == 410
    body = response.get_data(as_text=True)
    assert "撤下" in body
    assert "已撤下的机密通知" not in body and "撤下的正文" not in body
    assert_accessible_structure(page(response))


def test_overdue_scheduled_item_goes_public_on_the_next_visit(app, client, ids):
    from hub.db import new_session
    from storage.models import AuditEntry, Item

    assert client.get(f"/items/{ids['overdue']}").status_code == 200
    with new_session(app) as s:
        assert s.get(Item, ids["overdue"]).status == "published"
        assert s.query(AuditEntry).filter_by(item_id=ids["overdue"], action="publish").count() == 1
    assert client.get(f"/items/{ids['scheduled']}").status_code == 404  # not due yet


def test_item_page_works_on_sqlite_and_postgresql(any_db_app):
    client = any_db_app.test_client()
    ids = any_db_app.seeded
    doc = page(client.get(f"/items/{ids['rich']}"))
    assert doc.xpath("//a[@class='source-link']/@href") == [SOURCE_URL]
    assert texts(page(client.get("/columns/notices")), "//ul[@class='item-list']/li/a")[0] == "置顶的旧通知"
    assert client.get(f"/items/{ids['withdrawn']}").status_code == 410
    assert client.get(f"/items/{ids['pending']}").status_code == 404
    assert client.get("/feeds/all.atom").status_code == 200


def test_healthz_is_plain_and_touches_nothing(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_public_url_gets_the_portal_404_with_its_strict_policy(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "img-src 'self';" in response.headers["Content-Security-Policy"]
    assert 'lang="zh-CN"' in response.get_data(as_text=True)
    assert client.get("/review/no-such-page").status_code == 404
