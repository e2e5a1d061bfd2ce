"""``list`` sources: a CMS column list page (plain HTML or TRS WCM), paged."""
from __future__ import annotations

from scrapy.http import Response

from spiders import list_detect, paging
from spiders.base import SourceSpider


class ListSpider(SourceSpider):
    """Reads a column list page: detects the item list (or applies the source's
    CSS ``rules``), requests the detail pages it does not know yet, and follows
    pagination — a next link or TRS ``createPageHTML`` — up to ``max_pages``
    list pages, stopping early at the first page with nothing unseen."""

    name = "list"
    start_callback = "parse_list"

    def read_entries(self, response: Response) -> tuple[list[list_detect.Entry], object]:
        """The page's entries, at most ``max_links_per_page`` of them (more is a shortfall)."""
        doc = list_detect.parse(response.text, response.url)
        rules = self.source.get("rules")
        most = self.limits.max_links_per_page
        if rules:
            entries = list_detect.entries_by_rules(doc, response.url, rules, most)
        else:
            entries = list_detect.detect_entries(doc, response.url, most)
        return self.capped(entries, response.url), doc

    def parse_list(self, response: Response, page_no: int = 1, trs_pages: list[str] | None = None):
        if self.not_modified(response):
            return
        entries, doc = self.read_entries(response)
        yield from self.entries(
            (e.url, {"title": e.title, "date": e.date, "list_url": response.url}) for e in entries
        )
        if page_no == 1:
            yield from self.listing_done(response.url, len(entries))
        if not entries or self.halted:
            return
        if trs_pages is None and page_no == 1:
            trs_pages = paging.trs_pages(response.text, response.url)
        if trs_pages is not None:
            next_url = trs_pages[page_no] if page_no < len(trs_pages) else None
        else:
            next_url = paging.next_page(doc, response.url)
        if not next_url:
            return  # the last declared page: the listing was read to its end
        if self.listing.unseen_on_page == 0 and self.state.trust_listing:
            self.listing.stop_early()  # this page holds nothing new, older pages hold nothing new either
            return
        if self.budget_spent():
            return
        if page_no >= self.max_pages:
            self.listing.bound(f"read {page_no} list pages (max_pages {self.max_pages}); more pages follow")
            return
        yield from self.follow(next_url, self.parse_list, stage="listing",
                               cb_kwargs={"page_no": page_no + 1, "trs_pages": trs_pages})


class TrsSpider(ListSpider):
    """``trs`` sources: TRS WCM columns (index.htm, index_1.htm, …).  Same reading
    as a list; its pagination comes from ``createPageHTML``."""

    name = "trs"
