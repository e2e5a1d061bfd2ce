"""Atom 1.0 and RSS 2.0 documents of published items, built with lxml.

Every entry links to the item's page on the portal (absolute URL) and to the
page where the unit published it: Atom ``<link rel="via">`` (RFC 4287 4.2.7.2:
"the source of the information provided in the entry"); RSS has no element
for that (``<source>`` names the RSS *channel* an item came from and
``<comments>`` a comments page), so RSS items carry the same
``<atom:link rel="via">`` extension element.  The description names the
原文链接 in words too, for readers that show neither.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from lxml import etree

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Characters XML 1.0 cannot carry at all (harvested text sometimes has them).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


@dataclass(frozen=True)
class Entry:
    title: str
    url: str  # the item's page on the portal, absolute
    source_url: str | None  # 原文链接 (None for 信息报送 items)
    published: datetime | None
    updated: datetime
    author: str  # the publishing unit
    summary: str
    categories: tuple[str, ...]
    byline: str = "报送单位"  # how the description names ``author`` when there is no 原文链接


@dataclass(frozen=True)
class Feed:
    title: str
    subtitle: str
    self_url: str  # this feed, absolute
    page_url: str  # the HTML page it mirrors, absolute
    updated: datetime
    author: str
    entries: tuple[Entry, ...]


def rfc3339(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def rfc822(value: datetime) -> str:
    return format_datetime(value.astimezone(timezone.utc), usegmt=True)


def description(entry: Entry) -> str:
    parts = [entry.summary.strip()] if entry.summary.strip() else []
    if entry.source_url:
        parts.append(f"原文链接：{entry.source_url}")
    else:
        parts.append(f"{entry.byline}：{entry.author}")
    return "\n".join(parts)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = xml_text(text)
    return el


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)


def atom(feed: Feed) -> bytes:
    a = f"{{{ATOM_NS}}}"
    root = etree.Element(f"{a}feed", {f"{{{XML_NS}}}lang": "zh-CN"}, nsmap={None: ATOM_NS})
    _sub(root, f"{a}id", feed.self_url)
    _sub(root, f"{a}title", feed.title)
    _sub(root, f"{a}subtitle", feed.subtitle)
    _sub(root, f"{a}updated", rfc3339(feed.updated))
    _sub(root, f"{a}link", rel="self", type="application/atom+xml", href=feed.self_url)
    _sub(root, f"{a}link", rel="alternate", type="text/html", href=feed.page_url)
    author = _sub(root, f"{a}author")
    _sub(author, f"{a}name", feed.author)
    for entry in feed.entries:
        el = _sub(root, f"{a}entry")
        _sub(el, f"{a}id", entry.url)
        _sub(el, f"{a}title", entry.title)
        _sub(el, f"{a}link", rel="alternate", type="text/html", href=entry.url)
        if entry.source_url:
            _sub(el, f"{a}link", rel="via", type="text/html", href=entry.source_url, title="原文链接")
        if entry.published:
            _sub(el, f"{a}published", rfc3339(entry.published))
        _sub(el, f"{a}updated", rfc3339(entry.updated))
        who = _sub(el, f"{a}author")
        _sub(who, f"{a}name", entry.author)
        for name in entry.categories:
            _sub(el, f"{a}category", term=name)
        _sub(el, f"{a}summary", description(entry), type="text")
    return _serialize(root)


def rss(feed: Feed) -> bytes:
    root = etree.Element("rss", {"version": "2.0"}, nsmap={"atom": ATOM_NS})
    channel = _sub(root, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.page_url)
    _sub(channel, "description", feed.subtitle)
    _sub(channel, "language", "zh-cn")
    _sub(channel, "lastBuildDate", rfc822(feed.updated))
    _sub(channel, f"{{{ATOM_NS}}}link", rel="self", type="application/rss+xml", href=feed.self_url)
    for entry in feed.entries:
        item = _sub(channel, "item")
        _sub(item, "title", entry.title)
        _sub(item, "link", entry.url)
        _sub(item, "guid", entry.url, isPermaLink="true")
        if entry.published:
            _sub(item, "pubDate", rfc822(entry.published))
        for name in entry.categories:
            _sub(item, "category", name)
        _sub(item, "description", description(entry))
        if entry.source_url:
            _sub(item, f"{{{ATOM_NS}}}link", rel="via", type="text/html", href=entry.source_url, title="原文链接")
    return _serialize(root)
