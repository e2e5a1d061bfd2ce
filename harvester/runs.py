"""Harvest runs: one row per source per harvest, with counts and every error,
and the source's health that follows from it.

A run is written when it starts (status ``running``, with the harvesting
process id) and completed when its source is done.  A run still ``running``
whose process is gone is marked ``aborted`` by the next harvest or scheduler.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from harvester.health import public_health
from harvestkit.stages import Stage
from storage import lengths
from storage.lengths import fit
from storage.models import HarvestError, HarvestRun, ItemSource, Source

MAX_STORED_ERRORS = 200  # per run; the count keeps going
URL_CHUNK = 500
BROKEN_RULES = "rules may be broken (site redesign?)"
UNDATED_SHARE = 0.5  # more than half the entries without a date or title: the rules miss
INCOMPLETE = "listing incomplete"  # the list declared more than was read (shortfalls)
PROGRESS_EVERY = 1.0  # seconds: a running run's counts reach the database this often (the hub shows them)
NOT_UNDERSTOOD = "not understood"  # a shortfall naming a pager we cannot read: the rules miss


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
    withdrawn: int = 0
    messages: list[dict] = field(default_factory=list)  # {"url", "stage", "message", "at"}: harvest_errors rows
    notes: list[str] = field(default_factory=list)  # bounds reached (max_pages): reported, not errors
    requests: dict[str, int] = field(default_factory=dict)
    status: str = "running"
    health: str = ""
    templates: dict[str, int] = field(default_factory=dict)  # detail pages by extraction way (template, full, check, miss)

    def as_json(self) -> dict:
        return {
            "id": self.source_id,
            "status": self.status,
            "fetched": self.fetched,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "withdrawn": self.withdrawn,
            "requests": self.requests,
            "notes": self.notes,
            "templates": self.templates,
        }


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def abort_dead_runs(session: Session, source_ids: list[str] | None = None) -> int:
    """Mark ``running`` runs whose harvesting process is gone as ``aborted``."""
    query = select(HarvestRun).where(HarvestRun.status == "running")
    if source_ids is not None:
        query = query.where(HarvestRun.source_id.in_(source_ids))
    count = 0
    here = socket.gethostname()
    for run in session.scalars(query):
        if run.hostname in (None, here) and not pid_alive(run.pid):
            run.status, run.finished_at = "aborted", datetime.now(timezone.utc)
            run.error_rows.append(HarvestError(url="", stage=Stage.RUN, message="the harvester stopped before the run finished",
                                               at=run.finished_at))
            count += 1
    return count


def _message(url: str, stage: Stage | str, message: str) -> dict:
    return {"url": fit(url, lengths.RUN_ERROR_URL), "stage": str(stage), "message": message,
            "at": datetime.now(timezone.utc)}


def _store_messages(run: HarvestRun, messages: list[dict]) -> None:
    """The run's errors as rows; a run is closed once, so none is stored twice."""
    run.error_rows.extend(HarvestError(url=m["url"], stage=m["stage"], message=m["message"], at=m["at"]) for m in messages)


class RunBook:
    def __init__(self, sessions: sessionmaker[Session], failures_before_pause: int = 5):
        self.sessions = sessions
        self.failures_before_pause = failures_before_pause
        self.tallies: dict[str, RunTally] = {}
        self.closing = threading.Lock()  # finish() and abort_open() never close one run twice
        self.progress_at: dict[str, float] = {}
        self.progress_writing = threading.Lock()

    def start(self, source_ids: list[str]) -> None:
        with self.sessions.begin() as session:
            abort_dead_runs(session, source_ids)
            busy = set(session.scalars(select(HarvestRun.source_id).where(HarvestRun.source_id.in_(source_ids), HarvestRun.status == "running")))
            if busy:
                raise RuntimeError(f"already being harvested by another process: {', '.join(sorted(busy))}")
            for source_id in source_ids:
                run = HarvestRun(source_id=source_id, status="running", pid=os.getpid(), hostname=socket.gethostname(),
                                 # set by a harvest node's job (nodes/job.py): where the run runs
                                 node=os.environ.get("ZHANQUN_NODE") or None, node_job=os.environ.get("ZHANQUN_NODE_JOB") or None)
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
        self.progress(source_id)

    def progress(self, source_id: str) -> None:
        """Write the running counts to the run, at most once per PROGRESS_EVERY seconds, for
        the hub's live progress of 立即采集.  A courtesy: the final counts are written at the end,
        so a write that fails (a busy database) is left for the next one."""
        tally = self.tallies.get(source_id)
        now = time.monotonic()
        if tally is None or now - self.progress_at.get(source_id, 0.0) < PROGRESS_EVERY:
            return
        self.progress_at[source_id] = now
        if not self.progress_writing.acquire(blocking=False):
            return  # the last write is still waiting for the database: this one can wait a second
        values = dict(fetched=tally.fetched, new=tally.new, updated=tally.updated, unchanged=tally.unchanged,
                      errors=tally.errors)
        # Off the reactor's thread: a database busy with the item writer must not stall the crawl.
        threading.Thread(target=self._write_progress, args=(tally.run_id, values), name="run-progress",
                         daemon=True).start()

    def _write_progress(self, run_id: int, values: dict) -> None:
        try:
            with self.sessions.begin() as session:
                session.execute(update(HarvestRun).where(HarvestRun.id == run_id, HarvestRun.status == "running")
                                .values(**values))
        except SQLAlchemyError:
            pass
        finally:
            self.progress_writing.release()

    def skip(self, source_id: str, url: str, reason: str) -> None:
        tally = self.tallies[source_id]
        tally.skipped += 1
        if len(tally.messages) < MAX_STORED_ERRORS:
            tally.messages.append(_message(url, Stage.SKIPPED, reason))

    def error(self, source_id: str, url: str, stage: Stage | str, message: str) -> None:
        tally = self.tallies[source_id]
        tally.errors += 1
        if len(tally.messages) < MAX_STORED_ERRORS:
            tally.messages.append(_message(url, stage, message))
        self.progress(source_id)

    def withdrew(self, source_id: str) -> None:
        self.tallies[source_id].withdrawn += 1

    # -- closing a run -----------------------------------------------------------
    def finish(self, source_id: str, spider, ingestor=None, policy: str = "unpublish", aborted: str | None = None) -> RunTally:
        """Close the run of a source whose spider closed.  ``aborted`` is the reason
        the harvest was stopped (SIGTERM): the run is ``aborted`` with that reason,
        keeps what was stored, withdraws nothing and leaves the source's health alone."""
        with self.closing:
            return self._finish(source_id, spider, ingestor, policy, aborted)

    def _finish(self, source_id: str, spider, ingestor, policy: str, aborted: str | None) -> RunTally:
        tally = self.tallies[source_id]
        if tally.status != "running":
            return tally  # already closed (a forced stop closed it first)
        listing = spider.listing
        tally.requests = dict(spider.request_counts)
        tally.unchanged += len(listing.unchanged)
        now = datetime.now(timezone.utc)

        self._touch(listing.unchanged, now)
        if ingestor is not None and not aborted:
            for url in self._vanished(source_id, listing):
                if ingestor.withdraw(url, "vanished from its list at the source", policy):
                    tally.withdrawn += 1

        for reason in listing.shortfalls:
            self.error(source_id, spider.source.get("url", ""), Stage.LISTING, reason)
        for reason in listing.bounds:
            tally.notes.append(reason)
        failed = listing.failed and listing.entries == 0 and not listing.not_modified
        if aborted:
            tally.messages.append(_message("", Stage.RUN, aborted))
            tally.status = "aborted"
        elif failed or (listing.entries == 0 and not listing.not_modified and tally.errors):
            tally.status = "failed"
        elif tally.errors:
            tally.status = "partial"
        else:
            tally.status = "ok"

        with self.sessions.begin() as session:
            run = session.get(HarvestRun, tally.run_id)
            run.status, run.finished_at = tally.status, now
            run.fetched, run.new, run.updated, run.unchanged = tally.fetched, tally.new, tally.updated, tally.unchanged
            run.errors = tally.errors
            _store_messages(run, tally.messages)
            run.requests, run.withdrawn, run.notes = tally.requests, tally.withdrawn, tally.notes
            run.list_entries, run.list_newest, run.list_empty = listing.summary()  # for supervision
            if not aborted:
                self._health(session.get(Source, source_id), tally, listing, now)
        return tally

    def abort_open(self, reason: str) -> None:
        """Close every run still open as ``aborted`` with ``reason``, with the counts
        so far: the last step of a harvest that cannot stop in time by itself."""
        now = datetime.now(timezone.utc)
        with self.closing, self.sessions.begin() as session:
            for tally in self.tallies.values():
                if tally.status != "running":
                    continue
                tally.status = "aborted"
                tally.messages.append(_message("", Stage.RUN, reason))
                run = session.get(HarvestRun, tally.run_id)
                if run is None:  # interrupted while the runs were being opened: never written
                    continue
                run.status, run.finished_at = "aborted", now
                run.fetched, run.new, run.updated, run.unchanged = tally.fetched, tally.new, tally.updated, tally.unchanged
                run.errors, run.notes = tally.errors, tally.notes
                _store_messages(run, tally.messages)

    def _touch(self, urls: set[str], now: datetime) -> None:
        """Known pages the listing still shows: seen now, without fetching them."""
        urls = sorted(urls)
        for i in range(0, len(urls), URL_CHUNK):
            with self.sessions.begin() as session:
                session.execute(update(ItemSource).where(ItemSource.url.in_(urls[i : i + URL_CHUNK])).values(last_seen=now))

    def _vanished(self, source_id: str, listing) -> list[str]:
        """Active pages of this source that a complete, newest-first list no longer
        shows although they are newer than its oldest entry.  Only on evidence
        (``ListingTally.vanish_boundary``): never after an early stop, a bound, a
        shortfall, a failure or a 304, never from a feed or sitemap window, never
        from a list in manual (排序号) or any other order; pinned items (置顶) at
        its head are left out of the judgement."""
        boundary = listing.vanish_boundary
        if not boundary:
            return []
        with self.sessions() as session:
            rows = session.execute(
                select(ItemSource.url, ItemSource.list_date).where(ItemSource.source_id == source_id, ItemSource.status == "active")
            )
            return [url for url, list_date in rows if list_date and list_date[:10] > boundary and url not in listing.seen]

    def _health(self, source: Source, tally: RunTally, listing, now: datetime) -> None:
        """ok / failing / paused (after N failures in a row) / broken-rules / incomplete.  A change
        between failed and not bumps the public counter: 站群导航 shows it."""
        with public_health(source):
            self._set_health(source, tally, listing, now)

    def _set_health(self, source: Source, tally: RunTally, listing, now: datetime) -> None:
        if tally.status == "failed":
            source.consecutive_failures += 1
            source.last_error = tally.messages[0]["message"] if tally.messages else "failed"
            if source.last_listed and listing.entries == 0 and not listing.failed:
                source.status, source.health_note = "broken-rules", f"{BROKEN_RULES}: the listing used to show {source.last_listed} entries and now shows none"
            elif source.consecutive_failures >= self.failures_before_pause:
                source.status = "paused"
                source.paused_reason = f"{source.consecutive_failures} failed runs in a row; last error: {source.last_error}"
            else:
                source.status = "failing"
            tally.health = source.status
            return
        source.consecutive_failures, source.last_success = 0, now
        if tally.messages:
            source.last_error = tally.messages[-1]["message"]
        if listing.entries:
            source.last_listed = listing.entries
        missing = max(listing.undated, listing.untitled)
        if listing.entries and missing / listing.entries > UNDATED_SHARE:
            source.status = "broken-rules"
            source.health_note = f"{BROKEN_RULES}: {missing} of {listing.entries} entries have no date or title"
        elif any(NOT_UNDERSTOOD in reason for reason in listing.shortfalls):
            source.status, source.health_note = "broken-rules", f"{BROKEN_RULES}: {'; '.join(listing.shortfalls)}"
        elif listing.shortfalls and source.status != "paused":
            source.status, source.health_note = "incomplete", f"{INCOMPLETE}: {'; '.join(listing.shortfalls)}"
        elif source.status != "paused":
            source.status, source.health_note = "ok", None
        tally.health = source.status
