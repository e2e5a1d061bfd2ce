"""责任栏目: what the units that maintain columns themselves have live, and how fresh it is."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Item, ItemColumn, PortalColumn, Unit

RECENT = 10


@dataclass(frozen=True)
class OwnedColumn:
    column: PortalColumn
    owner: Unit | None
    live: int  # published items in the column
    newest: datetime | None  # 发布时间 of the newest of them
    days_since: int | None  # how fresh: days since the newest was published
    recent: list[Item]


def owned_overview(session: Session, unit_id: str | None) -> list[OwnedColumn]:
    """Every owned column (``unit_id``: only that unit's), with its live items."""
    query = select(PortalColumn).where(PortalColumn.owner_unit_id.is_not(None))
    if unit_id is not None:
        query = query.where(PortalColumn.owner_unit_id == unit_id)
    now = datetime.now(timezone.utc)
    out = []
    for column in session.scalars(query.order_by(PortalColumn.position, PortalColumn.id)):
        live = select(Item).join(ItemColumn, ItemColumn.item_id == Item.id).where(
            ItemColumn.column_id == column.id, Item.status == "published")
        count = session.scalar(select(func.count()).select_from(live.subquery()))
        newest = session.scalar(live.with_only_columns(Item.published_at).order_by(
            Item.published_at.desc().nulls_last()).limit(1)) if count else None
        recent = list(session.scalars(live.order_by(Item.published_at.desc().nulls_last(), Item.id.desc()).limit(RECENT)))
        out.append(OwnedColumn(column, session.get(Unit, column.owner_unit_id), count, newest,
                               (now - newest).days if newest else None, recent))
    return out
