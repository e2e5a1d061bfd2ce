"""TRS WCM paging.

- ``createPageHTML(count, current, "index", "htm"[, records])``: pages
  ``index.htm``, ``index_1.htm`` … numbered from 0;
- ``createPageHTML('page_div', count, current, 'list', 'shtml', records)``: a
  container id first, numbered from 1 when ``current`` is 1 on the first page
  (``list.shtml``, ``list_2.shtml`` …);
- either with variables defined in the same script
  (``var countPage = 3; createPageHTML(countPage, currentPage, …)``);
- the older template without the function: ``var countPage = 21 //共多少页``
  and ``document.write`` building ``"index" + "_" + nextPage + "." + "html"``;
- "动静结合" columns: every static item on the page, the total in
  ``pageChnlInfo``/``recordCount``/``prepage``; later records come from a
  search service we do not read, so a total above the static items is a shortfall.
"""
from __future__ import annotations

import re

from spiders.pagers import jsexpr
from spiders.pagers.model import Paging, page_urls

COUNT_NAMES = ("countPage", "pageCount", "totalPage", "pageNum")
CURRENT_NAMES = ("currentPage", "curPage", "nCurrIndex")
HREF_IN_HTML = re.compile(r"""href\s*=\s*["']?([^"'\s>]*\{n\}[^"'\s>]*)""", re.I)


def create_page_html(js: str, env: dict, base_url: str) -> Paging | None:
    for args in jsexpr.calls(js, "createPageHTML"):
        values = [jsexpr.literal(a, env) for a in args]
        if values and isinstance(values[0], str) and not values[0].isdigit() and len(values) >= 5:
            values = values[1:]  # the container id
        if len(values) < 4 or not all(isinstance(v, int) for v in values[:2]) or not all(
                isinstance(v, str) for v in values[2:4]):
            return Paging("trs createPageHTML", problem=f"pager script not understood: createPageHTML({', '.join(args)})")
        count, current, prefix, ext = values[:4]
        records = values[4] if len(values) > 4 and isinstance(values[4], int) else None
        tpl = jsexpr.Template(f"{prefix}_{{n}}.{ext}")
        paging = Paging("trs createPageHTML", page_urls(base_url, tpl, count, current), declared_pages=count,
                        declared_total=records, total_label="recordCount")
        return paging
    return None


def count_page_vars(js: str, env: dict, base_url: str) -> Paging | None:
    """The template without createPageHTML: countPage/currentPage and document.write links."""
    count = next((env[n] for n in COUNT_NAMES if isinstance(env.get(n), int)), None)
    current = next((env[n] for n in CURRENT_NAMES if isinstance(env.get(n), int)), None)
    if count is None or current is None or "document.write" not in js:
        return None
    templates = []
    for args in jsexpr.calls(js, "document.write"):
        tpl = jsexpr.template(args[0], env) if args else None
        if tpl is None:
            continue
        for href in HREF_IN_HTML.findall(tpl.text):
            templates.append(jsexpr.Template(href, tpl.offset))
    if not templates:
        return Paging("trs countPage", declared_pages=count,
                      problem="pager script not understood: countPage without links")
    tpl = max(set(templates), key=templates.count)
    return Paging("trs countPage", page_urls(base_url, tpl, count, current), declared_pages=count)


def dynamic_static(env: dict) -> Paging | None:
    """TRS 动静结合: ``pageChnlInfo = {recordCount, prepage, maxStaticIndex}``."""
    info = env.get("pageChnlInfo")
    if not isinstance(info, dict) or "recordCount" not in info:
        return None
    try:
        total = int(info["recordCount"])
        per_page = int(info.get("prepage") or 15)
    except (TypeError, ValueError):
        return Paging("trs 动静结合", problem="pager script not understood: pageChnlInfo without a recordCount")
    return Paging("trs 动静结合", declared_total=total,
                  total_label="recordCount", per_page=per_page)


def detect(js: str, env: dict, base_url: str) -> Paging | None:
    return create_page_html(js, env, base_url) or count_page_vars(js, env, base_url) or dynamic_static(env)
