"""Parse HTML once with lxml and offer small, non-recursive text helpers.

Every helper here walks the tree iteratively: hostile pages nest thousands of
elements deep and must not hit Python's recursion limit.
"""
from __future__ import annotations

import re

from lxml import etree

__all__ = [
    "BLOCK_TAGS",
    "SKIP_TAGS",
    "parse_html",
    "norm_space",
    "text_of",
    "block_text",
    "is_element",
]

# Elements whose content is never page text.
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object",
                       "select", "option", "textarea", "button", "svg", "canvas", "head", "title",
                       "meta", "link", "input"})
# Elements that start a new line of text.
BLOCK_TAGS = frozenset({"p", "div", "section", "article", "main", "aside", "header", "footer",
                        "nav", "table", "thead", "tbody", "tfoot", "tr", "ul", "ol", "li",
                        "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
                        "form", "fieldset", "center", "hr", "br", "figure", "figcaption", "caption",
                        "address", "body", "html"})

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001\ufffe\uffff\ud800-\udfff]")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_WS_RE = re.compile(r"[ \t\r\n\f\v\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff]+")

# Plain etree elements (not lxml.html.HtmlElement): proxies are cheaper to create.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                           no_network=True, recover=True, default_doctype=False)


def is_element(node) -> bool:
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


def parse_html(text: str):
    """Parse ``text`` into an lxml HTML root element, or ``None`` if nothing parses."""
    if not text or not text.strip():
        return None
    text = _CONTROL_RE.sub("", _XML_DECL_RE.sub("", text, count=1))
    try:
        root = etree.fromstring(text.encode("utf-8", "replace"), _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if root is None or not isinstance(root.tag, str):
        return None
    return root


def norm_space(s: str | None) -> str:
    """Collapse all whitespace (incl. &nbsp; and full-width spaces) to single spaces."""
    if not s:
        return ""
    return _WS_RE.sub(" ", s).strip()


# Never content: removed from the tree right after the <meta>/<title> pass (one C-level call).
STRIP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "svg", "canvas",
              "select", "textarea", "button")
# Void elements libxml2 may wrap the rest of the page in (``<embed>`` has no end
# tag, so everything after it becomes its child): drop the tag, keep what it holds.
UNWRAP_TAGS = ("embed",)


def strip_junk(root) -> None:
    """Delete script/style/… elements (keeping their tails) so text walks can use itertext."""
    if root is not None:
        etree.strip_elements(root, *STRIP_TAGS, with_tail=False)
        etree.strip_tags(root, *UNWRAP_TAGS)


def text_of(el) -> str:
    """All visible text under ``el`` (skipping scripts etc.), whitespace-normalised."""
    if not is_element(el):
        return ""
    if el.tag in ("html", "head"):
        return norm_space("".join(_iter_text(el)))
    return norm_space("".join(el.itertext()))


def _iter_text(el):
    # iterative pre-order walk yielding text and tails, skipping SKIP_TAGS subtrees
    if not is_element(el):
        return
    stack = [(el, False)]
    while stack:
        node, done = stack.pop()
        if done:
            if node is not el and node.tail:
                yield node.tail
            continue
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in SKIP_TAGS or not isinstance(node.tag, str):
            if node is not el and node.tail:
                yield node.tail
            continue
        if node.text:
            yield node.text
        stack.append((node, True))
        for child in reversed(node):
            stack.append((child, False))


def block_text(el) -> str:
    """Text under ``el`` with a newline at each block boundary and <br>; lines trimmed."""
    if not is_element(el):
        return ""
    parts: list[str] = []
    append = parts.append
    skipping = None  # the SKIP element whose subtree we are inside
    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag
        if not isinstance(tag, str):
            if event == "end" and skipping is None and node is not el and node.tail:
                append(node.tail)
            continue
        if skipping is not None:
            if event == "end" and node is skipping:
                skipping = None
                if node is not el and node.tail:
                    append(node.tail)
            continue
        tag = tag.lower()
        if event == "start":
            if tag in SKIP_TAGS:
                skipping = node
                continue
            if tag in BLOCK_TAGS:
                append("\n")
            if node.text:
                append(node.text)
        else:
            if tag in BLOCK_TAGS:
                append("\n")
            elif tag in ("td", "th"):
                append(" ")
            if node is not el and node.tail:
                append(node.tail)
    lines = (norm_space(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
