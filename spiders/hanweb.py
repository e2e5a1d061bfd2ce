"""``hanweb`` sources: Hanweb JCMS columns (``/col/colNNNN/index.html``).

The column page embeds its first records as
``<script type="text/xml"><datastore><recordset><record><![CDATA[<li>…</li>]]>``
and declares the paging parameters (``querydata`` on the dataproxy script,
``totalRecord``/``perPage`` for the pager).  Further records come from POSTing
those form fields to ``/module/web/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=``.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

import scrapy
from scrapy.http import Response

from spiders import list_detect
from spiders.base import SourceSpider

RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>", re.S | re.I)
QUERYDATA = re.compile(r"querydata\s*=\s*([\"'])(\{.*?\})\1", re.S | re.I)
PROXY_URL = re.compile(r"""\burl\s*=\s*["']([^"']*dataproxy\.jsp[^"']*)["']""", re.I)
JS_PAIR = re.compile(r"""(\w+)\s*:\s*(?:'([^']*)'|"([^"]*)"|([^,}\s]+))""")
TOTAL = re.compile(r"""(?:totalRecord|totalrecord)["']?\s*[:=]\s*["']?(\d+)|<totalrecord>\s*(\d+)\s*</totalrecord>""", re.I)
PER_PAGE = re.compile(r"""perPage["']?\s*[:=]\s*["']?(\d+)""", re.I)
FORM_FIELDS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname", "permissiontype")
DEFAULT_PER_PAGE = 15
DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"


def records(text: str, base_url: str) -> list[list_detect.Entry]:
    entries = []
    for fragment in RECORD.findall(text or ""):
        doc = list_detect.parse(f"<div>{fragment}</div>", base_url)
        entry = list_detect._entry(doc, base_url)
        if entry:
            entries.append(entry)
    return entries


def form_fields(text: str) -> dict[str, str]:
    """The dataproxy form fields the page declares (nextgroup link, then querydata)."""
    fields: dict[str, str] = {}
    group = NEXTGROUP.search(text)
    if group:
        href = re.search(r"""href\s*=\s*["']([^"']+)""", group.group(1))
        if href:
            fields.update(parse_qsl(urlsplit(href.group(1).replace("&amp;", "&")).query))
    query = QUERYDATA.search(text)
    if query:
        for key, q1, q2, bare in JS_PAIR.findall(query.group(2)):
            fields[key] = q1 or q2 or bare
    fields.pop("page", None)
    return {k: v for k, v in fields.items() if k in FORM_FIELDS or k not in ("startrecord", "endrecord", "perpage")}


class HanwebSpider(SourceSpider):
    name = "hanweb"
    start_callback = "parse_hanweb"

    def parse_hanweb(self, response: Response):
        text = response.text
        entries = records(text, response.url)
        for entry in entries:
            yield self.detail(entry.url, {"title": entry.title, "date": entry.date, "list_url": response.url})
        yield from self.listing_done(response.url, len(entries))

        total = TOTAL.search(text)
        total_records = int(next(g for g in total.groups() if g)) if total else len(entries)
        per_page = int(PER_PAGE.search(text).group(1)) if PER_PAGE.search(text) else DEFAULT_PER_PAGE
        fields = form_fields(text)
        proxy = PROXY_URL.search(text)
        proxy_url = urljoin(response.url, proxy.group(1) if proxy else DEFAULT_PROXY)
        limit = min(total_records, self.max_pages * per_page)
        if not entries or len(entries) >= limit or "columnid" not in fields:
            return
        # One POST per page of ``per_page`` records, starting after the embedded ones.
        for start in range(len(entries) + 1, limit + 1, per_page):
            end = min(start + per_page - 1, limit)
            url = f"{proxy_url.split('?')[0]}?startrecord={start}&endrecord={end}&perpage={per_page}"
            yield scrapy.FormRequest(
                url,
                formdata=fields,
                callback=self.parse_dataproxy,
                errback=self.on_error,
                meta={"stage": "listing", "source_id": self.source_id, "download_timeout": self.source.get("timeout") or 30},
                cb_kwargs={"list_url": response.url},
            )

    def parse_dataproxy(self, response: Response, list_url: str):
        for entry in records(response.text, list_url):
            yield self.detail(entry.url, {"title": entry.title, "date": entry.date, "list_url": list_url})
