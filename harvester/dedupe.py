"""Find the item a freshly harvested page belongs to.

Three keys, strongest first: the canonical URL (the same page again), the
exact content hash, and the simhash fingerprint (a repost of the same notice
by another unit).  The near-duplicate index lives in memory for one harvest
and covers the items of the last ``WINDOW_DAYS`` days.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harvester.fingerprint import near_duplicate, titles_compatible
from storage.models import Item

WINDOW_DAYS = 365
BANDS = 8  # 8 bands of 8 bits: two fingerprints ≤ 6 bits apart share at least two bands


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

    def load(self, session: Session) -> None:
        since = datetime.now(timezone.utc) - timedelta(days=WINDOW_DAYS)
        rows = session.execute(
            select(Item.id, Item.content_hash, Item.fingerprint, func.length(Item.body_text), Item.title).where(
                (Item.published_at >= since) | (Item.published_at.is_(None)) | (Item.created_at >= since)
            )
        )
        for item_id, chash, fingerprint, text_len, title in rows:
            self.add(item_id, chash, fingerprint, text_len or 0, title)

    def add(self, item_id: int, chash: str, fingerprint: int, text_len: int, title: str = "") -> None:
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
                d = bin((known.fingerprint ^ fingerprint) & 0xFFFFFFFFFFFFFFFF).count("1")
                if d < best_distance:
                    best, best_distance = known.item_id, d
        return best
