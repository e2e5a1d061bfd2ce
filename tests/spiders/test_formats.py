"""Hanweb datastore, feeds, sitemaps and XML safety."""
from __future__ import annotations

import pytest

from spiders import hanweb_markup as hanweb, sitemap, xmlsafe
from spiders.auto import feed_link, sniff
from spiders.feed import entry_date, full_content, parse_feed

HANWEB_PAGE = """<div id="div1229"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=2&path=/&columnid=1229&unitid=5467&webname=%E6%9F%AF&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href="/art/2026/11/18/art_1229_3301.html" title="柯城区召开安全生产会议" target="_blank">柯城区召开安全...</a><span>2026-11-18</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2026/11/17/art_1229_3300.html" title="柯城区开展冬季消防检查">柯城区开展冬季消防检查</a><span>2026-11-17</span></li>]]></record>
</recordset></datastore></script>
<script language="javascript" src="/module/jslib/jquery/jpage/dataproxy.js" url="/module/web/jpage/dataproxy.jsp" querydata="{col:1,appid:1,webid:2,path:'/',columnid:1229,sourceContentType:1,unitid:5467,webname:'柯城区人民政府',permissiontype:0}"></script></div>
<script>$("#div1229").jpage({totalRecord:37, perPage:15});</script>"""


def test_hanweb_records_and_form_fields():
    entries = hanweb.records(HANWEB_PAGE, "http://k.gov.cn/col/col1229/index.html")
    assert [(e.url, e.title, e.date) for e in entries] == [
        ("http://k.gov.cn/art/2026/11/18/art_1229_3301.html", "柯城区召开安全生产会议", "2026-11-18"),
        ("http://k.gov.cn/art/2026/11/17/art_1229_3300.html", "柯城区开展冬季消防检查", "2026-11-17"),
    ]
    fields = hanweb.form_fields(HANWEB_PAGE)
    assert fields["columnid"] == "1229" and fields["unitid"] == "5467" and fields["webid"] == "2"
    assert fields["webname"] == "柯城区人民政府" and fields["path"] == "/" and fields["sourceContentType"] == "1"
    assert "page" not in fields


RSS = """<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel><title>龙游县</title>
<item><title>龙游县召开会议</title><link>http://l.gov.cn/art/1.html</link><description>摘要</description>
<pubDate>Wed, 18 Nov 2026 10:21:00 +0800</pubDate></item></channel></rss>""".encode("gb18030")


def test_feed_from_bytes_in_gb2312():
    feed = parse_feed(RSS)
    entry = feed.entries[0]
    assert entry.title == "龙游县召开会议"
    assert entry_date(entry) == "2026-11-18T10:21:00+08:00"
    assert full_content(entry) is None  # only a summary: the spider follows the link


def test_entities_are_refused():
    evil = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&x;</title></item></channel></rss>'
    with pytest.raises(xmlsafe.UnsafeXML):
        parse_feed(evil)
    with pytest.raises(xmlsafe.UnsafeXML):
        sitemap.read_sitemap(evil)


def test_sitemap_index_and_urlset():
    index = b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://j.gov.cn/s1.xml</loc></sitemap></sitemapindex>'
    assert sitemap.read_sitemap(index) == ("index", [("http://j.gov.cn/s1.xml", None)])
    urlset = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://j.gov.cn/a.html</loc><lastmod>2026-11-01</lastmod></url><url><loc>http://j.gov.cn/b.html</loc><lastmod>2026-11-18</lastmod></url></urlset>'
    kind, entries = sitemap.read_sitemap(urlset)
    assert kind == "urlset" and entries[0] == ("http://j.gov.cn/b.html", "2026-11-18")
    assert not sitemap.is_article_url("http://j.gov.cn/") and sitemap.is_article_url("http://j.gov.cn/b.html")


def test_auto_discovery_helpers():
    assert sniff(b"<?xml version='1.0'?>\n<rss version='2.0'>") == "feed"
    assert sniff(b"<urlset xmlns='x'>") == "sitemap"
    assert sniff(b"<html>") is None
    html = '<head><link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml"></head>'
    assert feed_link(html, "http://l.gov.cn/index.html") == "http://l.gov.cn/rss.xml"
