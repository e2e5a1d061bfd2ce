"""What a Hanweb (大汉) column page declares, read without running its scripts.

JCMS column pages (``/col/colNNNN/index.html``) embed their first records as
``<script type="text/xml"><datastore><recordset><record><![CDATA[…]]></record>``
— an ``li``, a table row, a ``dd``: any markup — and declare how to get the
rest: the ``dataproxy.jsp`` address (in the loader's ``url=""``, the jpage
``proxyUrl``, or the ``<nextgroup>`` link, wherever the site keeps it), its form
fields (``querydata``, ``var param_NNN = {…}``, the nextgroup query, in either
quote style), ``totalRecord``/``perPage``, and the container ``uid`` used by
``index.html?uid=…&pageNum=N`` page links.

JPaaS sites (Hanweb's newer platform) load a column through ``unitbuild.js``:
``<script … url="/api-gateway/jpaas-publish-server/front/page/build/unit"
queryData="{'webId':…,'pageId':…}">``; the API answers ``{"data": {"html": …}}``
and pages with ``paramJson={"pageNo": N, "pageSize": rows}``.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

import chompjs

from spiders import list_detect
from spiders.list_entry import entry_of

RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
NEXTGROUP = re.compile(r"<nextgroup>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</nextgroup>", re.S | re.I)
NEXTGROUP_HREF = re.compile(r"""href\s*=\s*(["'])(.*?)\1\s*(?:/?>|\s\w+=)""", re.S | re.I)
QUERYDATA = re.compile(r"""querydata\s*=\s*(["'])(\{.*?\})\1""", re.S | re.I)
PARAM_VAR = re.compile(r"var\s+param_\w*\s*=\s*(\{[^}]*\})", re.I)
PROXY_ATTR = re.compile(r"""\burl\s*=\s*["']([^"']*dataproxy\.jsp)[^"']*["']""", re.I)
PROXY_KEY = re.compile(r"""proxyUrl\s*:\s*["']([^"']*dataproxy\.jsp)[^"']*["']""", re.I)
TOTAL = re.compile(r"""totalRecord["']?\s*[:=]\s*["']?(\d+)|<totalrecord>\s*(\d+)\s*</totalrecord>""", re.I)
PER_PAGE = re.compile(r"""perPage["']?\s*[:=]\s*["']?(\d+)""", re.I)
UID = re.compile(r"""[?&]uid=(\d+)""")
DATASTORE_CONTAINER = re.compile(r"""<div\s+id=["']?(\d+)["']?[^>]*>\s*<script\s+type=["']text/xml["']""", re.I)
JPAAS_SCRIPT = re.compile(r"<script\b[^>]*(?:unitbuild|jpaas-publish-server)[^>]*>", re.I)
JPAAS_API = re.compile(r"""\burl\s*=\s*["']([^"']*jpaas-publish-server[^"']*)["']""", re.I)
JPAAS_QUERY = re.compile(r"""querydata\s*=\s*(["'])(\{.*?\})\1""", re.S | re.I)
JPAAS_PAGER = re.compile(r"""class=["'][^"']*pagination[^"']*["'][^>]*>""", re.I)
MARKERS = re.compile(r"<datastore>|dataproxy\.jsp|\.jpage\(|unitbuild\.js|jpaas-publish-server", re.I)
DEFAULT_PER_PAGE = 15
DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"
JPAAS_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
PAGING_KEYS = ("page", "startrecord", "endrecord", "perpage")


def records(text: str, base_url: str, limit: int | None = None) -> list[list_detect.Entry]:
    """The entries of every ``<record>``, whatever markup each holds; at most
    ``limit + 1`` (one more tells the caller there were more)."""
    entries = []
    for match in RECORD.finditer(text or ""):
        if limit and len(entries) > limit:
            break
        fragment = match.group(1)
        if re.match(r"\s*<t[rd]\b", fragment, re.I):
            fragment = f"<table>{fragment}</table>"
        doc = list_detect.parse(f"<div>{fragment}</div>", base_url)
        entry = entry_of(doc, base_url)
        if entry:
            entries.append(entry)
    return entries


def _clean(value: str) -> str:
    return unquote(value).strip().strip("'\"")


def nextgroup_href(text: str) -> str | None:
    group = NEXTGROUP.search(text or "")
    if not group:
        return None
    fragment = group.group(1)
    found = NEXTGROUP_HREF.search(fragment)
    if found:
        return html.unescape(found.group(2))
    # href quoted with the quote its own values use: path='/' inside href='…'
    loose = re.search(r"""href\s*=\s*["']?(.*?)["']?\s*>\s*</a>""", fragment, re.S | re.I)
    return html.unescape(loose.group(1)) if loose else None


def form_fields(text: str) -> dict[str, str]:
    """The dataproxy form fields the page declares (nextgroup link, param var, querydata)."""
    fields: dict[str, str] = {}
    href = nextgroup_href(text)
    if href:
        for key, value in parse_qsl(urlsplit(href).query, keep_blank_values=True):
            fields[key] = _clean(value)
    for pattern in (PARAM_VAR, QUERYDATA):
        match = pattern.search(text or "")
        if not match:
            continue
        try:
            declared = chompjs.parse_js_object(match.group(match.lastindex))
        except ValueError:
            continue
        fields.update({k: "" if v is None else str(v) for k, v in declared.items()})
    for key in PAGING_KEYS:
        fields.pop(key, None)
    return fields


def proxy_url(text: str, base_url: str) -> str:
    """The dataproxy.jsp address this site declares, wherever it lives."""
    for pattern in (PROXY_ATTR, PROXY_KEY):
        match = pattern.search(text or "")
        if match:
            return urljoin(base_url, match.group(1))
    href = nextgroup_href(text)
    if href and "dataproxy" in href:
        return urljoin(base_url, urlsplit(href).path)
    return urljoin(base_url, DEFAULT_PROXY)


@dataclass
class Declared:
    total: int | None
    per_page: int
    uid: str | None


def declared(text: str, page_url: str) -> Declared:
    total = TOTAL.search(text or "")
    per_page = PER_PAGE.search(text or "")
    uid = UID.search(page_url) or DATASTORE_CONTAINER.search(text or "")
    return Declared(
        int(next(g for g in total.groups() if g)) if total else None,
        int(per_page.group(1)) if per_page and int(per_page.group(1)) > 0 else DEFAULT_PER_PAGE,
        uid.group(1) if uid else None,
    )


def pagenum_url(page_url: str, uid: str, page: int) -> str:
    """``index.html?uid=…&pageNum=N``: the same column page, showing page N."""
    parts = urlsplit(page_url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("uid", "pageNum")]
    query = "&".join(f"{k}={v}" for k, v in [*kept, ("uid", uid), ("pageNum", str(page))])
    return parts._replace(query=query, fragment="").geturl()


@dataclass
class JpaasColumn:
    api_url: str
    query: dict[str, str] = field(default_factory=dict)


def jpaas_column(text: str, base_url: str) -> JpaasColumn | None:
    """The JPaaS unit a column page builds its list from, if it is one."""
    for tag in JPAAS_SCRIPT.findall(text or ""):
        query = JPAAS_QUERY.search(tag)
        if not query:
            continue
        try:
            values = chompjs.parse_js_object(html.unescape(query.group(2)))
        except ValueError:
            continue
        api = JPAAS_API.search(tag)
        return JpaasColumn(urljoin(base_url, api.group(1) if api else JPAAS_PATH),
                           {k: "" if v is None else str(v) for k, v in values.items()})
    return None


def jpaas_counts(fragment: str) -> tuple[int | None, int | None]:
    """(rows per page, record count) from the pager the unit's HTML carries."""
    tag = JPAAS_PAGER.search(fragment or "")
    if not tag:
        return None, None
    rows = re.search(r"""\brows=["']?(\d+)""", tag.group(0))
    count = re.search(r"""\bcount=["']?(\d+)""", tag.group(0))
    return (int(rows.group(1)) if rows else None), (int(count.group(1)) if count else None)
