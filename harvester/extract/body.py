"""Find the main-content node of a page and strip the chrome out of it.

1. Known government-CMS containers (``.TRS_Editor``, ``#zoom``, ``#UCAP-CONTENT`` …).
2. Otherwise a text-density score in the spirit of GNE / CEPF / Readability:
   every block that directly holds text scores by its length and punctuation,
   credited to itself (or, for ``<p>``-like blocks, to its parent and, halved,
   its grandparent); a candidate's total is damped by its link density.
All walks are single passes over ``root.iter()``; nothing recurses.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

from harvester.extract.dom import SKIP_TAGS, block_text, is_element, norm_space, text_of
from harvester.extract.patterns import is_boilerplate_line, is_info_line

__all__ = ["PageStats", "compute_stats", "find_body", "clean_body"]

INLINE_TAGS = frozenset({"a", "span", "font", "b", "strong", "em", "i", "u", "sub", "sup", "small",
                         "big", "label", "code", "abbr", "cite", "q", "s", "strike", "del", "ins",
                         "mark", "tt", "var", "img", "br", "wbr", "nobr", "o:p", "st1:chsdate"})
_PARA_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "li", "dd",
                        "dt", "figcaption", "center"})
_COMMENT_ATTR_RE = re.compile(r"comment|reply|pinglun|feedback|liuyan|huifu|gentie", re.I)
_PUNCT_RE = re.compile(r"[，。；：！？、,.;:!?“”‘’《》（）]")

# Known gov CMS body containers: (attribute, exact token or prefix).
_SPECIFIC_CLASSES = ("trs_editor", "trs_ueditor", "zoom", "article-content", "article_content",
                     "bt_content", "pages_content", "wzcon", "view", "artcontent", "art_content",
                     "detail_content", "details_content", "news_content", "content_text",
                     "xxgk_content", "zwgk_content", "article-body", "article_body", "articlecontent",
                     "main-text", "post-content", "entry-content", "newstext", "con_text")
_SPECIFIC_IDS = ("zoom", "ucap-content", "ucapcontent", "artibody", "article_content", "articlecontent",
                 "content_text", "textcontent", "ozoom", "fontzoom", "newstext", "endtext",
                 "main-content", "article-content", "zwnr", "nr", "detailcontent", "news_content")
# Text density scoring (``_stats``, ``_pick_dense``): a block of text scores one point,
# one per punctuation mark (prose punctuates, menus do not) and one per so many
# characters, each up to a cap; a paragraph's score goes to its container and half
# of it one level further up, another block's to itself and a third of it to its parent.
MIN_BLOCK_CHARS = 8           # shorter blocks (labels, buttons) score nothing
MAX_PUNCT_POINTS = 30
CHARS_PER_POINT = 40.0
MAX_LENGTH_POINTS = 8.0
GRANDPARENT_DIVISOR = 2       # a paragraph's score, halved, one level further up
PARENT_DIVISOR = 3            # another block's score, a third of it, to its parent
LINK_HEAVY = 0.5              # link text share above which a container is a list of links
LINK_HEAVY_FACTOR = 0.3       # … and its score shrinks so much (posts, replies, related news)
GENERIC_CONTAINER_BONUS = 1.15  # id/class "content", "article"…: a likely body
BODY_FACTOR = 0.6             # <body> itself: everything on the page, rarely the answer
# The CMS's own body containers (``_pick_specific``).
SPECIFIC_MIN_CHARS = 20       # link-free characters a text-only container needs
INNER_SHARE = 0.85            # an inner container holding this much of the text is preferred
# Climbing to ancestors that only add link-poor text (``_expand``).
EXPAND_MAX_STEPS = 8
EXPAND_MAX_GROWTH = 2.5       # stop where the parent holds more than this many times the text
EXPAND_MAX_LINK_SHARE = 0.1   # … or where its extra text is more than this much links

_GENERIC_IDS = ("content", "con", "article", "text", "main", "body")
_GENERIC_CLASSES = ("con", "content", "article", "text", "detail", "main")

_JUNK_ATTR_RE = re.compile(
    r"(?:^|[\s_-])(?:share|bdshare|jiathis|print|toolbar|fontsize|font-size|zihao|nav|navbar|"
    r"breadcrumbs?|crumbs?|location|position|weizhi|dqwz|footer|comments?|related|relate|xgwz|xglj|"
    r"pagebar|prevnext|qrcode|erweima|ewm|sharebox|share_box|sidebar|advert|ads|"
    r"copyright|banner|menu|pinglun|dayin|guanbi|close)(?:$|[\s_-])",
    re.I,
)
# Names that are often chrome but sometimes content: removed only when short or info-bar-like.
_WEAK_JUNK_ATTR_RE = re.compile(
    r"(?:^|[\s_-])(?:tools?|foot|prev|next|ad|info|extend|xinxi|source|time|date|meta|author|titbar|"
    r"subtitle|zh|fx|fenxiang)(?:$|[\s_-])",
    re.I,
)


@dataclass
class PageStats:
    """Per-element aggregates from one pass over the tree."""

    text_len: dict = field(default_factory=dict)   # all visible chars under el
    link_len: dict = field(default_factory=dict)   # chars inside <a> under el
    score: dict = field(default_factory=dict)      # content score credited to el
    specific: list = field(default_factory=list)   # known gov CMS containers
    generic: set = field(default_factory=set)      # generic content-ish names


@lru_cache(maxsize=4096)
def _is_comment_attr(attrs: str) -> bool:
    return bool(_COMMENT_ATTR_RE.search(attrs))


@lru_cache(maxsize=4096)
def _kind(cls: str, eid: str) -> int:
    """2 = known gov CMS body container, 1 = generic content-ish name, 0 = other."""
    cls, eid = cls.lower(), eid.lower()
    tokens = cls.split()
    if eid in _SPECIFIC_IDS or any(t in _SPECIFIC_CLASSES for t in tokens):
        return 2
    if eid in _GENERIC_IDS or eid.startswith("art") or any(t in _GENERIC_CLASSES for t in tokens):
        return 1
    return 0


def _classify(el, stats: PageStats) -> None:
    kind = _kind(el.get("class") or "", el.get("id") or "")
    if kind == 2:
        stats.specific.append(el)
    elif kind == 1:
        stats.generic.add(el)


def compute_stats(root) -> PageStats:
    """One pre-order pass (own text, classes, comment areas) and one reverse pass
    (subtree sums and scores) over the <body>, using index arrays instead of dicts."""
    stats = PageStats()
    if root is None:
        return stats
    top = root.find("body")
    if top is None:
        top = root
    elements: list = []
    tags: list = []
    parent_of: list = []
    own_len: list = []
    own_punct: list = []
    comment: list = []
    index: dict = {}
    findall = _PUNCT_RE.findall
    for el in top.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        tag = tag.lower()
        i = len(elements)
        index[el] = i
        elements.append(el)
        tags.append(tag)
        parent = el.getparent()
        p = index.get(parent, -1) if parent is not None else -1
        parent_of.append(p)
        text = el.text
        if text and tag not in SKIP_TAGS:
            stripped = text.strip()
            own_len.append(len(stripped))
            own_punct.append(len(findall(stripped)) if stripped else 0)
        else:
            own_len.append(0)
            own_punct.append(0)
        tail = el.tail
        if tail and p >= 0:
            stripped = tail.strip()
            if stripped:
                own_len[p] += len(stripped)
                own_punct[p] += len(findall(stripped))
        cls = el.get("class")
        eid = el.get("id")
        in_comment = p >= 0 and comment[p]
        if cls or eid:
            _classify(el, stats)
            if not in_comment and _is_comment_attr((cls or "") + " " + (eid or "")):
                in_comment = True
        comment.append(in_comment)

    n = len(elements)
    tl_acc = [0] * n
    ll_acc = [0] * n
    on_acc = [0] * n
    op_acc = [0] * n
    tl_out = [0] * n
    ll_out = [0] * n
    score = [0.0] * n
    for i in range(n - 1, -1, -1):  # children before parents
        tag = tags[i]
        if tag in SKIP_TAGS:
            continue
        tl = own_len[i] + tl_acc[i]
        if tag == "a":
            ll, on, op = tl, 0, 0
        else:
            ll = ll_acc[i]
            on = own_len[i] + on_acc[i]
            op = own_punct[i] + op_acc[i]
        tl_out[i] = tl
        ll_out[i] = ll
        p = parent_of[i]
        if p >= 0:
            tl_acc[p] += tl
            ll_acc[p] += ll
        if tag in INLINE_TAGS:
            if p >= 0 and tag != "a":
                on_acc[p] += on
                op_acc[p] += op
            continue
        if on >= MIN_BLOCK_CHARS and not comment[i]:
            contrib = 1.0 + min(op, MAX_PUNCT_POINTS) + min(on / CHARS_PER_POINT, MAX_LENGTH_POINTS)
            if tag in _PARA_TAGS:
                if p >= 0:
                    score[p] += contrib
                    gp = parent_of[p]
                    if gp >= 0:
                        score[gp] += contrib / GRANDPARENT_DIVISOR
            else:
                score[i] += contrib
                if p >= 0:
                    score[p] += contrib / PARENT_DIVISOR
    stats.text_len = dict(zip(elements, tl_out))
    stats.link_len = dict(zip(elements, ll_out))
    stats.score = {elements[i]: sc for i, sc in enumerate(score) if sc > 0.0}
    return stats


def _nolink(stats: PageStats, el) -> int:
    return stats.text_len.get(el, 0) - stats.link_len.get(el, 0)


def _link_density(stats: PageStats, el) -> float:
    tl = stats.text_len.get(el, 0)
    return stats.link_len.get(el, 0) / tl if tl else 1.0


def _has_media(el) -> bool:
    for _ in el.iter("img", "a", "table"):
        return True
    return False


def _is_ancestor(a, b) -> bool:
    node = b.getparent()
    while node is not None:
        if node is a:
            return True
        node = node.getparent()
    return False


def _pick_specific(stats: PageStats):
    good = [el for el in stats.specific
            if _link_density(stats, el) < LINK_HEAVY and (_nolink(stats, el) >= SPECIFIC_MIN_CHARS or _has_media(el))]
    if not good:
        return None
    best = max(good, key=lambda e: _nolink(stats, e))
    best_len = _nolink(stats, best)
    # prefer the innermost container that still holds (almost) all of the text
    for el in good:
        if el is not best and _is_ancestor(best, el) and _nolink(stats, el) >= INNER_SHARE * best_len:
            best = el
            best_len = max(best_len, 1)
    return best


def _pick_dense(stats: PageStats):
    best, best_score = None, 0.0
    for el, sc in stats.score.items():
        tag = el.tag.lower()
        if tag in ("html", "head"):
            continue
        ld = _link_density(stats, el)
        final = sc * (1.0 - ld) ** 2
        if ld > LINK_HEAVY:
            final *= LINK_HEAVY_FACTOR  # mostly links: a list of posts / replies / related news
        if el in stats.generic:
            final *= GENERIC_CONTAINER_BONUS
        if tag == "body":
            final *= BODY_FACTOR
        if final > best_score:
            best, best_score = el, final
    return best, best_score


def _expand(stats: PageStats, node):
    """Climb to ancestors that only add link-poor text (content split over sibling
    tables/divs, e.g. a prose block followed by a data table without punctuation)."""
    probe = node
    for _ in range(EXPAND_MAX_STEPS):
        parent = probe.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        base = stats.text_len.get(node, 0)
        total = stats.text_len.get(parent, 0)
        extra = total - base
        if extra <= 0:
            probe = parent  # a pure wrapper: look further up, but do not commit to it
            continue
        extra_links = stats.link_len.get(parent, 0) - stats.link_len.get(node, 0)
        if total > EXPAND_MAX_GROWTH * max(base, 1) or extra_links > EXPAND_MAX_LINK_SHARE * extra:
            break
        node = probe = parent
    return node


def find_body(root, stats: PageStats):
    """The main-content element, or ``None``. Returns ``(node, how)``."""
    if root is None:
        return None, ""
    node = _pick_specific(stats)
    if node is not None:
        return node, "container"
    node, sc = _pick_dense(stats)
    if node is not None and sc > 0:
        return _expand(stats, node), "density"
    return None, ""


def _remove(el) -> None:
    """Drop ``el`` but keep its tail text."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def clean_body(node, title: str = "", stats: PageStats | None = None) -> None:
    """Strip scripts, share/print bars, the info bar and the repeated title, in place.

    ``stats`` (from :func:`compute_stats`) lets long elements skip the text walks."""
    if node is None:
        return
    text_len = stats.text_len if stats is not None else {}
    title_n = norm_space(title)
    doomed = []
    for el in node.iter():
        if el is node:
            continue
        if not isinstance(el.tag, str):
            doomed.append(el)
            continue
        tag = el.tag.lower()
        if tag in SKIP_TAGS or tag in ("form", "nav", "footer", "link", "meta", "base", "style"):
            doomed.append(el)
            continue
        if tag in INLINE_TAGS and tag not in ("span", "font", "a"):
            continue
        attrs = ((el.get("class") or "") + " " + (el.get("id") or "")).strip()
        txt = None
        known_len = text_len.get(el)
        if known_len is not None and known_len > 200 and tag not in ("h1", "h2", "h3"):
            continue  # too long to be chrome or an info bar
        if attrs and _JUNK_ATTR_RE.search(attrs):
            txt = text_of(el)
            if len(txt) < 200 and not _big_media(el):
                doomed.append(el)
                continue
        elif attrs and _WEAK_JUNK_ATTR_RE.search(attrs):
            txt = text_of(el)
            if (len(txt) < 40 or is_info_line(txt)) and not _big_media(el):
                doomed.append(el)
                continue
        if tag in ("span", "font", "a"):
            continue
        if txt is None:
            # cheap bound: a long text cannot be an info bar
            if len(el) > 40:
                continue
            txt = text_of(el)
        if not txt:
            continue
        if len(txt) <= 150 and (is_info_line(txt) or is_boilerplate_line(txt)):
            if not _big_media(el):
                doomed.append(el)
                continue
        if title_n and txt == title_n:
            doomed.append(el)
    # remove outermost first; children of removed elements simply go with them
    removed = set()
    for el in doomed:
        anc = el.getparent()
        skip = False
        while anc is not None and anc is not node:
            if anc in removed:
                skip = True
                break
            anc = anc.getparent()
        if skip:
            continue
        _remove(el)
        removed.add(el)


def _big_media(el) -> bool:
    for img in el.iter("img"):
        return True
    return False


def body_text(node) -> str:
    return block_text(node) if is_element(node) else ""
