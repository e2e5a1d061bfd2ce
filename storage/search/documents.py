"""What the index holds for one published item: tokens, filter tokens and a sort key.

Filters (unit, column) are tokens of their own (``facets``), so the search
engine intersects them with the terms inside the index instead of joining every
match to ``items``.  The sort key orders entries by 发布日期, newest last:
``(local day of published_at, days since 1970) << 32 | item id`` — so "newest
first" is the index's own reverse order (the same day: the later-added item
first) and a date filter is a key range.  Days rather than minutes keep the
keys of neighbouring entries close, which keeps the index small (it stores key
deltas).  Items without a date sort oldest (day 0) and never match a date filter.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Iterable, Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from storage.models import Item, ItemColumn
from storage.search.tokens import MAX_BODY_CHARS, runs_text, tokens_of_runs

# Date filters and keys are calendar days where the portal is (``portal.timezone``,
# carried by the session: ``storage.db.session_timezone``).
ID_BITS = 32
ID_MASK = (1 << ID_BITS) - 1
IN_CHUNK = 500  # ids per IN (…) list
_EPOCH_DAY = date(1970, 1, 1)


@dataclass(frozen=True)
class Doc:
    item_id: int
    sort_key: int
    title_runs: str  # tokens.runs_text of the title and of the body: what was indexed
    body_runs: str
    facets: str      # filter tokens, space-separated
    title: str       # index text: space-separated tokens
    body: str

    @classmethod
    def of(cls, item_id: int, sort_key: int, title_runs: str, body_runs: str, facets: str) -> Doc:
        return cls(item_id, sort_key, title_runs, body_runs, facets, tokens_of_runs(title_runs), tokens_of_runs(body_runs))


def sort_key(published_at: datetime | None, item_id: int, zone: ZoneInfo) -> int:
    if published_at is None:
        return item_id
    if published_at.tzinfo is None:  # naive means UTC here, as stored
        published_at = published_at.replace(tzinfo=timezone.utc)
    return (_day(published_at.astimezone(zone).date()) << ID_BITS) | item_id


def item_id_of(key: int) -> int:
    return key & ID_MASK


def key_range(date_from: date | None, date_to: date | None) -> tuple[int | None, int | None]:
    """Inclusive sort-key bounds for 发布日期 within [date_from, date_to] (local days)."""
    low = _day(date_from) << ID_BITS if date_from is not None else None
    high = ((_day(date_to) + 1) << ID_BITS) - 1 if date_to is not None else None
    if low is None and high is not None:
        low = 1 << ID_BITS  # dated items only
    return low, high


def _day(day: date) -> int:
    return max(1, (day - _EPOCH_DAY).days)


def unit_token(unit_id: str) -> str:
    return "u" + unit_id.encode().hex()


def column_token(column_id: str) -> str:
    return "c" + column_id.encode().hex()


def build(item_id: int, title: str, body: str, unit_id: str, published_at: datetime | None,
          columns: Iterable[str], zone: ZoneInfo) -> Doc:
    facets = [unit_token(unit_id), *(column_token(c) for c in sorted(set(columns)))]
    return Doc.of(item_id, sort_key(published_at, item_id, zone), runs_text(title or ""),
                  runs_text(body or "", MAX_BODY_CHARS), " ".join(facets))


_ITEM_COLUMNS = (Item.id, Item.title, Item.body_text, Item.unit_id, Item.published_at)


def published(conn: Session | Connection, item_ids: list[int], zone: ZoneInfo) -> list[Doc]:
    """Index entries of the published items among ``item_ids``, keyed by local day in ``zone``."""
    docs: list[Doc] = []
    for start in range(0, len(item_ids), IN_CHUNK):
        chunk = item_ids[start:start + IN_CHUNK]
        rows = conn.execute(select(*_ITEM_COLUMNS).where(Item.id.in_(chunk), Item.status == "published")).all()
        columns = _columns_of(conn, [row.id for row in rows])
        docs.extend(build(r.id, r.title, r.body_text, r.unit_id, r.published_at, columns.get(r.id, ()), zone) for r in rows)
    return docs


def all_published(conn: Session | Connection, zone: ZoneInfo, batch: int = 1000) -> Iterator[list[Doc]]:
    """Every published item, in batches, in sort-key order (FTS5 appends fastest so)."""
    keys = sorted(sort_key(published_at, item_id, zone) for item_id, published_at in conn.execute(
        select(Item.id, Item.published_at).where(Item.status == "published")))
    ids = [item_id_of(key) for key in keys]
    for start in range(0, len(ids), batch):
        yield sorted(published(conn, ids[start:start + batch], zone), key=lambda doc: doc.sort_key)


def _columns_of(conn: Session | Connection, item_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(item_ids), IN_CHUNK):
        chunk = item_ids[start:start + IN_CHUNK]
        for item_id, column_id in conn.execute(
            select(ItemColumn.item_id, ItemColumn.column_id).where(ItemColumn.item_id.in_(chunk))
        ):
            found[item_id].append(column_id)
    return found
