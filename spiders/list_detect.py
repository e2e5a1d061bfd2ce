"""Find the item list on a column page without site-specific rules.

A government column list is a run of sibling blocks (``li``, ``tr``, ``dd``,
``div``, ``p``) that each carry one link to an article and a date.  Navigation
menus and 友情链接 are runs of links *without* dates, so they lose.  Explicit
CSS ``rules`` from the registry replace the detection for odd sites.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from lxml import html as lxml_html

from spiders.list_entry import Entry, entry_of, usable_href

__all__ = ["Entry", "parse", "entries_by_rules", "detect_entries", "detect_list"]

BLOCK_TAGS = {"li", "tr", "dd", "dt", "div", "p", "article", "section", "span", "td", "h3", "h4"}
MIN_RUN = 2  # a list of fewer entries is still a list on a quiet column
MAX_LINKS_PER_BLOCK = 4  # more links in one block: a menu or a group of entries, not an entry
MIN_TITLE = 4
GROUP_LEVELS = 3  # how far up repeated groups of a list may be nested (div > ul > li)


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
        entry = entry_of(block, base_url, rules.get("link") or "a", rules.get("title"), rules.get("date"))
        if entry:
            out.append(entry)
    return out


class Run:
    """The dated entries among one parent's children of one tag."""

    def __init__(self, parent, entries: list[Entry], blocks: int, links: int):
        self.parent, self.entries, self.blocks, self.links = parent, entries, blocks, links

    def score(self, entries: list[Entry], blocks: int) -> float:
        # Many dated entries with real titles; runs diluted by undated blocks lose.
        ratio = len(entries) / blocks
        return len(entries) * ratio * min(1.0, sum(len(e.title) for e in entries) / len(entries) / 8)


def _run(parent, base_url: str, limit: int | None = None) -> Run | None:
    """With a ``limit``, a run is read no further than ``limit + 1`` entries: a page of
    100,000 links costs no more than one of a few hundred (and the caller learns
    that there were more)."""
    children = [c for c in parent if isinstance(c.tag, str) and c.tag in BLOCK_TAGS]
    if not children:
        return None
    tag, count = Counter(c.tag for c in children).most_common(1)[0]
    entries, links, examined = [], 0, 0
    for child in children:
        if child.tag != tag:
            continue
        if limit and len(entries) > limit:
            break
        examined += 1
        found = [a for a in child.iter("a") if usable_href(a)]
        links += len(found)
        if not found or len(found) > MAX_LINKS_PER_BLOCK:
            continue
        entry = entry_of(child, base_url)
        if entry and entry.date and len(entry.title) >= MIN_TITLE:
            entries.append(entry)
    return Run(parent, entries, examined, links) if entries else None


def _signature(el) -> tuple[str, str]:
    return el.tag, " ".join(sorted((el.get("class") or "").split()))


def _groups(runs: list[Run]):
    """Runs that are repeated sibling groups of one list (TRS 动静结合 pages put
    five entries per ``<div><ul>``): same shape under one ancestor, each group's
    container holding nothing but its entries."""
    for level in range(1, GROUP_LEVELS + 1):
        buckets: dict[tuple, list[tuple[Run, object]]] = defaultdict(list)
        for run in runs:
            path, node = [], run.parent
            for _ in range(level - 1):
                path.append(_signature(node))
                node = node.getparent()
                if node is None:
                    break
            if node is None or node.getparent() is None:
                continue
            path.append(_signature(node))
            buckets[(node.getparent(), tuple(path))].append((run, node))
        for members in buckets.values():
            containers = {id(c) for _, c in members}
            if len(containers) < 2 or len(containers) != len(members):
                continue
            if any(sum(1 for a in c.iter("a") if usable_href(a)) > run.links for run, c in members):
                continue  # a container with a heading or 更多 link: separate lists (a homepage)
            yield [run for run, _ in members]


def shape_of(el) -> tuple:
    """Where a list sits: the tag/class path from the root to its parent element."""
    path = []
    while el is not None:
        path.append(_signature(el))
        el = el.getparent()
    return tuple(reversed(path))


def detect_entries(doc, base_url: str, limit: int | None = None) -> list[Entry]:
    return detect_list(doc, base_url, limit=limit)[0]


def detect_list(doc, base_url: str, like: tuple | None = None, limit: int | None = None) -> tuple[list[Entry], tuple | None]:
    """The best run of sibling blocks that each hold an article link and a date,
    or the best set of repeated sibling groups of such runs; and its shape.  With
    ``like`` (the shape found on page 1), the run of that shape wins even with a
    single entry: the last page of a column often holds one item."""
    runs = [run for run in (_run(parent, base_url, limit) for parent in doc.iter() if isinstance(parent.tag, str)) if run]
    if like is not None:
        same = [run for run in runs if shape_of(run.parent) == like]
        if same:
            return _unique([e for run in same for e in run.entries]), like
    best: list[Entry] = []
    best_score, shape = 0.0, None
    candidates = [[run] for run in runs] + list(_groups(runs))
    for members in candidates:
        entries = [e for run in members for e in run.entries]
        if len(entries) < MIN_RUN:
            continue
        score = members[0].score(entries, sum(run.blocks for run in members))
        if score > best_score:
            best, best_score, shape = entries, score, shape_of(members[0].parent)
    return _unique(best), shape


def _unique(entries: list[Entry]) -> list[Entry]:
    seen, out = set(), []
    for entry in entries:
        if entry.url not in seen:
            seen.add(entry.url)
            out.append(entry)
    return out
