"""Letters (来信) of 政民互动: what a citizen wrote, where the office sent it, the unit's
answer and every step taken on it.

A letter's contact details (``name``, ``phone``) are read by the portal office and the
assigned unit only: no public page, feed, search or API answer carries them (the public
views select the columns they show, see interaction/public_views.py).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, Unit, User, UTCDateTime, utcnow

LETTER_KINDS = {"consult": "咨询", "suggest": "建议", "complain": "投诉"}
# received: at the portal office (待转办); dispatched: with a unit (办理中); replied: answered,
# waiting for the office's review (待审核); returned: sent back to the unit (退回重办);
# published: the Q&A is public (已公开); closed: answered, kept private (已办结);
# dismissed: not accepted (不予受理), with a reason.
LETTER_STATUSES = ("received", "dispatched", "replied", "returned", "published", "closed", "dismissed")
OPEN_STATUSES = ("received", "dispatched", "returned")  # waiting for an answer
WITH_UNIT_STATUSES = ("dispatched", "returned")  # the unit's turn


class Letter(Base):
    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("code_hash"),
        Index("ix_letters_status_published_at", "status", "published_at"),
        Index("ix_letters_unit_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the 查询码 (the code itself is never stored)
    kind: Mapped[str] = mapped_column(String(20), default="consult")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # as typed: shown as escaped text only
    requested_unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))  # the citizen's choice
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))  # the unit it was dispatched to
    name: Mapped[str] = mapped_column(String(50), default="")  # private
    phone: Mapped[str] = mapped_column(String(30))  # private
    public_consent: Mapped[bool] = mapped_column(Boolean, default=False)  # the citizen agrees to publication
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    sensitive_terms: Mapped[list[Any]] = mapped_column(default=list)  # screen hits: publishing needs a check
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_on: Mapped[date | None] = mapped_column(Date)  # last working day of 办理时限 (portal's local date)
    extended_days: Mapped[int] = mapped_column(Integer, default=0)  # 延期 granted, working days (once)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    interim_html: Mapped[str | None] = mapped_column(Text)  # 阶段性答复 sent with the extension (nh3-sanitized)
    reply_html: Mapped[str | None] = mapped_column(Text)  # 答复 (nh3-sanitized)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reply_unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))  # None: the portal office answered
    office_comment: Mapped[str | None] = mapped_column(Text)  # why returned or dismissed
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])
    requested_unit: Mapped[Unit | None] = relationship(foreign_keys=[requested_unit_id])
    reply_unit: Mapped[Unit | None] = relationship(foreign_keys=[reply_unit_id])
    replied_by: Mapped[User | None] = relationship()
    events: Mapped[list[LetterEvent]] = relationship(
        back_populates="letter", order_by="LetterEvent.id", cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return LETTER_KINDS.get(self.kind, self.kind)


class LetterEvent(Base):
    """One step on a letter (received, dispatched, replied, extended…): who, when, before, after.
    Append-only: the letter's own audit trail."""

    __tablename__ = "letter_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(100))  # "公众" for the citizen
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    letter: Mapped[Letter] = relationship(back_populates="events")


class RateHit(Base):
    """One counted request of an address (keyed by an HMAC of it, never the address itself):
    the per-address limits of the letter form and the 查询码 lookup, shared by every worker."""

    __tablename__ = "interaction_hits"
    __table_args__ = (Index("ix_interaction_hits_bucket_key_at", "bucket", "key", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(20))  # "letter", "track"
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
