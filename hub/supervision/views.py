"""The pages of 监管: the overview of every unit, a unit's page, a finding with its
evidence, the raw page kept as evidence, and 立即检查 (check a unit now)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from harvester.extract import decode_body
from harvester.registry import FINDING_KINDS
from hub.actions import record
from hub.auth import login_required, roles_required
from hub.db import db_session
from hub.harvest.registry_file import read_registry
from hub.review.query import paginate
from hub.supervision import OFFICE_ROLES, bp, charts, launch
from hub.supervision.context import asked_date, current_scope, may_see
from storage.models import Unit
from supervision.findings import raw_page
from supervision.history import daily_availability, monthly_updates, months_back, verdict_history
from supervision.models import FINDING_STATUSES, Evidence, Finding
from supervision.status import StatusError, finding_json, status

FINDINGS_PER_PAGE = 20
PREVIEW_CHARS = 20_000
AVAILABILITY_DAYS = 30


def _status(unit_ids: list[str] | None = None) -> dict:
    try:
        return status(db_session(), current_scope(), asked_date(), unit_ids)
    except StatusError as exc:
        flash(str(exc), "error")
        return status(db_session(), current_scope(), None, unit_ids)


def _month_labels(day: date, months: int = 12) -> list[str]:
    return [f"{m.month}月" if m.month != 1 or i == 0 else f"{m.year % 100}年1月"
            for i, m in enumerate(months_back(day, months))]


@bp.get("/")
@login_required
def index():
    if g.user.role not in OFFICE_ROLES:
        if g.user.unit_id:
            return redirect(url_for("supervision.unit", unit_id=g.user.unit_id))
        abort(403)
    result = _status()
    day = date.fromisoformat(result["at"])
    units = result["units"]
    ids = [u["id"] for u in units]
    scope = current_scope()
    updates = monthly_updates(db_session(), ids, day, scope.tz) if ids else {}
    months = months_back(day)
    top = max((v for row in updates.values() for v in row), default=0)
    updates_chart = charts.heatmap(
        "各单位每月更新信息数", _month_labels(day),
        [charts.Row(u["name"], updates[u["id"]],
                    [f"{u['name']} {m.year}年{m.month}月：{n} 条" for m, n in zip(months, updates[u["id"]])]) for u in units],
        charts.updates_fill(top), cell=30) if units else None
    availability = daily_availability(db_session(), ids, day, scope.tz, AVAILABILITY_DAYS) if ids else {}
    days = next(iter(availability.values()), [])
    availability_chart = charts.heatmap(
        f"首页可用率（近 {AVAILABILITY_DAYS} 天，按日）", [f"{d.day.day}" for d in days],
        [charts.Row(u["name"], [d.share for d in availability[u["id"]]],
                    [_availability_tip(u["name"], d) for d in availability[u["id"]]]) for u in units],
        charts.availability_fill, cell=14, column_every=5) if units else None
    counts = {verdict: sum(u["checked"] and u["verdict"] == verdict for u in units) for verdict in ("合格", "不合格")}
    counts["尚未检查"] = sum(not u["checked"] for u in units)
    return render_template("supervision/index.html", result=result, units=units, counts=counts, day=day,
                           updates_chart=updates_chart, availability_chart=availability_chart, updates=updates,
                           months=months, registry=read_registry(), policy=scope.policy)


def _availability_tip(name: str, d) -> str:
    if not d.probes:
        return f"{name} {d.day:%m-%d}：无检查"
    return f"{name} {d.day:%m-%d}：可用 {d.share:.0%}（检查 {d.probes} 次，失败 {d.failed} 次）"


@bp.get("/units/<unit_id>")
@login_required
def unit(unit_id: str):
    may_see(unit_id)
    session = db_session()
    row = session.get(Unit, unit_id)
    if row is None:
        abort(404)
    result = _status([unit_id])
    info = result["units"][0]
    day = date.fromisoformat(result["at"])
    scope = current_scope()
    kind = request.args.get("kind") if request.args.get("kind") in FINDING_KINDS else None
    state = request.args.get("status") if request.args.get("status") in FINDING_STATUSES else None
    query = select(Finding).where(Finding.unit_id == unit_id)
    if kind:
        query = query.where(Finding.kind == kind)
    if state:
        query = query.where(Finding.status == state)
    query = query.order_by(Finding.open_key.is_(None), Finding.since.desc(), Finding.id.desc())
    total, page, pages = paginate(session, query, request.args.get("page", 1, type=int), FINDINGS_PER_PAGE)
    findings = [finding_json(f, scope.tz, when_open=False)
                for f in session.scalars(query.limit(FINDINGS_PER_PAGE).offset((page - 1) * FINDINGS_PER_PAGE))]
    months = months_back(day)
    updates = monthly_updates(session, [unit_id], day, scope.tz)[unit_id]
    updates_chart = charts.bars(f"{row.name}每月更新信息数", _month_labels(day), updates,
                                [f"{m.year}年{m.month}月：{n} 条" for m, n in zip(months, updates)],
                                charts.updates_fill(max(updates or [0])), bar=34)
    days = daily_availability(session, [unit_id], day, scope.tz, AVAILABILITY_DAYS)[unit_id]
    availability_chart = charts.bars(
        f"{row.name}首页可用率（近 {AVAILABILITY_DAYS} 天）", [f"{d.day.day}" for d in days],
        [round(100 * d.share) if d.share is not None else None for d in days],
        [_availability_tip(row.name, d) for d in days], lambda v: charts.availability_fill(None if v is None else v / 100),
        maximum=100, bar=16, label_every=5, unit="%")
    return render_template(
        "supervision/unit.html", unit=row, info=info, day=day, findings=findings, total=total, page=page, pages=pages,
        filters={k: v for k, v in (("kind", kind), ("status", state), ("at", request.args.get("at"))) if v},
        history=verdict_history(session, scope, unit_id, day), updates_chart=updates_chart,
        availability_chart=availability_chart, may_check=g.user.role in OFFICE_ROLES,
    )


@bp.get("/findings/<int:finding_id>")
@login_required
def finding(finding_id: int):
    row = db_session().get(Finding, finding_id)
    if row is None:
        abort(404)
    may_see(row.unit_id)
    previews = {}
    for evidence in row.evidence:
        raw = raw_page(evidence)
        if raw:
            previews[evidence.id] = decode_body(raw, evidence.content_type)[0][:PREVIEW_CHARS]
    from hub.supervision.rectify_views import finding_page_extra

    return render_template("supervision/finding.html", finding=row, info=finding_json(row, current_scope().tz, when_open=False),
                           unit=db_session().get(Unit, row.unit_id), previews=previews, **finding_page_extra(row))


@bp.get("/evidence/<int:evidence_id>/raw")
@login_required
def evidence_raw(evidence_id: int):
    """The page as fetched, as a download: never rendered on our origin (it is the sub-site's HTML)."""
    evidence = db_session().get(Evidence, evidence_id)
    if evidence is None:
        abort(404)
    may_see(evidence.finding.unit_id)
    raw = raw_page(evidence)
    if raw is None:
        abort(404)
    response = current_app.response_class(raw, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="evidence-{evidence.id}.html"'
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/units/<unit_id>/check")
@roles_required(*OFFICE_ROLES)
def check_now(unit_id: str):
    session = db_session()
    if session.get(Unit, unit_id) is None:
        abort(404)
    registry = read_registry()
    back = redirect(url_for("supervision.unit", unit_id=unit_id), 303)
    if not registry.valid:
        flash("采集配置有误，暂不能检查。", "error")
        return back
    if all(u.id != unit_id for u in registry.registry.units):
        flash(f"采集配置中没有单位“{unit_id}”，不能检查。", "error")
        return back
    try:
        pid = launch.start(unit_id, registry.path, current_app.config["DATABASE_URL"])
    except launch.LaunchError as exc:
        flash(str(exc), "error")
        return back
    record(session, g.user, "supervise_now", None, {"unit": unit_id}, {"unit": unit_id, "pid": pid,
                                                                      "at": datetime.now(timezone.utc).isoformat()})
    session.commit()
    flash("已开始检查（首页、栏目、内容保障、链接），通常一两分钟内完成，刷新本页查看结果。")
    return back
