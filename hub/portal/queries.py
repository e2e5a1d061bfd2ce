"""Read-only queries of the public portal: published items only, shaped for the indexes.

Lists walk ``items`` newest first through an index on (status[, pinned],
published_at) and test column membership with the ``item_columns`` primary key,
so a page costs a short index walk, never a sort of the whole table.  Pages
read plain rows of the columns they show, with statements built once and run
on the session's connection: on a hot page, building a statement and going
through the ORM cost several times the query itself.  Counts over big sets are
cached per ``content`` counter value by the callers; a column's count stops
at what the pager can show.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from math import ceil
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import and_, bindparam, exists, func, select
from sqlalchemy.orm import Session, load_only, selectinload

from harvester.health import last_harvest_failed
from storage.models import Item, ItemColumn, ItemSource, PortalColumn, Source, Unit, Upload

PUBLIC = Item.status == "published"
NEWEST = (Item.published_at.desc().nulls_last(), Item.id.desc())  # undated items last on every database
PINNED_FIRST = (Item.pinned.desc(), *NEWEST)
LIST_COLUMNS = (Item.id, Item.title, Item.published_at, Item.unit_id, Item.pinned)
PAGE_COLUMNS = (
    Item.id, Item.title, Item.url, Item.unit_id, Item.published_at, Item.published_date_only, Item.source_text,
    Item.body_html, Item.attachments, Item.meta, Item.status, Item.origin,
)
FEED_FIELDS = load_only(
    Item.id, Item.title, Item.published_at, Item.updated_at, Item.unit_id, Item.summary, Item.url, Item.origin,
)
MAX_PAGE = 500  # deeper pages are for search, not for paging through a column

_IN_COLUMN = exists().where(ItemColumn.item_id == Item.id, ItemColumn.column_id == bindparam("column_id"))
_PAGE = (bindparam("offset"), bindparam("limit"))
COLUMN_PAGE = select(*LIST_COLUMNS).where(PUBLIC, _IN_COLUMN).order_by(*PINNED_FIRST).offset(_PAGE[0]).limit(_PAGE[1])
UNIT_PAGE = (select(*LIST_COLUMNS).where(Item.unit_id == bindparam("unit_id"), PUBLIC)
             .order_by(*NEWEST).offset(_PAGE[0]).limit(_PAGE[1]))
ITEM_ROW = select(*PAGE_COLUMNS).where(Item.id == bindparam("item_id"))
ITEM_SOURCES = (
    select(ItemSource.url, ItemSource.unit_id, ItemSource.is_primary, ItemSource.status)
    .where(ItemSource.item_id == bindparam("item_id"))
    .order_by(ItemSource.is_primary.desc(), ItemSource.published_at, ItemSource.id)
)
ITEM_COLUMNS = select(ItemColumn.column_id).where(ItemColumn.item_id == bindparam("item_id"))


def _run(session: Session, statement, **params):
    """A prepared Core statement on the session's connection (no ORM layer)."""
    return session.connection().execute(statement, params)


@dataclass(frozen=True)
class ColumnInfo:
    id: str
    name: str


@dataclass(frozen=True)
class UnitInfo:
    id: str
    name: str
    kind: str
    homepage: str


@dataclass(frozen=True)
class Lookups:
    """Columns and units: small, read on every page, cached per counter value."""

    columns: tuple[ColumnInfo, ...]
    units: tuple[UnitInfo, ...]

    @property
    def column_names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.columns}

    @property
    def unit_names(self) -> dict[str, str]:
        return {u.id: u.name for u in self.units}

    def column(self, column_id: str) -> ColumnInfo | None:
        return next((c for c in self.columns if c.id == column_id), None)

    def unit(self, unit_id: str) -> UnitInfo | None:
        return next((u for u in self.units if u.id == unit_id), None)


@dataclass(frozen=True)
class Pager:
    page: int
    per_page: int
    total: int
    capped: bool = False  # ``total`` is a lower bound: there are more (共 N 余条)

    @property
    def pages(self) -> int:
        return max(1, min(MAX_PAGE, ceil(self.total / self.per_page)))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def exists(self) -> bool:
        return 1 <= self.page <= self.pages

    def window(self, size: int = 2) -> list[int]:
        """Page numbers around the current one, for the numbered links."""
        return list(range(max(1, self.page - size), min(self.pages, self.page + size) + 1))


@dataclass(frozen=True)
class ItemPage:
    """What an item's page shows: the item row, its sources (primary first) and columns."""

    row: Any
    sources: list[Any]
    column_ids: list[str]


@dataclass(frozen=True)
class KeyColumn:
    """A page of a unit's site for people and the portal columns it feeds (站群导航).
    ``url`` is None when the last harvest of its source failed: named, not offered."""

    url: str | None
    names: str


# Sources whose harvested address is itself a column page people read; for the
# others (feed, sitemap, auto) the registry's ``page`` or the unit's homepage.
HUMAN_PAGE_TYPES = frozenset({"list", "hanweb", "trs"})
MACHINE_SUFFIXES = (".xml", ".rss", ".atom", ".rdf", ".json")


def lookups(session: Session) -> Lookups:
    columns = session.execute(
        select(PortalColumn.id, PortalColumn.name).order_by(PortalColumn.position, PortalColumn.id)
    ).all()
    units = session.execute(select(Unit.id, Unit.name, Unit.kind, Unit.homepage).order_by(Unit.kind, Unit.id)).all()
    return Lookups(tuple(ColumnInfo(*row) for row in columns), tuple(UnitInfo(*row) for row in units))


def human_pages(source: Source, homepage: str) -> dict[str, str]:
    """Column id → the page for people where the unit publishes it: the registry's
    ``columns[].page``, else the source's ``page``, else its address when that is a
    column page (never a feed, a sitemap or other XML), else the unit's homepage."""
    own = source.url if source.type in HUMAN_PAGE_TYPES or (
        source.type == "auto" and not urlsplit(source.url).path.lower().endswith(MACHINE_SUFFIXES)) else None
    fallback = source.page or own or homepage
    pages = source.column_pages or {}
    return {column: pages.get(column) or fallback for column in (source.columns or [])}


def key_columns(session: Session, column_names: dict[str, str]) -> dict[str, list[KeyColumn]]:
    """Each unit's pages for people with the names of the columns they feed; a page
    whose every source failed its last harvest is named without a link."""
    homepages = dict(session.execute(select(Unit.id, Unit.homepage)).all())
    pages: dict[str, dict[str, tuple[list[str], list[bool]]]] = {}
    for source in session.scalars(select(Source).order_by(Source.unit_id, Source.id)):
        for column, url in human_pages(source, homepages.get(source.unit_id, "")).items():
            columns, failed = pages.setdefault(source.unit_id, {}).setdefault(url, ([], []))
            if column not in columns:
                columns.append(column)
            failed.append(last_harvest_failed(source))
    return {
        unit_id: [KeyColumn(None if all(failed) else url, "、".join(column_names.get(c, c) for c in columns) or "信息")
                  for url, (columns, failed) in by_url.items() if url]
        for unit_id, by_url in pages.items()
    }


def in_column(column_id: str):
    return exists().where(ItemColumn.item_id == Item.id, ItemColumn.column_id == column_id)


def column_items(session: Session, column_id: str, offset: int, limit: int) -> list[Any]:
    """Pinned (置顶) items first, then newest first."""
    return _run(session, COLUMN_PAGE, column_id=column_id, offset=offset, limit=limit).all()


def column_total(session: Session, column_id: str, cap: int) -> int:
    """Published items in the column, counted up to ``cap`` (more than that: ``cap``).

    The pager shows at most MAX_PAGE pages, so the column page needs no more
    than "more than MAX_PAGE pages' worth"; the walk goes from the column's
    entries (ix_item_columns_column_item) and stops there, about 5 ms on a
    million items where the exact count took 0.1-0.7 s.
    """
    members = (select(ItemColumn.item_id).join(Item, Item.id == ItemColumn.item_id)
               .where(ItemColumn.column_id == column_id, PUBLIC).limit(cap).subquery())
    return session.scalar(select(func.count()).select_from(members)) or 0


def unit_items(session: Session, unit_id: str, offset: int, limit: int) -> list[Any]:
    """Items the unit published first (reposts by other units stay with the original)."""
    return _run(session, UNIT_PAGE, unit_id=unit_id, offset=offset, limit=limit).all()


def unit_total(session: Session, unit_id: str) -> int:
    return session.scalar(select(func.count()).select_from(Item).where(Item.unit_id == unit_id, PUBLIC)) or 0


def latest_in_column(session: Session, column_id: str, limit: int) -> list[Any]:
    return session.execute(
        select(*LIST_COLUMNS).where(PUBLIC, in_column(column_id)).order_by(*NEWEST).limit(limit)
    ).all()


def featured(session: Session, limit: int) -> list[Any]:
    """首页推荐, newest first (``featured = true``: an equality the index can use)."""
    is_featured = Item.featured == True  # noqa: E712
    return session.execute(select(*LIST_COLUMNS).where(PUBLIC, is_featured).order_by(*NEWEST).limit(limit)).all()


def feed_items(session: Session, limit: int, *, column_id: str | None = None, unit_id: str | None = None) -> list[Item]:
    query = select(Item).options(FEED_FIELDS, selectinload(Item.columns), selectinload(Item.sources).load_only(
        ItemSource.url, ItemSource.is_primary, ItemSource.published_at, ItemSource.id, ItemSource.item_id,
    ))
    if unit_id is not None:
        query = query.where(Item.unit_id == unit_id)
    query = query.where(PUBLIC)
    if column_id is not None:
        query = query.where(in_column(column_id))
    return list(session.scalars(query.order_by(*NEWEST).limit(limit)))


def item_for_page(session: Session, item_id: int) -> ItemPage | None:
    """One item, any status (the view decides what the public may see).  Sources
    and columns are read only for published items; unit names come from the lookups."""
    row = _run(session, ITEM_ROW, item_id=item_id).first()
    if row is None:
        return None
    if row.status != "published":
        return ItemPage(row, [], [])
    sources = _run(session, ITEM_SOURCES, item_id=item_id).all()
    column_ids = _run(session, ITEM_COLUMNS, item_id=item_id).scalars().all()
    return ItemPage(row, list(sources), list(column_ids))


def neighbours(session: Session, column_id: str, item_id: int,
               published_at: datetime | None) -> tuple[Any | None, Any | None]:
    """上一篇 and 下一篇 in the column: the items just before and just after this one
    in its newest-first order (pinning aside), as list rows, or None at either end.

    Each side is tried as a few plain index ranges, nearest first (the same
    发布时间 with a higher or lower id, then later or earlier times, then the
    undated items that sort last), so each is a short walk of the (status,
    发布时间) index from this item, never an OR the index cannot serve.
    """
    def first(condition, order) -> Any | None:
        query = select(*LIST_COLUMNS).where(PUBLIC, in_column(column_id), condition).order_by(*order).limit(1)
        return session.execute(query).first()

    up, down = (Item.published_at.asc(), Item.id.asc()), NEWEST
    undated = Item.published_at.is_(None)
    if published_at is None:
        previous = first(and_(undated, Item.id > item_id), (Item.id.asc(),)) or first(Item.published_at.is_not(None), up)
        following = first(and_(undated, Item.id < item_id), (Item.id.desc(),))
        return previous, following
    same = Item.published_at == published_at
    previous = first(and_(same, Item.id > item_id), up) or first(Item.published_at > published_at, up)
    following = (first(and_(same, Item.id < item_id), down) or first(Item.published_at < published_at, down)
                 or first(undated, (Item.id.desc(),)))
    return previous, following


def uploads_of(session: Session, item_id: int) -> list[Upload]:
    """A submission's uploaded files, without their bytes."""
    return list(session.scalars(
        select(Upload).where(Upload.item_id == item_id).options(
            load_only(Upload.id, Upload.filename, Upload.size, Upload.content_type)
        ).order_by(Upload.id)
    ))


def newest_published_at(session: Session, *, column_id: str | None = None,
                        unit_id: str | None = None) -> datetime | None:
    query = select(Item.published_at).where(PUBLIC, Item.published_at.is_not(None))
    if column_id is not None:
        query = query.where(in_column(column_id))
    if unit_id is not None:
        query = query.where(Item.unit_id == unit_id)
    return session.scalar(query.order_by(*NEWEST).limit(1))


def published_total(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Item).where(PUBLIC)) or 0


def sitemap_items(session: Session, offset: int, limit: int) -> list[tuple[int, datetime | None]]:
    """(id, published_at) of published items in id order: read from the (status,
    published_at) index alone, without touching the wide item rows."""
    rows = session.execute(
        select(Item.id, Item.published_at).where(PUBLIC).order_by(Item.id).offset(offset).limit(limit)
    ).all()
    return [(row.id, row.published_at) for row in rows]


def items_by_id(session: Session, ids: list[int]) -> dict[int, Any]:
    """Published list rows for search hits, keyed by id (one query, no N+1)."""
    if not ids:
        return {}
    rows = session.execute(select(*LIST_COLUMNS).where(Item.id.in_(ids), PUBLIC))
    return {row.id: row for row in rows}
