"""The audit log (审计日志): one append-only row per change, with what it was before
and what it is after.  Written by every item writer that answers to someone (the
hub's editorial actions, 应用到待审核信息, 定时发布) and by the hub's other
controls; the harvest's writer changes items without an audit entry (its changes
are flags on the item).  The caller commits."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from storage.models import AuditEntry, Item, User

SYSTEM = "system"  # the username of entries no person made (定时发布 coming due)


def snapshot(item: Item) -> dict[str, Any]:
    """What an editor can change of ``item``, as the audit log shows it."""
    return {
        "status": item.status, "title": item.title, "summary": item.summary,
        "columns": sorted(c.column_id for c in item.columns), "pinned": bool(item.pinned),
        "featured": bool(item.featured), "publish_at": item.publish_at.isoformat() if item.publish_at else None,
    }


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """The keys that differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(session: Session, user: User | None, action: str, item_id: int | None,
           before: dict, after: dict) -> AuditEntry:
    entry = AuditEntry(
        user_id=user.id if user else None, username=user.username if user else SYSTEM,
        action=action, item_id=item_id, before=before, after=after,
    )
    session.add(entry)
    return entry
