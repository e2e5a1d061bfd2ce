"""``hanweb`` sources: Hanweb (大汉) JCMS columns and JPaaS columns.

JCMS: the records embedded in the column page, then further records from
``dataproxy.jsp`` (POST of the declared form fields with
``?startrecord=&endrecord=&perpage=``); when the page declares no usable form
but a container ``uid``, the ``index.html?uid=…&pageNum=N`` pages instead.
JPaaS: the unit API named by ``unitbuild.js``, page by page.  Either way the
walk is measured against ``totalRecord`` (or the JPaaS pager's ``count``).
See :mod:`spiders.hanweb_markup` for what is read from the page.
"""
from __future__ import annotations

import json
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from harvestkit.urls import fetch_refusal
from spiders import hanweb_markup as markup
from spiders import jsonlist, list_detect
from spiders.base import SourceSpider
from spiders.walk import Walk


class HanwebSpider(SourceSpider):
    name = "hanweb"
    start_callback = "parse_hanweb"

    def _records(self, text: str, base_url: str, page_url: str) -> list:
        """A page's records, at most ``max_links_per_page`` of them (more is a shortfall)."""
        most = self.limits.max_links_per_page
        return self.capped(markup.records(text, base_url, most), page_url)

    def _entries(self, entries, list_url: str):
        self.walk.page(self.walk_url, (e.url for e in entries))
        yield from self.entries((e.url, {"title": e.title, "date": e.date, "list_url": list_url}) for e in entries)

    def parse_hanweb(self, response: Response):
        if self.not_modified(response):
            return
        text = response.text
        self.walk = Walk(scheme="hanweb datastore")
        column = markup.jpaas_column(text, response.url)
        if column is not None and not markup.RECORD.search(text):
            yield from self.start_jpaas(column, response.url)
            return
        entries = self._records(text, response.url, response.url)
        self.walk_url = response.url
        yield from self._entries(entries, response.url)
        yield from self.listing_done(response.url, len(entries), text)
        if not entries:
            return
        found = markup.declared(text, response.url)
        walk = self.walk
        walk.declared_total, walk.total_label = found.total, "totalrecord"
        total = found.total or len(entries)
        fields = markup.form_fields(text)
        if total <= len(entries):
            walk.finish(self.listing, "last")
            return
        if "columnid" in fields:
            walk.scheme = "hanweb dataproxy.jsp"
            paging = {"proxy_url": markup.proxy_url(text, response.url), "fields": fields, "per_page": found.per_page,
                      "total": total, "list_url": response.url}
            yield from self.next_group(len(entries) + 1, paging)
        elif found.uid:
            walk.scheme = "hanweb ?uid=&pageNum="
            yield from self.next_pagenum(response.url, found, 2, len(entries))
        else:
            walk.problem = "pager script not understood: Hanweb page without a dataproxy form (columnid) or uid"
            walk.finish(self.listing, "last")

    # -- JCMS dataproxy.jsp ------------------------------------------------------
    def next_group(self, start: int, paging: dict):
        """POST for the next page of records, unless the last page showed nothing new."""
        if not self.walk_goes_on(self.walk, start > paging["total"], self.walk.pages_read):
            return
        end = min(start + paging["per_page"] - 1, paging["total"])
        refused = fetch_refusal(paging["proxy_url"])
        if refused:
            self.listing.failed = True
            yield self.error(paging["proxy_url"], "listing", refused)
            return
        yield scrapy.FormRequest(
            f"{paging['proxy_url']}?startrecord={start}&endrecord={end}&perpage={paging['per_page']}",
            formdata=paging["fields"], callback=self.parse_dataproxy, errback=self.on_error,
            meta={"stage": "listing", "source_id": self.source_id, "download_timeout": self.timeout,
                  "download_maxsize": self.limits.max_response_mb << 20},
            cb_kwargs={"paging": paging, "end": end},
        )

    def parse_dataproxy(self, response: Response, paging: dict, end: int):
        entries = self._records(response.text, paging["list_url"], response.url)
        self.walk_url = response.url
        yield from self._entries(entries, paging["list_url"])
        if entries:
            yield from self.next_group(end + 1, paging)
        else:
            self.walk.finish(self.listing, "last")

    # -- index.html?uid=…&pageNum=N ------------------------------------------------
    def next_pagenum(self, list_url: str, found, page: int, read: int):
        if not self.walk_goes_on(self.walk, read >= (found.total or 0), self.walk.pages_read):
            return
        yield from self.follow(markup.pagenum_url(list_url, found.uid, page), self.parse_pagenum, stage="listing",
                               cb_kwargs={"list_url": list_url, "found": found, "page": page})

    def parse_pagenum(self, response: Response, list_url: str, found, page: int):
        entries = [e for e in self._records(response.text, list_url, response.url) if e.url not in self.walk.urls]
        self.walk_url = response.url
        yield from self._entries(entries, list_url)
        if entries:
            yield from self.next_pagenum(list_url, found, page + 1, len(self.walk.urls))
        else:
            self.walk.finish(self.listing, "last")

    # -- JPaaS unit API ---------------------------------------------------------------
    def jpaas_request(self, column, page: int, rows: int | None, list_url: str):
        query = dict(column.query)
        if page > 1:
            query["paramJson"] = json.dumps({"pageNo": page, "pageSize": rows or markup.DEFAULT_PER_PAGE})
        return self.follow(f"{column.api_url}?{urlencode(query)}", self.parse_jpaas, stage="listing",
                           cb_kwargs={"column": column, "page": page, "list_url": list_url})

    def start_jpaas(self, column, list_url: str):
        self.walk.scheme = "jpaas unit API"
        yield from self.jpaas_request(column, 1, None, list_url)

    def parse_jpaas(self, response: Response, column, page: int, list_url: str):
        try:
            data = jsonlist.load(response.text)
            fragment = (data.get("data") or {}).get("html") if isinstance(data, dict) else None
        except jsonlist.JsonListError as exc:
            fragment, problem = None, str(exc)
        else:
            problem = None if isinstance(fragment, str) else "no data.html in the JPaaS answer"
        if problem:
            self.listing.failed = True
            yield self.error(response.url, "listing", f"JPaaS unit API: {problem}")
            return
        most = self.limits.max_links_per_page
        entries = self.capped(list_detect.detect_entries(list_detect.parse(fragment, list_url), list_url, most), response.url)
        fresh = [e for e in entries if e.url not in self.walk.urls]
        self.walk_url = response.url
        yield from self._entries(fresh, list_url)
        rows, count = markup.jpaas_counts(fragment)
        if page == 1:
            yield from self.listing_done(list_url, len(entries))
            self.walk.declared_total, self.walk.total_label = count, "count"
            self.jpaas_rows = rows or len(entries) or markup.DEFAULT_PER_PAGE
        if not fresh or (count is not None and len(self.walk.urls) >= count):
            self.walk.finish(self.listing, "last")
            return
        if self.listing.unseen_on_page == 0 and self.state.trust_listing:
            self.walk.finish(self.listing, "early")
            return
        if self.halted or self.budget_spent():
            return
        if page >= self.max_pages:
            self.walk.finish(self.listing, "bound", self.max_pages)
            return
        yield from self.jpaas_request(column, page + 1, self.jpaas_rows, list_url)
