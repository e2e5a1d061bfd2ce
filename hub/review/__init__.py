"""The review queue (审核): list, show, publish / reject / unpublish; and the audit log."""
from __future__ import annotations

from math import ceil

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hub.auth import roles_required
from hub.db import db_session
from storage.models import ITEM_STATUSES, AuditEntry, Item, ItemColumn, ItemSource, PortalColumn, Unit, User

bp = Blueprint("review", __name__)

REVIEWERS = ("admin", "editor")
# action -> (statuses it applies to, status it sets)
ACTIONS = {
    "publish": ({"pending", "rejected", "withdrawn"}, "published"),
    "reject": ({"pending", "published", "withdrawn"}, "rejected"),
    "unpublish": ({"published"}, "withdrawn"),
}
ACTION_LABELS = {"publish": "发布", "reject": "退回", "unpublish": "撤销发布"}
STATUS_LABELS = {"pending": "待审核", "published": "已发布", "rejected": "已退回", "withdrawn": "已撤下"}


@bp.app_context_processor
def labels():
    return {"STATUS_LABELS": STATUS_LABELS, "ACTION_LABELS": ACTION_LABELS}


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


@bp.get("/review/")
@roles_required(*REVIEWERS)
def index():
    session = db_session()
    status = request.args.get("status", "pending")
    unit = request.args.get("unit", "")
    column = request.args.get("column", "")
    source = request.args.get("source", "")
    query = select(Item)
    if status in ITEM_STATUSES:
        query = query.where(Item.status == status)
    elif status != "all":
        status = "pending"
        query = query.where(Item.status == status)
    if unit:
        query = query.where(Item.unit_id == unit)
    if column:
        query = query.where(Item.id.in_(select(ItemColumn.item_id).where(ItemColumn.column_id == column)))
    if source:
        query = query.where(Item.id.in_(select(ItemSource.item_id).where(ItemSource.source_id == source)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    size = current_app.config["PAGE_SIZE"]
    pages = max(1, ceil(total / size))
    page = min(_page(), pages)
    items = session.scalars(
        query.options(selectinload(Item.unit))
        .order_by(Item.published_at.desc().nulls_last(), Item.id.desc())
        .limit(size).offset((page - 1) * size)
    ).all()
    filters = {"status": status, "unit": unit, "column": column, "source": source}
    return render_template(
        "review/index.html",
        items=items, total=total, page=page, pages=pages, filters=filters,
        statuses=ITEM_STATUSES,
        units=session.scalars(select(Unit).order_by(Unit.id)).all(),
        columns=session.scalars(select(PortalColumn).order_by(PortalColumn.position, PortalColumn.id)).all(),
    )


def _load_item(item_id: int) -> Item:
    item = db_session().scalar(
        select(Item).where(Item.id == item_id).options(
            selectinload(Item.unit), selectinload(Item.sources).selectinload(ItemSource.unit),
            selectinload(Item.columns),
        )
    )
    if item is None:
        abort(404)
    return item


@bp.get("/review/items/<int:item_id>")
@roles_required(*REVIEWERS)
def show(item_id: int):
    item = _load_item(item_id)
    session = db_session()
    column_names = dict(session.execute(select(PortalColumn.id, PortalColumn.name)).all())
    history = session.scalars(
        select(AuditEntry).where(AuditEntry.item_id == item.id).order_by(AuditEntry.id.desc())
    ).all()
    return render_template(
        "review/item.html", item=item, history=history,
        item_columns=[column_names.get(c.column_id, c.column_id) for c in item.columns],
    )


def _snapshot(item: Item) -> dict:
    return {"status": item.status, "flags": list(item.flags or [])}


@bp.post("/review/items/<int:item_id>/<action>")
@roles_required(*REVIEWERS)
def act(item_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    allowed_from, new_status = ACTIONS[action]
    session = db_session()
    item = session.get(Item, item_id)
    if item is None:
        abort(404)
    reason = (request.form.get("reason") or "").strip()
    if action == "reject" and not reason:
        flash("退回时必须填写原因。", "error")
        return redirect(url_for("review.show", item_id=item_id)), 303
    if item.status not in allowed_from:
        flash(f"当前状态（{STATUS_LABELS.get(item.status, item.status)}）不能执行“{ACTION_LABELS[action]}”。", "error")
        return redirect(url_for("review.show", item_id=item_id)), 303
    before = _snapshot(item)
    item.status = new_status
    after = _snapshot(item)
    if reason:
        after["reason"] = reason
    session.add(AuditEntry(
        user_id=g.user.id, username=g.user.username, action=action, item_id=item.id, before=before, after=after,
    ))
    session.commit()  # status change and audit entry in one transaction
    flash(f"已{ACTION_LABELS[action]}：{item.title}")
    return redirect(url_for("review.show", item_id=item_id)), 303


@bp.get("/audit/")
@roles_required("admin")
def audit():
    session = db_session()
    user = request.args.get("user", "")
    action = request.args.get("action", "")
    query = select(AuditEntry)
    if user:
        query = query.where(AuditEntry.username == user)
    if action:
        query = query.where(AuditEntry.action == action)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    size = current_app.config["PAGE_SIZE"]
    pages = max(1, ceil(total / size))
    page = min(_page(), pages)
    entries = session.scalars(
        query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(size).offset((page - 1) * size)
    ).all()
    return render_template(
        "review/audit.html", entries=entries, total=total, page=page, pages=pages,
        filters={"user": user, "action": action},
        users=session.scalars(select(User.username).order_by(User.username)).all(),
        actions=sorted(ACTIONS),
    )
