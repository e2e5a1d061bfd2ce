"""When a column list says it holds nothing: 空白栏目 as sites write it.

A list the reader understands that shows no entry is *empty*: a quiet column
(the unit's 空白栏目), not a broken reader.  Chinese CMSs print a short notice
where the list would be ("暂无信息", "暂无数据", "本栏目暂无内容", "栏目建设中");
a Hanweb column carries an empty ``<recordset>`` with ``totalRecord`` 0.  Only
a short text node counts (a notice, not a sentence of an article or a sidebar
that happens to use the words), and only when the reader found no entry at all:
a list the reader cannot read without such a notice stays an error.
"""
from __future__ import annotations

import re

from lxml import html as lxml_html

NOTICES = ("暂无信息", "暂无数据", "暂无内容", "暂无记录", "暂无相关", "暂无文章", "暂无新闻", "暂无公告",
           "暂无文件", "没有相关信息", "没有相关内容", "没有找到相关", "没有记录", "无相关信息", "无相关记录",
           "无任何信息", "建设中")
NOTICE_MAX_CHARS = 40  # a notice is a line of its own, not a paragraph
HANWEB_EMPTY = re.compile(r"<recordset>\s*</recordset>|totalRecord\s*[:=]\s*[\"']?0\b|<totalrecord>\s*0\s*</totalrecord>", re.I)
SKIP = {"script", "style", "noscript", "title"}


NOTICE_SHOWN = 40  # characters of the page's own empty notice quoted in the message


def declared_empty(text: str | None) -> str | None:
    """The notice by which a list page says it is empty, or None."""
    if not text:
        return None
    hanweb = HANWEB_EMPTY.search(text)
    if hanweb:
        return f"列表为空（{' '.join(hanweb.group(0).split())[:NOTICE_SHOWN]}）"
    try:
        doc = lxml_html.fromstring(text)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    for element in doc.iter():
        if not isinstance(element.tag, str) or element.tag in SKIP:
            continue
        for chunk in (element.text, element.tail if element.getparent() is None or element.getparent().tag not in SKIP else None):
            line = " ".join((chunk or "").split())
            if line and len(line) <= NOTICE_MAX_CHARS and any(notice in line for notice in NOTICES):
                return line
    return None
