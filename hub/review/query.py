"""The queue's filters, shared by the list, the item page's 上一条/下一条 and bulk actions."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from math import ceil
from zoneinfo import ZoneInfo

from flask import current_app, request
from sqlalchemy import Select, Text, cast, func, or_, select

from storage.models import ITEM_STATUSES, Item, ItemColumn, ItemSource

FILTER_KEYS = ("status", "unit", "column", "source", "from", "to", "flag", "origin", "q")


def current_filters(args=None) -> dict[str, str]:
    args = request.args if args is None else args
    filters = {key: (args.get(key) or "").strip() for key in FILTER_KEYS}
    if filters["status"] not in (*ITEM_STATUSES, "all"):
        filters["status"] = "pending"
    return filters


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def queue_query(filters: dict[str, str]) -> Select:
    """Items matching the filters (dates are local days of the portal's time zone)."""
    query = select(Item)
    if filters["status"] != "all":
        query = query.where(Item.status == filters["status"])
    if filters["unit"]:
        query = query.where(Item.unit_id == filters["unit"])
    if filters["column"]:
        query = query.where(Item.id.in_(select(ItemColumn.item_id).where(ItemColumn.column_id == filters["column"])))
    if filters["source"]:
        query = query.where(Item.id.in_(select(ItemSource.item_id).where(ItemSource.source_id == filters["source"])))
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    if (start := _day(filters["from"])) is not None:
        query = query.where(Item.published_at >= datetime.combine(start, time.min, tz))
    if (end := _day(filters["to"])) is not None:
        query = query.where(Item.published_at < datetime.combine(end + timedelta(days=1), time.min, tz))
    if filters["origin"] in ("harvest", "submission"):
        query = query.where(Item.origin == filters["origin"])
    if filters["flag"] in ("sensitive", "flagged"):  # a non-empty JSON list: longer than "[]"
        column = Item.sensitive_terms if filters["flag"] == "sensitive" else Item.flags
        query = query.where(func.length(cast(column, Text)) > 2)
    if filters["q"]:
        like = "%" + filters["q"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Item.title.like(like, escape="\\"), Item.source_text.like(like, escape="\\")))
    return query


QUEUE_ORDER = (Item.published_at.desc().nulls_last(), Item.id.desc())


def page_arg() -> int:
    """``?page=`` of a hub list: a number from 1; anything else is the first page."""
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def paginate(session, query: Select, page: int, size: int):
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, ceil(total / size))
    page = min(max(1, page), pages)
    return total, page, pages


def neighbours(session, filters: dict[str, str], item_id: int) -> tuple[int | None, int | None]:
    """The items before and after ``item_id`` in the queue (ids only; bounded)."""
    ids = session.scalars(queue_query(filters).with_only_columns(Item.id).order_by(*QUEUE_ORDER).limit(5000)).all()
    if item_id not in ids:
        return None, (ids[0] if ids else None)
    at = ids.index(item_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def first_in_queue(session, filters: dict[str, str], exclude: int | None = None) -> int | None:
    query = queue_query(filters).with_only_columns(Item.id).order_by(*QUEUE_ORDER)
    if exclude is not None:
        query = query.where(Item.id != exclude)
    return session.scalar(query.limit(1))
