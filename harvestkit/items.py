"""What a spider hands the harvest's pipeline: typed items instead of ``{"kind": …}``
dicts (Scrapy takes dataclass items as they are).  One class per kind; the pipeline
(``harvester.pipelines``) and the probe (``probe.run``) tell them apart by type."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harvestkit.stages import Stage
from harvestkit.urls import canonical_url


@dataclass(eq=False)
class PageItem:
    """A fetched (or feed-supplied) detail page, to be extracted and stored."""

    source_id: str
    unit_id: str
    url: str
    listed_url: str  # the address the listing gave (before redirects)
    status: int
    content_type: str
    body: bytes
    encoding: str | None  # the source's ``encoding:``, else detected
    hint: dict[str, Any] = field(default_factory=dict)  # what the listing said: title, date, list_date…
    # The page's canonical address, then the listed one's when it differs: what it is stored under.
    urls: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.urls:
            self.urls = list(dict.fromkeys((canonical_url(self.url), canonical_url(self.listed_url or self.url))))

    def page(self, **extra: Any) -> dict[str, Any]:
        """The page as ``harvester.worker.process_page`` takes it."""
        return {"source_id": self.source_id, "unit_id": self.unit_id, "url": self.url, "listed_url": self.listed_url,
                "status": self.status, "content_type": self.content_type, "body": self.body,
                "encoding": self.encoding, "hint": self.hint, "urls": self.urls, **extra}


MESSAGE_MAX = 500  # an ErrorItem's message, cut: storage.lengths.RUN_MESSAGE (harvestkit may not import storage)


@dataclass(frozen=True)
class ErrorItem:
    """Something went wrong at ``stage``: an error of the run (a message of at most
    :data:`MESSAGE_MAX` characters; :meth:`spiders.base.SourceSpider.error` cuts it)."""

    source_id: str
    url: str
    stage: Stage | str
    message: str


@dataclass(frozen=True)
class GoneItem:
    """A known page answers 404/410: evidence of a withdrawal at the source."""

    source_id: str
    url: str  # canonical
    message: str


@dataclass(frozen=True)
class SkipItem:
    """A page left out on purpose (robots.txt): noted on the run, not an error."""

    source_id: str
    url: str
    message: str


SpiderItem = PageItem | ErrorItem | GoneItem | SkipItem
