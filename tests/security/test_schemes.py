"""Only http and https are ever requested: file:, ftp:, data:, javascript: links in
lists, feeds, sitemaps and Hanweb records, redirects and meta refreshes to them,
and attachments by them are refused and recorded on the run; nothing local is
read, nothing stalls.  One bad entry never sinks the others.

The shapes are the public ones: a column list of ``<li><a>…</a><span>date</span>``
(most county CMSes), an RSS 2.0 feed with ``content:encoded`` (WordPress/Hanweb
exports), a sitemap ``urlset``, Hanweb JCMS ``<datastore>`` records.
"""
from __future__ import annotations

import base64

import pytest

from harvester.crawl import scrapy_settings
from harvester.registry import parse_registry
from tests.security.conftest import items, messages, run_harvest, runs, source_line, write_registry
from tests.sitekit import HTML, Site, article, list_page

PASSWD_MARK = "root:x:0:0"
SECRET = "ZQ-SECRET-4b1d-本机文件"


def zoom(title: str, day: str) -> str:
    """The body of a distinct article, as a feed's content:encoded carries it."""
    page = article(title, day).decode("utf-8")
    return page[page.index("<div id='zoom'>") + len("<div id='zoom'>"):page.rindex("</div></body>")]


def feed(entries: list[tuple[str, str, str]]) -> bytes:
    """RSS 2.0 with full text; an entry titled 编码错乱 carries text decoded with the
    wrong charset upstream (replacement characters and control bytes)."""
    def content(title: str) -> str:
        return "\ufffd\u0008" * 300 if "编码错乱" in title else zoom(title, "2026-11-02")

    items_xml = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
        f"<description>摘要</description><content:encoded><![CDATA[{content(title)}]]></content:encoded></item>"
        for link, title, date in entries)
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>测试县</title><link>http://example.gov.cn/</link>{items_xml}</channel></rss>").encode("utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """One harvest of a list, a feed, a sitemap and a Hanweb column that link local
    files, a stalled FTP server, data: and javascript: URLs."""
    import socket
    import threading

    ftp = socket.socket()
    ftp.bind(("127.0.0.1", 0))
    ftp.listen(16)
    accepted: list = []
    threading.Thread(target=lambda: [accepted.append(ftp.accept()) for _ in iter(int, 1)], daemon=True).start()
    ftp_url = f"ftp://127.0.0.1:{ftp.getsockname()[1]}"

    tmp = tmp_path_factory.mktemp("schemes")
    secret = tmp / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    data_url = "data:text/html;base64," + base64.b64encode(article("数据链接里的文章", "2026-11-01")).decode()
    site = Site({})
    local = [
        ("file:///etc/passwd", "关于系统账户的通知", "2026-11-09"),
        ("file://etc/passwd", "关于系统账户的补充通知", "2026-11-08"),
        (secret.as_uri(), "本机文件里的通知", "2026-11-07"),
        (f"{ftp_url}/notice.html", "文件服务器上的通知", "2026-11-06"),
        (data_url, "数据链接里的文章", "2026-11-05"),
    ]
    attach = article("附有各种附件的通知", "2026-11-03", extra=(
        f"<p>附件：<a href='{secret.as_uri().replace('.txt', '.pdf')}'>本机附件.pdf</a>"
        f"<a href='{ftp_url}/files/附件二.doc'>附件二.doc</a><a href='/files/附件一.pdf'>附件一.pdf</a></p>"))
    meta = (b"<html><head><meta charset='utf-8'><meta http-equiv='refresh' content='0;url=file:///etc/passwd'>"
            + article("带有跳转的通知公告", "2026-11-02")[len(b"<html><head><meta charset='utf-8'>"):])
    site.routes.update({
        "/col/index.html": (200, HTML, list_page(local + [
            ("/art/1.html", "正常的第一篇通知", "2026-11-04"),
            ("/r/file", "跳转到本机文件的通知", "2026-11-04"),
            ("/r/ftp", "跳转到文件服务器的通知", "2026-11-04"),
            ("/art/attach.html", "附有各种附件的通知", "2026-11-03"),
            ("/art/meta.html", "带有跳转的通知公告", "2026-11-02"),
        ])),
        "/art/1.html": (200, HTML, article("正常的第一篇通知", "2026-11-04")),
        "/r/file": (302, {"Location": "file:///etc/passwd"}, b""),
        "/r/ftp": (302, {"Location": f"{ftp_url}/x.html"}, b""),
        "/art/attach.html": (200, HTML, attach),
        "/art/meta.html": (200, HTML, meta),
        "/sitemap.xml": (200, {"Content-Type": "application/xml"}, (
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>file:///etc/passwd</loc><lastmod>2026-11-05</lastmod></url>"
            f"<url><loc>{ftp_url}/sitemap-page.html</loc><lastmod>2026-11-04</lastmod></url>"
            "<url><loc>/art/s1.html</loc><lastmod>2026-11-03</lastmod></url></urlset>").encode()),
        "/art/s1.html": (200, HTML, article("站点索引中的正常文章", "2026-11-03")),
        "/col/col1229/index.html": (200, HTML, (
            "<html><body><div id='div1229'><script type='text/xml'><datastore><recordset>"
            "<record><![CDATA[<li><a href='file:///etc/passwd' title='汉云记录里的本机文件'>x</a><span>2026-11-05</span></li>]]></record>"
            "<record><![CDATA[<li><a href='/art/h1.html' title='汉云记录里的正常文章'>汉云记录里的正常文章</a><span>2026-11-04</span></li>]]></record>"
            "</recordset></datastore></script></div></body></html>").encode()),
        "/art/h1.html": (200, HTML, article("汉云记录里的正常文章", "2026-11-04")),
    })
    good = [(f"/feed/{n}.html", f"订阅源中第{n}篇正常文章", "Mon, 02 Nov 2026 09:00:00 +0800") for n in range(1, 36)]
    bad = [("javascript:alert(document.cookie)", "脚本链接的条目", "Mon, 02 Nov 2026 09:00:00 +0800"),
           ("file:///etc/passwd", "本机文件的条目", "Mon, 02 Nov 2026 09:00:00 +0800"),
           (f"{ftp_url}/feed.html", "文件服务器的条目", "Mon, 02 Nov 2026 09:00:00 +0800"),
           (data_url, "数据链接的条目", "Mon, 02 Nov 2026 09:00:00 +0800"),
           ("/feed/bad-date.html", "日期写错的条目", "Thu, 45 Smarch 20266 25:61:00 +9999"),
           ("/feed/mojibake.html", "编码错乱的条目", "Mon, 02 Nov 2026 09:00:00 +0800")]
    site.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, feed(good[:17] + bad + good[17:]))

    registry = write_registry(tmp / "registry.yaml", site.url + "/", [
        source_line("list", f"{site.url}/col/index.html"),
        source_line("feed", f"{site.url}/feed.xml", "feed"),
        source_line("sitemap", f"{site.url}/sitemap.xml", "sitemap"),
        source_line("hanweb", f"{site.url}/col/col1229/index.html", "hanweb"),
    ])
    db_url = f"sqlite:///{tmp / 'h.db'}"
    result = run_harvest(registry, db_url, timeout=60)
    yield {"result": result, "runs": runs(db_url), "items": items(db_url), "site": site, "accepted": accepted}
    site.stop()
    ftp.close()


def test_nothing_local_is_read_or_published(hostile):
    for item in hostile["items"]:
        for text in (item["text"], item["raw"]):
            assert PASSWD_MARK not in text and SECRET not in text
    titles = {i["title"] for i in hostile["items"]}
    assert "正常的第一篇通知" in titles and "关于系统账户的通知" not in titles and "数据链接里的文章" not in titles
    assert all(i["status"] == "published" for i in hostile["items"])  # review: auto, yet nothing local got in


def test_the_stalled_ftp_server_is_never_contacted(hostile):
    assert hostile["accepted"] == []
    assert all(r["status"] in ("ok", "partial") for r in hostile["result"].values())


def test_refused_links_are_errors_on_the_run(hostile):
    text = messages(hostile["runs"]["list"])
    # (a data: link is no article link at all to list detection: never an entry, never fetched)
    for link in ("file:///etc/passwd", "file://etc/passwd", "secret.txt", "/notice.html"):
        line = next((line for line in text.splitlines() if link in line), None)
        assert line is not None, (link, text)
        assert "[listing]" in line and "only http and https are fetched" in line, line
    assert "/r/file [detail] redirect from" in text and "'file:///etc/passwd' (file:)" in text
    assert "/r/ftp [detail] redirect from" in text and "(ftp:)" in text
    assert "/art/meta.html [detail] meta refresh: refused link 'file:///etc/passwd'" in text
    assert hostile["result"]["list"]["status"] == "partial"


def test_attachments_by_other_schemes_are_dropped(hostile):
    item = next(i for i in hostile["items"] if i["title"] == "附有各种附件的通知")
    assert [a["url"] for a in item["attachments"]] == [hostile["site"].url + "/files/附件一.pdf"]
    text = messages(hostile["runs"]["list"])
    assert text.count("/art/attach.html [extract] attachment dropped") == 2
    meta = next(i for i in hostile["items"] if i["title"] == "带有跳转的通知公告")
    assert meta["status"] == "published"  # the page is kept; only its refresh target is refused


def test_one_bad_feed_entry_never_sinks_the_feed(hostile):
    feed = hostile["result"]["feed"]
    assert feed["new"] == 36, feed  # 35 good entries and the one with a broken date
    text = messages(hostile["runs"]["feed"])
    assert "/feed/bad-date.html [listing] unreadable date 'Thu, 45 Smarch 20266" in text
    assert "/feed/mojibake.html [extract] malformed page" in text
    # feedparser hands file:///etc/passwd over as file://etc/passwd: refused either way
    for link in ("javascript:alert(document.cookie)", "file://etc/passwd", "/feed.html", "data:text/html"):
        assert any(link in line and "[listing]" in line for line in text.splitlines()), link
    assert feed["errors"] == 6 and feed["status"] == "partial"


def test_sitemap_and_hanweb_entries_are_refused_one_by_one(hostile):
    for sid, good in (("sitemap", "站点索引中的正常文章"), ("hanweb", "汉云记录里的正常文章")):
        assert hostile["result"][sid]["new"] == 1 and hostile["result"][sid]["status"] == "partial"
        assert "file:///etc/passwd [listing] refused link" in messages(hostile["runs"][sid])
        assert any(i["title"] == good for i in hostile["items"])
    assert "(ftp:): only http and https are fetched" in messages(hostile["runs"]["sitemap"])


def test_no_handler_for_file_ftp_s3_data():
    registry = parse_registry("portal: {name: 门户}\ncolumns:\n  - {id: a, name: 栏目}\n")
    handlers = scrapy_settings(registry)["DOWNLOAD_HANDLERS"]
    assert handlers["file"] is None and handlers["ftp"] is None and handlers["s3"] is None and handlers["data"] is None
    assert handlers["http"] == handlers["https"] == "spiders.downloads.GuardedDownloadHandler"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "data:text/html,x", "javascript:alert(1)"])
def test_a_source_url_by_another_scheme_is_a_registry_error(url):
    from harvester.registry import RegistryError

    with pytest.raises(RegistryError) as err:
        parse_registry("portal: {name: 门户}\ncolumns:\n  - {id: a, name: 栏目}\nunits:\n  - id: u\n    name: 单位\n"
                       f"    kind: county\n    homepage: http://u.gov.cn/\n    sources:\n      - {{id: s, url: '{url}', columns: [a]}}\n",
                       "r.yaml")
    assert "r.yaml:10: units[u].sources[s].url: not an http(s) URL" in str(err.value)

