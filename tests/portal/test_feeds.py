"""Atom and RSS feeds, the sitemap and robots.txt."""
from __future__ import annotations

from datetime import datetime, timezone

import feedparser
import pytest
from lxml import etree

from tests.portal.seeding import SOURCE_URL

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _feed(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo, parsed.bozo_exception
    return response, parsed


@pytest.mark.parametrize("fmt,media_type", [("atom", "application/atom+xml"), ("rss", "application/rss+xml")])
def test_all_feed_links_items_and_their_sources(client, ids, fmt, media_type):
    response, parsed = _feed(client, f"/feeds/all.{fmt}")
    assert response.mimetype == media_type
    assert parsed.version == ("atom10" if fmt == "atom" else "rss20")
    titles = [e.title for e in parsed.entries]
    assert "关于做好2026年政务公开工作的通知 & <重要>" in titles  # escaped in the XML, intact once parsed
    assert not {"关于秘密待审通知的公告", "已撤下的机密通知", "被退回的通知", "定时发布的通知"} & set(titles)
    rich = next(e for e in parsed.entries if e.link == f"http://localhost/items/{ids['rich']}")
    assert [link.href for link in rich.links if link.rel == "via"] == [SOURCE_URL]
    assert f"原文链接：{SOURCE_URL}" in rich.summary
    assert rich.published_parsed[:5] == (2026, 11, 10, 2, 0)
    submission = next(e for e in parsed.entries if e.link.endswith(f"/items/{ids['submission']}"))
    assert not [link for link in submission.links if link.rel == "via"]
    assert "报送单位：柯城区人民政府" in submission.summary
    # newest first
    dates = [e.published_parsed for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)


def test_feed_dates_are_rfc3339_and_rfc822(client, ids):
    atom = etree.fromstring(client.get("/feeds/all.atom").get_data())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for text in atom.xpath("//a:updated/text() | //a:published/text()", namespaces=ns):
        datetime.fromisoformat(text.replace("Z", "+00:00"))
        assert text.endswith("Z")
    rss = etree.fromstring(client.get("/feeds/all.rss").get_data())
    for text in rss.xpath("//pubDate/text() | //lastBuildDate/text()"):
        assert datetime.strptime(text, "%a, %d %b %Y %H:%M:%S GMT").tzinfo is None  # RFC 822, GMT
    assert rss.xpath("//channel/atom:link[@rel='self']/@href", namespaces={"atom": ns["a"]}) == [
        "http://localhost/feeds/all.rss"]


def test_column_and_unit_feeds(client, ids):
    _, column = _feed(client, "/feeds/columns/news.rss")
    assert {e.title for e in column.entries} == {"江山市政务动态", "柯城区报送的工作信息"}
    _, unit = _feed(client, "/feeds/units/jiangshan.atom")
    assert [e.title for e in unit.entries] == ["江山市政务动态"]
    assert unit.feed.links[0].href == "http://localhost/feeds/units/jiangshan.atom"
    for path in ("/feeds/columns/nope.rss", "/feeds/units/nope.atom", "/feeds/all.json"):
        assert client.get(path).status_code == 404


def test_feed_keeps_the_latest_fifty(app, client, ids):
    from hub.db import new_session
    from storage.models import Item

    with new_session(app) as s:
        s.add_all([Item(title=f"批量{n}", url=f"http://js.example/b/{n}.html", unit_id="jiangshan", status="published",
                        content_hash="e" * 64, published_at=datetime(2027, 1, 1, n % 24, tzinfo=timezone.utc))
                   for n in range(60)])
        s.commit()
    _, parsed = _feed(client, "/feeds/all.atom")
    assert len(parsed.entries) == 50


def test_sitemap_lists_published_items_columns_and_units(client, ids):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = etree.fromstring(response.get_data())
    assert root.tag == f"{SITEMAP}urlset"
    entries = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root.iter(f"{SITEMAP}url")}
    base = "http://localhost"
    assert {f"{base}/", f"{base}/columns/news", f"{base}/columns/notices", f"{base}/units/kecheng",
            f"{base}/units/jiangshan"} <= set(entries)
    assert entries[f"{base}/items/{ids['rich']}"] == "2026-11-10T02:00:00Z"
    for hidden in ("pending", "withdrawn", "rejected", "scheduled"):
        assert f"{base}/items/{ids[hidden]}" not in entries


def test_big_sitemap_becomes_an_index(app, client, ids, monkeypatch):
    from hub.feeds import sitemap_views as sitemap

    monkeypatch.setattr(sitemap, "SITEMAP_MAX_URLS", 5)
    monkeypatch.setattr(sitemap, "ITEMS_PER_PART", 3)
    root = etree.fromstring(client.get("/sitemap.xml").get_data())
    assert root.tag == f"{SITEMAP}sitemapindex"
    parts = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert parts == ["http://localhost/sitemaps/pages.xml", "http://localhost/sitemaps/items-1.xml",
                     "http://localhost/sitemaps/items-2.xml"]
    items = []
    for n in (1, 2):
        part = etree.fromstring(client.get(f"/sitemaps/items-{n}.xml").get_data())
        items += [loc.text for loc in part.iter(f"{SITEMAP}loc")]
    assert len(items) == len(set(items)) == 6  # every published item once
    assert client.get("/sitemaps/items-3.xml").status_code == 404


def test_robots_txt_keeps_crawlers_out_of_the_hub(client):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    assert {"Disallow: /hub/", "Disallow: /api/", "Disallow: /login"} <= set(lines)
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert not any(line in ("Disallow: /", "Disallow: /items/", "Disallow: /columns/") for line in lines)


def test_configured_base_url_is_used_for_absolute_links(app, client, ids):
    app.config["PORTAL_BASE_URL"] = "https://www.qz.gov.cn/"
    _, parsed = _feed(client, "/feeds/all.atom")
    assert all(e.link.startswith("https://www.qz.gov.cn/items/") for e in parsed.entries)
    assert "Sitemap: https://www.qz.gov.cn/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)
