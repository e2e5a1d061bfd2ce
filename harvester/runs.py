"""Harvest runs: one row per source per harvest, with counts and every error.

A run is written when it starts (status ``running``) and completed when its
source is done.  A run still ``running`` from a harvester that died is marked
``aborted`` by the next harvest of that source.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from storage.models import HarvestRun, Source

MAX_STORED_ERRORS = 200  # per run; the count keeps going


@dataclass
class RunTally:
    run_id: int
    source_id: str
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    skipped: int = 0
    messages: list[dict] = field(default_factory=list)
    listing_failed: bool = False
    status: str = "running"

    def as_json(self) -> dict:
        return {
            "id": self.source_id,
            "status": self.status,
            "fetched": self.fetched,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


class RunBook:
    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions
        self.tallies: dict[str, RunTally] = {}

    def start(self, source_ids: list[str]) -> None:
        with self.sessions.begin() as session:
            session.execute(
                update(HarvestRun)
                .where(HarvestRun.source_id.in_(source_ids), HarvestRun.status == "running")
                .values(status="aborted", finished_at=datetime.now(timezone.utc))
            )
            for source_id in source_ids:
                run = HarvestRun(source_id=source_id, status="running", error_messages=[])
                session.add(run)
                session.flush()
                self.tallies[source_id] = RunTally(run.id, source_id)

    def count(self, source_id: str, outcome: str) -> None:
        tally = self.tallies[source_id]
        tally.fetched += 1
        if outcome in ("new", "merged"):
            tally.new += 1
        elif outcome == "updated":
            tally.updated += 1
        else:
            tally.unchanged += 1

    def skip(self, source_id: str, url: str, reason: str) -> None:
        tally = self.tallies[source_id]
        tally.skipped += 1
        if len(tally.messages) < MAX_STORED_ERRORS:
            tally.messages.append({"url": url, "stage": "skipped", "message": reason})

    def error(self, source_id: str, url: str, stage: str, message: str) -> None:
        tally = self.tallies[source_id]
        tally.errors += 1
        if stage == "listing" and url:
            tally.listing_failed = True
        if len(tally.messages) < MAX_STORED_ERRORS:
            tally.messages.append({"url": url, "stage": stage, "message": message})

    def finish(self, source_id: str, listed: int) -> RunTally:
        tally = self.tallies[source_id]
        if listed == 0 and (tally.listing_failed or tally.errors):
            tally.status = "failed"
        elif tally.errors:
            tally.status = "partial"
        else:
            tally.status = "ok"
        now = datetime.now(timezone.utc)
        with self.sessions.begin() as session:
            run = session.get(HarvestRun, tally.run_id)
            run.status, run.finished_at = tally.status, now
            run.fetched, run.new, run.updated, run.unchanged = tally.fetched, tally.new, tally.updated, tally.unchanged
            run.errors, run.error_messages = tally.errors, tally.messages
            source = session.get(Source, source_id)
            if tally.status == "failed":
                source.consecutive_failures += 1
                source.status = "failing"
                source.last_error = tally.messages[0]["message"] if tally.messages else "failed"
            else:
                source.consecutive_failures, source.status, source.last_success = 0, "ok", now
                if tally.messages:
                    source.last_error = tally.messages[-1]["message"]
        return tally
