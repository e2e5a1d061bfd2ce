"""政民互动 in the hub's API (``/api/v1/letters``), on the API blueprint.

The portal office (editor, admin tokens) sees and acts on every letter; a reporter's
token sees only the letters dispatched to the reporter's unit (any other id: 404) and
may only answer them (other actions: 403).  Answers carry the citizen's contact
details, since only the office and the assigned unit ever get one.  Reply bodies are
sanitized with nh3.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import current_app, g, jsonify
from sqlalchemy import select

from hub.api import bp
from hub.api.auth import token_required
from hub.api.errors import ApiError, commit_or_refuse
from hub.api.items import page_of
from hub.api.params import field, json_body, str_arg
from hub.api.serialize import when
from hub.db import db_session
from hub.portal.views import MAX_ID
from interaction import access, service
from interaction.models import LETTER_STATUSES, Letter
from interaction.policy import current_policy
from interaction.stats import letter_stats
from storage.models import Unit

ROLES = (*access.OFFICE, *access.UNIT)


def serialize(letter: Letter) -> dict:
    return {
        "id": letter.id, "kind": letter.kind, "title": letter.title, "body": letter.body,
        "status": letter.status, "unit": letter.unit_id, "requested_unit": letter.requested_unit_id,
        "contact": {"name": letter.name, "phone": letter.phone}, "public_consent": letter.public_consent,
        "received_at": when(letter.received_at), "dispatched_at": when(letter.dispatched_at),
        "due_at": letter.due_on.isoformat() if letter.due_on else None, "extended_days": letter.extended_days,
        "extension_reason": letter.extension_reason, "interim_reply": letter.interim_html,
        "reply": letter.reply_html, "replied_at": when(letter.replied_at), "reply_unit": letter.reply_unit_id,
        "on_time": service.on_time(letter, current_app.config["TIMEZONE"]),
        "office_comment": letter.office_comment, "published_at": when(letter.published_at),
        "sensitive_terms": list(letter.sensitive_terms or []),
    }


def _load(letter_id: int) -> Letter:
    if letter_id > MAX_ID:
        raise ApiError(404, f"来信 #{letter_id} 不存在。")
    letter = db_session().scalar(access.visible(g.api_user, select(Letter).where(Letter.id == letter_id)))
    if letter is None:
        raise ApiError(404, f"来信 #{letter_id} 不存在。")
    return letter


def _apply(letter: Letter, change):
    commit_or_refuse(change, ((service.LetterForbidden, 403, None), (service.LetterConflict, 409, "wrong_status"),
                              (service.LetterError, 422, None)))
    return jsonify(serialize(_load(letter.id)))


@bp.get("/v1/letters")
@token_required(*ROLES)
def list_letters():
    query = access.visible(g.api_user, select(Letter))
    if (status := str_arg("status")) is not None:
        if status not in LETTER_STATUSES:
            raise ApiError(400, f"参数 status 无效（可用值：{'、'.join(LETTER_STATUSES)}）。")
        query = query.where(Letter.status == status)
    if (unit := str_arg("unit")) is not None:
        if db_session().get(Unit, unit) is None:
            raise ApiError(400, f"参数 unit 无效：没有编号为“{unit}”的单位。")
        query = query.where(Letter.unit_id == unit)
    return jsonify(page_of(query.order_by(Letter.received_at.desc(), Letter.id.desc()), serialize, load=False))


def _date_arg(name: str) -> date | None:
    raw = str_arg(name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, f"参数 {name} 须为日期，例如 2026-11-01。") from None


@bp.get("/v1/letters/stats")
@token_required(*ROLES)
def letter_stats_view():
    start, end = _date_arg("from"), _date_arg("to")
    unit = str_arg("unit")
    if access.is_office(g.api_user):
        if unit is not None and db_session().get(Unit, unit) is None:
            raise ApiError(400, f"参数 unit 无效：没有编号为“{unit}”的单位。")
    else:
        unit = g.api_user.unit_id  # a unit sees its own figures
    tz = current_app.config["TIMEZONE"]
    rows = letter_stats(db_session(), start=start, end=end, unit_id=unit, tz=tz)
    today = service.local_date(datetime.now(timezone.utc), tz)
    return jsonify({"from": start.isoformat() if start else None, "to": end.isoformat() if end else None,
                    "as_of": today.isoformat(), "units": {k: v.as_dict() for k, v in sorted(rows.items())}})


@bp.get("/v1/letters/<int:letter_id>")
@token_required(*ROLES)
def get_letter(letter_id: int):
    return jsonify(serialize(_load(letter_id)))


@bp.post("/v1/letters/<int:letter_id>/dispatch")
@token_required(*access.OFFICE)
def dispatch_letter(letter_id: int):
    body = json_body(("unit",))
    unit = field(body, "unit", str, required=True)
    letter = _load(letter_id)
    return _apply(letter, lambda db: service.dispatch(
        db, letter, g.api_user, unit, current_policy(), current_app.config["TIMEZONE"]))


@bp.post("/v1/letters/<int:letter_id>/reply")
@token_required(*ROLES)
def reply_letter(letter_id: int):
    body = json_body(("body", "extend_days", "reason"))
    text = field(body, "body", str, required=True)
    extend = field(body, "extend_days", int, nullable=True, absent=None)
    reason = field(body, "reason", str, nullable=True, absent=None)
    letter = _load(letter_id)
    return _apply(letter, lambda db: service.reply(
        db, letter, g.api_user, text, current_policy(), current_app.config["TIMEZONE"],
        extend_days=extend, reason=reason))


@bp.post("/v1/letters/<int:letter_id>/publish")
@token_required(*access.OFFICE)
def publish_letter(letter_id: int):
    body = json_body(("public", "confirm_sensitive"), required=False)
    public = field(body, "public", bool, nullable=True, absent=None)
    confirm = field(body, "confirm_sensitive", bool)
    letter = _load(letter_id)
    return _apply(letter, lambda db: service.publish(
        db, letter, g.api_user, public=public, confirm_sensitive=confirm is True))


@bp.post("/v1/letters/<int:letter_id>/return")
@token_required(*access.OFFICE)
def return_letter(letter_id: int):
    body = json_body(("comment",))
    comment = field(body, "comment", str, required=True)
    letter = _load(letter_id)
    return _apply(letter, lambda db: service.return_reply(db, letter, g.api_user, comment))
