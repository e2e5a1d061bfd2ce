"""Find the item list on a column page without site-specific rules.

A government column list is a run of sibling blocks (``li``, ``tr``, ``dd``,
``div``, ``p``) that each carry one link to an article and a date.  Navigation
menus and 友情链接 are runs of links *without* dates, so they lose.  Explicit
CSS ``rules`` from the registry replace the detection for odd sites.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import html as lxml_html

from harvestkit.dates import find_date

BLOCK_TAGS = {"li", "tr", "dd", "dt", "div", "p", "article", "section", "span", "td", "h3", "h4"}
MIN_RUN = 2  # a list of fewer entries is still a list on a quiet column
SKIP_HREF = ("javascript:", "mailto:", "#", "tel:")


@dataclass
class Entry:
    url: str
    title: str
    date: str | None


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _best_link(block):
    """The article link of a block: the link with the longest text."""
    best, best_len = None, -1
    for a in block.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(SKIP_HREF):
            continue
        length = len(a.get("title") or _text(a))
        if length > best_len:
            best, best_len = a, length
    return best


def _entry(block, base_url: str, link_sel=None, title_sel=None, date_sel=None) -> Entry | None:
    link = (block.cssselect(link_sel) or [None])[0] if link_sel else _best_link(block)
    if link is None or link.tag != "a":
        link = link if link is not None and link.get("href") else None
    if link is None or not (link.get("href") or "").strip():
        return None
    if title_sel:
        node = (block.cssselect(title_sel) or [link])[0]
        title = node.get("title") or _text(node)
    else:
        title = (link.get("title") or "").strip() or _text(link)
    date_text = _text((block.cssselect(date_sel) or [block])[0]) if date_sel else _text(block)
    return Entry(urljoin(base_url, link.get("href").strip()), " ".join(title.split()), find_date(date_text))


def parse(text: str, base_url: str):
    try:
        return lxml_html.fromstring(text or "<html></html>", base_url=base_url)
    except (ValueError, lxml_html.etree.ParserError):
        return lxml_html.fromstring("<html></html>")


def entries_by_rules(doc, base_url: str, rules: dict, limit: int | None = None) -> list[Entry]:
    """Entries by the registry's CSS rules; at most ``limit + 1`` (one more tells the
    caller the page holds more than its limit)."""
    out = []
    blocks = doc.cssselect(rules["item"])
    for block in blocks[: limit + 1] if limit else blocks:
        entry = _entry(block, base_url, rules.get("link") or "a", rules.get("title"), rules.get("date"))
        if entry:
            out.append(entry)
    return out


def detect_entries(doc, base_url: str, limit: int | None = None) -> list[Entry]:
    """The best run of sibling blocks that each hold an article link and a date.
    With a ``limit``, a run is read no further than ``limit + 1`` entries: a page of
    100,000 links costs no more than one of a few hundred (and the caller learns
    that there were more)."""
    best: list[Entry] = []
    best_score = 0.0
    for parent in doc.iter():
        if not isinstance(parent.tag, str):
            continue
        children = [c for c in parent if isinstance(c.tag, str) and c.tag in BLOCK_TAGS]
        if len(children) < MIN_RUN:
            continue
        tag, count = Counter(c.tag for c in children).most_common(1)[0]
        if count < MIN_RUN:
            continue
        entries = []
        examined = 0
        for child in children:
            if child.tag != tag:
                continue
            if limit and len(entries) > limit:
                break
            examined += 1
            links = [a for a in child.iter("a") if (a.get("href") or "").strip()]
            if not links or len(links) > 4:
                continue
            entry = _entry(child, base_url)
            if entry and entry.date and len(entry.title) >= 4:
                entries.append(entry)
        if len(entries) < MIN_RUN:
            continue
        # Prefer many dated entries with real titles; penalise runs diluted by undated blocks.
        ratio = len(entries) / examined
        score = len(entries) * ratio * min(1.0, sum(len(e.title) for e in entries) / len(entries) / 8)
        if score > best_score:
            best, best_score = entries, score
    # De-duplicate by URL, keeping order.
    seen, out = set(), []
    for entry in best:
        if entry.url not in seen:
            seen.add(entry.url)
            out.append(entry)
    return out
