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

from harvestkit.urls import fetch_refusal
from spiders import list_detect
from spiders.base import SourceSpider

RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>", re.S | re.I)
QUERYDATA = re.compile(r"querydata\s*=\s*([\"'])(\{.*?\})\1", re.S | re.I)
PROXY_URL = re.compile(r"""\burl\s*=\s*["']([^"']*dataproxy\.jsp[^"']*)["']""", re.I)
JS_PAIR = re.compile(r"""(\w+)\s*:\s*(?:'([^']*)'|"([^"]*)"|([^,}\s]+))""")
TOTAL = re.compile(r"""(?:totalRecord|totalrecord)["']?\s*[:=]\s*["']?(\d+)|<totalrecord>\s*(\d+)\s*</totalrecord>""", re.I)
PER_PAGE = re.compile(r"""perPage["']?\s*[:=]\s*["']?(\d+)""", re.I)
DEFAULT_PER_PAGE = 15
DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"


def records(text: str, base_url: str, limit: int | None = None) -> list[list_detect.Entry]:
    """The page's records; at most ``limit + 1`` (one more tells the caller there were more)."""
    entries = []
    for match in RECORD.finditer(text or ""):
        if limit and len(entries) > limit:
            break
        fragment = match.group(1)
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
    for paging_key in ("page", "startrecord", "endrecord", "perpage"):
        fields.pop(paging_key, None)
    return fields


class HanwebSpider(SourceSpider):
    name = "hanweb"
    start_callback = "parse_hanweb"

    def parse_hanweb(self, response: Response):
        if self.not_modified(response):
            return
        text = response.text
        entries = self.capped(records(text, response.url, self.limits.max_links_per_page), response.url)
        yield from self.entries((e.url, {"title": e.title, "date": e.date, "list_url": response.url}) for e in entries)
        yield from self.listing_done(response.url, len(entries))

        total = TOTAL.search(text)
        total_records = int(next(g for g in total.groups() if g)) if total else len(entries)
        per_page_match = PER_PAGE.search(text)
        per_page = int(per_page_match.group(1)) if per_page_match else DEFAULT_PER_PAGE
        fields = form_fields(text)
        proxy = PROXY_URL.search(text)
        paging = {
            "proxy_url": urljoin(response.url, proxy.group(1) if proxy else DEFAULT_PROXY).split("?")[0],
            "fields": fields,
            "per_page": per_page,
            "limit": min(total_records, self.max_pages * per_page),
            "list_url": response.url,
        }
        if total_records > paging["limit"]:
            self.listing.bound(f"totalrecord {total_records}, read at most {paging['limit']} (max_pages {self.max_pages})")
        if "columnid" in fields:
            yield from self.next_group(len(entries) + 1, paging)

    def next_group(self, start: int, paging: dict):
        """POST for the next page of records, unless the last page showed nothing new."""
        if start > paging["limit"] or self.halted or self.budget_spent():
            return
        if self.listing.unseen_on_page == 0 and self.state.trust_listing:
            self.listing.stop_early()
            return
        end = min(start + paging["per_page"] - 1, paging["limit"])
        refused = fetch_refusal(paging["proxy_url"])
        if refused:
            self.listing.failed = True
            yield self.error(paging["proxy_url"], "listing", refused)
            return
        yield scrapy.FormRequest(
            f"{paging['proxy_url']}?startrecord={start}&endrecord={end}&perpage={paging['per_page']}",
            formdata=paging["fields"],
            callback=self.parse_dataproxy,
            errback=self.on_error,
            meta={"stage": "listing", "source_id": self.source_id, "download_timeout": self.source.get("timeout") or 30,
                  "download_maxsize": self.limits.max_response_mb << 20},
            cb_kwargs={"paging": paging, "end": end},
        )

    def parse_dataproxy(self, response: Response, paging: dict, end: int):
        entries = self.capped(records(response.text, paging["list_url"], self.limits.max_links_per_page), response.url)
        yield from self.entries((e.url, {"title": e.title, "date": e.date, "list_url": paging["list_url"]}) for e in entries)
        if entries:
            yield from self.next_group(end + 1, paging)
