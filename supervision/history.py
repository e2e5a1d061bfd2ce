"""Series over time, for the charts a portal office puts in front of its leaders:
updates per unit per month, homepage availability per day, and a unit's
verdict at the end of each month (the next issue's monthly bulletins read the
same :func:`supervision.status.status`)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from harvestkit.dates import as_local
from storage.models import Item, ItemSource
from supervision.models import Probe
from supervision.status import Scope, status

ADOPTED = ("published", "scheduled")


def months_back(day: date, count: int = 12) -> list[date]:
    """The first days of the ``count`` months ending with ``day``'s month, oldest first."""
    first = day.replace(day=1)
    out = [first]
    for _ in range(count - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        out.append(first)
    return out[::-1]


def _start(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def monthly_updates(session: Session, unit_ids: list[str], day: date, tz: str, months: int = 12) -> dict[str, list[int]]:
    """Items each unit published per month (harvested, by its publication date; plus adopted
    submissions), for the ``months`` months ending with ``day``'s month."""
    firsts = months_back(day, months)
    start, end = _start(firsts[0], tz), _start(day + timedelta(days=1), tz)
    index = {(m.year, m.month): i for i, m in enumerate(firsts)}
    out = {unit_id: [0] * months for unit_id in unit_ids}
    seen: set[tuple[str, int]] = set()
    harvested = session.execute(
        select(ItemSource.unit_id, ItemSource.item_id, ItemSource.published_at)
        .where(ItemSource.unit_id.in_(unit_ids), ItemSource.published_at >= start, ItemSource.published_at < end))
    submitted = session.execute(
        select(Item.unit_id, Item.id, Item.published_at)
        .where(Item.unit_id.in_(unit_ids), Item.origin == "submission", Item.status.in_(ADOPTED),
               Item.published_at >= start, Item.published_at < end))
    for rows in (harvested, submitted):
        for unit_id, item_id, published in rows:
            if (unit_id, item_id) in seen:
                continue
            seen.add((unit_id, item_id))
            local = as_local(published, tz)
            slot = index.get((local.year, local.month))
            if slot is not None:
                out[unit_id][slot] += 1
    return out


@dataclass(frozen=True)
class DayAvailability:
    day: date
    probes: int
    failed: int

    @property
    def share(self) -> float | None:
        return None if not self.probes else 1 - self.failed / self.probes


def daily_availability(session: Session, unit_ids: list[str], day: date, tz: str, days: int = 30) -> dict[str, list[DayAvailability]]:
    """Homepage probes per day (and how many failed), the ``days`` days ending with ``day``."""
    first = day - timedelta(days=days - 1)
    counts: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
    rows = session.execute(select(Probe.unit_id, Probe.checked_at, Probe.ok).where(
        Probe.unit_id.in_(unit_ids), Probe.checked_at >= _start(first, tz), Probe.checked_at < _start(day + timedelta(days=1), tz)))
    for unit_id, checked, ok in rows:
        slot = counts[(unit_id, as_local(checked, tz).date())]
        slot[0] += 1
        slot[1] += 0 if ok else 1
    return {unit_id: [DayAvailability(first + timedelta(days=i), *counts.get((unit_id, first + timedelta(days=i)), [0, 0]))
                      for i in range(days)] for unit_id in unit_ids}


def verdict_history(session: Session, scope: Scope, unit_id: str, day: date, months: int = 12) -> list[dict]:
    """The unit's verdict at the end of each of the last ``months`` months, and at ``day``, oldest first."""
    ends = [m - timedelta(days=1) for m in months_back(day, months)[1:]] + [day]
    out = []
    for end in ends:
        found = status(session, scope, end, [unit_id])["units"]
        if found:
            unit = found[0]
            out.append({"at": end.isoformat(), "checked": unit["checked"], "verdict": unit["verdict"], "score": unit["score"], "vetoes": unit["vetoes"],
                        "findings": len([f for f in unit["findings"] if f["owner"] == "unit"])})
    return out
