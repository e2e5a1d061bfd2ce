"""What a 月度通报 or 年度考核 says, collected from stored history as plain JSON data.

Read-only, and reproducible: every number is what the stored probes, column
states, findings and their events supported at the report's moment (the end of
the month, or ``--at``), so the same month over the same data gives the same
numbers, and a report can be kept with the data it was made from and rendered
again in any format (:mod:`supervision.reports.render`).  A finding's status in
the report is its status at that moment, read from its history.
"""
from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from harvestkit.dates import as_local
from interaction.calendar import add_workdays
from storage.models import Item, Unit
from supervision.history import monthly_updates, months_back
from supervision.kinds import FAIL, KIND_LABELS, PASS, VETO_LABELS, owner
from supervision.models import ColumnState, Evidence, Finding, FindingEvent, Probe
from supervision.rectification import STATUS_LABELS
from supervision.status import ProbeSummary, Scope, StatusError, moment, open_findings, probe_summary, status
from supervision.verdicts import judge

ADOPTED = ("published", "scheduled")
FORMAT_VERSION = 1


class ReportError(ValueError):
    """A period a report cannot be made for (in the future, malformed): a message for the user."""


def parse_month(text: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        date(year, month, 1)
    except (ValueError, TypeError):
        raise ReportError(f"月份“{text}”无效，请用 YYYY-MM 格式，例如 2026-11。") from None
    return year, month


def _day_start(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def _report_day(first: date, last: date, at: date | None, today: date) -> date:
    if first > today:
        raise ReportError(f"{first.year}年{first.month}月尚未开始，不能生成通报。")
    day = at or min(last, today)
    if day < first:
        raise ReportError(f"截止日期 {day.isoformat()} 早于统计期的开始 {first.isoformat()}。")
    if day > today:
        raise ReportError(f"截止日期 {day.isoformat()} 是将来的日期。")
    return day


def monthly(session: Session, scope: Scope, year: int, month: int, at: date | None = None,
            portal_name: str = "", now: datetime | None = None, with_trend: bool = True) -> dict:
    """The data of the 月度通报 for ``year``-``month`` as of ``at`` (default: the month's last day, or today)."""
    now = now or datetime.now(timezone.utc)
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    day = _report_day(first, last, at, as_local(now, scope.tz).date())
    try:
        day, when = moment(day, scope.tz, now)
    except StatusError as exc:
        raise ReportError(str(exc)) from None
    start = _day_start(first, scope.tz)
    result = status(session, scope, day, now=now)
    units = result["units"]
    ids = [u["id"] for u in units]
    names = {u["id"]: u["name"] for u in units}
    checked_in_month = _checked(session, ids, start, when)

    updates = monthly_updates(session, ids, day, scope.tz, months=1) if ids else {}
    submitted = _submissions(session, ids, start, when)
    findings = _findings(session, ids, start, when, scope.tz, names)
    trend = _trend(session, scope, day, now) if with_trend else []
    ranking = []
    for u in units:
        sub = submitted.get(u["id"], {"submitted": 0, "adopted": 0})
        ranking.append({
            "id": u["id"], "name": u["name"], "kind": u["kind"], "checked": u["checked"] or u["id"] in checked_in_month,
            "verdict": u["verdict"], "score": u["score"], "vetoes": [VETO_LABELS[v] for v in u["vetoes"]],
            "updates": updates.get(u["id"], [0])[-1],
            "duties": [{"column": d["column_name"], "required": d["required"], "delivered": d["delivered"],
                        "period": d["period_label"], "short": d["short"]} for d in u["duties"]],
            "submitted": sub["submitted"], "adopted": sub["adopted"],
            "adoption": round(sub["adopted"] / sub["submitted"], 4) if sub["submitted"] else None,
            "latency_median_hours": u["latency"]["median_hours"], "latency_p90_hours": u["latency"]["p90_hours"],
            "open_findings": len([f for f in u["findings"] if f["owner"] == "unit"]),
        })
    ranking.sort(key=lambda r: (not r["checked"], r["verdict"] != PASS, -r["score"], r["id"]))
    for place, row in enumerate(ranking, 1):
        row["rank"] = place
    checked = [r for r in ranking if r["checked"]]
    passed = sum(r["verdict"] == PASS for r in checked)
    previous = trend[-2] if len(trend) >= 2 else None
    overview = {
        "units": len(units), "checked": len(checked), "passed": passed, "failed": len(checked) - passed,
        "pass_rate": round(passed / len(checked), 4) if checked else None,
        "previous": previous, "findings": len([f for f in findings if f["owner"] == "unit"]),
        "findings_open": len([f for f in findings if f["owner"] == "unit" and f["open_at_end"]]),
    }
    return {
        "format": FORMAT_VERSION, "kind": "monthly", "period": f"{year:04d}-{month:02d}",
        "title": f"{portal_name or '政府网站'}{year}年{month}月政府网站监管情况通报",
        "portal": portal_name, "year": year, "month": month, "first": first.isoformat(), "at": day.isoformat(),
        "empty": not checked and not findings,
        "overview": overview, "problems": _problems(findings), "ranking": ranking, "findings": findings,
        "trend": trend, "rectification": _requirements(findings, ranking, day, scope),
        "policy": {"rectify_days": scope.policy.rectify_days},
    }


def _checked(session: Session, ids: list[str], start: datetime, when: datetime) -> set[str]:
    if not ids:
        return set()
    return set(session.scalars(select(Probe.unit_id).where(
        Probe.unit_id.in_(ids), Probe.checked_at >= start, Probe.checked_at <= when).group_by(Probe.unit_id)))


def _submissions(session: Session, ids: list[str], start: datetime, when: datetime) -> dict[str, dict]:
    """信息报送 in the period: submitted, and adopted (published or scheduled), per unit."""
    out: dict[str, dict] = defaultdict(lambda: {"submitted": 0, "adopted": 0})
    if not ids:
        return out
    rows = session.execute(select(Item.unit_id, Item.status, func.count(Item.id)).where(
        Item.unit_id.in_(ids), Item.origin == "submission", Item.created_at >= start, Item.created_at <= when)
        .group_by(Item.unit_id, Item.status))
    for unit_id, state, count in rows:
        out[unit_id]["submitted"] += count
        if state in ADOPTED:
            out[unit_id]["adopted"] += count
    return out


def _status_at(events: list[FindingEvent], finding: Finding, when: datetime) -> str:
    state = None
    for event in events:
        if event.at <= when and event.status_to:
            state = event.status_to
    if state is None:  # a finding from before the history existed
        state = "open" if finding.closed_at is None or finding.closed_at > when else finding.status
    return state


def _findings(session: Session, ids: list[str], start: datetime, when: datetime, tz: str, names: dict) -> list[dict]:
    """Every finding open at some moment of the period: one row of the 附件."""
    if not ids:
        return []
    rows = list(session.scalars(select(Finding).where(
        Finding.unit_id.in_(ids), Finding.since <= when, or_(Finding.closed_at.is_(None), Finding.closed_at > start))
        .order_by(Finding.unit_id, Finding.kind, Finding.since, Finding.id)))
    fids = [f.id for f in rows]
    events: dict[int, list[FindingEvent]] = defaultdict(list)
    evidence: dict[int, Evidence] = {}
    for chunk in range(0, len(fids), 500):
        part = fids[chunk:chunk + 500]
        for event in session.scalars(select(FindingEvent).where(FindingEvent.finding_id.in_(part)).order_by(FindingEvent.id)):
            events[event.finding_id].append(event)
        for row in session.scalars(select(Evidence).where(Evidence.finding_id.in_(part), Evidence.fetched_at <= when)
                                   .order_by(Evidence.fetched_at)):
            evidence[row.finding_id] = row  # the latest by the report's moment

    def local(value):
        return as_local(value, tz).strftime("%Y-%m-%d %H:%M") if value else None

    out = []
    for f in rows:
        state = _status_at(events[f.id], f, when)
        open_at_end = f.closed_at is None or f.closed_at > when
        proof = evidence.get(f.id)
        deadline = None
        for event in events[f.id]:
            if event.at <= when and event.action in ("open", "deadline"):
                deadline = (event.data or {}).get("deadline") or deadline
        if deadline is None and f.deadline and not events[f.id]:
            deadline = f.deadline.isoformat()
        out.append({
            "id": f.id, "unit_id": f.unit_id, "unit": names.get(f.unit_id, f.unit_id), "kind": f.kind,
            "kind_label": KIND_LABELS.get(f.kind, f.kind), "owner": owner(f.kind), "detail": f.detail, "url": f.url,
            "since": local(f.since), "last_seen": local(min(f.last_seen, when)),
            "closed_at": local(f.closed_at) if not open_at_end else None, "open_at_end": open_at_end,
            "status": state, "status_label": STATUS_LABELS.get(state, state), "deadline": deadline,
            "evidence": _evidence_text(proof, tz) if proof else "",
        })
    return out


def _evidence_text(proof: Evidence, tz: str) -> str:
    answer = f"HTTP {proof.http_status}" if proof.http_status else (proof.error or "无响应")
    return f"{as_local(proof.fetched_at, tz):%Y-%m-%d %H:%M} {proof.method or 'GET'} {proof.url} → {answer}" + (
        f"（{proof.note}）" if proof.note else "")


def _problems(findings: list[dict]) -> list[dict]:
    """主要问题: by kind, the units named, the unit's own problems only."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for f in findings:
        if f["owner"] == "unit":
            by_kind[f["kind"]].append(f)
    out = []
    for kind, rows in sorted(by_kind.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        units = Counter(f["unit"] for f in rows)
        out.append({"kind": kind, "label": KIND_LABELS.get(kind, kind), "count": len(rows),
                    "units": [{"name": name, "count": count} for name, count in sorted(units.items(), key=lambda kv: (-kv[1], kv[0]))]})
    return out


def _verdicts(session: Session, scope: Scope, day: date, now: datetime) -> list[tuple[bool, str]]:
    """(checked, verdict) of every unit at the end of ``day``: what :func:`status` says, from the
    findings and probes alone (the trend needs no freshness, duties or latency)."""
    day, when = moment(day, scope.tz, now)
    ids = list(session.scalars(select(Unit.id)))
    findings = open_findings(session, when, ids)
    probes = probe_summary(session, when, ids)
    observed = set(session.scalars(select(ColumnState.unit_id).where(ColumnState.observed_at <= when).group_by(ColumnState.unit_id)))
    out = []
    for unit_id in ids:
        mine = findings.get(unit_id, [])
        summary = probes.get(unit_id, ProbeSummary())
        out.append((bool(summary.total or mine or unit_id in observed), judge(mine, summary.failed, scope.policy).verdict))
    return out


def _trend(session: Session, scope: Scope, day: date, now: datetime) -> list[dict]:
    """合格率 at the end of each of the 12 months ending with ``day``'s month."""
    ends = [m - timedelta(days=1) for m in months_back(day, 12)[1:]] + [day]
    out = []
    for end in ends:
        checked = [verdict for seen, verdict in _verdicts(session, scope, end, now) if seen]
        passed = sum(verdict == PASS for verdict in checked)
        out.append({"month": f"{end.year:04d}-{end.month:02d}", "at": end.isoformat(), "checked": len(checked),
                    "passed": passed, "pass_rate": round(passed / len(checked), 4) if checked else None})
    return out


def _requirements(findings: list[dict], ranking: list[dict], day: date, scope: Scope) -> list[dict]:
    """整改要求: every unit with problems open at the report's moment, and its deadline."""
    open_by_unit: dict[str, list[dict]] = defaultdict(list)
    for f in findings:
        if f["owner"] == "unit" and f["open_at_end"]:
            open_by_unit[f["unit_id"]].append(f)
    default = add_workdays(day, scope.policy.rectify_days).isoformat()
    out = []
    for row in ranking:
        mine = open_by_unit.get(row["id"])
        if not mine:
            continue
        deadlines = [f["deadline"] for f in mine if f["deadline"]]
        out.append({"unit_id": row["id"], "unit": row["name"], "count": len(mine),
                    "kinds": sorted({f["kind_label"] for f in mine}),
                    "deadline": max(deadlines) if deadlines else default,
                    "overdue": sum(1 for f in mine if f["deadline"] and f["deadline"] < day.isoformat()
                                   and f["status"] in ("open", "reopened"))})
    return out


# -- the yearly assessment -------------------------------------------------------------------------
def yearly(session: Session, scope: Scope, year: int, at: date | None = None, portal_name: str = "",
           now: datetime | None = None) -> dict:
    """年度考核: the months of ``year`` up to ``at`` added up per unit: months 合格, average score,
    findings fixed on time."""
    now = now or datetime.now(timezone.utc)
    today = as_local(now, scope.tz).date()
    day = _report_day(date(year, 1, 1), date(year, 12, 31), at, today)
    months = []
    per_unit: dict[str, dict] = {}
    for month in range(1, day.month + 1):
        last = date(year, month, calendar.monthrange(year, month)[1])
        data = monthly(session, scope, year, month, min(last, day), portal_name, now, with_trend=False)
        months.append({"month": data["period"], "overview": data["overview"]})
        for row in data["ranking"]:
            unit = per_unit.setdefault(row["id"], {"id": row["id"], "name": row["name"], "kind": row["kind"],
                                                   "months_checked": 0, "months_passed": 0, "scores": [],
                                                   "updates": 0, "submitted": 0, "adopted": 0})
            unit["updates"] += row["updates"]
            unit["submitted"] += row["submitted"]
            unit["adopted"] += row["adopted"]
            if row["checked"]:
                unit["months_checked"] += 1
                unit["months_passed"] += row["verdict"] == PASS
                unit["scores"].append(row["score"])
    _, when = moment(day, scope.tz, now)
    timely = _on_time(session, list(per_unit), _day_start(date(year, 1, 1), scope.tz), when, scope.tz)
    ranking = []
    for unit in per_unit.values():
        scores = unit.pop("scores")
        fixed = timely.get(unit["id"], {"due": 0, "on_time": 0})
        unit.update({"average_score": round(sum(scores) / len(scores), 1) if scores else None,
                     "findings_due": fixed["due"], "fixed_on_time": fixed["on_time"],
                     "on_time_rate": round(fixed["on_time"] / fixed["due"], 4) if fixed["due"] else None,
                     "adoption": round(unit["adopted"] / unit["submitted"], 4) if unit["submitted"] else None,
                     "checked": unit["months_checked"] > 0})
        unit["verdict"] = (PASS if unit["months_passed"] * 2 >= unit["months_checked"] else FAIL) if unit["checked"] else "未检查"
        ranking.append(unit)
    ranking.sort(key=lambda r: (not r["checked"], -r["months_passed"], -(r["average_score"] or 0), r["id"]))
    for place, row in enumerate(ranking, 1):
        row["rank"] = place
    checked = [r for r in ranking if r["checked"]]
    passed = sum(r["verdict"] == PASS for r in checked)
    return {
        "format": FORMAT_VERSION, "kind": "yearly", "period": f"{year:04d}", "year": year, "at": day.isoformat(),
        "title": f"{portal_name or '政府网站'}{year}年度政府网站考核结果", "portal": portal_name,
        "empty": not checked, "months": months, "ranking": ranking,
        "overview": {"units": len(ranking), "checked": len(checked), "passed": passed, "failed": len(checked) - passed,
                     "pass_rate": round(passed / len(checked), 4) if checked else None},
        "trend": [{"month": m["month"], "pass_rate": m["overview"]["pass_rate"], "checked": m["overview"]["checked"],
                   "passed": m["overview"]["passed"]} for m in months],
        "policy": {"rectify_days": scope.policy.rectify_days},
    }


def _on_time(session: Session, ids: list[str], start: datetime, when: datetime, tz: str) -> dict[str, dict]:
    """Per unit: unit-owned findings opened in the year whose deadline has passed (or that were fixed),
    and how many were verified or closed by their deadline."""
    out: dict[str, dict] = defaultdict(lambda: {"due": 0, "on_time": 0})
    if not ids:
        return out
    today = as_local(when, tz).date()
    rows = session.scalars(select(Finding).where(Finding.unit_id.in_(ids), Finding.since >= start, Finding.since <= when,
                                                 Finding.deadline.is_not(None)))
    for f in rows:
        if owner(f.kind) != "unit":
            continue
        fixed_day = as_local(f.closed_at, tz).date() if f.closed_at and f.closed_at <= when else None
        if fixed_day is None and f.deadline >= today:
            continue  # still within its deadline: not yet due
        out[f.unit_id]["due"] += 1
        out[f.unit_id]["on_time"] += fixed_day is not None and fixed_day <= f.deadline
    return out
