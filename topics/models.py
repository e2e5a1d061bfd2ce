"""A topic (专题), its sub-sections, contributing units, keyword rules and entries."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, Item, Unit, UTCDateTime, utcnow

ENTRY_STATES = ("pending", "accepted", "rejected")
ENTRY_ORIGINS = ("submission", "rule", "editor")


class Topic(Base):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    banner: Mapped[str] = mapped_column(String(200), default="")  # the banner's text (a slogan)
    description: Mapped[str] = mapped_column(Text, default="")  # plain text
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # shown on the portal, open to contributions
    rules_checked_id: Mapped[int] = mapped_column(Integer, default=0)  # items up to this id were matched
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    sections: Mapped[list[TopicSection]] = relationship(
        back_populates="topic", order_by="TopicSection.position, TopicSection.id", cascade="all, delete-orphan")
    units: Mapped[list[TopicUnit]] = relationship(cascade="all, delete-orphan")
    rules: Mapped[list[TopicRule]] = relationship(order_by="TopicRule.id", cascade="all, delete-orphan")


class TopicSection(Base):
    """A sub-section (子栏目) of a topic."""

    __tablename__ = "topic_sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)

    topic: Mapped[Topic] = relationship(back_populates="sections")


class TopicUnit(Base):
    """A contributing unit (共建单位) of a topic."""

    __tablename__ = "topic_units"

    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), primary_key=True)

    unit: Mapped[Unit] = relationship()


class TopicRule(Base):
    """A keyword: harvested items whose title or summary holds it wait in the topic's queue."""

    __tablename__ = "topic_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    keyword: Mapped[str] = mapped_column(String(100))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("topic_sections.id", ondelete="SET NULL"))


class TopicEntry(Base):
    """An item in a topic's sub-section: contributed, matched by a rule or added by an editor."""

    __tablename__ = "topic_entries"
    __table_args__ = (UniqueConstraint("topic_id", "item_id"),
                      Index("ix_topic_entries_topic_state", "topic_id", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("topic_sections.id", ondelete="SET NULL"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))  # whose contribution it counts as
    origin: Mapped[str] = mapped_column(String(20))  # one of ENTRY_ORIGINS
    state: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    item: Mapped[Item] = relationship()
    section: Mapped[TopicSection | None] = relationship()
