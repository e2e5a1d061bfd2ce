"""A hostile sub-site carrying every payload of tests/security/xss_payloads.py, served on
127.0.0.1 as the spiders really see it: a column list page (``<ul class=list>``, the shape
of the Hanweb/TRS list pages of tests/spiders) linking one detail page per title payload
(government meta tags ``ArticleTitle``/``PubDate``/``ContentSource``, a 发布时间/来源 line,
the body in ``#zoom``), and an RSS 2.0 feed whose entries carry their full text
(``content:encoded``) as many county sites' feeds do.  Anything under ``/canary/`` answers
200 and is recorded: no browser may ever ask for it."""
from __future__ import annotations

import hashlib
import html
from pathlib import Path

from tests.browser.hostile_site import Routes
from tests.security.xss_payloads import Payload
from tests.sitekit import ACTIONS, HTML, TOPICS, Site

CANARY = "/canary/"
PLAIN_TITLE = "关于第{k}批专项整治工作安排的通知"


class HostileRoutes(Routes):
    def get(self, key, default=None):
        if key.startswith(CANARY):
            return 200, {"Content-Type": "text/plain"}, b""
        return super().get(key, default)


def filler(seed_text: str, sentences: int = 4) -> str:
    """Sentences of ordinary government prose that differ from page to page (so that no two
    pages are near-duplicates to the harvester's simhash)."""
    seed = int(hashlib.md5(seed_text.encode("utf-8")).hexdigest(), 16)
    out = []
    for i in range(sentences):
        topic = TOPICS[(seed >> (5 * i)) % len(TOPICS)]
        action = ACTIONS[(seed >> (5 * i + 3)) % len(ACTIONS)]
        out.append(f"<p>{seed_text}：围绕{topic}工作，有关部门{action}，第{(seed >> (7 * i)) % 89}项任务按期推进。</p>")
    return "".join(out)


def _chunks(items: list, parts: int) -> list[list]:
    return [items[i::parts] for i in range(parts)]


# After each payload: end tags for what payloads leave open, so that one payload's
# unclosed markup cannot hide the next from the harvester (end tags of elements that are
# not open are ignored by every parser).
CLOSERS = "</style></title></xmp></noscript></template></select></textarea></math></svg></table></form>"


def _body_block(p: Payload) -> str:
    return f"<div><p>{p.marker}（{p.kind}）：</p>{p.markup}{CLOSERS}</div>"


def detail_page(k: int, title: str, source: str, payloads: list[Payload]) -> bytes:
    esc = html.escape
    day = f"2026-11-{1 + k % 28:02d}"
    last = [p for p in payloads if p.kind == "plugin"]  # nothing after an <object>/<embed> survives extraction
    blocks = "".join(_body_block(p) for p in payloads if p not in last) + "".join(_body_block(p) for p in last)
    return (
        f"<html><head><meta charset='utf-8'><title>{esc(title)}</title>"
        f"<meta name='ArticleTitle' content='{esc(title)}'><meta name='PubDate' content='{day} 09:00'>"
        f"<meta name='ContentSource' content='{esc(source)}'></head><body>"
        f"<h1>{esc(title)}</h1><div class='info'>发布时间：{day} 09:00 来源：{esc(source)}</div>"
        f"<div id='zoom'>{filler(f'第{k}页')}{blocks}</div></body></html>"
    ).encode("utf-8")


def feed(site_url: str, entries: list[dict]) -> bytes:
    esc = html.escape
    items = "".join(
        f"<item><title>{esc(e['title'])}</title><link>{site_url}/feed/{e['k']}.html</link>"
        f"<dc:creator>{esc(e['author'])}</dc:creator>"
        f"<pubDate>{e['day']} Nov 2026 09:00:00 +0800</pubDate><description>{esc(e['title'])}</description>"
        f"<content:encoded><![CDATA[{e['content']}]]></content:encoded></item>"
        for e in entries)
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
        "xmlns:content='http://purl.org/rss/1.0/modules/content/' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
        f"<channel><title>恶意订阅</title><link>{site_url}/</link><description>订阅源</description>{items}"
        "</channel></rss>"
    ).encode("utf-8")


def build(site: Site, payloads: list[Payload]) -> dict:
    """Fill ``site`` with the hostile pages; return what was placed where."""
    by_place: dict[str, list[Payload]] = {}
    for p in payloads:
        by_place.setdefault(p.place, []).append(p)
    titles, sources, urls = by_place["title"], by_place["source"], by_place["url"]
    pages = len(titles) + len(urls)
    bodies = _chunks(by_place["body"] + by_place["image"] + by_place["attachment"], pages)
    routes = HostileRoutes({"/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\n")})
    links = []
    for k in range(pages):
        title = titles[k].markup if k < len(titles) else PLAIN_TITLE.format(k=k)
        source = sources[k].markup if k < len(sources) else "测试单位办公室"
        path = f"/art/{k}.html" if k < len(titles) else urls[k - len(titles)].markup
        routes[path] = (200, HTML, detail_page(k, title, source, bodies[k]))
        links.append(f"<li><a href='{html.escape(path)}'>{html.escape(title)}</a><span>2026-11-{1 + k % 28:02d}</span></li>")
    routes["/col/index.html"] = (200, HTML, (
        "<html><head><meta charset='utf-8'><title>通知公告</title></head><body><ul class='list'>"
        + "".join(links) + "</ul></body></html>").encode("utf-8"))

    contents, feed_titles, authors = by_place["feed-content"], by_place["feed-title"], by_place["feed-author"]
    entries = []
    for k, content in enumerate(contents):
        entries.append({
            "k": k, "day": f"{10 + k:02d}",
            "title": feed_titles[k].markup if k < len(feed_titles) else f"订阅第{k}条工作动态",
            "author": authors[k].markup if k < len(authors) else "订阅单位",
            "content": filler(f"订阅第{k}条", 5) + _body_block(content),
        })
    routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml; charset=utf-8"}, feed(site.url, entries))
    site.routes = routes
    return {"list_pages": pages, "feed_entries": len(entries)}


def registry(tmp: Path, site: Site) -> Path:
    """Two units: one publishes the list, one the feed; both on loopback (``allow_private``),
    published without review (``review: auto``), so every payload goes public at once."""
    path = tmp / "registry.yaml"
    path.write_text(
        "portal: {name: 测试门户, timezone: Asia/Shanghai}\nharvest: {per_host: {concurrency: 4, delay: 0}}\n"
        "columns:\n  - {id: tzgg, name: 通知公告}\n"
        "units:\n"
        f"  - id: hostile\n    name: 恶意测试单位\n    kind: department\n    homepage: {site.url}/\n    sources:\n"
        f"      - {{id: hostile-list, url: '{site.url}/col/index.html', type: list, columns: [tzgg],"
        " allow_private: true, review: auto, max_pages: 1}\n"
        f"  - id: hostile-feed\n    name: 恶意订阅单位\n    kind: department\n    homepage: {site.url}/feed/\n"
        "    sources:\n"
        f"      - {{id: hostile-feed, url: '{site.url}/feed.xml', type: feed, columns: [tzgg],"
        " allow_private: true, review: auto}\n",
        encoding="utf-8")
    return path
