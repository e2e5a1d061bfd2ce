"""Duty fulfilment (栏目内容保障责任): a unit's registry ``duties`` against what it
delivered — its harvested items plus its adopted submissions (信息报送, 采用)
— in the last complete period before the evaluation date.

Harvested items count by the date the unit published them (pending review
included: the editors' backlog is not the unit's shortfall; rejected and
withdrawn ones do not count); submissions count when adopted (published or
scheduled), by the date they were submitted.  A duty whose column is fed by a
source the harvester cannot read right now, or has not read yet, is not judged.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
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
    return deliveries(session, [(unit_id, duty)], day, tz)[(unit_id, duty.column, duty.per)]


def deliveries(session: Session, duties: list[tuple[str, Duty]], day: date, tz: str) -> dict[tuple[str, str, str], Delivery]:
    """What each (unit, duty) delivered in its last complete period: two grouped queries per
    distinct (column, period), whatever the number of units."""
    zone = ZoneInfo(tz)
    wanted: dict[tuple[str, str], dict[str, Duty]] = {}
    for unit_id, duty in duties:
        wanted.setdefault((duty.column, duty.per), {})[unit_id] = duty
    out = {}
    for (column, per), by_unit in wanted.items():
        period = last_complete(day, per)
        start = datetime(period.start.year, period.start.month, period.start.day, tzinfo=zone)
        end = datetime(period.end.year, period.end.month, period.end.day, tzinfo=zone)
        units = sorted(by_unit)
        in_column = and_(ItemColumn.item_id == Item.id, ItemColumn.column_id == column)
        harvested = dict(session.execute(
            select(ItemSource.unit_id, func.count(func.distinct(ItemSource.item_id)))
            .join(Item, Item.id == ItemSource.item_id).join(ItemColumn, in_column)
            .where(ItemSource.unit_id.in_(units), ItemSource.published_at >= start, ItemSource.published_at < end,
                   Item.origin == "harvest", Item.status.in_(HARVESTED_COUNT))
            .group_by(ItemSource.unit_id)).all())
        submitted = dict(session.execute(
            select(Item.unit_id, func.count(Item.id)).join(ItemColumn, in_column)
            .where(Item.unit_id.in_(units), Item.origin == "submission", Item.status.in_(ADOPTED),
                   Item.published_at >= start, Item.published_at < end)
            .group_by(Item.unit_id)).all())
        for unit_id, duty in by_unit.items():
            out[(unit_id, column, per)] = Delivery(unit_id, column, per, period, duty.min_items,
                                                   harvested.get(unit_id, 0), submitted.get(unit_id, 0))
    return out


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
