"""What Word and WPS put on the clipboard, reduced to plain structure before nh3 sees it.

nh3 removes Office's styles and classes, but would keep its scaffolding: nested <span>s,
<o:p> paragraphs, and the fake list bullets Word writes as text inside
``<span style="mso-list:Ignore">``.  This pass (on the server, whatever the browser's
editor already cleaned) drops those, turns bold and italic written as styles into
<strong>/<em>, and unwraps the rest of the spans; nh3 then sanitizes as for any body.
"""
from __future__ import annotations

import re

import lxml.html
from lxml import etree

OFFICE_MARKS = re.compile(r"mso-|urn:schemas-microsoft-com|<o:p|class=\"?Mso|wps|kingsoft|<span", re.I)
BOLD = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)", re.I)
ITALIC = re.compile(r"font-style\s*:\s*italic", re.I)
FAKE_BULLET = re.compile(r"mso-list\s*:\s*ignore", re.I)


def strip_office(html: str) -> str:
    """``html`` without Office's clipboard scaffolding; unchanged when it shows none."""
    if not html or not OFFICE_MARKS.search(html):
        return html
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return html
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        node.drop_tree()  # keeps the text after it
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        tag, style = el.tag.lower(), el.get("style") or ""
        if tag in ("style", "script", "meta", "link", "title", "xml") or ":" in tag or FAKE_BULLET.search(style):
            el.drop_tree()
        elif tag in ("span", "font"):
            if BOLD.search(style):
                el.tag = "strong"
            elif ITALIC.search(style):
                el.tag = "em"
            else:
                el.drop_tag()
    body = root.find("body")
    if body is None:
        return html
    return (body.text or "") + "".join(etree.tostring(child, encoding="unicode", method="html") for child in body)
