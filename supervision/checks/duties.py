"""Duty fulfilment (栏目内容保障责任): a unit's registry ``duties`` against what it
delivered — its harvested items plus its adopted submissions (信息报送, 采用)
— in the last complete period before the evaluation date.

Harvested items count by the date the unit published them (pending review
included: the editors' backlog is not the unit's shortfall; rejected and
withdrawn ones do not count); submissions count when adopted (published or
scheduled), by the date they were submitted.  A duty whose column is fed by a
source the harvester cannot read right now is not judged.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harvester.registry import Duty
from storage.models import Item, ItemColumn, ItemSource
from supervision.findings import Problem
from supervision.kinds import PERIOD_LABELS

HARVESTED_COUNT = ("pending", "scheduled", "published")
ADOPTED = ("published", "scheduled")


@dataclass(frozen=True)
class Period:
    start: date  # first day
    end: date  # the day after the last
    label: str  # 2026年11月, 2026年第47周, 2026年第4季度, 2026年

    @property
    def key(self) -> str:
        return self.start.isoformat()


def last_complete(day: date, per: str) -> Period:
    """The last whole period (week from Monday, month, quarter, year) before ``day``'s own."""
    if per == "week":
        start = day - timedelta(days=day.weekday() + 7)
        iso = start.isocalendar()
        return Period(start, start + timedelta(days=7), f"{iso.year}年第{iso.week}周（{start:%m-%d}至{start + timedelta(days=6):%m-%d}）")
    if per == "month":
        end = day.replace(day=1)
        start = (end - timedelta(days=1)).replace(day=1)
        return Period(start, end, f"{start.year}年{start.month}月")
    if per == "quarter":
        end = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        start = date(end.year - 1, 10, 1) if end.month == 1 else date(end.year, end.month - 3, 1)
        return Period(start, end, f"{start.year}年第{(start.month - 1) // 3 + 1}季度")
    start = date(day.year - 1, 1, 1)
    return Period(start, date(day.year, 1, 1), f"{start.year}年")


@dataclass(frozen=True)
class Delivery:
    unit_id: str
    column: str
    per: str
    period: Period
    required: int
    harvested: int
    submitted: int

    @property
    def delivered(self) -> int:
        return self.harvested + self.submitted

    @property
    def short(self) -> bool:
        return self.delivered < self.required


def delivery(session: Session, unit_id: str, duty: Duty, day: date, tz: str) -> Delivery:
    period = last_complete(day, duty.per)
    zone = ZoneInfo(tz)
    start = datetime(period.start.year, period.start.month, period.start.day, tzinfo=zone)
    end = datetime(period.end.year, period.end.month, period.end.day, tzinfo=zone)
    in_column = select(ItemColumn.item_id).where(ItemColumn.column_id == duty.column)
    harvested = session.scalar(
        select(func.count(func.distinct(ItemSource.item_id)))
        .join(Item, Item.id == ItemSource.item_id)
        .where(ItemSource.unit_id == unit_id, ItemSource.published_at >= start, ItemSource.published_at < end,
               Item.origin == "harvest", Item.status.in_(HARVESTED_COUNT), ItemSource.item_id.in_(in_column))
    ) or 0
    submitted = session.scalar(
        select(func.count(Item.id))
        .where(Item.unit_id == unit_id, Item.origin == "submission", Item.status.in_(ADOPTED),
               Item.published_at >= start, Item.published_at < end, Item.id.in_(in_column))
    ) or 0
    return Delivery(unit_id, duty.column, duty.per, period, duty.min_items, harvested, submitted)


def subject(duty: Duty) -> str:
    return f"{duty.column}/{duty.per}"


def problem(found: Delivery, column_name: str) -> Problem | None:
    if not found.short:
        return None
    return Problem(
        found.unit_id, "duty_shortfall", f"{found.column}/{found.per}",
        f"{found.period.label}“{column_name}”栏目应保障信息 {found.required} 条（每{PERIOD_LABELS[found.per]}），"
        f"实际 {found.delivered} 条（网站采集 {found.harvested} 条、报送采用 {found.submitted} 条）",
        data={"column": found.column, "per": found.per, "period": found.period.key, "period_label": found.period.label,
              "required": found.required, "delivered": found.delivered, "harvested": found.harvested,
              "submitted": found.submitted},
    )
