"""``list`` and ``trs`` sources: a CMS column list page, paged."""
from __future__ import annotations

from scrapy.http import Response

from spiders import jsonlist, list_detect, pagers
from spiders.base import SourceSpider
from spiders.walk import Walk


class ListSpider(SourceSpider):
    """Reads a column list page: the item list (detected; or the source's CSS
    ``rules``; or its ``rules.json`` paths over the page's inline JSON), the
    detail pages it does not know yet, and the further list pages its pager
    names (see :mod:`spiders.pagers`), up to ``max_pages``, stopping early at the
    first page with nothing unseen.  When the walk ends it tells the run what
    the list declared and was not read."""

    name = "list"
    start_callback = "parse_list"
    #: how the items were read, for the probe ("list detection", "inline JSON newsList", …)
    reading = ""

    list_shape: tuple | None = None  # where page 1's list sits: later pages read the same place

    def read_page(self, response: Response) -> tuple[list[list_detect.Entry], object]:
        """The page's entries, at most ``max_links_per_page`` of them (more is a shortfall)."""
        entries, doc = self._read_page(response)
        return self.capped(entries, response.url), doc

    def _read_page(self, response: Response) -> tuple[list[list_detect.Entry], object]:
        most = self.limits.max_links_per_page
        doc = list_detect.parse(response.text, response.url)
        rules = self.source.get("rules") or {}
        if rules.get("json"):
            self.reading = "inline JSON by rules.json"
            return jsonlist.rule_entries(jsonlist.inline_values(response.text), response.url, rules["json"]), doc
        if rules.get("item"):
            self.reading = "CSS rules"
            return list_detect.entries_by_rules(doc, response.url, rules, most), doc
        entries, shape = list_detect.detect_list(doc, response.url, self.list_shape, most)
        self.list_shape = self.list_shape or shape
        inline, where = jsonlist.auto_entries(jsonlist.inline_values(response.text), response.url)
        if sum(1 for e in inline if e.date) > len(entries):
            self.reading = f"inline JSON {where}"
            return inline, doc
        self.reading = "list detection"
        return entries, doc

    def parse_list(self, response: Response, page_no: int = 1, queue: list[str] | None = None):
        if self.not_modified(response):
            return
        if page_no == 1:
            self.walk, self.list_shape = Walk(), None
        walk = self.walk
        try:
            entries, doc = self.read_page(response)
        except jsonlist.JsonListError as exc:
            self.listing.failed = True
            yield self.error(response.url, "listing", str(exc))
            return
        walk.page(response.url, (e.url for e in entries))
        yield from self.entries(
            (e.url, {"title": e.title, "date": e.date, "list_url": response.url}) for e in entries
        )
        if page_no == 1:
            yield from self.listing_done(response.url, len(entries), response.text)
            paging = pagers.detect(doc, response.url)
            walk.adopt(paging)
            queue = list(paging.urls) if paging.urls else None
            following = queue.pop(0) if queue else paging.next_url
        elif queue is not None:
            following = queue.pop(0) if queue else None
        else:
            following = pagers.next_url(doc, response.url)
        if not entries:
            if page_no > 1:
                walk.finish(self.listing, "last")
            return
        if self.halted:
            return
        if not following or following in walk.requested:
            walk.finish(self.listing, "last")  # the last page: the listing was read to its end
            return
        if self.listing.unseen_on_page == 0 and self.state.trust_listing:
            walk.finish(self.listing, "early")  # nothing new here: older pages hold nothing new either
            return
        if self.budget_spent():
            return
        if page_no >= self.max_pages:
            walk.finish(self.listing, "bound", self.max_pages)
            return
        yield from self.follow(following, self.parse_list, stage="listing",
                               cb_kwargs={"page_no": page_no + 1, "queue": queue})


class TrsSpider(ListSpider):
    """``trs`` sources: TRS WCM columns (index.htm, index_1.htm, …).  Same reading
    as a list; its paging is TRS's (createPageHTML, countPage, 动静结合)."""

    name = "trs"
