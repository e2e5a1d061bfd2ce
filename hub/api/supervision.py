"""Supervision over the API: the status as of a date (the same JSON as
``zhanqun supervise status --json``) and the findings.  Editors and admins see
every unit; a reporter sees their own unit only."""
from __future__ import annotations

from datetime import date

from flask import g, jsonify, request
from sqlalchemy import func, select

from harvester.registry import FINDING_KINDS
from hub.api import bp
from hub.api.auth import token_required
from hub.api.errors import ApiError
from hub.api.params import int_arg, str_arg
from hub.db import db_session
from hub.supervision import OFFICE_ROLES
from hub.supervision.context import current_scope
from storage.models import Unit
from supervision import rectification
from supervision.models import FINDING_STATUSES, Finding
from supervision.status import StatusError, finding_json, status

PER_PAGE_DEFAULT, PER_PAGE_MAX = 50, 500
STATUS_CHOICES = (*FINDING_STATUSES, "overdue")


def _units() -> list[str] | None:
    """The units the token may ask about, narrowed by ``unit``; None: all."""
    user = g.api_user
    unit = str_arg("unit")
    if user.role not in OFFICE_ROLES:
        if not user.unit_id:
            raise ApiError(403, "该账号未绑定单位，不能查看监管结论。")
        if unit and unit != user.unit_id:
            raise ApiError(403, "报送员只能查看本单位的监管情况。")
        return [user.unit_id]
    if unit:
        if db_session().get(Unit, unit) is None:
            raise ApiError(400, f"没有单位“{unit}”。")
        return [unit]
    return None


@bp.get("/v1/supervision/status")
@token_required()
def supervision_status():
    raw = str_arg("at")
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        raise ApiError(400, f"参数 at 须为日期 YYYY-MM-DD（收到“{raw}”）。") from None
    units = _units()
    try:
        return jsonify(status(db_session(), current_scope(), day, units))
    except StatusError as exc:
        raise ApiError(400, str(exc)) from None


@bp.get("/v1/supervision/findings")
@token_required()
def supervision_findings():
    units = _units()
    kind, state = str_arg("kind"), str_arg("status")
    if kind and kind not in FINDING_KINDS:
        raise ApiError(400, f"参数 kind 须为 {'、'.join(FINDING_KINDS)} 之一。")
    if state and state not in STATUS_CHOICES:
        raise ApiError(400, f"参数 status 须为 {'、'.join(STATUS_CHOICES)} 之一。")
    page = int_arg("page", 1, 1)
    per_page = int_arg("per_page", PER_PAGE_DEFAULT, 1, PER_PAGE_MAX)
    query = select(Finding)
    if units is not None:
        query = query.where(Finding.unit_id.in_(units))
    if kind:
        query = query.where(Finding.kind == kind)
    if state:
        query = query.where(rectification.status_filter(state, _today()))
    session = db_session()
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Finding.since.desc(), Finding.id.desc()).limit(per_page).offset((page - 1) * per_page))
    tz = current_scope().tz
    day = _today()
    return jsonify(items=[_ticket(f, tz, day) for f in rows], total=total, page=page, per_page=per_page)


def _today():
    from datetime import datetime, timezone

    from harvestkit.dates import as_local

    return as_local(datetime.now(timezone.utc), current_scope().tz).date()


def _ticket(finding: Finding, tz: str, day, history: list | None = None) -> dict:
    out = finding_json(finding, tz, when_open=False)
    out.update({"status": rectification.shown_status(finding, day), "status_now": finding.status,
                "deadline": finding.deadline.isoformat() if finding.deadline else None,
                "overdue": rectification.is_overdue(finding, day)})
    if history is not None:
        out["history"] = history
    return out


def _own_finding(finding_id: int) -> Finding:
    """The finding, if the token may see it: 404 for an unknown id, 403 for another unit's."""
    row = db_session().get(Finding, finding_id)
    if row is None:
        raise ApiError(404, f"没有问题 #{finding_id}。")
    user = g.api_user
    if user.role not in OFFICE_ROLES and (user.role != "reporter" or user.unit_id != row.unit_id):
        raise ApiError(403, "只能查看和整改本单位的问题。")
    return row


@bp.get("/v1/supervision/findings/<int:finding_id>")
@token_required()
def supervision_finding(finding_id: int):
    row = _own_finding(finding_id)
    tz = current_scope().tz
    return jsonify(_ticket(row, tz, _today(), rectification.history_json(db_session(), row, tz)))


@bp.post("/v1/supervision/findings/<int:finding_id>/rectify")
@token_required()
def supervision_rectify(finding_id: int):
    row = _own_finding(finding_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("note"), str):
        raise ApiError(400, "请求体须为 JSON：{\"note\": \"整改说明\"}。")
    session = db_session()
    try:
        rectification.rectify(session, row, g.api_user, body["note"])
    except rectification.RectifyError as exc:
        session.rollback()
        raise ApiError(409 if "不能报告整改" in str(exc) else 400, str(exc)) from None
    session.commit()
    tz = current_scope().tz
    return jsonify(_ticket(row, tz, _today(), rectification.history_json(session, row, tz)))
