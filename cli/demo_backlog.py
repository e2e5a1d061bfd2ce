"""The demo's first start: the columns fed only by review-required sources (通知公告,
政策文件) would stay empty until someone reviews, and a newcomer would see empty
columns and searches that find nothing.  So once a review-required source's first
harvest is in, the demo publishes its older items, as the system (audited like any
publish), and leaves the newest ``KEEP_PENDING`` waiting in the 审核 queue.

Only at first start: a source any of whose items has left ``pending`` (published,
rejected…) is never touched again.  Items held by the sensitive-term screen stay
pending: publishing them needs an editor's confirmation.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub import actions
from storage.models import HarvestRun, Item, ItemSource

KEEP_PENDING = 3


@dataclass(frozen=True)
class Backlog:
    source_id: str
    published: int
    waiting: int


def _items(session: Session, source_id: str) -> list[Item]:
    """The source's items (as their primary source), newest first."""
    return list(session.scalars(
        select(Item).join(ItemSource, ItemSource.item_id == Item.id)
        .where(ItemSource.source_id == source_id, ItemSource.is_primary == True)  # noqa: E712
        .order_by(Item.published_at.desc().nulls_last(), Item.id.desc())
    ))


def harvested(session: Session, source_id: str) -> bool:
    """Whether the source's first harvest has finished (whatever it found)."""
    return session.scalar(select(HarvestRun.id).where(
        HarvestRun.source_id == source_id, HarvestRun.status.in_(("ok", "partial", "failed"))).limit(1)) is not None


def publish_backlog(session: Session, source_id: str, keep: int = KEEP_PENDING) -> Backlog | None:
    """Publish all but the newest ``keep`` pending items of a source never reviewed
    before; None when the source has been reviewed already or has nothing."""
    items = _items(session, source_id)
    if not items or any(item.status != "pending" for item in items):
        return None
    published = 0
    for item in items[keep:]:
        if item.sensitive_terms:
            continue
        actions.publish(session, item, None)
        published += 1
    return Backlog(source_id, published, len(items) - published)
