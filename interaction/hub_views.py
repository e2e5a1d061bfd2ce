"""The hub's 政民互动 pages (``/hub/letters/``): the office's inbox and the units' letters.

The portal office (editors, admins) sees every letter, dispatches (转办), answers,
returns, publishes or dismisses.  A unit's reporters see only their unit's letters
and answer them (with one 延期); any other letter is "not found" for them.  Letters
near their due date and overdue ones are flagged.
"""
from __future__ import annotations

from datetime import datetime, timezone
from math import ceil

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hub.auth import roles_required
from hub.db import commit_or_flash, db_session
from hub.portal.views import MAX_ID
from hub.review.query import page_arg
from interaction import access, calendar, service
from interaction.models import LETTER_KINDS, LETTER_STATUSES, OPEN_STATUSES, WITH_UNIT_STATUSES, Letter
from interaction.policy import current_policy
from storage.models import Unit

bp = Blueprint("letters", __name__, url_prefix="/hub/letters", template_folder="templates")
ROLES = (*access.OFFICE, *access.UNIT)
FLAGS = {"overdue": "已超期", "near_due": "即将到期"}


def _tz() -> str:
    return current_app.config["TIMEZONE"]


def _today():
    return service.local_date(datetime.now(timezone.utc), _tz())


def _flag_filter(query, flag: str, today):
    """Overdue: due before today; near due: due within ``near_due`` working days (both still with the unit)."""
    waiting = query.where(Letter.status.in_(WITH_UNIT_STATUSES))
    if flag == "overdue":
        return waiting.where(Letter.due_on < today)
    horizon = calendar.add_workdays(today, current_policy().near_due)
    return waiting.where(Letter.due_on >= today, Letter.due_on <= horizon)


@bp.get("/")
@roles_required(*ROLES)
def index():
    db = db_session()
    office = access.is_office(g.user)
    status = request.args.get("status", "")
    status = status if status in LETTER_STATUSES else ""
    flag = request.args.get("flag", "")
    flag = flag if flag in FLAGS else ""
    unit = request.args.get("unit", "") if office else ""
    today = _today()
    query = access.visible(g.user, select(Letter))
    if status:
        query = query.where(Letter.status == status)
    if unit:
        query = query.where(Letter.unit_id == unit)
    if flag:
        query = _flag_filter(query, flag, today)
    total = db.scalar(select(func.count()).select_from(query.subquery()))
    size = current_app.config["PAGE_SIZE"]
    pages = max(1, ceil(total / size))
    page = min(page_arg(), pages)
    letters = db.scalars(query.options(selectinload(Letter.unit)).order_by(Letter.received_at.desc(), Letter.id.desc())
                         .limit(size).offset((page - 1) * size)).all()
    counts = {name: db.scalar(select(func.count()).select_from(
        _flag_filter(access.visible(g.user, select(Letter)), name, today).subquery())) for name in FLAGS}
    inbox = db.scalar(select(func.count()).select_from(Letter).where(Letter.status.in_(("received", "replied")))) \
        if office else None
    near_due = current_policy().near_due
    return render_template(
        "interaction/hub_index.html", letters=letters, total=total, page=page, pages=pages, office=office,
        filters={k: v for k, v in {"status": status, "unit": unit, "flag": flag}.items() if v},
        statuses=LETTER_STATUSES, status_labels=service.STATUS_LABELS, flags=FLAGS, counts=counts, inbox=inbox,
        units=db.scalars(select(Unit).order_by(Unit.id)).all() if office else [], kinds=LETTER_KINDS,
        state=lambda letter: service.deadline_state(letter, today, near_due),
    )


def _load(letter_id: int) -> Letter:
    if letter_id > MAX_ID:
        abort(404)
    letter = db_session().scalar(select(Letter).where(Letter.id == letter_id).options(
        selectinload(Letter.events), selectinload(Letter.unit), selectinload(Letter.requested_unit)))
    if letter is None or not access.can_see(g.user, letter):
        abort(404)  # another unit's letter: not found, whatever the id
    return letter


@bp.get("/<int:letter_id>")
@roles_required(*ROLES)
def show(letter_id: int):
    letter = _load(letter_id)
    db = db_session()
    today = _today()
    policy = current_policy()
    used = (calendar.workdays_between(service.local_date(letter.dispatched_at, _tz()), letter.due_on)
            if letter.dispatched_at and letter.due_on else 0)
    return render_template(
        "interaction/hub_show.html", letter=letter, office=access.is_office(g.user),
        unit_member=access.is_unit_of(g.user, letter), status_labels=service.STATUS_LABELS,
        action_labels=service.ACTION_LABELS, state=service.deadline_state(letter, today, policy.near_due),
        flags=FLAGS, units=db.scalars(select(Unit).order_by(Unit.kind, Unit.id)).all(),
        open_statuses=OPEN_STATUSES, with_unit=WITH_UNIT_STATUSES, max_extension=max(0, policy.max_days - used),
        on_time=service.on_time(letter, _tz()), calendar_covered=letter.due_on is None or calendar.covered(letter.due_on),
    )


def _act(letter_id: int, change, done: str):
    letter = _load(letter_id)

    def guarded(db) -> None:
        try:
            change(db, letter)
        except service.LetterForbidden:
            db.rollback()
            abort(403)

    commit_or_flash(guarded, service.LetterError, done)
    return redirect(url_for("letters.show", letter_id=letter_id), 303)


@bp.post("/<int:letter_id>/dispatch")
@roles_required(*access.OFFICE)
def dispatch(letter_id: int):
    unit = request.form.get("unit", "")
    return _act(letter_id, lambda db, letter: service.dispatch(
        db, letter, g.user, unit, current_policy(), _tz()), "已转办。")


@bp.post("/<int:letter_id>/reply")
@roles_required(*ROLES)
def reply(letter_id: int):
    form = request.form
    extend = None
    if form.get("extend") == "1":
        raw = (form.get("extend_days") or "").strip()
        extend = int(raw) if raw.isdigit() else -1
    return _act(letter_id, lambda db, letter: service.reply(
        db, letter, g.user, form.get("body", ""), current_policy(), _tz(),
        extend_days=extend, reason=form.get("reason")), "已申请延期并提交阶段性答复。" if extend else "已提交答复，等待门户办审核。")


@bp.post("/<int:letter_id>/return")
@roles_required(*access.OFFICE)
def return_reply(letter_id: int):
    return _act(letter_id, lambda db, letter: service.return_reply(
        db, letter, g.user, request.form.get("comment", "")), "已退回承办单位重办。")


@bp.post("/<int:letter_id>/publish")
@roles_required(*access.OFFICE)
def publish(letter_id: int):
    public = request.form.get("public") == "1"
    return _act(letter_id, lambda db, letter: service.publish(
        db, letter, g.user, public=public, confirm_sensitive=request.form.get("confirm_sensitive") == "1"),
        "已公开。" if public else "已办结（不公开）。")


@bp.post("/<int:letter_id>/unpublish")
@roles_required(*access.OFFICE)
def unpublish(letter_id: int):
    return _act(letter_id, lambda db, letter: service.unpublish(
        db, letter, g.user, request.form.get("reason", "")), "已撤销公开。")


@bp.post("/<int:letter_id>/dismiss")
@roles_required(*access.OFFICE)
def dismiss(letter_id: int):
    return _act(letter_id, lambda db, letter: service.dismiss(
        db, letter, g.user, request.form.get("reason", "")), "已作不予受理处理。")
