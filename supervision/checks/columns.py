"""Column freshness and emptiness (栏目不更新, 空白栏目), and quiet versus broken.

Per source: the newest item date at the source, from its harvested items and
from what its listing showed (watched sources store no item: the list is all
there is).  A listing that was read and said it holds nothing is *empty*.

A source the harvester cannot read (``failing``, ``paused``, ``broken-rules``)
says nothing about the column: while the unit's site answers, that is the
portal office's ``harvest_broken`` (a redesigned list page is not a stale
column), and the column's own findings are closed, never reported.  While the
site does not answer at all, the unit's ``site_unreachable`` covers it and the
column's findings are left as they are.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harvestkit.dates import as_local
from harvester.registry import SourceEntry
from harvester.registry import SupervisionPolicy
from storage.models import HarvestRun, ItemSource, Source
from supervision.findings import Problem
from supervision.kinds import CATEGORY_LABELS
from supervision.models import ColumnState

READABLE = "ok"


@dataclass
class ColumnView:
    source_id: str
    unit_id: str
    category: str
    state: str  # ok | empty | broken | unreachable | unread (never harvested)
    newest: str | None = None
    entries: int | None = None
    note: str | None = None

    def days(self, today: date) -> int | None:
        return (today - date.fromisoformat(self.newest)).days if self.newest else None

    def same_as(self, row: ColumnState | None) -> bool:
        return row is not None and (row.state, row.newest, row.entries, row.note) == (self.state, self.newest, self.entries, self.note)


def view(session: Session, unit_id: str, entry: SourceEntry, site_up: bool, now: datetime, tz: str) -> ColumnView:
    row = session.get(Source, entry.id)
    out = ColumnView(entry.id, unit_id, entry.category, "unread")
    if row is None:
        return out
    listing = session.execute(
        select(HarvestRun.list_entries, HarvestRun.list_newest, HarvestRun.list_empty)
        .where(HarvestRun.source_id == entry.id, HarvestRun.list_entries.is_not(None))
        .order_by(HarvestRun.started_at.desc(), HarvestRun.id.desc()).limit(1)
    ).first()
    today = as_local(now, tz).date()
    out.newest = _newest(session, entry.id, listing.list_newest if listing else None, now, tz, today)
    if row.status != READABLE:
        out.state = "broken" if site_up else "unreachable"
        out.note = row.paused_reason or row.health_note or row.last_error or row.status
        return out
    if listing is None:
        return out  # never read (only 304s or no run yet): nothing to say
    out.entries = listing.list_entries
    if listing.list_empty and not listing.list_entries:
        out.state, out.note = "empty", listing.list_empty
    else:
        out.state = READABLE
    return out


def _newest(session: Session, source_id: str, listed: str | None, now: datetime, tz: str, today: date) -> str | None:
    """Newest of the listing's date and the stored items' dates; future dates are typos and ignored."""
    latest = now + timedelta(days=1)
    stored = session.scalar(select(func.max(ItemSource.published_at)).where(
        ItemSource.source_id == source_id, ItemSource.published_at <= latest))
    days = [d for d in (listed, as_local(stored, tz).date().isoformat() if stored else None) if d]
    days = [d for d in days if d <= (today + timedelta(days=1)).isoformat()]
    return max(days) if days else None


def problem(column: ColumnView, entry: SourceEntry, names: dict[str, str], policy: SupervisionPolicy,
            today: date) -> Problem | None:
    """The finding this column's state calls for, if any."""
    label = f"{entry.id}（{'、'.join(names.get(c, c) for c in entry.columns)}）"
    data = {"category": column.category, "newest": column.newest, "entries": column.entries, "watched": not entry.harvest}
    if column.state == "broken":
        return Problem(column.unit_id, "harvest_broken", entry.id,
                       f"采集源 {label} 无法读取：{column.note}。单位网站可以访问，栏目可能已改版，请门户运维检查采集规则；"
                       "在修复之前不对该栏目作更新或空白判定。", source_id=entry.id, url=entry.url, data=data)
    if column.state == "empty":
        return Problem(column.unit_id, "column_empty", entry.id, f"栏目 {label} 没有任何信息：{column.note}",
                       source_id=entry.id, url=entry.url, data=data)
    limit = policy.stale_days(column.category)
    days = column.days(today)
    if column.state == READABLE and limit is not None and days is not None and days > limit:
        return Problem(column.unit_id, "column_stale", entry.id,
                       f"栏目 {label} 已 {days} 天未更新（最新信息 {column.newest}；"
                       f"{CATEGORY_LABELS[column.category]}栏目要求 {limit} 天内更新）",
                       source_id=entry.id, url=entry.url, data={**data, "days": days, "limit_days": limit})
    return None


def record(session: Session, column: ColumnView, at: datetime) -> None:
    """Append the column's state when it changed since the last one recorded."""
    if column.state == "unread":
        return
    last = session.scalar(select(ColumnState).where(ColumnState.source_id == column.source_id)
                          .order_by(ColumnState.observed_at.desc(), ColumnState.id.desc()).limit(1))
    if not column.same_as(last):
        session.add(ColumnState(source_id=column.source_id, unit_id=column.unit_id, observed_at=at, state=column.state,
                                newest=column.newest, entries=column.entries, note=column.note))
