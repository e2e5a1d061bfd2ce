"""What the harvester already knows about a source before it crawls it.

Spiders use it to avoid waste: a detail page already stored is not fetched
again unless its listing shows a changed date or its revisit is due; listing
URLs and revisited pages are fetched conditionally (ETag / Last-Modified).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone


@dataclass
class KnownPage:
    list_date: str
    last_fetched: datetime | None
    published_at: datetime | None
    status: str


@dataclass
class SourceState:
    known: dict[str, KnownPage] = field(default_factory=dict)  # canonical URL → page
    revisit_every: timedelta = timedelta(days=1)
    revisit_window: timedelta = timedelta(days=30)
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    # The last run read every listing and stored every page it found.  Only then may a
    # listing answer 304 or a page of known entries end the paging: after a crash or a
    # failed page the whole listing is walked again, so nothing is left behind.
    trust_listing: bool = False

    def decide(self, url: str, list_date: str | None) -> str:
        """'new', 'changed' (listing date moved), 'revisit' (due) or 'skip'."""
        page = self.known.get(url)
        if page is None or page.status == "withdrawn":
            return "new"
        if list_date and page.list_date and list_date != page.list_date:
            return "changed"
        recent = page.published_at is None or page.published_at >= self.now - self.revisit_window
        stale = page.last_fetched is None or page.last_fetched <= self.now - self.revisit_every
        return "revisit" if recent and stale else "skip"
