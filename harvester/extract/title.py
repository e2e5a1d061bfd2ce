"""Choose the article title and locate its element on the page."""
from __future__ import annotations

import re

from harvester.extract.dom import norm_space, text_of
from harvester.extract.patterns import split_site_suffix, strip_site_name, title_before_site_name

__all__ = ["choose_title", "find_title_node"]

_TITLE_ATTR_RE = re.compile(r"title|tit|headline|biaoti|(?:^|[\s_-])bt(?:$|[\s_-])|heading", re.I)
_SPLIT_RE = re.compile(r"\s*(?:_{1,2}|\|{1,2}|｜|(?<!\d)(?:--|——|—)|(?:--|——|—)(?!\d)|\s-\s|\s–\s|::|»|\s>\s)\s*")
_MAX_HEADS = 60
_TAIL_SEP_CHARS = re.compile(r"[-_|｜—－–:»·>]")  # what may stand between a title and a site name


def _headings(root):
    """Texts of h1–h3 and title-classed elements, h1 first, in document order."""
    out = []
    if root is None:
        return out
    for tags in (("h1",), ("h2", "h3")):
        for el in root.iter(*tags):
            t = text_of(el)
            if 4 <= len(t) <= 200:
                out.append((el, t))
            if len(out) > _MAX_HEADS:
                return out
    n = 0
    for el in root.iter("div", "td", "p", "span", "strong", "b", "font"):
        attrs = (el.get("class") or "") + " " + (el.get("id") or "")
        if attrs.strip() and _TITLE_ATTR_RE.search(attrs):
            n += 1
            if n > _MAX_HEADS:
                break
            if len(el) > 10:
                continue
            t = text_of(el)
            if 4 <= len(t) <= 200:
                out.append((el, t))
    return out


def _similar(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 4 and short in long_ and len(short) >= 0.6 * len(long_)


def choose_title(root, meta_title: str, html_title: str, site_name: str = "", shown=None) -> tuple[str, str]:
    """``(title, origin)``; origin is 'meta', 'heading', 'html_title' or ''.

    A site name after the title ("…座谈会-某某网", "…_某某政府门户网站", "…|某某") is
    dropped: the page's own title element settles it (a heading, or ``shown``, the
    title element a source's learned template points at, is the <title> minus a
    tail); else a tail that reads as a site name, or is the page's ``site_name``, goes.
    """
    meta_title = norm_space(meta_title)
    html_title = norm_space(html_title)
    names = (site_name,) if site_name else ()
    heads = None

    def headings():
        nonlocal heads
        if heads is None:
            heads = [(None, norm_space(shown))] if shown else _headings(root)
        return heads

    def shown_title(full: str, strict: bool = False) -> str:
        if not _TAIL_SEP_CHARS.search(full):
            return ""  # nothing after the title to settle: spare the heading scan
        for _el, h in headings():
            if title_before_site_name(full, h, strict=strict):
                return h
        return ""

    if meta_title:
        if meta_title == html_title:
            stripped = split_site_suffix(meta_title)
            # "数据_标准" may be the title itself, not title_site: a heading showing it whole says so
            if stripped != meta_title and any(h == meta_title for _el, h in headings()):
                return meta_title, "meta"
            return shown_title(meta_title) or strip_site_name(stripped, names), "html_title"
        # the CMS's own title tag: only a site name goes, or one short tail the page's title element lacks
        return shown_title(meta_title, strict=True) or strip_site_name(meta_title, names), "meta"
    if html_title:
        on_page = shown_title(html_title)
        if on_page:
            return on_page, "heading"
        parts = [p.strip() for p in _SPLIT_RE.split(html_title) if p.strip()]
        best, best_len = "", 0
        for _el, h in headings():
            for p in parts:
                if _similar(h, p) and len(p) > best_len:
                    best, best_len = h, len(p)
        # a heading that matches only a short part is most likely the site name
        if best and best_len >= max(len(p) for p in parts) * 0.5:
            return strip_site_name(best, names), "heading"
        stripped = strip_site_name(split_site_suffix(html_title), names)
        if stripped:
            return stripped, "html_title"
    for el, h in headings():
        if el is not None and el.tag == "h1" and len(h) >= 4:
            return h, "heading"
    return "", ""


def find_title_node(root, title: str):
    """The element showing ``title`` on the page (heading preferred), or ``None``."""
    title = norm_space(title)
    if root is None or len(title) < 2:
        return None
    for el, h in _headings(root):
        if _similar(h, title):
            return el
    # cheap scan of direct texts
    key = title[: min(len(title), 12)]
    for el in root.iter("div", "td", "p", "span", "strong", "b", "font", "h4", "h5", "h6", "li"):
        t = el.text
        if t and key in t:
            full = text_of(el) if len(el) < 10 else norm_space(t)
            if _similar(full, title):
                return el
    return None
