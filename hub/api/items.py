"""Items: the list with filters, one item, and the editorial actions on it.

Scope: editors and admins see every item; a reporter sees only their own
unit's submissions (信息报送), like on the hub's 报送 pages; any other id is a
404 for them, so ids reveal nothing.  Changes go through :mod:`hub.actions`
(audit, search index, content counter) and are committed here.

Status codes of the actions: 409 when the item's status does not allow the
action (e.g. publishing a published item); 422 when the request's content is
invalid (missing reason, unknown column, unconfirmed sensitive terms…).
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import g, jsonify
from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import selectinload

from hub import actions
from hub.api import bp, serialize
from hub.api.auth import token_required
from hub.api.errors import ApiError, commit_or_refuse
from hub.api.params import MISSING, datetime_value, field, int_arg, json_body, str_arg, string_list
from hub.db import db_session
from storage.models import ITEM_ORIGINS, ITEM_STATUSES, Item, ItemColumn, ItemSource, PortalColumn, Unit, User

PER_PAGE_DEFAULT, PER_PAGE_MAX = 50, 500
ORDER = (Item.published_at.desc().nulls_last(), Item.id.desc())
PATCH_FIELDS = ("title", "summary", "columns", "pinned", "featured")
LOAD = (
    selectinload(Item.unit), selectinload(Item.columns),
    selectinload(Item.sources).selectinload(ItemSource.unit),
)


def visible(user: User, query: Select) -> Select:
    """Only what ``user`` may see (see the module's docstring)."""
    if user.role in actions.REVIEWERS:
        return query
    if user.role == "reporter" and user.unit_id:
        return query.where(Item.origin == "submission", Item.unit_id == user.unit_id)
    return query.where(false())


def page_of(query: Select, serializer, load: bool = True) -> dict:
    """``{"items", "total", "page", "per_page"}`` from the request's page and per_page
    (``load``: with the item relations serializers read; off for other entities)."""
    page = int_arg("page", 1, 1)
    per_page = int_arg("per_page", PER_PAGE_DEFAULT, 1, PER_PAGE_MAX)
    session = db_session()
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.scalars((query.options(*LOAD) if load else query).limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": [serializer(row) for row in rows], "total": total, "page": page, "per_page": per_page}


def status_filter(query: Select) -> Select:
    status = str_arg("status")
    if status is None:
        return query
    if status not in ITEM_STATUSES:
        raise ApiError(400, f"参数 status 无效（可用值：{'、'.join(ITEM_STATUSES)}）。")
    return query.where(Item.status == status)


def _filters(query: Select) -> Select:
    session = db_session()
    query = status_filter(query)
    if (unit := str_arg("unit")) is not None:
        if session.get(Unit, unit) is None:
            raise ApiError(400, f"参数 unit 无效：没有编号为“{unit}”的单位。")
        query = query.where(Item.unit_id == unit)
    if (origin := str_arg("origin")) is not None:
        if origin not in ITEM_ORIGINS:
            raise ApiError(400, f"参数 origin 无效（可用值：{'、'.join(ITEM_ORIGINS)}）。")
        query = query.where(Item.origin == origin)
    if (column := str_arg("column")) is not None:
        if session.get(PortalColumn, column) is None:
            raise ApiError(400, f"参数 column 无效：没有编号为“{column}”的栏目。")
        query = query.where(Item.id.in_(select(ItemColumn.item_id).where(ItemColumn.column_id == column)))
    return query


def load(item_id: int) -> Item:
    """The item if the token's user may see it, else 404."""
    item = db_session().scalar(visible(g.api_user, select(Item).where(Item.id == item_id)).options(*LOAD))
    if item is None:
        raise ApiError(404, f"信息 #{item_id} 不存在。")
    return item


@bp.get("/v1/items")
@token_required()
def list_items():
    query = visible(g.api_user, _filters(select(Item))).order_by(*ORDER)
    return jsonify(page_of(query, serialize.item))


@bp.get("/v1/items/<int:item_id>")
@token_required()
def get_item(item_id: int):
    return jsonify(serialize.item_detail(load(item_id)))


def _require_status(item: Item, action: str) -> None:
    if item.status not in actions.ALLOWED_FROM[action]:
        label = actions.STATUS_LABELS.get(item.status, item.status)
        raise ApiError(409, f"当前状态（{label}）不能执行“{actions.ACTION_LABELS[action]}”。", "wrong_status")


def _apply(item: Item, change) -> dict:
    """Run ``change`` in the request's transaction: commit, or roll back with a 422."""
    commit_or_refuse(change, ((actions.ActionError, 422, None),))
    return serialize.item_detail(load(item.id))


def _reason() -> str:
    """The optional ``reason`` of the request's body; "" when it has none."""
    return field(json_body(("reason",), required=False), "reason", str, absent="")


@bp.post("/v1/items/<int:item_id>/publish")
@token_required(*actions.REVIEWERS)
def publish(item_id: int):
    body = json_body(("at", "confirm_sensitive"), required=False)
    raw_at = field(body, "at", str, nullable=True)
    confirm = field(body, "confirm_sensitive", bool)
    at = datetime_value("at", raw_at) if isinstance(raw_at, str) else None
    item = load(item_id)
    _require_status(item, "schedule" if at is not None else "publish")
    if at is not None and at <= datetime.now(timezone.utc):
        raise ApiError(422, "定时发布时间必须晚于现在。")
    return jsonify(_apply(item, lambda s: actions.publish(
        s, item, g.api_user, at=at, confirm_sensitive=confirm is True)))


@bp.post("/v1/items/<int:item_id>/reject")
@token_required(*actions.REVIEWERS)
def reject(item_id: int):
    reason = _reason()
    item = load(item_id)
    _require_status(item, "reject")
    if not reason.strip():
        raise ApiError(422, "退回时必须填写原因（字段 reason）。", "missing_field")
    return jsonify(_apply(item, lambda s: actions.reject(s, item, g.api_user, reason)))


@bp.post("/v1/items/<int:item_id>/unpublish")
@token_required(*actions.REVIEWERS)
def unpublish(item_id: int):
    reason = _reason()
    item = load(item_id)
    _require_status(item, "unpublish")
    return jsonify(_apply(item, lambda s: actions.unpublish(s, item, g.api_user, reason)))


@bp.patch("/v1/items/<int:item_id>")
@token_required(*actions.REVIEWERS)
def patch_item(item_id: int):
    body = json_body(PATCH_FIELDS)
    title = field(body, "title", str, absent=None)
    summary = field(body, "summary", str, absent=None)
    columns = string_list(body, "columns")
    flags = {name: field(body, name, bool) for name in ("pinned", "featured")}
    item = load(item_id)
    user = g.api_user

    def change(session):
        if title is not None or summary is not None:
            actions.edit(session, item, user, title=title, summary=summary)
        if columns is not MISSING:
            actions.set_columns(session, item, user, columns)
        for name, value in flags.items():
            if value is not MISSING:
                actions.set_flag(session, item, user, name, value)

    return jsonify(_apply(item, change))
