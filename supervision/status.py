"""Status as of a date: every unit's verdict, score, vetoes, findings, column
freshness, duties and harvest latency — one shape for the CLI (``zhanqun
supervise status --json``), the API and the hub.

Everything is read from stored history (findings open at that moment, the
probes of the 7 days before it, the column states recorded by then), with a
fixed number of queries whatever the number of units, so a past date costs
what today costs.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from harvestkit.dates import as_local
from harvester.registry import Duty, Registry, SupervisionPolicy
from storage.models import AuditEntry, HarvestRun, Item, ItemSource, Source, Unit
from supervision.checks import duties as duty_check
from supervision.kinds import owner
from supervision.models import ColumnState, Finding, Probe
from supervision.verdicts import judge

PROBE_WINDOW = timedelta(days=7)  # "repeatedly, during a week of checks"
LATENCY_WINDOW = timedelta(days=30)
CHUNK = 500


class StatusError(ValueError):
    """A date the status cannot be given for (in the future)."""


@dataclass(frozen=True)
class Scope:
    """What the status is computed for, and with which rules."""

    policy: SupervisionPolicy = SupervisionPolicy()
    tz: str = "Asia/Shanghai"
    duties: dict[str, list[Duty]] = field(default_factory=dict)  # unit id → registry duties
    column_names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, registry: Registry) -> "Scope":
        return cls(policy=registry.supervision, tz=registry.portal.timezone,
                   duties={u.id: list(u.duties) for u in registry.units},
                   column_names={c.id: c.name for c in registry.columns})


def moment(at: date | None, tz: str, now: datetime | None = None) -> tuple[date, datetime]:
    """(the day, the moment): the end of ``at`` in the portal's zone, or now for today."""
    now = now or datetime.now(timezone.utc)
    today = as_local(now, tz).date()
    day = at or today
    if day > today:
        raise StatusError(f"{day.isoformat()} 是将来的日期：只能查询今天或以前的监管结论")
    if day == today:
        return day, now
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(tz))
    return day, end.astimezone(timezone.utc) - timedelta(microseconds=1)


def status(session: Session, scope: Scope, at: date | None = None, unit_ids: list[str] | None = None,
           now: datetime | None = None) -> dict:
    day, when = moment(at, scope.tz, now)
    query = select(Unit).order_by(Unit.kind, Unit.id)
    if unit_ids is not None:
        query = query.where(Unit.id.in_(unit_ids))
    units = list(session.scalars(query))
    ids = [u.id for u in units]
    findings = open_findings(session, when, ids)
    probes = probe_summary(session, when, ids)
    columns = freshness(session, when, ids, day, scope.policy)
    latencies = latency(session, when, ids)
    delivered = duty_check.deliveries(session, [(u.id, d) for u in units for d in scope.duties.get(u.id, [])], day, scope.tz)
    out = []
    for unit in units:
        mine = findings.get(unit.id, [])
        summary = probes.get(unit.id, ProbeSummary())
        verdict = judge(mine, summary.failed, scope.policy)
        newest = summary.newest or max((c["newest"] for c in columns.get(unit.id, []) if c["newest"]), default=None)
        fresh = columns.get(unit.id, [])
        out.append({
            "id": unit.id, "name": unit.name, "kind": unit.kind, "homepage_url": unit.homepage,
            # False: no check had run by then (no probe in the week, no column state, no finding)
            "checked": bool(summary.total or mine or any(c["state"] for c in fresh)),
            "verdict": verdict.verdict, "score": verdict.score, "vetoes": verdict.vetoes,
            "deductions": verdict.deductions,
            "findings": [finding_json(f, scope.tz) for f in mine],
            "freshness": columns.get(unit.id, []),
            "latency": latencies.get(unit.id, empty_latency()),
            "availability": {"probes": summary.total, "failed": summary.failed,
                             "share": round(1 - summary.failed / summary.total, 4) if summary.total else None,
                             "window_days": PROBE_WINDOW.days},
            "homepage": {"newest": newest, "days": (day - date.fromisoformat(newest)).days if newest else None,
                         "from_columns": summary.newest is None and newest is not None},
            "duties": [duty_json(delivered[(unit.id, d.column, d.per)], scope) for d in scope.duties.get(unit.id, [])],
        })
    return {"at": day.isoformat(), "units": out}


# -- findings -----------------------------------------------------------------------------------
def open_findings(session: Session, when: datetime, unit_ids: list[str]) -> dict[str, list[Finding]]:
    """Findings whose [since, closed_at) covers ``when``, by unit."""
    out: dict[str, list[Finding]] = defaultdict(list)
    for chunk in _chunks(unit_ids):
        rows = session.scalars(
            select(Finding).where(Finding.unit_id.in_(chunk), Finding.since <= when,
                                  or_(Finding.closed_at.is_(None), Finding.closed_at > when))
            .order_by(Finding.unit_id, Finding.kind, Finding.since, Finding.id))
        for finding in rows:
            out[finding.unit_id].append(finding)
    return out


def finding_json(finding: Finding, tz: str, when_open: bool = True) -> dict:
    def iso(value):
        local = as_local(value, tz)
        return local.isoformat(timespec="seconds") if local else None

    return {
        "id": finding.id, "kind": finding.kind, "owner": owner(finding.kind), "source_id": finding.source_id,
        "url": finding.url, "detail": finding.detail, "since": iso(finding.since), "last_seen": iso(finding.last_seen),
        "status": "open" if when_open else finding.status, "status_now": finding.status,
        "closed_at": iso(finding.closed_at), "unit_id": finding.unit_id, "data": finding.data or {},
    }


# -- probes -------------------------------------------------------------------------------------
@dataclass
class ProbeSummary:
    total: int = 0
    failed: int = 0
    newest: str | None = None  # the newest dated link of the last good probe


def probe_summary(session: Session, when: datetime, unit_ids: list[str]) -> dict[str, ProbeSummary]:
    """Probes and failures in the 7 days before ``when``, and what the last good one showed."""
    out: dict[str, ProbeSummary] = defaultdict(ProbeSummary)
    window = (Probe.checked_at > when - PROBE_WINDOW, Probe.checked_at <= when)
    for chunk in _chunks(unit_ids):
        counts = session.execute(
            select(Probe.unit_id, func.count(Probe.id), func.sum(case((Probe.ok, 0), else_=1)))
            .where(Probe.unit_id.in_(chunk), *window).group_by(Probe.unit_id))
        for unit_id, total, failed in counts:
            out[unit_id].total, out[unit_id].failed = total, int(failed or 0)
        last_good = select(func.max(Probe.id)).where(Probe.unit_id.in_(chunk), Probe.ok, *window).group_by(Probe.unit_id)
        for unit_id, newest in session.execute(select(Probe.unit_id, Probe.newest).where(Probe.id.in_(last_good))):
            out[unit_id].newest = newest
    return out


# -- freshness ----------------------------------------------------------------------------------
def freshness(session: Session, when: datetime, unit_ids: list[str], day: date,
              policy: SupervisionPolicy) -> dict[str, list[dict]]:
    """Each source's newest date and state as recorded by ``when``, by unit."""
    out: dict[str, list[dict]] = defaultdict(list)
    for chunk in _chunks(unit_ids):
        sources = list(session.scalars(select(Source).where(Source.unit_id.in_(chunk)).order_by(Source.unit_id, Source.id)))
        latest = (select(func.max(ColumnState.id)).where(ColumnState.unit_id.in_(chunk), ColumnState.observed_at <= when)
                  .group_by(ColumnState.source_id))
        states = {s.source_id: s for s in session.scalars(select(ColumnState).where(ColumnState.id.in_(latest)))}
        for source in sources:
            state = states.get(source.id)
            newest = state.newest if state else None
            out[source.unit_id].append({
                "source_id": source.id, "category": source.category, "newest": newest,
                "days": (day - date.fromisoformat(newest)).days if newest else None,
                "limit_days": policy.stale_days(source.category), "state": state.state if state else None,
                "note": state.note if state else None, "watched": bool(source.watched),
                "columns": list(source.columns or []), "url": source.url,
            })
    return out


# -- duties -------------------------------------------------------------------------------------
def duty_json(found: duty_check.Delivery, scope: Scope) -> dict:
    return {"column": found.column, "column_name": scope.column_names.get(found.column, found.column), "per": found.per,
            "period": found.period.key, "period_label": found.period.label, "required": found.required,
            "delivered": found.delivered, "harvested": found.harvested, "submitted": found.submitted,
            "short": found.short}


# -- latency ------------------------------------------------------------------------------------
def empty_latency() -> dict:
    return {"median_hours": None, "p90_hours": None, "items": 0,
            "to_portal": {"median_hours": None, "p90_hours": None, "items": 0}, "window_days": LATENCY_WINDOW.days}


def latency(session: Session, when: datetime, unit_ids: list[str]) -> dict[str, dict]:
    """Hours from the source's publication time to harvest (first seen) and to portal publication
    (the first 发布 in the audit log, or the harvest itself for sources published without review),
    for items published in the 30 days before ``when`` and harvested by then: median and p90 per
    unit.  Items a source had published before its first harvest are its backlog, not latency."""
    to_harvest: dict[str, list[float]] = defaultdict(list)
    to_portal: dict[str, list[float]] = defaultdict(list)
    approved = (select(func.min(AuditEntry.created_at))
                .where(AuditEntry.item_id == Item.id, AuditEntry.action == "publish").scalar_subquery())
    for chunk in _chunks(unit_ids):
        first_run = dict(session.execute(select(
            Source.id, select(func.min(HarvestRun.started_at)).where(HarvestRun.source_id == Source.id).scalar_subquery()
        ).where(Source.unit_id.in_(chunk))).all())
        rows = session.execute(
            select(ItemSource.unit_id, ItemSource.source_id, ItemSource.published_at, ItemSource.first_seen,
                   ItemSource.is_primary, Item.status, Item.created_at, approved)
            .join(Item, Item.id == ItemSource.item_id)
            .where(ItemSource.unit_id.in_(chunk), ItemSource.published_at > when - LATENCY_WINDOW,
                   ItemSource.published_at <= when, ItemSource.first_seen <= when, Item.origin == "harvest"))
        for unit_id, source_id, published, seen, primary, item_status, created, approved_at in rows:
            started = first_run.get(source_id)
            if started is None or published < started:
                continue
            to_harvest[unit_id].append(max(0.0, (seen - published).total_seconds() / 3600))
            portal = approved_at or (created if item_status in ("published", "withdrawn") else None)
            if primary and portal is not None and _utc(portal) <= when:
                to_portal[unit_id].append(max(0.0, (_utc(portal) - published).total_seconds() / 3600))
    out = {}
    for unit_id in unit_ids:
        harvest, portal = to_harvest.get(unit_id, []), to_portal.get(unit_id, [])
        out[unit_id] = {**_spread(harvest), "to_portal": _spread(portal), "window_days": LATENCY_WINDOW.days}
    return out


def _utc(value: datetime) -> datetime:
    """A raw aggregate (min()) comes back without the column type: naive UTC on SQLite."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _spread(hours: list[float]) -> dict:
    if not hours:
        return {"median_hours": None, "p90_hours": None, "items": 0}
    ordered = sorted(hours)
    p90 = ordered[min(len(ordered) - 1, max(0, -(-9 * len(ordered) // 10) - 1))]  # nearest rank
    return {"median_hours": round(statistics.median(ordered), 1), "p90_hours": round(p90, 1), "items": len(ordered)}


def _chunks(ids: list[str]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]
