"""整改: a reporter's own findings (``/mine``), the office's list of every finding with filters,
and the steps on one finding — report it fixed (the unit's reporter, or an editor), set its
deadline and comment (editors and admins).  Every step is a history row and an audit entry.
A finding of another unit is 403 for a reporter whatever id they try; an unknown id is 404."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from harvestkit.dates import as_local
from harvester.registry import FINDING_KINDS
from hub.auth import login_required, roles_required
from hub.db import commit_or_flash, db_session
from hub.review.query import paginate
from hub.supervision import OFFICE_ROLES, bp
from hub.supervision.context import current_scope, may_see
from storage.models import Unit
from supervision import rectification
from supervision.models import FINDING_STATUSES, Finding, FindingEvent

PER_PAGE = 30
STATUS_CHOICES = (*FINDING_STATUSES, "overdue")


def today() -> date:
    from datetime import datetime, timezone

    return as_local(datetime.now(timezone.utc), current_scope().tz).date()


def may_act(finding: Finding) -> None:
    """The unit's own reporter, or the office; 403 for anyone else."""
    may_see(finding.unit_id)


def _filtered(unit_id: str | None, kind: str | None, state: str | None):
    query = select(Finding)
    if unit_id:
        query = query.where(Finding.unit_id == unit_id)
    if kind:
        query = query.where(Finding.kind == kind)
    if state:
        query = query.where(rectification.status_filter(state, today()))
    return query.order_by(Finding.open_key.is_(None), Finding.deadline.is_(None), Finding.deadline, Finding.since.desc(),
                          Finding.id.desc())


def _listing(only_unit: str | None, template: str, **extra):
    session = db_session()
    kind = request.args.get("kind") if request.args.get("kind") in FINDING_KINDS else None
    state = request.args.get("status") if request.args.get("status") in STATUS_CHOICES else None
    query = _filtered(only_unit, kind, state)
    total, page, pages = paginate(session, query, request.args.get("page", 1, type=int), PER_PAGE)
    rows = list(session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    day = today()
    return render_template(template, findings=rows, total=total, page=page, pages=pages, names=names, day=day,
                           shown=lambda f: rectification.shown_status(f, day), STATUS_LABELS=rectification.STATUS_LABELS,
                           STATUS_CHOICES=STATUS_CHOICES, kind=kind, state=state,
                           filters={k: v for k, v in (("kind", kind), ("status", state), ("unit", request.args.get("unit"))) if v},
                           **extra)


@bp.get("/mine")
@login_required
def mine():
    """A reporter's 整改 list: their unit's findings, open ones first, deadlines soonest first."""
    if g.user.role in OFFICE_ROLES:
        return redirect(url_for("supervision.findings", **request.args))
    if g.user.role != "reporter" or not g.user.unit_id:
        abort(403)
    unit = db_session().get(Unit, g.user.unit_id)
    return _listing(g.user.unit_id, "supervision/mine.html", unit=unit)


@bp.get("/findings")
@roles_required(*OFFICE_ROLES)
def findings():
    session = db_session()
    unit_id = request.args.get("unit") or None
    if unit_id and session.get(Unit, unit_id) is None:
        flash(f"没有单位“{unit_id[:64]}”，下面是全部单位的问题。", "error")
        unit_id = None
    units = list(session.execute(select(Unit.id, Unit.name).order_by(Unit.kind, Unit.id)))
    return _listing(unit_id, "supervision/findings.html", units=units, unit_id=unit_id)


def _finding(finding_id: int) -> Finding:
    row = db_session().get(Finding, finding_id)
    if row is None:
        abort(404)
    may_act(row)
    return row


def _back(finding_id: int):
    return redirect(url_for("supervision.finding", finding_id=finding_id) + "#h-rectify", 303)


@bp.post("/findings/<int:finding_id>/rectify")
@login_required
def rectify(finding_id: int):
    row = _finding(finding_id)
    upload = request.files.get("attachment")
    attachment = None
    if upload and upload.filename:
        body = upload.stream.read(rectification.ATTACHMENT_MAX + 1)
        attachment = (upload.filename, (upload.mimetype or "").split(";")[0], body)
    commit_or_flash(lambda s: rectification.rectify(s, row, g.user, request.form.get("note", ""), attachment),
                    rectification.RectifyError, "已报告整改，等待下一次检查复核（也可请门户办公室“立即检查”）。")
    return _back(finding_id)


@bp.post("/findings/<int:finding_id>/deadline")
@roles_required(*OFFICE_ROLES)
def deadline(finding_id: int):
    row = _finding(finding_id)
    try:
        day = date.fromisoformat(request.form.get("deadline", ""))
    except ValueError:
        flash("期限须为 YYYY-MM-DD 格式的日期。", "error")
        return _back(finding_id)
    commit_or_flash(lambda s: rectification.set_deadline(s, row, g.user, day, request.form.get("note", "")),
                    rectification.RectifyError, f"整改期限已改为 {day.isoformat()}。")
    return _back(finding_id)


@bp.post("/findings/<int:finding_id>/comment")
@roles_required(*OFFICE_ROLES)
def comment(finding_id: int):
    row = _finding(finding_id)
    commit_or_flash(lambda s: rectification.comment(s, row, g.user, request.form.get("note", "")),
                    rectification.RectifyError, "已添加备注。")
    return _back(finding_id)


@bp.get("/findings/<int:finding_id>/events/<int:event_id>/attachment")
@login_required
def attachment(finding_id: int, event_id: int):
    from flask import current_app

    row = _finding(finding_id)
    event = db_session().get(FindingEvent, event_id)
    if event is None or event.finding_id != row.id or event.attachment is None:
        abort(404)
    response = current_app.response_class(event.attachment, mimetype="application/octet-stream")
    from urllib.parse import quote

    response.headers["Content-Disposition"] = f"attachment; filename=\"attachment-{event.id}\"; filename*=UTF-8''{quote(event.attachment_name or '附件')}"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def finding_page_extra(row: Finding) -> dict:
    """What the finding page adds for 整改: its history, the shown status, who may do what."""
    day = today()
    return {"history": rectification.history_json(db_session(), row, current_scope().tz),
            "shown_status": rectification.shown_status(row, day), "STATUS_LABELS": rectification.STATUS_LABELS,
            "may_rectify": row.status in rectification.RECTIFIABLE, "office": g.user.role in OFFICE_ROLES,
            "events": {e.id: e.attachment_name for e in db_session().scalars(
                select(FindingEvent).where(FindingEvent.finding_id == row.id, FindingEvent.attachment_name.is_not(None)))}}
