"""What a list page says about its further pages."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from spiders.pagers.jsexpr import Template


@dataclass
class Paging:
    """The paging scheme a list page uses and what it declares.

    ``urls`` lists every further page (page 2 onwards) when the scheme names them
    all; ``next_url`` is the only lead when a page merely links its successor.
    ``declared_pages`` / ``declared_total`` are what the page states (a page count,
    a record count named ``total_label``), for telling a complete read from a
    partial one.  ``problem`` says what could not be understood.
    """

    scheme: str = "single page"
    urls: list[str] = field(default_factory=list)
    next_url: str | None = None
    declared_pages: int | None = None
    declared_total: int | None = None
    total_label: str = "total"
    per_page: int | None = None
    problem: str | None = None

    @property
    def understood(self) -> bool:
        return self.problem is None

    def declare(self, pages: int | None = None, total: int | None = None, label: str | None = None) -> None:
        """Add what the page states, unless the scheme already said it."""
        if pages and not self.declared_pages:
            self.declared_pages = pages
        if total and not self.declared_total:
            self.declared_total = total
            if label:
                self.total_label = label


def page_urls(base_url: str, tpl: Template, count: int, current: int) -> list[str]:
    """The URLs of the pages after ``current`` of ``count`` pages.  ``current`` 0 means
    the CMS numbers pages from 0 (TRS: index.htm, index_1.htm …), else from 1."""
    last = count - 1 if current == 0 else count
    urls = []
    for n in range(current + 1, last + 1):
        url = urljoin(base_url, tpl.url(n))
        if urlsplit(url).hostname == urlsplit(base_url).hostname and url not in urls and url != base_url:
            urls.append(url)
    return urls


def ceil_div(total: int, per_page: int) -> int:
    return -(-total // per_page) if per_page > 0 else 0
