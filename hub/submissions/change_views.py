"""A reporter's own pending submission: 修改 (title, 正文, columns) and 撤回.

Only reporters of the submitting unit, only while the item is still 待审核 (once an
editor decided, it is theirs); each change is screened again for sensitive terms,
audited with its before and after, and keeps the search index in step.
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from hub.actions import bump_content, record
from hub.auth import roles_required
from hub.db import db_session
from hub.submissions import bp
from hub.submissions.service import SUBMITTERS, SubmissionError, _clean_title, _columns, clean_body, text_fields
from storage import search
from storage.items import replace_columns
from storage.models import Item, PortalColumn
from storage.screen import Screen, load_terms

REASON_MAX = 500


def own_pending(item_id: int) -> Item:
    """The submission, if the signed-in reporter's unit made it and it still waits; else 404/409."""
    item = db_session().scalar(select(Item).where(Item.id == item_id, Item.origin == "submission"))
    if item is None or g.user.unit_id is None or item.unit_id != g.user.unit_id:
        abort(404)  # another unit's: not found, whatever the id
    if item.status != "pending":
        abort(409, description="这条报送已经处理（不再是待审核），不能修改或撤回。")
    return item


AUDIT_BODY_SHOWN = 200  # characters of the 正文 an audit entry keeps (before and after a change)


def _state(item: Item) -> dict:
    return {"title": item.title, "columns": sorted(c.column_id for c in item.columns),
            "body": item.body_text[:AUDIT_BODY_SHOWN], "status": item.status}


def edit_submission(session, item: Item, title: str, body_html: str, column_ids: list[str]) -> bool:
    before = _state(item)
    title = _clean_title(title)
    html, text, images = clean_body(body_html)
    columns = _columns(session, column_ids)
    terms = Screen(load_terms(session)).find(title, text, *(a.get("name", "") for a in item.attachments or []
                                                           if isinstance(a, dict)))
    for name, value in text_fields(title, html, text, images).items():
        setattr(item, name, value)
    item.sensitive_terms = terms
    if sorted(columns) != before["columns"]:
        replace_columns(item, columns)
    session.flush()
    after = _state(item)
    keys = [k for k in after if after[k] != before[k]]
    if not keys:
        return False
    record(session, g.user, "submission_edit", item.id, {k: before[k] for k in keys}, {k: after[k] for k in keys})
    search.refresh(session, [item.id])
    bump_content(session)
    return True


def withdraw_submission(session, item: Item, reason: str) -> None:
    before = {"status": item.status}
    item.status, item.status_reason = "withdrawn", ("报送单位撤回：" + reason) if reason else "报送单位撤回"
    record(session, g.user, "submission_withdraw", item.id, before, {"status": "withdrawn", "reason": reason or None})
    search.refresh(session, [item.id])
    bump_content(session)


@bp.route("/hub/submissions/<int:item_id>/edit", methods=["GET", "POST"])
@roles_required(*SUBMITTERS)
def edit(item_id: int):
    item = own_pending(item_id)
    session = db_session()
    columns = session.scalars(select(PortalColumn).order_by(PortalColumn.position, PortalColumn.id)).all()
    values = {"title": item.title, "body_html": item.body_html, "columns": [c.column_id for c in item.columns]}
    status, error = 200, None
    if request.method == "POST":
        values = {"title": request.form.get("title", ""), "body_html": request.form.get("body_html", ""),
                  "columns": request.form.getlist("columns")}
        try:
            changed = edit_submission(session, item, values["title"], values["body_html"], values["columns"])
        except SubmissionError as exc:
            session.rollback()
            status, error = 422, str(exc)
        else:
            session.commit()
            flash("已保存修改，等待审核。" if changed else "没有改动。")
            return redirect(url_for("submissions.show", item_id=item.id), 303)
    return render_template("submissions/edit.html", item=item, values=values, columns=columns, error=error,
                           unit=item.unit), status


@bp.post("/hub/submissions/<int:item_id>/withdraw")
@roles_required(*SUBMITTERS)
def withdraw(item_id: int):
    item = own_pending(item_id)
    session = db_session()
    reason = " ".join((request.form.get("reason") or "").split())[:REASON_MAX]
    withdraw_submission(session, item, reason)
    session.commit()
    flash("已撤回这条报送，编辑不会再审核它。")
    return redirect(url_for("submissions.show", item_id=item.id), 303)
