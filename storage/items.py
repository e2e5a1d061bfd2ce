"""The item service: the one place that writes items, their sources and their
columns.  The harvest's writer process (``harvester.ingest``), the hub's editorial
actions (``hub.actions``), 应用到待审核信息 (``hub.rules.apply``), 信息报送
(``hub.submissions``) and 定时发布 (``storage.publishing``) all call it; none of
them builds an item row, picks a primary source or replaces columns itself.

The rules it keeps:

- **Records**: which field of a source's page becomes which column of the item
  and of its source row (:func:`item_row`, :func:`source_row`), cut to the
  models' own lengths (``storage.lengths``).
- **Primary source**: an item's earliest publisher leads it; its URL, unit,
  发布时间 and 来源 are the item's (:func:`make_primary`).  A repost that was
  published earlier takes the lead (:func:`add_repost`); a withdrawn or split-off
  primary hands it to the earliest remaining source.
- **Columns**: :func:`add_columns` and :func:`replace_columns`; where they come
  from is ``storage.column_rules``.
- **The screen**: ``storage.screen``; a harvested item goes public at once only
  from a ``review: auto`` source and without a hit (:func:`initial_status`), and a
  change at the source that brings a new hit takes it back to review
  (:func:`update_from_source`).
- **Audited changes**: :func:`record_change` (audit entry, search index, the
  public pages' ``content`` counter) for every change someone answers for.

Callers commit.  Plain SQLAlchemy: no Flask, no Scrapy, no extraction code.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy.orm import Session

from storage import counters, lengths, search
from storage.audit import changed, record, snapshot
from storage.lengths import fit
from storage.models import AuditEntry, Item, ItemColumn, ItemRevision, ItemSource, User
from storage.screen import Screen

_NEVER = datetime.max.replace(tzinfo=timezone.utc)

# The item's columns that come from its primary source's page (``page_fields``).
PAGE_FIELDS = ("title", "column_name", "body_html", "body_text", "summary", "attachments", "images", "meta",
               "content_hash", "fingerprint")


# A source's page, as the writer stores it: ``harvester.records.StoreRecord`` (read by
# attribute: the PAGE_FIELDS, url, published_at, published_date_only, list_date).
SourcePage = Any


# -- records ------------------------------------------------------------------------------
def source_text_of(text: str | None, unit_name: str) -> str:
    """来源: what the page says, else the publishing unit's name, cut to its column."""
    return fit(text or unit_name, lengths.SOURCE_TEXT)


def initial_status(auto_review: bool, terms: list[str]) -> str:
    """A harvested item goes public at once only from a ``review: auto`` source and
    when the screen finds nothing; anything else waits for an editor."""
    return "published" if auto_review and not terms else "pending"


def page_fields(page: SourcePage) -> dict[str, Any]:
    return {name: getattr(page, name) for name in PAGE_FIELDS}


def item_row(page: SourcePage, *, unit_id: str, source_text: str, status: str, terms: list[str],
             now: datetime) -> dict[str, Any]:
    """The ``items`` row of a new harvested item, led by ``page``."""
    return {
        **page_fields(page), "url": page.url, "unit_id": unit_id, "published_at": page.published_at,
        "published_date_only": page.published_date_only, "source_text": source_text, "status": status,
        "sensitive_terms": terms, "flags": [], "created_at": now, "updated_at": now,
    }


def source_row(page: SourcePage, *, source_id: str, unit_id: str, source_text: str, now: datetime,
               primary: bool) -> dict[str, Any]:
    """The ``item_sources`` row of one source's page (without its item)."""
    return {
        "source_id": source_id, "unit_id": unit_id, "url": page.url, "title": page.title,
        "source_text": source_text, "published_at": page.published_at,
        "published_date_only": page.published_date_only, "is_primary": primary,
        "content_hash": page.content_hash, "first_seen": now, "last_seen": now, "last_fetched": now,
        "list_date": page.list_date, "status": "active",
    }


def create_item(session: Session, columns: Iterable[str], **fields: Any) -> Item:
    """A new item (信息报送, a source split off) in ``columns``, flushed: it has its id."""
    item = Item(**fields)
    add_columns(item, columns)
    session.add(item)
    session.flush()
    return item


# -- which source leads -------------------------------------------------------------------
def make_primary(item: Item, link: ItemSource) -> None:
    """``link`` leads ``item``: its URL, unit, 发布时间 (and whether that is a day
    only) and 来源 become the item's."""
    for other in item.sources:
        other.is_primary = other is link
    item.url, item.unit_id = link.url, link.unit_id
    item.published_at, item.source_text = link.published_at, link.source_text
    item.published_date_only = link.published_date_only


def publication_order(link: ItemSource) -> tuple[bool, datetime]:
    """Sort key: the earliest publisher first, sources without a date last."""
    return link.published_at is None, link.published_at or _NEVER


def earliest_publisher(links: Iterable[ItemSource]) -> ItemSource | None:
    return min(links, key=publication_order, default=None)


def published_earlier(published: datetime | None, primary: ItemSource | None) -> bool:
    """A source published at ``published`` should lead instead of ``primary``."""
    return published is not None and (primary is None or primary.published_at is None or published < primary.published_at)


def primary_of(item: Item) -> ItemSource | None:
    return next((s for s in item.sources if s.is_primary), None)


# -- columns ------------------------------------------------------------------------------
def add_columns(item: Item, columns: Iterable[str]) -> None:
    """Put ``item`` in ``columns`` as well (keeping the ones it is in)."""
    have = {c.column_id for c in item.columns}
    for column in dict.fromkeys(columns):
        if column not in have:
            item.columns.append(ItemColumn(column_id=column))


def replace_columns(item: Item, columns: Iterable[str]) -> None:
    """``item`` is in exactly ``columns`` now (rows of columns it stays in are kept)."""
    wanted = list(dict.fromkeys(columns))
    item.columns = [c for c in item.columns if c.column_id in wanted]
    add_columns(item, wanted)


# -- the harvest: reposts, changes at the source, withdrawals -----------------------------
def add_repost(session: Session, item: Item, link_row: dict[str, Any], revision: dict[str, Any],
               columns: Iterable[str]) -> ItemSource:
    """Another source published ``item`` again: its source row and raw page join the
    item, its columns are added (unless an editor set the item's), and it leads the
    item if it published earlier."""
    link = ItemSource(**link_row)
    item.sources.append(link)
    session.add(ItemRevision(item_source=link, **revision))
    if not item.columns_locked:
        add_columns(item, columns)
    if published_earlier(link.published_at, primary_of(item)):
        make_primary(item, link)
    return link


def update_from_source(session: Session, link: ItemSource, page: SourcePage, source_text: str,
                       revision: dict[str, Any], screen: Screen, now: datetime) -> None:
    """The page of ``link`` changed at its source: keep the old revision, store the
    new one, flag the item.  When ``link`` leads, the item follows the page, except
    the fields an editor set (title, summary); a change that brings in a sensitive
    term takes a public or scheduled item back to pending review."""
    link.content_hash = page.content_hash
    link.title, link.published_at, link.source_text = page.title, page.published_at, source_text
    link.published_date_only = page.published_date_only
    session.add(ItemRevision(item_source=link, **revision))
    item = link.item
    flags = [*(item.flags or []), {"kind": "updated_at_source", "url": link.url, "at": now.isoformat()}]
    if link.is_primary:
        edited = set(item.edited_fields or [])
        if "title" not in edited:
            item.title = page.title
        if "summary" not in edited:
            item.summary = page.summary
        item.published_at, item.source_text = page.published_at, source_text
        item.published_date_only = page.published_date_only
        item.body_html, item.body_text = page.body_html, page.body_text
        item.attachments, item.images, item.meta = page.attachments, page.images, page.meta
        item.content_hash, item.fingerprint = page.content_hash, page.fingerprint
        terms = screen.find(item.title, page.body_text)
        new_terms = [t for t in terms if t not in (item.sensitive_terms or [])]
        item.sensitive_terms = terms
        if new_terms and item.status in ("published", "scheduled"):
            item.status, item.publish_at = "pending", None
            flags.append({"kind": "held_sensitive", "terms": new_terms, "url": link.url, "at": now.isoformat()})
    item.flags = flags


def withdraw_source(link: ItemSource, reason: str, policy: str, now: datetime) -> bool:
    """The page of ``link`` is gone at its source.  The item keeps its other sources
    (the earliest of them leads if ``link`` did); when none is left, policy
    ``unpublish`` sets it ``withdrawn`` and ``flag`` only flags it.  True when the
    item was public before."""
    link.status, link.withdrawn_at, link.withdrawn_reason = "withdrawn", now, reason
    item = link.item
    active = [s for s in item.sources if s.status == "active" and s is not link]
    if link.is_primary and active:
        make_primary(item, earliest_publisher(active))
    flag = {"kind": "withdrawn_at_source", "url": link.url, "reason": reason, "at": now.isoformat()}
    was_public = item.status == "published"
    if not active:
        flag["policy"] = policy
        if policy == "unpublish":
            item.status = "withdrawn"
    item.flags = [*(item.flags or []), flag]
    return was_public


def reinstate_source(link: ItemSource, now: datetime) -> None:
    """A withdrawn page answers again: noted for the editors (the item's status stays theirs)."""
    link.status, link.withdrawn_at, link.withdrawn_reason = "active", None, None
    link.item.flags = [*(link.item.flags or []), {"kind": "back_at_source", "url": link.url, "at": now.isoformat()}]


# -- editors: merge and split -------------------------------------------------------------
def merge_items(session: Session, target: Item, other: Item) -> int:
    """``other``'s sources and columns move to ``target``, the earliest publisher
    leads, ``other`` is deleted.  Returns ``other``'s id (for the search index)."""
    for link in list(other.sources):
        link.item = target  # moves it out of other.sources as well
        link.is_primary = False
    add_columns(target, [c.column_id for c in other.columns])
    other_id = other.id
    session.flush()
    session.delete(other)
    session.flush()
    session.expire(target, ["sources"])
    earliest = earliest_publisher(target.sources)
    if earliest is not None and earliest.published_at is not None:
        make_primary(target, earliest)
    session.flush()
    return other_id


def split_source(session: Session, item: Item, link: ItemSource, fields: dict[str, Any]) -> Item:
    """``link`` leaves ``item`` and leads an item of its own, pending review, in the
    same columns, with the same screen hits, its text from ``fields`` (the source's
    page, read again).  If ``link`` led ``item``, the earliest remaining source does."""
    new = create_item(
        session, [c.column_id for c in item.columns],
        url=link.url, unit_id=link.unit_id, published_at=link.published_at,
        published_date_only=link.published_date_only, source_text=link.source_text,
        status="pending", sensitive_terms=list(item.sensitive_terms or []),
        flags=[{"kind": "split_from", "item": item.id}], **fields,
    )
    was_primary = link.is_primary
    link.item, link.is_primary = new, True
    session.flush()
    session.expire(item, ["sources"])
    earliest = earliest_publisher(item.sources) if was_primary else None
    if earliest is not None:
        make_primary(item, earliest)
    session.flush()
    return new


# -- audited changes ----------------------------------------------------------------------
def record_change(session: Session, user: User | None, action: str, item: Item, before: dict,
                  extra: dict | None = None) -> AuditEntry:
    """``item`` changed (``before``: its :func:`storage.audit.snapshot` then): the
    audit entry with what differs, the search index, and the ``content`` counter
    that tells every web worker its cached pages are stale."""
    session.flush()
    b, a = changed(before, snapshot(item))
    if extra:
        a.update(extra)
    entry = record(session, user, action, item.id, b, a)
    search.refresh(session, [item.id])
    counters.bump(session)
    return entry
