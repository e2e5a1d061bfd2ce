"""``list`` sources: a CMS column list page (plain HTML or TRS WCM), paged."""
from __future__ import annotations

from scrapy.http import Response

from spiders import list_detect, paging
from spiders.base import SourceSpider


class ListSpider(SourceSpider):
    """Reads a column list page: detects the item list (or applies the source's
    CSS ``rules``), requests each detail page, and follows pagination — a next
    link or TRS ``createPageHTML`` — up to ``max_pages`` list pages."""

    name = "list"
    start_callback = "parse_list"

    def entries(self, response: Response) -> tuple[list[list_detect.Entry], object]:
        doc = list_detect.parse(response.text, response.url)
        rules = self.source.get("rules")
        if rules:
            return list_detect.entries_by_rules(doc, response.url, rules), doc
        return list_detect.detect_entries(doc, response.url), doc

    def parse_list(self, response: Response, page_no: int = 1, declared: bool = False):
        entries, doc = self.entries(response)
        for entry in entries:
            yield self.detail(entry.url, {"title": entry.title, "date": entry.date, "list_url": response.url})
        if page_no == 1:
            yield from self.listing_done(response.url, len(entries))
        if declared or page_no >= self.max_pages or not entries:
            return  # pages declared by the first page are not followed again
        trs = paging.trs_pages(response.text, response.url)
        if trs is not None:
            if page_no == 1:  # the first page declares them all
                for n, url in enumerate(trs[1 : self.max_pages], start=2):
                    yield self.request(url, self.parse_list, stage="listing", cb_kwargs={"page_no": n, "declared": True})
            return
        nxt = paging.next_page(doc, response.url)
        if nxt:
            yield self.request(nxt, self.parse_list, stage="listing", cb_kwargs={"page_no": page_no + 1})


class TrsSpider(ListSpider):
    """``trs`` sources: TRS WCM columns (index.htm, index_1.htm, …).  Same reading
    as a list; its pagination comes from ``createPageHTML``."""

    name = "trs"
