"""The queue page and its bulk actions."""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hub import actions
from hub.auth import roles_required
from hub.db import db_session
from hub.review import bp
from hub.review.query import QUEUE_ORDER, current_filters, page_arg, paginate, queue_query
from storage.models import ITEM_STATUSES, Item, PortalColumn, Source, Unit

BULK_ACTIONS = {
    "publish": "发布", "reject": "退回", "unpublish": "撤销发布",
    "feature": "首页推荐", "unfeature": "取消推荐", "pin": "置顶", "unpin": "取消置顶",
}
BULK_MAX = 500


@bp.get("/review/")
@roles_required(*actions.REVIEWERS)
def index():
    session = db_session()
    filters = current_filters()
    query = queue_query(filters)
    size = current_app.config["PAGE_SIZE"]
    total, page, pages = paginate(session, query, page_arg(), size)
    items = session.scalars(
        query.options(selectinload(Item.unit), selectinload(Item.columns))
        .order_by(*QUEUE_ORDER).limit(size).offset((page - 1) * size)
    ).all()
    return render_template(
        "review/index.html",
        items=items, total=total, page=page, pages=pages, filters=filters,
        statuses=ITEM_STATUSES, bulk_actions=BULK_ACTIONS,
        units=session.scalars(select(Unit).order_by(Unit.id)).all(),
        columns=session.scalars(select(PortalColumn).order_by(PortalColumn.position, PortalColumn.id)).all(),
        sources=session.scalars(select(Source.id).order_by(Source.id)).all(),
        column_names=dict(session.execute(select(PortalColumn.id, PortalColumn.name)).all()),
    )


def apply(session, item: Item, action: str, reason: str, confirm: bool) -> None:
    user = g.user
    if action == "publish":
        actions.publish(session, item, user, confirm_sensitive=confirm)
    elif action == "reject":
        actions.reject(session, item, user, reason)
    elif action == "unpublish":
        actions.unpublish(session, item, user, reason)
    elif action in ("feature", "unfeature"):
        actions.set_flag(session, item, user, "featured", action == "feature")
    elif action in ("pin", "unpin"):
        actions.set_flag(session, item, user, "pinned", action == "pin")
    else:
        abort(400)


@bp.post("/review/bulk")
@roles_required(*actions.REVIEWERS)
def bulk():
    """One action on the checked items; each item succeeds or fails on its own, in
    its own transaction, and the editor is told which failed and why."""
    action = request.form.get("action", "")
    back = url_for("review.index", **{k: v for k, v in current_filters(request.form).items() if v})
    if action not in BULK_ACTIONS:
        flash("请选择批量操作。", "error")
        return redirect(back), 303
    try:
        ids = sorted({int(v) for v in request.form.getlist("ids")})
    except ValueError:
        abort(400)
    if not ids:
        flash("请先勾选信息。", "error")
        return redirect(back), 303
    if len(ids) > BULK_MAX:
        flash(f"一次最多处理 {BULK_MAX} 条。", "error")
        return redirect(back), 303
    reason = (request.form.get("reason") or "").strip()
    confirm = request.form.get("confirm_sensitive") == "1"
    session = db_session()
    done, failed = 0, []
    for item_id in ids:
        item = session.get(Item, item_id)
        if item is None:
            failed.append(f"#{item_id}：不存在")
            continue
        try:
            apply(session, item, action, reason, confirm)
            session.commit()
            done += 1
        except actions.ActionError as exc:
            session.rollback()
            failed.append(f"#{item_id} {item.title[:20]}：{exc}")
    flash(f"批量{BULK_ACTIONS[action]}：成功 {done} 条" + (f"，失败 {len(failed)} 条。" if failed else "。"))
    for message in failed[:20]:
        flash(message, "error")
    return redirect(back), 303
