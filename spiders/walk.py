"""One walk through a source's list pages: what the pages declared, what was read,
and how the walk ended, so that nothing is lost silently.

Every list reader (HTML lists, Hanweb record groups, JPaaS and JSON APIs) keeps
one ``Walk``.  When it ends, ``finish`` compares what was read with what the
source declared and tells the run: a shortfall ("declared 3 pages, read 1",
"totalrecord 20, read 10", "pager script not understood") makes the run
``partial``; a ``max_pages`` bound that was reached is reported, not an error;
an early stop (nothing unseen) is neither.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from harvestkit.listing import ListingTally


@dataclass
class Walk:
    scheme: str = ""
    declared_pages: int | None = None
    declared_total: int | None = None
    total_label: str = "total"
    problem: str | None = None
    pages_read: int = 0  # pages that showed entries
    requested: list[str] = field(default_factory=list)  # every list page fetched, in order
    urls: set[str] = field(default_factory=set)  # distinct entries read
    ended: str | None = None

    def adopt(self, paging) -> None:
        """Take the scheme and the declarations of page 1 (a ``pagers.Paging`` or alike)."""
        self.scheme = paging.scheme
        self.declared_pages = paging.declared_pages
        self.declared_total = paging.declared_total
        self.total_label = paging.total_label
        self.problem = paging.problem

    def page(self, url: str, entry_urls) -> None:
        entry_urls = list(entry_urls)
        self.requested.append(url)
        if entry_urls:
            self.pages_read += 1
        self.urls.update(entry_urls)

    @property
    def current_url(self) -> str:
        return self.requested[-1] if self.requested else ""

    def finish(self, listing: ListingTally, how: str, max_pages: int | None = None) -> None:
        """``how``: "last" (no further page), "bound" (max_pages reached, more
        declared or linked), "early" (a page showed nothing unseen)."""
        if self.ended:
            return
        self.ended = how
        if how == "early":
            listing.stop_early()
            return
        if how == "bound":
            if self.declared_pages:
                listing.bound(f"declared {self.declared_pages} pages, read {self.pages_read} (max_pages {max_pages})")
            elif self.declared_total:
                listing.bound(f"{self.total_label} {self.declared_total}, read {len(self.urls)} (max_pages {max_pages})")
            else:
                listing.bound(f"read {self.pages_read} list pages (max_pages {max_pages}); more pages follow")
            return
        if listing.failed:
            return  # a page that failed is an error on the run already
        if self.problem:
            listing.shortfall(self.problem)
        if self.declared_pages and self.pages_read < self.declared_pages:
            listing.shortfall(f"declared {self.declared_pages} pages, read {self.pages_read}")
        elif self.declared_total and len(self.urls) < self.declared_total:
            listing.shortfall(f"{self.total_label} {self.declared_total}, read {len(self.urls)}")
