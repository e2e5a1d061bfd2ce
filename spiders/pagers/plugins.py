"""jQuery pager plugins, as the provincial 集约化 platforms and many county sites use them.

``kkpager.generPageHtml({pno, total, totalRecords, hrefFormer, hrefLatter, getLink})``,
``laypage.render({count, limit, curr, jump})`` (and the old ``laypage({pages, curr, jump})``),
``$(…).pagination({pageCount | totalData+showData, current, callback})``,
``$(…).paging({pageNo, totalPage, totalSize, callback})``,
``$(…).createPage({pageCount, current, backFn})``, ``$(…).jqPaginator({totalPages, currentPage, onPageChange})``
and ``$(…).pagination(total, {items_per_page, current_page, callback})``.

The page count comes from the call's arguments; the page URLs from the links the
plugin would build: ``hrefFormer``/``hrefLatter``/``getLink``, or the
``location.href = …`` its callback runs.  A pager whose callback loads the list
by script (no page URL) is reported as not understood.
"""
from __future__ import annotations

import re

from spiders.pagers import jsexpr
from spiders.pagers.model import Paging, ceil_div, page_urls

CALL = re.compile(r"((?:[\w$]+\.)*(?:generPageHtml|render|pagination|paging|Pagination|jqPaginator|createPage|pager)"
                  r"|\blaypage)\s*\(")
PAGE_KEYS = ("pageCount", "totalPage", "totalPages", "pages", "pageTotal", "countPage", "page_count", "pagecount",
             "totalpage", "maxPage")
RECORD_KEYS = ("totalRecords", "totalRecord", "recordCount", "totalData", "totalSize", "totalCount", "count", "total",
               "totalNum", "allRow", "records", "totalrecord")
PER_PAGE_KEYS = ("limit", "pageSize", "perPage", "showData", "rows", "prepage", "items_per_page", "pagesize", "perpage")
CURRENT_KEYS = ("curr", "current", "pno", "pageNo", "pageIndex", "currentPage", "current_page", "pageNum", "nowPage",
                "page", "currPage")
DEFAULT_PER_PAGE = {"laypage": 10, "jquery pagination": 10}
LINK_EXPR = re.compile(r"(?:(?:window|document|self|top)\.)?location(?:\.href)?\s*=(?!=)\s*"
                       r"|location\.(?:replace|assign)\s*\(|window\.open\s*\(|\breturn\s+")


def _kind(name: str) -> str:
    leaf = name.rsplit(".", 1)[-1]
    if leaf == "generPageHtml":
        return "kkpager"
    if "laypage" in name:
        return "laypage"
    return {"pagination": "jquery pagination", "Pagination": "jquery pagination", "paging": "jquery paging",
            "jqPaginator": "jqPaginator", "createPage": "jquery createPage", "pager": "jquery pager"}.get(leaf, leaf)


def _int(value, env: dict) -> int | None:
    if isinstance(value, jsexpr.Code):
        value = jsexpr.literal(value, env)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _first(options: dict, keys: tuple, env: dict) -> int | None:
    for key in keys:
        if key in options:
            found = _int(options[key], env)
            if found is not None:
                return found
    return None


def link_templates(code: str, env: dict) -> list[jsexpr.Template]:
    """Templates of the page URLs a piece of script goes to or returns."""
    out = []
    for match in LINK_EXPR.finditer(code):
        opened = code[match.end() - 1] == "("
        expr = jsexpr.split_top(jsexpr.balanced(code, match.end() - 1) or "", ",")[0] if opened \
            else jsexpr._expression_at(code, match.end())
        for branch in jsexpr.branches(expr) if expr else []:
            tpl = jsexpr.template(branch, env)
            if tpl is not None and not tpl.text.startswith(("javascript:", "#")):
                out.append(tpl)
    return out


def _plugin_call(js: str, env: dict, base_url: str, name: str, args: list[str]) -> Paging | None:
    kind = _kind(name)
    values = [jsexpr.literal(a, env) for a in args]
    options = next((v for v in reversed(values) if isinstance(v, dict)), None)
    if options is None:
        return None
    local = dict(env)
    for key, value in options.items():
        if isinstance(value, (int, str)) and not isinstance(value, jsexpr.Code):
            local[f"this.{key}"] = value
    records = _first(options, RECORD_KEYS, env)
    count = _first(options, PAGE_KEYS, env)
    if kind == "kkpager" and count is None:
        count, records = _int(options.get("total"), env), _first(options, ("totalRecords",), env)
    positional = next((v for v in values if isinstance(v, int)), None)
    if kind == "jquery pagination" and positional is not None:  # $(…).pagination(total, {items_per_page, …})
        records = positional
    per_page = _first(options, PER_PAGE_KEYS, env) or DEFAULT_PER_PAGE.get(kind)
    if count is None and records is not None and per_page:
        count = ceil_div(records, per_page)
    if count is None:
        return None  # not a pager call (a chart's render(), a carousel's pagination)
    current = _first(options, CURRENT_KEYS, env)
    if current is None:
        current = 0 if kind == "jquery pagination" and positional is not None else 1
    templates = []
    for value in options.values():
        if isinstance(value, jsexpr.Code):
            templates += link_templates(value, local)
    if not templates and kind == "kkpager" and isinstance(local.get("this.hrefFormer"), str):
        templates.append(jsexpr.Template(f"{local['this.hrefFormer']}_{{n}}{local.get('this.hrefLatter', '')}"))
    if not templates:
        templates = link_templates(js, local)
    paging = Paging(kind, declared_pages=count, declared_total=records, per_page=per_page,
                    total_label="totalRecords" if kind == "kkpager" else "count" if kind == "laypage" else "total")
    if count <= 1:
        return paging
    if not templates:
        paging.problem = f"pager script not understood: {kind} with {count} pages builds no page URL we can read"
        return paging
    paging.urls = page_urls(base_url, templates[0], count, current)
    return paging


def detect(js: str, env: dict, base_url: str) -> Paging | None:
    for match in CALL.finditer(js):
        before = js[max(0, match.start() - 9) : match.start()]
        if re.search(r"function\s*$", before) or match.group(1).startswith("function"):
            continue
        inner = jsexpr.balanced(js, match.end() - 1)
        if inner is None:
            continue
        paging = _plugin_call(js, env, base_url, match.group(1), jsexpr.split_top(inner, ","))
        if paging is not None:
            return paging
    return None
