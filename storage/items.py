"""Writing items, the rules every writer follows (the harvest's writer process,
the hub's editorial actions, 应用到待审核信息): which source leads an item, how its
columns are replaced, how a stored value is cut to its column.

An item's primary source is its earliest publisher: its URL, unit, 发布时间 and
来源 are the item's.  Callers commit."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

from storage.models import Item, ItemColumn, ItemSource

_NEVER = datetime.max.replace(tzinfo=timezone.utc)


def make_primary(item: Item, link: ItemSource) -> None:
    """``link`` leads ``item``: its URL, unit, 发布时间 (and whether that is a day
    only) and 来源 become the item's."""
    for other in item.sources:
        other.is_primary = other is link
    item.url, item.unit_id = link.url, link.unit_id
    item.published_at, item.source_text = link.published_at, link.source_text
    item.published_date_only = link.published_date_only


def publication_order(link: ItemSource) -> tuple[bool, datetime]:
    """Sort key: the earliest publisher first, sources without a date last."""
    return link.published_at is None, link.published_at or _NEVER


def earliest_publisher(links: Iterable[ItemSource]) -> ItemSource | None:
    return min(links, key=publication_order, default=None)


def published_earlier(published: datetime | None, primary: ItemSource | None) -> bool:
    """A source published at ``published`` should lead instead of ``primary``."""
    return published is not None and (primary is None or primary.published_at is None or published < primary.published_at)


def add_columns(item: Item, columns: Iterable[str]) -> None:
    """Put ``item`` in ``columns`` as well (keeping the ones it is in)."""
    have = {c.column_id for c in item.columns}
    for column in dict.fromkeys(columns):
        if column not in have:
            item.columns.append(ItemColumn(column_id=column))


def replace_columns(item: Item, columns: Iterable[str]) -> None:
    """``item`` is in exactly ``columns`` now (rows of columns it stays in are kept)."""
    wanted = list(dict.fromkeys(columns))
    item.columns = [c for c in item.columns if c.column_id in wanted]
    add_columns(item, wanted)
