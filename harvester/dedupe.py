"""Find the item a freshly harvested page belongs to.

Three keys, strongest first: the canonical URL (the same page again), the
exact content hash, and the simhash fingerprint (a repost of the same notice
by another unit).  The near-duplicate index lives in memory for one harvest
and covers the items of the last ``WINDOW_DAYS`` days.

Several writers store at once: each harvest the scheduler starts has its own
writer process, and so has every job on every harvest node.  A repost stored by
one of them must be found by the others, so every write transaction first takes
the new-items lock (:func:`lock_new_items`) and then catches its index up with
the items stored since (:meth:`DuplicateIndex.catch_up`): between them, "is this
page a repost?" is answered by one writer at a time, on everything committed.
Items the hub creates (信息报送) are not reposts of harvested pages and take no
part.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from harvester.fingerprint import distance, near_duplicate, titles_compatible
from storage.models import Item

WINDOW_DAYS = 365
BANDS = 8  # 8 bands of 8 bits: two fingerprints ≤ 6 bits apart share at least two bands


# A signed 64-bit key of PostgreSQL's advisory locks, for the new-items lock.
NEW_ITEMS_LOCK = int.from_bytes(hashlib.sha1(b"zhanqun:new-items").digest()[:8], "big", signed=True)


def lock_new_items(session: Session) -> None:
    """Hold the new-items lock until ``session``'s transaction ends (see the module's doc).

    PostgreSQL: a transaction-scoped advisory lock.  SQLite has one writer at a
    time already; a write statement that changes no row takes that write lock
    now, before the reads that decide, instead of at the first insert."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": NEW_ITEMS_LOCK})
    else:
        session.execute(text("UPDATE counters SET value = value WHERE 0"))


def _bands(fingerprint: int) -> list[tuple[int, int]]:
    value = fingerprint & 0xFFFFFFFFFFFFFFFF
    return [(band, (value >> (8 * band)) & 0xFF) for band in range(BANDS)]


@dataclass
class Known:
    item_id: int
    fingerprint: int
    text_len: int
    title: str = ""


class DuplicateIndex:
    def __init__(self) -> None:
        self.by_hash: dict[str, int] = {}
        self.buckets: dict[tuple[int, int], list[Known]] = {}
        self.newest = 0  # the highest item id known: catch_up reads the ones above it

    def load(self, session: Session) -> None:
        self.newest = max(self.newest, session.scalar(select(func.max(Item.id))) or 0)
        since = datetime.now(timezone.utc) - timedelta(days=WINDOW_DAYS)
        self._add_rows(session, (Item.published_at >= since) | (Item.published_at.is_(None)) | (Item.created_at >= since))

    def catch_up(self, session: Session) -> None:
        """Add the items other writers stored since this index last looked (call it
        holding :func:`lock_new_items`)."""
        self._add_rows(session, Item.id > self.newest)

    def _add_rows(self, session: Session, where) -> None:
        rows = session.execute(
            select(Item.id, Item.content_hash, Item.fingerprint, func.length(Item.body_text), Item.title).where(where))
        for item_id, chash, fingerprint, text_len, title in rows:
            self.add(item_id, chash, fingerprint, text_len or 0, title)

    def add(self, item_id: int, chash: str, fingerprint: int, text_len: int, title: str = "") -> None:
        self.newest = max(self.newest, item_id)
        self.by_hash.setdefault(chash, item_id)
        known = Known(item_id, fingerprint, text_len, title)
        for key in _bands(fingerprint):
            self.buckets.setdefault(key, []).append(known)

    def match(self, chash: str, fingerprint: int, text_len: int, title: str = "") -> int | None:
        if chash in self.by_hash:
            return self.by_hash[chash]
        best, best_distance = None, 65
        candidates = {id(k): k for key in _bands(fingerprint) for k in self.buckets.get(key, ())}
        for known in candidates.values():
            if near_duplicate(known.fingerprint, fingerprint, known.text_len, text_len) and titles_compatible(known.title, title):
                d = distance(known.fingerprint, fingerprint)
                if d < best_distance:
                    best, best_distance = known.item_id, d
        return best
