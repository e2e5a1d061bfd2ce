"""Letters per unit and period, for supervision (监督考评) and ``GET /api/v1/letters/stats``.

A letter counts for the unit it was dispatched to, in the period its dispatch (转办)
falls in (the portal's local dates, both ends included):

- ``received``: letters dispatched to the unit;
- ``replied``: of those, answered by the unit (its latest answer; one returned for rework does
  not count until it is answered again);
- letters not accepted (不予受理) do not count;
- ``on_time``: answered by the due date (extension included);
- ``overdue``: answered after the due date, or still unanswered past it (as of ``today``);
- ``mean_days``: mean working days from dispatch to answer (None without answers).

``on_time_rate`` is ``on_time / received`` once the period's letters are due (None for
no letters); supervision's ``interaction_poor`` finding compares it with
``supervision.veto.interaction_on_time``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from interaction import calendar
from interaction.models import Letter

ANSWERED = ("replied", "published", "closed")  # a returned answer does not count
from interaction.service import local_date


@dataclass
class LetterStats:
    received: int = 0
    replied: int = 0
    on_time: int = 0
    overdue: int = 0
    mean_days: float | None = None

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.received, 4) if self.received else None

    def as_dict(self) -> dict:
        return {**asdict(self), "on_time_rate": self.on_time_rate}


def _bound(day: date | None, tz: str, end: bool) -> datetime | None:
    if day is None:
        return None
    moment = datetime.combine(day + timedelta(days=1) if end else day, time(), ZoneInfo(tz))
    return moment.astimezone(timezone.utc)


def letter_stats(session: Session, *, start: date | None = None, end: date | None = None,
                 unit_id: str | None = None, today: date | None = None,
                 tz: str = "Asia/Shanghai") -> dict[str, LetterStats]:
    """Figures per unit id for letters dispatched in ``[start, end]`` (either open)."""
    query = select(Letter.unit_id, Letter.dispatched_at, Letter.due_on, Letter.replied_at, Letter.reply_unit_id,
                   Letter.status).where(Letter.unit_id.is_not(None), Letter.dispatched_at.is_not(None))
    if (low := _bound(start, tz, end=False)) is not None:
        query = query.where(Letter.dispatched_at >= low)
    if (high := _bound(end, tz, end=True)) is not None:
        query = query.where(Letter.dispatched_at < high)
    if unit_id is not None:
        query = query.where(Letter.unit_id == unit_id)
    today = today or local_date(datetime.now(timezone.utc), tz)
    out: dict[str, LetterStats] = {}
    days: dict[str, list[int]] = {}
    for unit, dispatched, due, replied, reply_unit, status in session.execute(query):
        if status == "dismissed":  # not accepted (不予受理): no task for the unit
            continue
        row = out.setdefault(unit, LetterStats())
        row.received += 1
        answered = replied is not None and reply_unit == unit and status in ANSWERED
        if answered:
            row.replied += 1
            answered_on = local_date(replied, tz)
            days.setdefault(unit, []).append(calendar.workdays_between(local_date(dispatched, tz), answered_on))
            if due is not None and answered_on <= due:
                row.on_time += 1
            elif due is not None:
                row.overdue += 1
        elif due is not None and today > due:
            row.overdue += 1
    for unit, values in days.items():
        out[unit].mean_days = round(sum(values) / len(values), 2)
    return out
