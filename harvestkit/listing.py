"""What the listings of one run showed: for early stop, withdrawals, health,
and for telling a complete read from a partial one.

Nothing may be lost silently.  A listing that declares more than was read
(pages, a total, a pager we could not understand) or that a safety limit cut
short records a *shortfall*: the run ends ``partial`` with that reason.  A
configured walk bound (``max_pages``) that was reached is a *bound*: reported,
not an error.  Either way, and after an early stop, the listing was not read
completely, so nothing may be withdrawn as "vanished from its list".

Withdrawals only on evidence.  A page missing from a listing is withdrawn as
"vanished" only when (:attr:`ListingTally.vanish_boundary`):

- the listing was read completely (every declared page, within every limit, no
  early stop, no failure, no 304);
- it is a *list* (a column list or Hanweb records), not a feed or sitemap:
  those are windows whose membership rule we cannot see (latest N by update,
  rotated files), so a page gone from them is only checked again
  (:attr:`ListingTally.window`; see ``SourceSpider.recheck_vanished``);
- every entry carries a date and, read in the listing's own order, the dates
  never rise: the list is newest first.  A short run of pinned items (置顶) at
  the head is allowed and left out; a list in manual order (排序号) or any other
  order is no evidence at all;
- the missing page is newer than the oldest dated entry of that newest-first run,
  so a page that only aged out of a window is never taken for a withdrawal.
"""
from __future__ import annotations

MAX_PINNED = 10  # entries at the head of a list that may break its date order (置顶)


class ListingTally:
    def __init__(self) -> None:
        self.entries = 0
        self.seen: set[str] = set()
        self.unchanged: set[str] = set()
        self.dates: list[str] = []
        self.order: list[str] = []  # first-seen entries' dates (YYYY-MM-DD or ""), in listing order
        self.undated = 0
        self.untitled = 0
        self.unseen_on_page = 0
        self.window = False  # a feed or sitemap: a window of recent entries, not a whole list
        self.not_modified = False  # the listing answered 304
        self.failed = False  # a listing request failed
        self.early_stopped = False  # paging ended at a page that showed nothing unseen
        self.bounds: list[str] = []  # configured bounds reached (max_pages): reported, not errors
        self.shortfalls: list[str] = []  # declared more than was read: the run is partial
        self.empty: str | None = None  # the list said it holds nothing ("暂无信息"): a quiet column, not an error

    def saw(self, url: str, list_date: str, titled: bool) -> None:
        self.entries += 1
        if url not in self.seen:
            self.order.append(list_date[:10] if list_date else "")
        self.seen.add(url)
        if list_date:
            self.dates.append(list_date[:10])
        else:
            self.undated += 1
        if not titled:
            self.untitled += 1

    def stop_early(self) -> None:
        self.early_stopped = True

    def bound(self, reason: str) -> None:
        """A configured bound ended the walk (e.g. "read 5 of 12 declared pages (max_pages 5)")."""
        if reason not in self.bounds:
            self.bounds.append(reason)

    def shortfall(self, reason: str) -> None:
        """The listing holds more than was read (e.g. "declared 3 pages, read 1")."""
        if reason not in self.shortfalls:
            self.shortfalls.append(reason)

    def declare_empty(self, notice: str) -> None:
        """The list was read and says it is empty (空白栏目), e.g. "暂无信息"."""
        self.empty = notice

    def summary(self) -> tuple[int | None, str | None, str | None]:
        """(entries, newest date, why empty) of a listing that was read, for supervision;
        all None when it was not read (304, failed)."""
        if self.not_modified or (self.failed and not self.entries):
            return None, None, None
        return self.entries, max(self.dates) if self.dates else None, self.empty

    @property
    def complete(self) -> bool:
        """Every listing page the source declares was read, and showed entries."""
        return bool(self.entries) and not (
            self.failed or self.not_modified or self.early_stopped or self.bounds or self.shortfalls
        )

    @property
    def oldest_date(self) -> str | None:
        return min(self.dates) if self.dates else None

    @property
    def vanish_boundary(self) -> str | None:
        """The date after which a page missing from this listing has vanished from
        it, or None when absence is no evidence (see the module's rules)."""
        if self.window or not self.complete or not self.order or "" in self.order:
            return None
        head = pinned_head(self.order)
        if head is None:
            return None
        return self.order[-1]


def pinned_head(dates: list[str]) -> int | None:
    """How many leading entries are pinned: the fewest whose removal leaves the
    dates never rising.  None when that takes more than :data:`MAX_PINNED`."""
    start = len(dates) - 1
    while start > 0 and dates[start - 1] >= dates[start]:
        start -= 1
    return start if start <= MAX_PINNED else None
