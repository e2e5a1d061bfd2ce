"""The demo's first start: the columns fed only by review-required sources (通知公告,
政策文件) would stay empty until someone reviews, and a newcomer would see empty
columns and searches that find nothing.  So once a review-required source's first
harvest is in, the demo publishes its older items, as the system (audited like any
publish), and leaves the newest ``KEEP_PENDING`` waiting in the 审核 queue.

Only at first start: on a database where no item was ever published, rejected or
otherwise acted on (no item in the audit log).  Items held by the sensitive-term
screen stay pending: publishing them needs an editor's confirmation.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub import actions
from storage.models import AuditEntry, HarvestRun, Item, ItemSource

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


def first_start(session: Session) -> bool:
    """No item was ever acted on: a new database."""
    return session.scalar(select(AuditEntry.id).where(AuditEntry.item_id.is_not(None)).limit(1)) is None


def harvested(session: Session, source_id: str) -> bool:
    """Whether the source's first harvest has finished (whatever it found)."""
    return session.scalar(select(HarvestRun.id).where(
        HarvestRun.source_id == source_id, HarvestRun.status.in_(("ok", "partial", "failed"))).limit(1)) is not None


def publish_backlog(session: Session, source_id: str, keep: int = KEEP_PENDING) -> Backlog:
    """Publish all but the newest ``keep`` pending items of a source."""
    pending = [item for item in _items(session, source_id) if item.status == "pending"]
    published = 0
    for item in pending[keep:]:
        if item.sensitive_terms:
            continue
        actions.publish(session, item, None)
        published += 1
    return Backlog(source_id, published, len(pending) - published)
