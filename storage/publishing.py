"""定时发布: scheduled items go public when their time comes.

Who calls :func:`promote_due`:

- the scheduler (``harvester.scheduler``, job ``publish-due``, every 30 s): the
  place that publishes them on a portal run as documented (``zhanqun scheduler``
  beside the web app);
- the public pages (``hub.portal.http_cache``), at most once every 30 s per web
  worker: a government portal announces a document's time of release, and a portal
  served without a scheduler (``zhanqun serve`` alone, a scheduler stopped for
  maintenance or down) must still release it on time.  The check is one indexed
  query (``status``, ``publish_at``) that finds nothing almost always; it writes
  only when an item is due.

Exactly once however many web nodes, workers and schedulers call it at the same
moment: rows another caller holds are skipped (PostgreSQL ``SKIP LOCKED``), and
each item is claimed by a conditional UPDATE (``status = 'scheduled'``), so an
item another caller promoted meanwhile is left alone, with no second audit entry.
The caller commits.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.audit import snapshot
from storage.items import record_change
from storage.models import AuditEntry, Item

PUBLISH_DUE_SECONDS = 30  # how often the scheduler and each web worker look for due items


def was_published(session: Session, item: Item) -> bool:
    """``item`` has been published before (an audited ``publish``)."""
    return session.scalar(
        select(AuditEntry.id).where(AuditEntry.item_id == item.id, AuditEntry.action == "publish").limit(1)
    ) is not None


def adopt_publication_time(session: Session, item: Item, at: datetime) -> None:
    """A submission's 发布时间 is when the portal first publishes it (harvested items
    keep their source's)."""
    if item.origin == "submission" and not was_published(session, item):
        item.published_at = at


def promote_due(session: Session, now: datetime | None = None) -> list[int]:
    """Publish the scheduled items whose time has come; their ids.  Cheap when there are none."""
    now = now or datetime.now(timezone.utc)
    due = session.scalars(
        select(Item).where(Item.status == "scheduled", Item.publish_at <= now).with_for_update(skip_locked=True)
    ).all()
    promoted = []
    for item in due:
        before = snapshot(item)
        claim = update(Item).where(Item.id == item.id, Item.status == "scheduled").values(status="published")
        if session.execute(claim.execution_options(synchronize_session=False)).rowcount != 1:
            continue  # promoted by another node since we read it
        item.status = "published"
        adopt_publication_time(session, item, item.publish_at)
        record_change(session, None, "publish", item, before, {"scheduled_for": item.publish_at.isoformat()})
        promoted.append(item.id)
    return promoted
