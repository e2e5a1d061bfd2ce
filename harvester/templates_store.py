"""Site templates in the database: one row per source (table ``source_templates``).

The crawling process keeps a :class:`TemplateLedger` for a harvest: the
extraction workers report, page by page, which way each page went (by template,
the full way, a check, a miss) and any template they learned; at the end of the
harvest :func:`save_templates` writes the newest template of each source and
adds the counts.  A template replaced by one with other selectors is a redesign
of the source's pages: the source's health says so, as ``broken-rules`` (the
registry's list rules may need a look too), and the hub's source page shows both
templates.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Source, UTCDateTime, utcnow

WAYS = ("template", "full", "check", "miss")
REDESIGN_NOTE = "page template changed at the source"


class SourceTemplate(Base):
    """The page template learned for one source, and how often each way was taken."""

    __tablename__ = "source_templates"

    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), primary_key=True)
    title_xpath: Mapped[str] = mapped_column(String(500), default="")
    info_xpath: Mapped[str] = mapped_column(String(500), default="")
    body_xpath: Mapped[str] = mapped_column(String(500), default="")
    body_chars: Mapped[int] = mapped_column(Integer, default=0)  # median body length when learned
    verified_pages: Mapped[int] = mapped_column(Integer, default=0)  # pages it was checked on when learned
    learned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # pages extracted each way, since the template was first learned
    pages_template: Mapped[int] = mapped_column(Integer, default=0)
    pages_full: Mapped[int] = mapped_column(Integer, default=0)
    pages_check: Mapped[int] = mapped_column(Integer, default=0)
    misses: Mapped[int] = mapped_column(Integer, default=0)
    relearned: Mapped[int] = mapped_column(Integer, default=0)  # times learned again after a miss
    last_run: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the last harvest's counts by way
    redesigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    previous: Mapped[dict[str, Any] | None] = mapped_column(default=None)  # the template before the redesign
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def as_template(self) -> dict:
        return {"title": self.title_xpath, "info": self.info_xpath, "body": self.body_xpath,
                "body_chars": self.body_chars, "learned_at": self.learned_at.isoformat() if self.learned_at else "",
                "pages": self.verified_pages}


def load_templates(session, source_ids=None) -> dict[str, dict]:
    """Source id → template dict (:class:`harvester.extract.template.Template`)."""
    query = session.query(SourceTemplate)
    if source_ids is not None:
        query = query.filter(SourceTemplate.source_id.in_(list(source_ids)))
    return {row.source_id: row.as_template() for row in query if row.body_xpath}


@dataclass
class _Seen:
    ways: dict[str, int] = field(default_factory=lambda: dict.fromkeys(WAYS, 0))
    learned: dict | None = None
    relearned: int = 0  # templates learned again after a miss
    redesign: dict | None = None  # the previous template, when a redesign was seen


class TemplateLedger:
    """What the extraction workers reported during one harvest (crawling process;
    the pipeline notes from the reactor thread, the closing step reads)."""

    def __init__(self) -> None:
        self.sources: dict[str, _Seen] = {}
        self.lock = threading.Lock()

    def note(self, source_id: str, report: dict) -> None:
        with self.lock:
            seen = self.sources.setdefault(source_id, _Seen())
            way = report.get("way")
            if way in seen.ways:
                seen.ways[way] += 1
            learned = report.get("learned")
            if learned:
                seen.relearned += 1 if report.get("relearn") else 0
                if seen.learned is None or learned.get("learned_at", "") >= seen.learned.get("learned_at", ""):
                    seen.learned = learned
                if report.get("redesign"):
                    seen.redesign = report.get("previous") or {}

    def totals(self) -> dict[str, Any]:
        """Pages by way over every source, and the share read by template."""
        with self.lock:
            out = {way: sum(s.ways[way] for s in self.sources.values()) for way in WAYS}
        pages = sum(out.values())
        out["share"] = round(out["template"] / pages, 4) if pages else 0.0
        return out


def save_templates(sessions, ledger: TemplateLedger, ok_sources: set[str] | None = None) -> list[str]:
    """Store what ``ledger`` saw; returns the ids of sources whose template changed
    (a redesign), whose health is now ``broken-rules``."""
    from harvester.health import public_health
    from harvester.runs import BROKEN_RULES

    now = datetime.now(timezone.utc)
    redesigned: list[str] = []
    with sessions.begin() as session:
        for source_id, seen in sorted(ledger.sources.items()):
            if session.get(Source, source_id) is None:
                continue
            row = session.get(SourceTemplate, source_id)
            if row is None and seen.learned is None:
                continue
            if row is None:
                row = SourceTemplate(source_id=source_id, pages_template=0, pages_full=0, pages_check=0, misses=0, relearned=0)
                session.add(row)
            row.relearned = (row.relearned or 0) + seen.relearned
            if seen.learned is not None:
                if row.body_xpath and seen.redesign is None and (row.title_xpath, row.info_xpath, row.body_xpath) != (
                        seen.learned["title"], seen.learned["info"], seen.learned["body"]):
                    # learned afresh by a worker that had no template yet: compare with the stored one
                    seen.redesign = {"title": row.title_xpath, "info": row.info_xpath, "body": row.body_xpath}
                row.title_xpath, row.info_xpath, row.body_xpath = seen.learned["title"], seen.learned["info"], seen.learned["body"]
                row.body_chars, row.verified_pages = seen.learned.get("body_chars", 0), seen.learned.get("pages", 0)
                row.learned_at = _parse_time(seen.learned.get("learned_at")) or now
            row.pages_template = (row.pages_template or 0) + seen.ways["template"]
            row.pages_full = (row.pages_full or 0) + seen.ways["full"]
            row.pages_check = (row.pages_check or 0) + seen.ways["check"]
            row.misses = (row.misses or 0) + seen.ways["miss"]
            row.last_run = dict(seen.ways)
            row.updated_at = now
            if seen.redesign is not None:
                row.redesigned_at, row.previous = now, {k: seen.redesign.get(k, "") for k in ("title", "info", "body")}
                source = session.get(Source, source_id)
                if source.status not in ("paused", "failing"):
                    with public_health(source):
                        source.status = "broken-rules"
                        source.health_note = (f"{BROKEN_RULES}: {REDESIGN_NOTE} on {now:%Y-%m-%d} "
                                              f"(content was {row.previous['body'] or '-'}, now {row.body_xpath})")
                redesigned.append(source_id)
    return redesigned


def _parse_time(text: str | None) -> datetime | None:
    try:
        value = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value
