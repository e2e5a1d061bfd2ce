"""The item page (审核详情) and every action on one item."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storage.screen import Screen, load_terms
from hub import actions
from hub.auth import roles_required
from hub.db import db_session
from hub.review import bp
from hub.review.flags import describe
from hub.review.query import current_filters, first_in_queue, neighbours
from storage.models import AuditEntry, Item, ItemSource, PortalColumn

CONTEXT_CHARS = 30  # around each sensitive term shown to the editor


def _load(item_id: int) -> Item:
    item = db_session().scalar(
        select(Item).where(Item.id == item_id).options(
            selectinload(Item.unit), selectinload(Item.columns),
            selectinload(Item.sources).selectinload(ItemSource.unit),
            selectinload(Item.sources).selectinload(ItemSource.source),
        )
    )
    if item is None:
        abort(404)
    return item


def _queue_args() -> dict[str, str]:
    """The queue filters the editor came from, carried along (empty ones dropped)."""
    return {k: v for k, v in current_filters(request.values).items() if v and not (k == "status" and v == "pending")}


def sensitive_hits(screen: Screen, item: Item) -> list:
    """Each term in context: a short excerpt of the text with the terms marked."""
    text = item.body_text or ""
    excerpts = []
    for term in item.sensitive_terms or []:
        at = text.find(term)
        if at >= 0:
            start, end = max(0, at - CONTEXT_CHARS), at + len(term) + CONTEXT_CHARS
            excerpts.append(screen.highlight(("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")))
    return excerpts


@bp.get("/review/items/<int:item_id>")
@roles_required(*actions.REVIEWERS)
def show(item_id: int):
    item = _load(item_id)
    session = db_session()
    screen = Screen(load_terms(session))
    queue = _queue_args()
    previous, following = neighbours(session, current_filters(request.values), item.id)
    return render_template(
        "review/item.html", item=item, queue=queue, previous=previous, following=following,
        history=session.scalars(select(AuditEntry).where(AuditEntry.item_id == item.id).order_by(AuditEntry.id.desc())).all(),
        columns=session.scalars(select(PortalColumn).order_by(PortalColumn.position, PortalColumn.id)).all(),
        item_columns={c.column_id for c in item.columns},
        title_html=screen.highlight(item.title), hits=sensitive_hits(screen, item),
        flags=describe(session, item),
    )


def _done(item_id: int, message: str | None = None, category: str = "message", advance: bool = False):
    if message:
        flash(message, category)
    queue = _queue_args()
    if advance:  # 发布并下一条 / 退回并下一条: on to the next item still in the queue
        following = first_in_queue(db_session(), current_filters(request.values), exclude=item_id)
        if following is not None:
            return redirect(url_for("review.show", item_id=following, **queue)), 303
        flash("队列已处理完毕。")
        return redirect(url_for("review.index", **queue)), 303
    return redirect(url_for("review.show", item_id=item_id, **queue)), 303


def _run(item_id: int, change, success: str):
    session = db_session()
    item = _load(item_id)
    try:
        result = change(session, item)
    except actions.ActionError as exc:
        session.rollback()
        return _done(item_id, str(exc), "error")
    session.commit()
    return _done(item_id, success.format(title=item.title) if result is not None else "没有改动。",
                 advance=request.form.get("next") == "1")


def _local_datetime(value: str) -> datetime:
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise actions.ActionError("定时发布时间格式无效。") from None
    return naive.replace(tzinfo=ZoneInfo(current_app.config["TIMEZONE"])) if naive.tzinfo is None else naive


@bp.post("/review/items/<int:item_id>/<action>")
@roles_required(*actions.REVIEWERS)
def act(item_id: int, action: str):
    form = request.form
    confirm = form.get("confirm_sensitive") == "1"
    user = g.user
    if action == "publish":
        return _run(item_id, lambda s, i: actions.publish(s, i, user, confirm_sensitive=confirm), "已发布：{title}")
    if action == "schedule":
        def schedule(s, i):
            at = _local_datetime(form.get("publish_at", ""))
            if at <= datetime.now(at.tzinfo):
                raise actions.ActionError("定时发布时间必须晚于现在。")
            return actions.publish(s, i, user, at=at, confirm_sensitive=confirm)
        return _run(item_id, schedule, "已设置定时发布：{title}")
    if action == "reject":
        return _run(item_id, lambda s, i: actions.reject(s, i, user, form.get("reason", "")), "已退回：{title}")
    if action == "unpublish":
        return _run(item_id, lambda s, i: actions.unpublish(s, i, user, form.get("reason", "")), "已撤销发布：{title}")
    if action == "edit":
        return _run(item_id, lambda s, i: actions.edit(s, i, user, title=form.get("title"), summary=form.get("summary")),
                    "已保存修改：{title}")
    if action == "columns":
        return _run(item_id, lambda s, i: actions.set_columns(s, i, user, form.getlist("columns")), "已设置栏目：{title}")
    if action in ("pin", "unpin", "feature", "unfeature"):
        name = "pinned" if action.endswith("pin") else "featured"
        value = not action.startswith("un")
        return _run(item_id, lambda s, i: actions.set_flag(s, i, user, name, value),
                    f"已{actions.ACTION_LABELS[action]}：{{title}}")
    if action in ("primary", "split"):
        try:
            link_id = int(form.get("source", ""))
        except ValueError:
            abort(400)
        if action == "primary":
            return _run(item_id, lambda s, i: actions.choose_primary(s, i, user, link_id), "已设为首发来源：{title}")
        return _split(item_id, link_id)
    if action == "merge":
        return _merge(item_id, form.get("other", ""))
    abort(404)


def _split(item_id: int, link_id: int):
    session = db_session()
    item = _load(item_id)
    try:
        _, new = actions.split(session, item, g.user, link_id)
    except actions.ActionError as exc:
        session.rollback()
        return _done(item_id, str(exc), "error")
    session.commit()
    flash(f"已拆分：该来源成为新的信息 #{new.id}（待审核）。")
    return redirect(url_for("review.show", item_id=new.id)), 303


def _merge(item_id: int, other_value: str):
    """Merge item ``other`` (typed by the editor) into this one."""
    session = db_session()
    try:
        other_id = int(other_value.strip().lstrip("#"))
    except ValueError:
        return _done(item_id, "请输入要并入的信息编号。", "error")
    target = _load(item_id)
    other = session.get(Item, other_id)
    if other is None:
        return _done(item_id, f"信息 #{other_id} 不存在。", "error")
    try:
        actions.merge(session, target, other, g.user)
    except actions.ActionError as exc:
        session.rollback()
        return _done(item_id, str(exc), "error")
    session.commit()
    return _done(item_id, f"已将信息 #{other_id} 并入本条。")
