"""Serialise the body node and sanitise it with nh3 under an explicit allowlist."""
from __future__ import annotations

import copy

import nh3
from lxml import etree

from harvester.extract.links import absolute

__all__ = ["ALLOWED_TAGS", "ALLOWED_ATTRIBUTES", "sanitize_html", "node_to_safe_html"]

ALLOWED_TAGS = {
    "p", "br", "div", "span", "a", "img", "table", "thead", "tbody", "tr", "td", "th",
    "ul", "ol", "li", "strong", "b", "em", "i", "u", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "code", "sub", "sup", "hr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_URL_SCHEMES = {"http", "https"}


def sanitize_html(html: str) -> str:
    """nh3 with our allowlist: no scripts/styles/handlers/javascript: URLs."""
    if not html:
        return ""
    try:
        return nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            clean_content_tags={"script", "style", "noscript", "template", "textarea", "iframe",
                                "object", "select", "title"},
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=_URL_SCHEMES,
            link_rel="noopener noreferrer",
            strip_comments=True,
        ).strip()
    except Exception:  # noqa: BLE001 - never let a sanitizer error escape
        return ""


def node_to_safe_html(node, base_url: str) -> str:
    """Absolutise links of a copy of ``node`` and return sanitised HTML."""
    if node is None:
        return ""
    node = copy.deepcopy(node)
    node.tail = None
    for el in node.iter("a", "img"):
        attr = "href" if el.tag == "a" else "src"
        value = el.get(attr)
        if el.tag == "img":
            lazy = el.get("data-src") or el.get("data-original")
            if lazy and (not value or value.startswith("data:")):
                value = lazy
        if value is None:
            continue
        url = absolute(base_url, value)
        if url:
            el.set(attr, url)
        else:
            del el.attrib[attr]
    try:
        html = etree.tostring(node, encoding="unicode", method="html")
    except (ValueError, TypeError, etree.SerializationError):
        return ""
    return sanitize_html(html)
