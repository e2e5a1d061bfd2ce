"""The demo federation served on free loopback ports, fetched with urllib."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from demo import routes
from demo.federation import Federation
from demo.registry import default_urls, registry_yaml
from demo.server import serve

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def running():
    fed = Federation()
    with serve(fed, base_port=0) as server:
        yield fed, server


@pytest.fixture()
def fresh():
    """A private federation for tests that publish."""
    fed = Federation()
    with serve(fed, base_port=0) as server:
        yield fed, server


def fetch(url: str, data: bytes | None = None, headers: dict | None = None, timeout: float = 10):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), exc.read()


def decode(headers: dict, body: bytes) -> str:
    m = re.search(r"charset=([\w-]+)", headers.get("Content-Type", ""))
    try:
        return body.decode(m.group(1) if m else "utf-8")
    except UnicodeDecodeError:
        return body.decode("gb18030")


def test_truth_shape(running):
    fed, server = running
    truth = fed.truth()
    assert len(fed.sites) >= 9 and len(truth["units"]) == len(fed.sites)
    assert {s["id"] for s in truth["sources"] if s["expect"] == "fail"} == {"wjw-tzgg"}
    urls = [it["url"] for it in truth["items"]]
    assert len(urls) == len(set(urls))
    for item in truth["items"]:
        assert item["url"].startswith(server.urls[item["unit_id"]])
        assert re.fullmatch(r"2026-(09|10|11)-\d\dT\d\d:\d\d:\d\d\+08:00", item["published_at"])
    whys = " ".join(u["why"] for u in truth["unreachable"])
    assert "robots" in whys and "500" in whys and "malformed" in whys
    assert not {u["url"] for u in truth["unreachable"]} & set(urls)
    per_source = {}
    for item in truth["items"]:
        per_source[item["source_id"]] = per_source.get(item["source_id"], 0) + 1
    assert all(10 <= n <= 40 for n in per_source.values()), per_source
    json.dumps(truth)


def test_every_truth_item_answers_with_its_title(running):
    fed, _ = running
    items = fed.truth()["items"]

    def check(item):
        status, headers, body = fetch(item["url"])
        assert status == 200, item["url"]
        assert item["title"] in decode(headers, body), item["url"]
        assert item["source"] in decode(headers, body), item["url"]
        for att in item["attachments"]:
            st, h, b = fetch(att["url"])
            assert st == 200 and b and not h["Content-Type"].startswith("text/html"), att["url"]

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(check, items))


def test_unreachable_pages_misbehave(running):
    fed, server = running
    for u in fed.truth()["unreachable"]:
        status, _, body = fetch(u["url"])
        if "500" in u["why"]:
            assert status == 500
        elif "malformed" in u["why"]:
            assert status == 200 and b"</html>" not in body and b"\x00" in body
    robots = fetch(server.urls["changshan"] + "robots.txt")[2].decode()
    assert "Disallow: /cms/preview/" in robots
    list_html = fetch(server.urls["changshan"] + "xwzx/index.html")[2].decode()
    assert "/cms/preview/" in list_html


def test_gbk_page_with_lying_header(running):
    fed, _ = running
    item = next(it for it in fed.truth()["items"] if "镕" in it["title"])
    status, headers, body = fetch(item["url"])
    assert status == 200
    assert "charset=utf-8" in headers["Content-Type"]
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("gb18030")
    assert "镕" in text and "charset=gbk" in text
    other = next(it for it in fed.truth()["items"] if it["source_id"] == "qujiang-tzgg" and "镕" not in it["title"])
    assert "charset=gbk" in fetch(other["url"])[1]["Content-Type"]


def test_hanweb_column_and_dataproxy(running):
    fed, server = running
    base = server.urls["kecheng"]
    status, _, body = fetch(base + "col/col1229/index.html")
    page = body.decode()
    assert status == 200 and "totalRecord:37" in page and "perPage:15" in page
    assert page.count("<record>") == 15
    inline = re.findall(r'href="(/art/[^"]+)"', page)
    form = urllib.parse.urlencode({
        "col": 1, "appid": 1, "webid": 2, "path": "/", "columnid": 1229, "sourceContentType": 1,
        "unitid": 5467, "webname": "柯城区人民政府", "permissiontype": 0}).encode()
    proxy = base + "module/web/jpage/dataproxy.jsp?startrecord=16&endrecord=30&perpage=15"
    status, headers, body = fetch(proxy, data=form,
                                  headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
    xml = body.decode()
    assert status == 200 and "xml" in headers["Content-Type"]
    assert "<totalrecord>37</totalrecord>" in xml and xml.count("<record>") == 15
    later = re.findall(r'href="(/art/[^"]+)"', xml)
    assert not set(later) & set(inline)
    expected = [it.path for it in fed.source("kecheng-news").items[15:30]]
    assert later == expected
    bad = urllib.parse.urlencode({"col": 1, "webid": 2, "columnid": 1229}).encode()
    assert fetch(proxy, data=bad)[0] == 400


def test_trs_paging(running):
    _, server = running
    base = server.urls["qujiang"] + "col/tzgg/"
    first = fetch(base + "index.htm")[2].decode("gbk")
    assert 'createPageHTML(4, 0, "index", "htm");' in first
    status, headers, body = fetch(base + "index_1.htm")
    assert status == 200 and "gbk" in headers["Content-Type"]
    assert re.search(r'href="\./2026\d\d/t2026\d{4}_\d+\.html"', body.decode("gbk"))
    assert fetch(base + "index_3.htm")[0] == 200
    assert fetch(base + "index_4.htm")[0] == 404


def test_feeds_sitemaps_and_auto_discovery(running):
    fed, server = running
    rss = fetch(server.urls["longyou"] + "rss.xml")[2].decode()
    assert rss.count("<item>") == len(fed.source("longyou-news").items)
    home = fetch(server.urls["jyj"])[2].decode()
    assert 'type="application/atom+xml"' in home and 'href="/atom.xml"' in home
    assert fetch(server.urls["jyj"] + "atom.xml")[2].decode().count("<entry>") == 18
    index = fetch(server.urls["jiangshan"] + "sitemap.xml")[2].decode()
    parts = re.findall(r"<loc>([^<]+)</loc>", index)
    assert len(parts) == 2
    locs = [loc for p in parts for loc in re.findall(r"<loc>([^<]+)</loc>", fetch(p)[2].decode())]
    articles = {it["url"] for it in fed.truth()["items"] if it["source_id"] == "jiangshan-news"}
    assert articles <= set(locs) and server.urls["jiangshan"] + "about.html" in locs


def test_plain_lists_have_next_links(running):
    _, server = running
    page = fetch(server.urls["changshan"] + "xwzx/index.html")[2].decode()
    assert "下一页" in page and "年" in page
    last = fetch(server.urls["changshan"] + "xwzx/index_3.html")[2].decode()
    assert 'class="next"' not in last
    dl = fetch(server.urls["kaihua"] + "news/list.html?page=2")[2].decode()
    assert "<dd>" in dl and "list.html?page=3" in dl
    assert fetch(server.urls["kaihua"] + "news/list.html?page=4")[0] == 404


def test_broken_source_fails_but_site_works(running):
    _, server = running
    assert fetch(server.urls["wjw"] + "col/col1411/index.html")[0] == 500
    assert fetch(server.urls["wjw"] + "col/col1410/index.html")[0] == 200


def test_republished_notice_on_three_sites(running):
    fed, _ = running
    copies = [it for it in fed.truth()["items"] if it.get("group")]
    assert len(copies) == 3 and len({c["group"] for c in copies}) == 1
    assert len({c["unit_id"] for c in copies}) == 3
    assert len({c["published_at"] for c in copies}) == 3
    for c in copies:
        status, headers, body = fetch(c["url"])
        text = decode(headers, body)
        assert status == 200 and c["title"] in text and "打早、打小、打了" in text


def test_policy_meta_and_attachments(running):
    fed, _ = running
    items = [it for it in fed.truth()["items"] if it["source_id"] == "fgw-zcwj"]
    assert all(it["meta"]["issuing_authority"] for it in items)
    assert any("〔2026〕" in it["meta"].get("document_number", "") for it in items)
    urls = [a["url"] for it in items for a in it["attachments"]]
    assert {u.rsplit(".", 1)[-1] for u in urls if "downfile" not in u} >= {"pdf", "docx", "xlsx", "ofd", "zip"}
    assert any("downfile.jsp?filename=" in u for u in urls)
    page = fetch(items[0]["url"])[2].decode()
    assert 'class="xxgk"' in page and "索引号" in page


def test_slow_page_is_slow_but_answers():
    fed = Federation()
    item = next(it for s in fed.sources.values() for it in s.items if it.kind == "slow")
    resp = routes.handle(fed, item.unit_id, "GET", item.path)
    assert resp.status == 200 and resp.delay >= 2.5
    assert fed.item_truth(item)["url"] in {it["url"] for it in fed.truth()["items"]}


def test_publish_adds_item_at_top(fresh):
    fed, server = fresh
    base = server.urls["changshan"]
    before = fetch(base + "xwzx/index.html")[2].decode()
    assert fetch(base + "xwzx/index_4.html")[0] == 404      # 30 items, 10 per page
    status, _, body = fetch(base + "_demo/publish?source=changshan-news", data=b"")
    assert status == 200
    new = json.loads(body)
    after = fetch(base + "xwzx/index.html")[2].decode()
    assert before != after
    first_link = re.search(r'<td class="tit"><a href="([^"]+)"[^>]*>([^<]+)</a>', after)
    assert first_link.group(2) == new["title"] and new["url"].endswith(first_link.group(1))
    assert fetch(new["url"])[0] == 200
    assert new["url"] in {it["url"] for it in fed.truth()["items"]}
    assert fetch(base + "xwzx/index_4.html")[0] == 200      # older items shifted to a new page
    # round-robin and feeds
    item = fed.publish("longyou-news")
    rss = fetch(server.urls["longyou"] + "rss.xml")[2].decode()
    assert rss.index(item.title) < rss.index("<item>", rss.index("<item>") + 1)
    assert fed.publish().source_id != fed.publish().source_id
    assert fetch(base + "_demo/publish?source=wjw-tzgg", data=b"")[0] == 400
    assert fetch(base + "_demo/truth.json")[0] == 200
    assert any(r[0] == "changshan" and r[1] == "POST" for r in server.requests)


def test_conditional_get(fresh):
    fed, server = fresh
    url = server.urls["kecheng"] + "col/col1229/index.html"
    status, headers, _ = fetch(url)
    assert status == 200 and headers["ETag"] and headers["Last-Modified"] and headers["Content-Length"]
    assert fetch(url, headers={"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, headers={"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    detail = fed.truth()["items"][0]["url"]
    h = fetch(detail)[1]
    assert fetch(detail, headers={"If-None-Match": h["ETag"]})[0] == 304
    fed.publish("kecheng-news")
    assert fetch(url, headers={"If-None-Match": headers["ETag"]})[0] == 200
    assert fetch(url, headers={"If-Modified-Since": headers["Last-Modified"]})[0] == 200


def test_two_federations_render_identical_pages():
    a, b = Federation(), Federation()
    assert a.truth() == b.truth()
    for src in a.sources.values():
        targets = [src.path] + [it.path for it in src.items[:3]]
        for target in targets:
            ra = routes.handle(a, src.site.id, "GET", target)
            rb = routes.handle(b, src.site.id, "GET", target)
            assert (ra.status, ra.body, ra.content_type) == (rb.status, rb.body, rb.content_type), target
    assert a.publish().title == b.publish().title
    assert a.truth() == b.truth()


def test_committed_registry_matches_generator():
    text = registry_yaml(default_urls("127.0.0.1", 8701))
    assert (REPO / "registry.yaml").read_text(encoding="utf-8") == text
    data = yaml.safe_load(text)
    assert set(data) == {"portal", "harvest", "interaction", "supervision", "columns", "units"}
    assert {c["id"]: c.get("owner") for c in data["columns"]}["jyzx"] == "jyj"  # 责任部门全责维护
    assert all(u["allow_private"] is True for u in data["units"])  # supervision probes loopback homepages
    sources = [s for u in data["units"] for s in u["sources"]]
    assert all(s["allow_private"] is True for s in sources)
    assert sum("rules" in s for s in sources) == 1
    assert any(s["type"] == "auto" for s in sources)
    fed = Federation()
    assert [s["id"] for s in sources] == [s["id"] for s in fed.truth(base_port=8701)["sources"]]
    assert [s["url"] for s in sources] == [s["url"] for s in fed.truth("127.0.0.1", 8701)["sources"]]
    example = yaml.safe_load((REPO / "registry.example-quzhou.yaml").read_text(encoding="utf-8"))
    assert {u["id"] for u in example["units"]} >= {"kecheng", "qujiang", "longyou", "jiangshan", "changshan",
                                                   "kaihua", "fgw", "jyj", "wjw"}
