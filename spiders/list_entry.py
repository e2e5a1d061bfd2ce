"""One list block (an ``li``, a table row, a ``dd``…) → one entry: link, title, date.

Titles: the link's ``title`` attribute wins (CMSs put the full title there and
truncate the text).  Link text is cleaned of what list templates add around a
title: a leading or trailing date, a bracketed date (``[2026-11-18]``,
``（2026年11月18日）``), and the ``...``/``…`` of a truncated title.  A
list-level title never keeps the entry's own date.

Dates: the first date in the block *outside* the link text, else in it, so a
title such as "关于2026年1月1日起调整…" does not give the entry its date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from harvestkit.dates import DATE, find_date

SKIP_HREF = ("javascript:", "mailto:", "#", "tel:", "data:", "vbscript:")
_DATE = DATE.pattern
# A date wrapped in brackets anywhere, or bare at either end of the text.
BRACKETED_DATE = re.compile(r"[\[【（(〔［]\s*(?:" + _DATE + r")\s*[\]】）)〕］]")
EDGE_DATE = re.compile(r"^\s*(?:" + _DATE + r")\s*[-—|：:]?\s*|\s*[-—|：:]?\s*(?:" + _DATE + r")\s*$")
ELLIPSIS = re.compile(r"\s*(?:\.{2,}|…+|。。。)\s*$")
SPACE = re.compile(r"\s+")
ICON_GLYPHS = re.compile(r"[\ue000-\uf8ff]")  # icon-font characters (layui, iconfont) in link text


@dataclass
class Entry:
    url: str
    title: str
    date: str | None


def text_of(el) -> str:
    return " ".join("".join(el.itertext()).split())


def clean_title(text: str) -> str:
    """Link text as a title: no bracketed or edge dates, no trailing ellipsis."""
    title = SPACE.sub(" ", ICON_GLYPHS.sub("", text or "")).strip()
    for _ in range(2):  # "[2026-11-18] 标题 ..." needs both passes
        title = BRACKETED_DATE.sub(" ", title)
        title = EDGE_DATE.sub("", title).strip()
        title = ELLIPSIS.sub("", title).strip()
    return SPACE.sub(" ", title).strip(" ·•-—|")


def usable_href(a) -> str | None:
    href = (a.get("href") or "").strip()
    if not href or href.lower().startswith(SKIP_HREF):
        return None
    return href


def best_link(block):
    """The article link of a block: the link with the longest title or text."""
    best, best_len = None, -1
    for a in block.iter("a"):
        if usable_href(a) is None:
            continue
        length = len(a.get("title") or text_of(a))
        if length > best_len:
            best, best_len = a, length
    return best


def block_date(block, link) -> str | None:
    """The block's date, looked for outside the link's text first."""
    whole = text_of(block)
    if link is not None:
        inner = text_of(link)
        found = find_date(whole.replace(inner, " ", 1) if inner else whole)
        if found:
            return found
    return find_date(whole)


def entry_of(block, base_url: str, link_sel: str | None = None, title_sel: str | None = None,
             date_sel: str | None = None) -> Entry | None:
    """The entry a block holds, or None without a usable link.  CSS selectors (from
    the registry's ``rules``) override the automatic choice of link, title and date."""
    link = (block.cssselect(link_sel) or [None])[0] if link_sel else best_link(block)
    if link is None or usable_href(link) is None:
        return None
    if title_sel:
        node = (block.cssselect(title_sel) or [link])[0]
        attr = (node.get("title") or "").strip()
        title = attr or clean_title(text_of(node))
    else:
        attr = (link.get("title") or "").strip()
        title = SPACE.sub(" ", attr) if attr else clean_title(text_of(link))
    if date_sel:
        date = find_date(text_of((block.cssselect(date_sel) or [block])[0]))
    else:
        date = block_date(block, link)
    return Entry(urljoin(base_url, usable_href(link)), title, date)
