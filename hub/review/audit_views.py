"""The audit log: every editorial action, newest first, filterable; admins only; never deleted."""
from __future__ import annotations

from flask import current_app, render_template, request
from sqlalchemy import select

from hub.auth import roles_required
from hub.db import db_session
from hub.review import bp
from hub.review.query import page_arg, paginate
from hub.review.audit_format import AuditFormatter, actor_label
from storage.models import AuditEntry, PortalColumn, Unit, User


@bp.get("/audit/")
@roles_required("admin")
def audit():
    session = db_session()
    filters = {k: (request.args.get(k) or "").strip() for k in ("user", "action", "item")}
    query = select(AuditEntry)
    if filters["user"]:
        query = query.where(AuditEntry.username == filters["user"])
    if filters["action"]:
        query = query.where(AuditEntry.action == filters["action"])
    if filters["item"].isdigit():
        query = query.where(AuditEntry.item_id == int(filters["item"]))
    size = current_app.config["PAGE_SIZE"]
    total, page, pages = paginate(session, query, page_arg(), size)
    entries = session.scalars(
        query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(size).offset((page - 1) * size)
    ).all()
    recorded = session.scalars(select(AuditEntry.action).distinct()).all()
    formatter = AuditFormatter(dict(session.execute(select(Unit.id, Unit.name)).all()),
                               dict(session.execute(select(PortalColumn.id, PortalColumn.name)).all()),
                               current_app.config["TIMEZONE"])
    rows = [(e, actor_label(e.username, e.after), formatter.changes(e.before, e.after)) for e in entries]
    return render_template(
        "review/audit.html", rows=rows, entries=entries, total=total, page=page, pages=pages, filters=filters,
        users=sorted(set(session.scalars(select(User.username)).all()) | set(session.scalars(
            select(AuditEntry.username).where(AuditEntry.username == "system").limit(1)).all())),
        actions=sorted(set(recorded) | {"publish", "reject", "unpublish", "edit"}),
    )
