"""Reading pages the way the national checks do: a homepage's dated links, its
links, and whether a page that answers 200 is really an error page (soft 404)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urljoin, urldefrag, urlsplit

from lxml import html as lxml_html

from harvestkit.dates import find_date
from storage import lengths
from storage.lengths import fit

ITEM_MAX_CHARS = 200  # a list entry (title + date), not a paragraph of text
TITLE_MIN_CHARS = 4  # a link to an article has a real title, not "更多" or "»"
SKIP_HREF = ("javascript:", "mailto:", "tel:", "#", "data:", "about:")
# Error pages that answer 200.  Chinese CMSs write these; "404" alone only in a title or a tiny page.
ERROR_WORDS = ("页面不存在", "页面未找到", "找不到页面", "找不到您要的页面", "找不到该页面", "找不到", "您访问的页面",
               "已被删除", "已删除或不存在", "信息不存在", "文章不存在", "内容不存在", "无法找到", "访问的页面不存在",
               "not found", "page not found")
ERROR_STATUS = re.compile(r"(?<!\d)404(?!\d)")
TINY_PAGE_CHARS = 600  # visible text of an error page; a real article is longer


@dataclass(frozen=True)
class Link:
    url: str
    text: str


def parse(text: str, base_url: str):
    try:
        return lxml_html.fromstring(text or "<html></html>", base_url=base_url)
    except (ValueError, lxml_html.etree.ParserError):
        return lxml_html.fromstring("<html></html>")


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def dated_links(doc, today: date) -> list[str]:
    """Dates (``YYYY-MM-DD``) of the article links a page shows: a date in the link
    or in its list entry (``<li>标题 2026-11-30</li>``).  A header's 今天是… clock
    or a copyright line is not attached to an article link, and future dates are
    typos, so neither counts."""
    latest = today + timedelta(days=1)
    found = []
    for link in doc.iter("a"):
        title = (link.get("title") or _text(link)).strip()
        if len(title) < TITLE_MIN_CHARS or (link.get("href") or "").strip().lower().startswith(SKIP_HREF):
            continue
        day = None
        node = link
        for _ in range(3):  # the link, its entry, the entry's row
            text = _text(node)
            if len(text) > ITEM_MAX_CHARS:
                break
            day = find_date(text)
            if day or node.getparent() is None:
                break
            node = node.getparent()
        if day and date.fromisoformat(day[:10]) <= latest:
            found.append(day[:10])
    return found


def links(doc, base_url: str) -> list[Link]:
    """Every link a visitor can follow or see on the page: ``a[href]`` and ``img[src]``, once each."""
    seen: dict[str, Link] = {}
    for element in doc.iter("a", "img", "area"):
        raw = (element.get("src") if element.tag == "img" else element.get("href")) or ""
        raw = raw.strip()
        if not raw or raw.lower().startswith(SKIP_HREF):
            continue
        url = urldefrag(urljoin(base_url, raw))[0]
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        label = (element.get("alt") if element.tag == "img" else (element.get("title") or _text(element))) or ""
        if url not in seen:
            seen[url] = Link(url, fit(" ".join(label.split()), lengths.LINK_TEXT))
    return list(seen.values())


def error_page_reason(text: str) -> str | None:
    """Why a 200 page is obviously an error page ("页面不存在" in its title, a tiny page saying 404), else None."""
    doc = parse(text, "http://x/")
    title = " ".join((doc.findtext(".//title") or "").split())
    for word in ERROR_WORDS:
        if word in title.lower():
            return f"页面标题为“{title[:60]}”"
    if ERROR_STATUS.search(title):
        return f"页面标题为“{title[:60]}”"
    for bad in doc.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    body = _text(doc)
    if len(body) <= TINY_PAGE_CHARS:
        lowered = body.lower()
        if any(word in lowered for word in ERROR_WORDS) or ERROR_STATUS.search(body):
            return f"页面内容为“{body[:60]}”"
    return None


def is_homepage_url(url: str) -> bool:
    """``/``, ``/index.html`` and the like: where a deep link lands when a site redirects dead links home."""
    path = urlsplit(url).path
    return path in ("", "/") or bool(re.fullmatch(r"/(index|default|home)\.(s?html?|jsp|php|aspx?)", path, re.I))
