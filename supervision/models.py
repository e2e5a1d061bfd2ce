"""Supervision's tables, on the portal's one metadata (``storage.models.Base``).

Reading guide: a ``Probe`` is one availability check of a unit's homepage (kept
as history: the 7-day veto and the availability chart read it); a
``ColumnState`` is what a check saw of one source (newest date, empty, broken),
appended only when it changes, so freshness at any past date is one indexed
read; a ``Finding`` is one lasting problem of a unit (open while the checks see
it, closed by the first check that no longer does), with up to two
``Evidence`` rows (what was fetched when it was first seen and most recently);
a ``LinkState`` is one link a dead-link check watches.

The verdict at a date is computed from these rows alone (see
:mod:`supervision.verdicts`): findings whose ``[since, closed_at)`` covers the
date, and the probes of the 7 days before it.

How the checks and the rectification cycle (整改·复核) share a finding: the checks
set ``status`` to ``open`` when they first see a problem and to ``closed`` (with
``closed_at``) when they no longer do, and otherwise only refresh ``last_seen``,
``detail``, ``data`` and the latest evidence; they find a lasting problem by
``open_key``, never by ``status``.  States in between (rectifying, reported,
re-checked…), deadlines and reports can therefore be added to a finding (or
in a table of their own keyed by ``finding_id``) without changing the checks or
the verdicts.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage import lengths
from storage.models import Base, UTCDateTime, utcnow

# open → rectified (the unit says it is fixed) → verified (the next check no longer sees it) or
# reopened (it still does); closed: gone before anyone rectified it.  "overdue" is no stored status:
# an open or reopened finding past its deadline (see supervision.rectification).
FINDING_STATUSES = ("open", "rectified", "reopened", "verified", "closed")
ACTIVE_STATUSES = ("open", "rectified", "reopened")
COLUMN_STATES = ("ok", "empty", "broken", "unreachable")
LINK_SCOPES = ("homepage", "item")  # a link on the unit's homepage; the 原文链接 of a published item


class Probe(Base):
    """One availability probe of a unit's homepage, and what the homepage showed."""

    __tablename__ = "supervision_probes"
    __table_args__ = (Index("ix_supervision_probes_unit_checked", "unit_id", "checked_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    url: Mapped[str] = mapped_column(String(lengths.URL))
    ok: Mapped[bool] = mapped_column(Boolean)
    http_status: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    newest: Mapped[str | None] = mapped_column(String(10))  # newest date among the homepage's dated links
    dated_links: Mapped[int] = mapped_column(Integer, default=0)


class ColumnState(Base):
    """What a check saw of one source; a new row only when something changed."""

    __tablename__ = "supervision_column_states"
    __table_args__ = (Index("ix_supervision_column_states_source_observed", "source_id", "observed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(String(20))  # one of COLUMN_STATES
    newest: Mapped[str | None] = mapped_column(String(10))  # newest item date at the source (local day)
    entries: Mapped[int | None] = mapped_column(Integer)  # entries the last read of the list showed
    note: Mapped[str | None] = mapped_column(Text)  # why broken / empty, in Chinese


class Finding(Base):
    """One lasting problem of a unit: one row from first seen until a check no longer sees it."""

    __tablename__ = "supervision_findings"
    __table_args__ = (
        Index("ix_supervision_findings_unit_since", "unit_id", "since"),
        # While the problem lasts this holds a digest of (unit, kind, subject), so two checks
        # running at once can never open the same problem twice; closing sets it to NULL.
        UniqueConstraint("open_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(40), index=True)  # harvester.registry.FINDING_KINDS
    subject: Mapped[str] = mapped_column(String(lengths.URL))  # what it is about: a source id, a URL, a column id
    source_id: Mapped[str | None] = mapped_column(ForeignKey("sources.id"))
    url: Mapped[str] = mapped_column(String(lengths.URL), default="")
    detail: Mapped[str] = mapped_column(Text, default="")  # Chinese, for people
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the same, for programs (days, period, …)
    since: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    close_note: Mapped[str | None] = mapped_column(Text)
    open_key: Mapped[str | None] = mapped_column(String(64))
    deadline: Mapped[date | None] = mapped_column(Date)  # 整改期限 (local day), working days after it opened
    rectified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the latest 整改 report

    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="finding", order_by="Evidence.id", cascade="all, delete-orphan", lazy="selectin"
    )


class Evidence(Base):
    """What a check fetched for a finding: its first sighting and its latest."""

    __tablename__ = "supervision_evidence"
    __table_args__ = (UniqueConstraint("finding_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("supervision_findings.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(10))  # first | latest
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    url: Mapped[str] = mapped_column(String(lengths.URL), default="")
    method: Mapped[str] = mapped_column(String(10), default="")
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    content_type: Mapped[str] = mapped_column(String(lengths.CONTENT_TYPE), default="")
    raw_gz: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)  # the page, zlib; where it matters

    finding: Mapped[Finding] = relationship(back_populates="evidence")


class LinkState(Base):
    """One link a dead-link check watches: where it was found and how it answered."""

    __tablename__ = "supervision_links"
    __table_args__ = (
        UniqueConstraint("unit_id", "scope", "url_hash"),
        Index("ix_supervision_links_unit_checked", "unit_id", "last_checked"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    scope: Mapped[str] = mapped_column(String(10))  # one of LINK_SCOPES
    url: Mapped[str] = mapped_column(String(lengths.URL))
    url_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(String(lengths.LINK_TEXT), default="")  # the link's text (or the item's title)
    found_on: Mapped[str] = mapped_column(String(lengths.URL), default="")
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    source_id: Mapped[str | None] = mapped_column(ForeignKey("sources.id"))
    listed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)  # last seen where it was found
    last_checked: Mapped[datetime | None] = mapped_column(UTCDateTime())
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # failed checks in a row
    dead: Mapped[bool] = mapped_column(Boolean, default=False)


class FindingEvent(Base):
    """One step in a finding's life (opened, rectified, verified, reopened, closed, deadline, comment):
    append-only, shown as its history; the audit log has the same steps with their user."""

    __tablename__ = "supervision_finding_events"
    __table_args__ = (Index("ix_supervision_finding_events_finding", "finding_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("supervision_findings.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    action: Mapped[str] = mapped_column(String(20))  # supervision.rectification.EVENT_LABELS
    status_from: Mapped[str | None] = mapped_column(String(20))
    status_to: Mapped[str | None] = mapped_column(String(20))
    username: Mapped[str] = mapped_column(String(100), default="system")  # "system": a check
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # deadline before/after, evidence of a re-check
    attachment_name: Mapped[str | None] = mapped_column(String(lengths.ATTACHMENT_NAME))
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)


class Report(Base):
    """A generated 月度通报 or 年度考核: the parameters and the data it was made from, so every
    download (HTML, DOCX, PDF, XLSX) renders the same numbers however the database moved on."""

    __tablename__ = "supervision_reports"
    __table_args__ = (Index("ix_supervision_reports_kind_period", "kind", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # monthly | yearly
    period: Mapped[str] = mapped_column(String(7))  # 2026-11 | 2026
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="system")
