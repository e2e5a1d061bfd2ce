"""站群导航: each unit's columns link to pages people read, never to a feed or a sitemap,
and a page whose source failed its last harvest is named without a link."""
from __future__ import annotations

from hub.db import new_session
from storage import counters
from storage.models import Source
from tests.portal.pagecheck import page, texts


def nav_links(client) -> list[tuple[str, str, str | None]]:
    """(unit, entry, link or None) in the order shown."""
    nav = page(client.get("/")).xpath("//nav[@class='site-nav']")[0]
    out = []
    for unit in nav.xpath(".//ul[@class='site-nav-units']/li"):
        name = unit.xpath("./h4")[0].text_content()
        for entry in unit.xpath("./ul/li"):
            link = entry.xpath("./a/@href")
            out.append((name, " ".join(entry.text_content().split()), link[0] if link else None))
    return out


def test_feeds_and_sitemaps_lead_to_pages_for_people(app, client, ids):
    with new_session(app) as s:
        s.add_all([
            Source(id="kc-rss", unit_id="kecheng", url="http://kc.example/rss.xml", type="feed", columns=["news"]),
            Source(id="js-sitemap", unit_id="jiangshan", url="http://js.example/sitemap.xml", type="sitemap",
                   columns=["notices", "news"], page="http://js.example/xxgk/",
                   column_pages={"notices": "http://js.example/tzgg/"}),
            Source(id="js-auto", unit_id="jiangshan", url="http://js.example/feed.atom", type="auto", columns=["news"]),
        ])
        counters.bump(s)
        s.commit()
    links = nav_links(client)
    assert ("柯城区人民政府", "政务动态", "http://kc.example/") in links  # a feed: the unit's homepage
    assert ("江山市人民政府", "通知公告", "http://js.example/tzgg/") in links  # the registry's columns[].page
    assert ("江山市人民政府", "政务动态", "http://js.example/xxgk/") in links  # the registry's page (sitemap)
    assert ("江山市人民政府", "政务动态", "http://js.example/") in links  # auto, found a feed: the homepage
    assert not [url for _, _, url in links if url and url.endswith((".xml", ".atom", ".rss"))]


def test_a_source_whose_last_harvest_failed_is_not_offered(app, client, ids):
    assert ("柯城区人民政府", "通知公告", "http://kc.example/tzgg/") in nav_links(client)
    with new_session(app) as s:
        source = s.get(Source, "kecheng-notices")
        source.status, source.consecutive_failures, source.last_error = "failing", 1, "HTTP 500"
        counters.bump(s)  # as the harvester does when a source's health changes (harvester/runs.py)
        s.commit()
    doc = page(client.get("/"))
    unavailable = texts(doc, "//nav[@class='site-nav']//li[@class='unavailable']")
    assert unavailable == ["通知公告（暂时无法访问）"]
    assert not doc.xpath("//nav[@class='site-nav']//a[@href='http://kc.example/tzgg/']")
