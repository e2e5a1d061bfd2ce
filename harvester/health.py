"""Source health as operators see it, shared by ``zhanqun sources|runs`` and the hub's 采集管理.

Reads the ``sources`` and ``harvest_runs`` tables; ``pause`` and ``resume`` are
the only changes an operator makes to a source's health by hand (the harvester
sets the rest, see :mod:`harvester.runs`).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterator

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from storage import counters
from storage.models import HarvestError, HarvestRun, ItemSource, Source, Unit

RECENT_ITEMS = timedelta(days=30)  # "items_30d": how busy a source is


@dataclass(frozen=True)
class RunSummary:
    id: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    fetched: int
    new: int
    updated: int
    unchanged: int
    errors: int

    @classmethod
    def of(cls, run: HarvestRun) -> RunSummary:
        return cls(run.id, run.status, run.started_at, run.finished_at, run.fetched, run.new, run.updated,
                   run.unchanged, run.errors)


@dataclass(frozen=True)
class SourceHealth:
    id: str
    unit_id: str
    unit_name: str
    type: str
    url: str
    status: str  # ok | failing | paused | broken-rules | incomplete
    last_success: datetime | None
    last_error: str | None
    consecutive_failures: int
    next_run: datetime | None
    items_30d: int
    reason: str | None  # why paused, else the health note (e.g. rules may be broken)
    last_run: RunSummary | None
    interval_seconds: int | None = None  # the interval in force, set by the scheduler after each run
    interval_reason: str | None = None  # and why (harvester/intervals.py)


def last_harvest_failed(source: Source) -> bool:
    """The source's last harvest failed (a paused source: when failures paused it).
    The portal's 站群导航 stops offering such a source's page."""
    return source.status == "failing" or (source.status == "paused" and source.consecutive_failures > 0)


def latest_runs(session: Session, source_ids: list[str] | None = None) -> dict[str, HarvestRun]:
    """Each source's most recent run (the highest id: runs are numbered as they start)."""
    newest = select(func.max(HarvestRun.id)).group_by(HarvestRun.source_id)
    if source_ids is not None:
        newest = newest.where(HarvestRun.source_id.in_(source_ids))
    return {run.source_id: run for run in session.scalars(select(HarvestRun).where(HarvestRun.id.in_(newest)))}


def source_health(session: Session, now: datetime | None = None) -> list[SourceHealth]:
    """Every source in the database, by unit then id, with its last run."""
    since = (now or datetime.now(timezone.utc)) - RECENT_ITEMS
    counts = dict(session.execute(
        select(ItemSource.source_id, func.count(ItemSource.id))
        .where(ItemSource.published_at >= since).group_by(ItemSource.source_id)
    ).all())
    runs = latest_runs(session)
    rows = session.execute(
        select(Source, Unit.name).join(Unit, Unit.id == Source.unit_id).order_by(Source.unit_id, Source.id)
    ).all()
    return [
        SourceHealth(
            id=source.id, unit_id=source.unit_id, unit_name=unit_name, type=source.type, url=source.url,
            status=source.status, last_success=source.last_success, last_error=source.last_error,
            consecutive_failures=source.consecutive_failures, next_run=source.next_run,
            items_30d=counts.get(source.id, 0), reason=source.paused_reason or source.health_note,
            last_run=RunSummary.of(runs[source.id]) if source.id in runs else None,
            interval_seconds=source.interval_seconds, interval_reason=source.interval_reason,
        )
        for source, unit_name in rows
    ]


def runs_query(source_id: str | None = None, stage: str | None = None) -> Select:
    """Runs newest first, optionally of one source, optionally only those with an
    error at ``stage`` (``harvest_errors``); the caller adds limit/offset."""
    query = select(HarvestRun).order_by(HarvestRun.id.desc())
    if source_id:
        query = query.where(HarvestRun.source_id == source_id)
    if stage:
        query = query.where(HarvestRun.id.in_(select(HarvestError.run_id).where(HarvestError.stage == stage)))
    return query


def running_run(session: Session, source_id: str) -> HarvestRun | None:
    return session.scalar(
        select(HarvestRun).where(HarvestRun.source_id == source_id, HarvestRun.status == "running")
        .order_by(HarvestRun.id.desc()).limit(1)
    )


def pause(source: Source, reason: str) -> None:
    """Stop harvesting a source until it is resumed (a harvest naming it still runs it)."""
    with public_health(source):
        source.status, source.paused_reason = "paused", reason


def resume(source: Source) -> None:
    """Harvest a paused or failing source again; its failure count starts over."""
    with public_health(source):
        source.status, source.paused_reason = "ok", None
        source.consecutive_failures = 0


@contextmanager
def public_health(source: Source) -> Iterator[None]:
    """Bump the public counter when the change shows on the portal (站群导航)."""
    failed = last_harvest_failed(source)
    yield
    session = Session.object_session(source)
    if last_harvest_failed(source) != failed and session is not None:
        counters.bump(session)
