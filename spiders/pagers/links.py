"""Paging written as plain links: numbered pages, 下一页, 尾页, and 共N页/共N条.

Numbered links (``1 2 3 … 尾页``) give the URL pattern — ``index_N.html``,
``list_N.html``, ``…_N.html``, ``?page=N``, ``column-index-N.shtml`` — and, with
the 尾页 link or the 共N页 text, the page count: every page is then known from
page 1.  A lone 下一页 link is followed page by page.
"""
from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

from spiders.list_entry import text_of, usable_href
from spiders.pagers.jsexpr import Template
from spiders.pagers.model import Paging, page_urls

NEXT_TEXTS = {"下一页", "下页", "后一页", "下一頁", "next", "next page", ">", "›", "»", ">>", "››", "下一页>", "下一页>>"}
LAST_TEXTS = {"尾页", "末页", "最后一页", "尾 页", "末 页", "last", ">|", "»|"}
PAGES_TEXT = re.compile(r"共\s*(\d+)\s*页|第\s*\d+\s*/\s*(\d+)\s*页|页次[:：]?\s*\d+\s*/\s*(\d+)")
TOTAL_TEXT = re.compile(r"共\s*(\d+)\s*条|总(?:共|计)?\s*(\d+)\s*条|共有\s*(\d+)\s*条|记录数?[:：]\s*(\d+)")
NUMBER = re.compile(r"\d+")


def visible_text(doc) -> str:
    parts = []
    for node in doc.iter():
        if not isinstance(node.tag, str) or node.tag in ("script", "style", "noscript"):
            if node.tail:
                parts.append(node.tail)
            continue
        parts.append(node.text or "")
        parts.append(node.tail or "")
    return " ".join(" ".join(parts).split())


def declared_counts(doc) -> tuple[int | None, int | None]:
    """(pages, records) a page states in its text (共3页, 共45条); ambiguous figures are ignored."""
    text = visible_text(doc)

    def single(pattern) -> int | None:
        found = {int(next(g for g in m.groups() if g)) for m in pattern.finditer(text)}
        return found.pop() if len(found) == 1 else None
    return single(PAGES_TEXT), single(TOTAL_TEXT)


def _label(a) -> str:
    return (text_of(a) or (a.get("title") or "")).strip().lower()


def _same_site(url: str, base_url: str) -> bool:
    return urlsplit(url).hostname == urlsplit(base_url).hostname


def next_link(doc, base_url: str) -> str | None:
    """The URL behind a 下一页 / rel=next link on the same host, if any."""
    for a in doc.iter("a"):
        href = usable_href(a)
        if not href:
            continue
        if (a.get("rel") or "").lower() == "next" or _label(a) in NEXT_TEXTS:
            url = urljoin(base_url, href)
            if _same_site(url, base_url) and url.split("#")[0] != base_url.split("#")[0]:
                return url
    return None


def _template(url: str, page: int) -> Template | None:
    """The page number's place in ``url`` (its value ``page`` or ``page - 1``)."""
    for match in reversed(list(NUMBER.finditer(url))):
        value = int(match.group())
        if value in (page, page - 1) and match.start() > len(urlsplit(url).scheme) + 3:
            return Template(url[: match.start()] + "{n}" + url[match.end():], value - page)
    return None


def _directory(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}{parts.path.rsplit('/', 1)[0]}"


def numbered(doc, base_url: str) -> Paging | None:
    """Numbered page links (and 尾页): the URL pattern and the page count."""
    numbered_urls, last_urls = {}, []
    next_url = next_link(doc, base_url)
    for a in doc.iter("a"):
        href = usable_href(a)
        if not href:
            continue
        url = urljoin(base_url, href)
        if not _same_site(url, base_url):
            continue
        label = _label(a)
        if label.isdigit() and 1 < int(label) < 100000:
            numbered_urls[int(label)] = url
        elif label in LAST_TEXTS:
            last_urls.append(url)
    pages_text, total_text = declared_counts(doc)
    if not numbered_urls and not last_urls and not pages_text:
        return None  # a lone 下一页: followed page by page
    if next_url and 2 not in numbered_urls:
        numbered_urls[2] = next_url  # from page 1, 下一页 is page 2
    votes = Counter(t for page, url in numbered_urls.items() if (t := _template(url, page)))
    if not votes:
        return None
    tpl = votes.most_common(1)[0][0]
    if _directory(tpl.text) != _directory(base_url):
        return None  # numbered links elsewhere on the site (a calendar, another column)
    pattern = re.compile(re.escape(tpl.text).replace(r"\{n\}", r"(\d+)") + "$")
    last = max(numbered_urls)
    for url in last_urls:
        match = pattern.match(url)
        if match:
            last = max(last, int(match.group(1)) - tpl.offset)
    last = max(last, pages_text or 0)
    paging = Paging("page links", page_urls(base_url, tpl, last, 1), declared_pages=last)
    paging.declare(total=total_text, label="共N条")
    return paging
