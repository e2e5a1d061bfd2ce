"""Typed SQLAlchemy 2.0 models: the portal's database.

Reading guide: ``Unit``/``Source``/``Column`` mirror ``registry.yaml``;
``Item`` is one piece of content on the portal, ``ItemSource`` one URL where a
unit published it (a city notice reposted by three units is one Item with three
ItemSources, the earliest publisher primary); ``ItemRevision`` keeps the raw
page as evidence, compressed; ``HarvestRun`` records each harvest of a source.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from storage import lengths

# Stable constraint names so Alembic migrations work on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# scheduled: approved, goes public at ``publish_at`` (storage.publishing.promote_due)
# Indexes the migrations create per dialect (DESC NULLS LAST on PostgreSQL), which
# the models cannot declare the same way for both: see migration 0006.
MIGRATION_ONLY_INDEXES = frozenset({
    "ix_items_status_pinned_published_at", "ix_items_unit_status_published_at",
    "ix_items_status_featured_published_at", "ix_items_status_published_newest",
})

ITEM_STATUSES = ("pending", "scheduled", "published", "rejected", "withdrawn")
ITEM_ORIGINS = ("harvest", "submission")
SOURCE_STATUSES = ("ok", "failing", "paused", "broken-rules", "incomplete")  # incomplete: read less than the list declares


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware datetimes stored as UTC on every dialect (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Unit(Base):
    """A 保障单位: a county/district government or a municipal department."""

    __tablename__ = "units"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    homepage: Mapped[str] = mapped_column(String(2000))

    sources: Mapped[list[Source]] = relationship(back_populates="unit")


class PortalColumn(Base):
    """A portal column (栏目)."""

    __tablename__ = "columns"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # registry ``columns[].owner``: this unit's reporters publish here directly (责任部门全责维护)
    owner_unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))


class Source(Base):
    """One harvested address of a unit, with its health."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    url: Mapped[str] = mapped_column(String(2000))
    type: Mapped[str] = mapped_column(String(20))
    columns: Mapped[list[Any]] = mapped_column(default=list)
    review: Mapped[str] = mapped_column(String(20), default="required")
    status: Mapped[str] = mapped_column(String(20), default="ok")
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_success: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    paused_reason: Mapped[str | None] = mapped_column(Text)  # status "paused": why, until resumed
    health_note: Mapped[str | None] = mapped_column(Text)  # e.g. "rules may be broken (site redesign?)"
    next_run: Mapped[datetime | None] = mapped_column(UTCDateTime())
    interval_seconds: Mapped[int | None] = mapped_column(Integer)  # the adaptive interval now in force
    interval_reason: Mapped[str | None] = mapped_column(Text)  # why (harvester/intervals.py)
    page: Mapped[str | None] = mapped_column(String(2000))  # registry `page`: the source's page for people
    column_pages: Mapped[dict[str, Any] | None] = mapped_column(default=dict)  # registry columns[].page by column
    last_listed: Mapped[int | None] = mapped_column(Integer)  # entries the last good listing showed
    category: Mapped[str] = mapped_column(String(20), default="dynamic")  # for supervision: dynamic|notice|plan|other
    watched: Mapped[bool] = mapped_column(Boolean, default=False)  # registry `harvest: false`: list read, nothing stored

    unit: Mapped[Unit] = relationship(back_populates="sources")


class Item(Base):
    """One piece of content as the portal shows it."""

    __tablename__ = "items"
    # The public pages read published items newest first.
    __table_args__ = (Index("ix_items_status_published_at", "status", "published_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(lengths.TITLE))
    url: Mapped[str] = mapped_column(String(2000))  # the primary source's canonical URL
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)  # primary unit
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # The source gave a day without a time (published_at is 00:00 local): show the day alone.
    published_date_only: Mapped[bool] = mapped_column(Boolean, server_default=false())
    source_text: Mapped[str] = mapped_column(String(lengths.SOURCE_TEXT), default="")  # 来源
    column_name: Mapped[str] = mapped_column(String(lengths.COLUMN_NAME), default="")  # the page's own ColumnName
    body_html: Mapped[str] = mapped_column(Text, default="")  # nh3-sanitized
    body_text: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list[Any]] = mapped_column(default=list)
    images: Mapped[list[Any]] = mapped_column(default=list)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)  # 索引号, 文号, 发文机关, 成文日期, 主题分类
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    fingerprint: Mapped[int] = mapped_column(BigInteger, default=0)  # 64-bit simhash, signed
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    flags: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Editorial state (the hub)
    origin: Mapped[str] = mapped_column(String(20), default="harvest")  # harvest | submission (信息报送)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status_reason: Mapped[str | None] = mapped_column(Text)  # why rejected, shown to the reporter
    sensitive_terms: Mapped[list[Any]] = mapped_column(default=list)  # screen hits: held for review
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)  # 置顶 in its columns
    featured: Mapped[bool] = mapped_column(Boolean, default=False)  # 首页推荐
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # status "scheduled": when it goes public
    edited_fields: Mapped[list[Any]] = mapped_column(default=list)  # set by an editor: harvest updates keep them
    columns_locked: Mapped[bool] = mapped_column(Boolean, default=False)  # columns set by an editor

    sources: Mapped[list[ItemSource]] = relationship(
        back_populates="item",
        order_by=lambda: (ItemSource.is_primary.desc(), ItemSource.published_at, ItemSource.id),
    )
    columns: Mapped[list[ItemColumn]] = relationship(back_populates="item", cascade="all, delete-orphan")
    unit: Mapped[Unit] = relationship()
    submitted_by: Mapped[User | None] = relationship()
    uploads: Mapped[list[Upload]] = relationship(back_populates="item", order_by="Upload.id")


class ItemColumn(Base):
    __tablename__ = "item_columns"
    # The primary key leads with item_id (an item's columns); this one leads with the
    # column, so counting a column walks its own entries only (migration 0007).
    __table_args__ = (Index("ix_item_columns_column_item", "column_id", "item_id"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    column_id: Mapped[str] = mapped_column(ForeignKey("columns.id"), primary_key=True)

    item: Mapped[Item] = relationship(back_populates="columns")


class ItemSource(Base):
    """One URL where a unit published an item."""

    __tablename__ = "item_sources"
    # Supervision: a source's newest item as of a date; a unit's items by date (duties, latency, charts).
    __table_args__ = (UniqueConstraint("url"), Index("ix_item_sources_source_published", "source_id", "published_at"),
                      Index("ix_item_sources_unit_published", "unit_id", "published_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    url: Mapped[str] = mapped_column(String(2000))  # canonical
    title: Mapped[str] = mapped_column(String(lengths.TITLE), default="")
    source_text: Mapped[str] = mapped_column(String(lengths.SOURCE_TEXT), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_date_only: Mapped[bool] = mapped_column(Boolean, server_default=false())
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_fetched: Mapped[datetime | None] = mapped_column(UTCDateTime())
    list_date: Mapped[str] = mapped_column(String(lengths.LIST_DATE), default="")  # the date the listing showed
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | withdrawn
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    item: Mapped[Item] = relationship(back_populates="sources")
    source: Mapped[Source] = relationship()
    unit: Mapped[Unit] = relationship()
    # Read-only history (raw pages are large: load it only when asked for).
    revisions: Mapped[list[ItemRevision]] = relationship(order_by="ItemRevision.id", viewonly=True)


class ItemRevision(Base):
    """The raw page as fetched, zlib-compressed: evidence of what the unit published."""

    __tablename__ = "item_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_source_id: Mapped[int] = mapped_column(ForeignKey("item_sources.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("harvest_runs.id"))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    http_status: Mapped[int] = mapped_column(Integer, default=200)
    content_type: Mapped[str] = mapped_column(String(lengths.CONTENT_TYPE), default="")
    encoding: Mapped[str] = mapped_column(String(lengths.ENCODING), default="")
    raw_gz: Mapped[bytes] = mapped_column(LargeBinary)
    title: Mapped[str] = mapped_column(String(lengths.TITLE), default="")  # as extracted, for diffs
    body_text: Mapped[str] = mapped_column(Text, default="")

    item_source: Mapped[ItemSource] = relationship()


class HarvestError(Base):
    """One error (or skipped page) of a harvest run, with the stage it happened at
    (``harvestkit.stages.Stage``): 采集管理 and ``zhanqun runs`` list them."""

    __tablename__ = "harvest_errors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("harvest_runs.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(lengths.RUN_ERROR_URL), default="")
    stage: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def as_dict(self) -> dict[str, str]:
        return {"url": self.url, "stage": self.stage, "message": self.message}


class HarvestRun(Base):
    """One harvest of one source: counts and errors, for the editors and supervision."""

    __tablename__ = "harvest_runs"
    __table_args__ = (Index("ix_harvest_runs_source_started", "source_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    # running | ok | partial (harvested, with some page errors) | failed | aborted
    status: Mapped[str] = mapped_column(String(20), default="running")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[list[Any] | None] = mapped_column(default=list)  # bounds reached (max_pages): reported, not errors
    requests: Mapped[dict[str, Any]] = mapped_column(default=dict)  # by kind: listing, detail, not_modified…
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    # What the listing showed (NULL when it was not read: 304, failed): for supervision
    list_entries: Mapped[int | None] = mapped_column(Integer)
    list_newest: Mapped[str | None] = mapped_column(String(10))  # the newest date among its entries
    list_empty: Mapped[str | None] = mapped_column(Text)  # it said it holds nothing ("暂无信息"): why
    pid: Mapped[int | None] = mapped_column(Integer)  # the harvesting process, to find dead runs
    hostname: Mapped[str | None] = mapped_column(String(200))
    # Its errors, in order (at most harvester.runs.MAX_STORED_ERRORS; ``errors`` counts them all).
    error_rows: Mapped[list[HarvestError]] = relationship(order_by=HarvestError.id, lazy="selectin",
                                                          cascade="all, delete-orphan", passive_deletes=True)

    @property
    def error_messages(self) -> list[dict[str, str]]:
        """The run's errors as ``{"url", "stage", "message"}``, in order."""
        return [error.as_dict() for error in self.error_rows]

    @error_messages.setter
    def error_messages(self, messages: list[dict[str, Any]]) -> None:
        self.error_rows = [HarvestError(url=m.get("url") or "", stage=m["stage"], message=m["message"], at=m.get("at") or utcnow())
                           for m in messages or []]
    # Where it ran when a harvest node (Scrapyd) ran it: the node's address and job id
    node: Mapped[str | None] = mapped_column(String(500))
    node_job: Mapped[str | None] = mapped_column(String(64), index=True)


class FetchState(Base):
    """HTTP cache validators per fetched URL, for conditional GET."""

    __tablename__ = "fetch_states"
    __table_args__ = (UniqueConstraint("url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[int] = mapped_column(Integer, default=200)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


USER_ROLES = ("admin", "editor", "reporter")


class User(Base):
    """An account of the editors' hub: admin, editor or reporter (reporters belong to a unit)."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default="editor")
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    api_token_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # disabled accounts cannot log in
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit | None] = relationship()


class AuditEntry(Base):
    """One editorial action (publish, reject, unpublish…): append-only."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    username: Mapped[str] = mapped_column(String(100))  # kept even if the account changes
    action: Mapped[str] = mapped_column(String(40), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"), index=True)
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    user: Mapped[User | None] = relationship()


class LoginThrottle(Base):
    """Failed sign-ins counted under one key, ``address:<client network>`` or
    ``account:<username>``, shared by every web worker and node (hub/auth/throttle.py).

    ``version`` grows with every write: writers compare and set it, so two workers
    can never both take the last free attempt.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


COLUMN_RULE_MATCHES = ("title_keyword", "title_regex", "column_name")
COLUMN_RULE_ACTIONS = ("add", "override")


class ColumnRule(Base):
    """Maps items to portal columns beyond their source's registry columns.

    Matches a keyword or regular expression in the title, or the page's own
    ``ColumnName``; ``add`` puts the item in one more column, ``override``
    replaces the source's columns.  Optionally limited to one source.
    """

    __tablename__ = "column_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match: Mapped[str] = mapped_column(String(20))  # one of COLUMN_RULE_MATCHES
    pattern: Mapped[str] = mapped_column(String(500))
    column_id: Mapped[str] = mapped_column(ForeignKey("columns.id"))
    action: Mapped[str] = mapped_column(String(20), default="add")
    source_id: Mapped[str | None] = mapped_column(ForeignKey("sources.id"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SensitiveTerm(Base):
    """One term of the sensitive-term screen: an item containing it is held for review."""

    __tablename__ = "sensitive_terms"

    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Upload(Base):
    """An attachment uploaded with a submission (信息报送), stored in the database."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[Item | None] = relationship(back_populates="uploads")


class Counter(Base):
    """A named counter.  ``content`` grows with every change to what the public sees,
    so every web worker can tell that its cached pages and ETags are stale."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
