"""The figures of the 工作台, read from the database: what waits for review (by unit and
by column), today's harvests, sources in trouble, open supervision findings, items per
day and per unit; for a reporter, their own submissions and their unit's items only."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import HarvestRun, Item, ItemColumn, PortalColumn, Source, Unit

DAYS = 14  # the items-per-day chart
UNIT_DAYS = 30  # the items-per-unit chart
LIST_SIZE = 10
NO_COLUMN = "（未设置栏目）"


@dataclass
class TodayHarvests:
    runs: int = 0
    sources: int = 0
    ok: int = 0
    partial: int = 0
    failed: int = 0
    running: int = 0
    fetched: int = 0
    new: int = 0


def day_start(tz: str, now: datetime | None = None) -> datetime:
    """Midnight today in the hub's time zone, as UTC."""
    local = (now or datetime.now(timezone.utc)).astimezone(ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


def pending_by_unit(session: Session, unit_id: str | None = None) -> list[tuple[str, str, int]]:
    """(unit id, name, pending items), most first."""
    query = (select(Unit.id, Unit.name, func.count(Item.id)).join(Item, Item.unit_id == Unit.id)
             .where(Item.status == "pending").group_by(Unit.id, Unit.name).order_by(func.count(Item.id).desc(), Unit.id))
    if unit_id:
        query = query.where(Unit.id == unit_id)
    return [tuple(row) for row in session.execute(query)]


def pending_by_column(session: Session, unit_id: str | None = None) -> list[tuple[str | None, str, int]]:
    """(column id, name, pending items), most first; items without a column last."""
    query = (select(PortalColumn.id, PortalColumn.name, func.count(Item.id))
             .join(ItemColumn, ItemColumn.column_id == PortalColumn.id).join(Item, Item.id == ItemColumn.item_id)
             .where(Item.status == "pending").group_by(PortalColumn.id, PortalColumn.name)
             .order_by(func.count(Item.id).desc(), PortalColumn.id))
    none = select(func.count(Item.id)).where(Item.status == "pending", ~Item.columns.any())
    if unit_id:
        query, none = query.where(Item.unit_id == unit_id), none.where(Item.unit_id == unit_id)
    rows = [tuple(row) for row in session.execute(query)]
    loose = session.scalar(none) or 0
    return rows + ([(None, NO_COLUMN, loose)] if loose else [])


def today_harvests(session: Session, since: datetime) -> TodayHarvests:
    today = TodayHarvests()
    sources = set()
    for status, source_id, fetched, new in session.execute(
            select(HarvestRun.status, HarvestRun.source_id, HarvestRun.fetched, HarvestRun.new)
            .where(HarvestRun.started_at >= since)):
        today.runs += 1
        sources.add(source_id)
        today.fetched += fetched or 0
        today.new += new or 0
        if status == "ok":
            today.ok += 1
        elif status == "partial":
            today.partial += 1
        elif status == "running":
            today.running += 1
        else:
            today.failed += 1
    today.sources = len(sources)
    return today


def troubled_sources(session: Session) -> list[tuple[Source, str]]:
    """Sources not in order (failing, paused, rules broken, incomplete) with their unit's name."""
    rows = session.execute(select(Source, Unit.name).join(Unit, Unit.id == Source.unit_id)
                           .where(Source.status != "ok").order_by(Source.consecutive_failures.desc(), Source.id))
    return [(source, name) for source, name in rows]


def open_findings(session: Session, unit_id: str | None = None) -> tuple[int, list]:
    """Open supervision findings (count, newest few with unit names); (0, []) without supervision."""
    try:
        from supervision.models import Finding
    except ImportError:  # supervision is a package of its own; the hub works without it
        return 0, []
    query = select(Finding, Unit.name).join(Unit, Unit.id == Finding.unit_id).where(Finding.status == "open")
    count = select(func.count(Finding.id)).where(Finding.status == "open")
    if unit_id:
        query, count = query.where(Finding.unit_id == unit_id), count.where(Finding.unit_id == unit_id)
    newest = session.execute(query.order_by(Finding.last_seen.desc(), Finding.id.desc()).limit(LIST_SIZE)).all()
    return session.scalar(count) or 0, [(finding, name) for finding, name in newest]


def items_per_day(session: Session, tz: str, unit_id: str | None = None, days: int = DAYS,
                  now: datetime | None = None) -> list[tuple[str, int]]:
    """Items that came in (harvested or submitted) per local day, the last ``days`` days, oldest first."""
    zone = ZoneInfo(tz)
    first = day_start(tz, now) - timedelta(days=days - 1)
    query = select(Item.created_at).where(Item.created_at >= first)
    if unit_id:
        query = query.where(Item.unit_id == unit_id)
    counts = Counter(created.astimezone(zone).date() if created.tzinfo else
                     created.replace(tzinfo=timezone.utc).astimezone(zone).date() for created in session.scalars(query))
    start = first.astimezone(zone).date()
    out = []
    for n in range(days):
        day = start + timedelta(days=n)
        out.append((f"{day.month}/{day.day}", counts.get(day, 0)))
    return out


def items_per_unit(session: Session, since: datetime, limit: int = LIST_SIZE) -> list[tuple[str, int]]:
    """Items that came in since ``since``, per unit, most first."""
    query = (select(Unit.name, func.count(Item.id)).join(Item, Item.unit_id == Unit.id).where(Item.created_at >= since)
             .group_by(Unit.id, Unit.name).order_by(func.count(Item.id).desc(), Unit.name).limit(limit))
    return [tuple(row) for row in session.execute(query)]


def own_submissions(session: Session, user_id: int, limit: int = LIST_SIZE) -> tuple[Counter, list[Item]]:
    counts = Counter(dict(session.execute(select(Item.status, func.count(Item.id))
                                          .where(Item.submitted_by_id == user_id).group_by(Item.status)).all()))
    latest = session.scalars(select(Item).where(Item.submitted_by_id == user_id)
                             .order_by(Item.created_at.desc(), Item.id.desc()).limit(limit)).all()
    return counts, latest


def unit_items(session: Session, unit_id: str, limit: int = LIST_SIZE) -> list[Item]:
    return session.scalars(select(Item).where(Item.unit_id == unit_id)
                           .order_by(Item.created_at.desc(), Item.id.desc()).limit(limit)).all()
