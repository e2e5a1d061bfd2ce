"""How a column list page reaches its further pages, and what it declares.

``detect(doc, url)`` reads the page's scripts and links, in this order:
TRS WCM (``createPageHTML``, ``countPage`` variables, 动静结合 ``pageChnlInfo``),
jQuery pager plugins (kkpager, laypage, pagination, paging …), numbered page
links with 尾页, a lone 下一页 link.  What the page states (a page count, a
record count, 共N页/共N条) travels with the scheme so the spider can tell a
complete read from a partial one.  A pager script we cannot read is reported,
never ignored.  Hanweb, JPaaS and JSON lists page in their own readers.
"""
from __future__ import annotations

import re

from spiders.pagers import jsexpr, links, plugins, trs
from spiders.pagers.model import Paging

__all__ = ["Paging", "detect", "scripts_of"]

# A pager is there, though none of the schemes read it: a call of a pager function or plugin,
# or a page count of 2 or more in a script.
PAGER_HINT = re.compile(r"(?<!function )(?:createPageHTML|generPageHtml|laypage(?:\.render)?|\.pagination|\.paging"
                        r"|jqPaginator|createPage)\s*\("
                        r"|\b(?:pageCount|totalPage|countPage|totalPages|pageTotal)\s*[:=]\s*['\"]?(?:[2-9]|\d{2,})", re.I)


def scripts_of(doc) -> str:
    """The page's inline JavaScript, comments removed (data islands such as
    Hanweb's ``<script type="text/xml">`` left out)."""
    parts = []
    for script in doc.iter("script"):
        kind = (script.get("type") or "text/javascript").lower()
        if script.get("src") or ("javascript" not in kind and "ecmascript" not in kind):
            continue
        parts.append(jsexpr.strip_comments(script.text or ""))
    return "\n;\n".join(parts)


def detect(doc, base_url: str) -> Paging:
    js = scripts_of(doc)
    env = jsexpr.variables(js)
    found = trs.detect(js, env, base_url) or plugins.detect(js, env, base_url)
    if found is not None and found.understood:
        _declare_text(found, doc)
        return found
    linked = links.numbered(doc, base_url)
    if linked is not None:
        return linked
    nxt = links.next_link(doc, base_url)
    if nxt:
        paging = Paging("next link", next_url=nxt)
        _declare_text(paging, doc)
        return paging
    if found is not None:
        return found  # a pager script that was not understood, and no links to follow
    paging = Paging()
    _declare_text(paging, doc)
    if PAGER_HINT.search(js):
        paging.problem = "pager script not understood"
    return paging


def next_url(doc, base_url: str) -> str | None:
    """On a page reached by a next link: the following one."""
    return links.next_link(doc, base_url)


def _declare_text(paging: Paging, doc) -> None:
    pages, total = links.declared_counts(doc)
    paging.declare(pages=pages)
    paging.declare(total=total, label="共N条")
