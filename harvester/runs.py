"""Harvest runs: one row per source per harvest, with counts and every error,
and the source's health that follows from it.

A run is written when it starts (status ``running``, with the harvesting
process id) and completed when its source is done.  A run still ``running``
whose process is gone is marked ``aborted`` by the next harvest or scheduler.

Two halves: :class:`RunBook` counts in the crawling process and sends every
write to the writer process (``harvester.writes``); the functions after it
(:func:`open_runs`, :func:`close_run`, …) are what the writer process does with
those messages.
"""
from __future__ import annotations

import copy
import os
import socket
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from harvester.health import public_health
from harvestkit.stages import Stage
from harvester.writes import AbortRuns, CloseRun, OpenRuns, RunProgress
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
    """The crawling process's side of a harvest's runs: the counts, kept in memory
    while the spiders work; every write (open, progress, close, abort) is a message
    to the writer process (``harvester.writes``), the harvest's only writer."""

    def __init__(self, writer, failures_before_pause: int = 5):
        self.writer = writer  # harvester.writer.StoreWriter
        self.failures_before_pause = failures_before_pause
        self.tallies: dict[str, RunTally] = {}
        self.closing = threading.Lock()  # finish() and abort_open() never close one run twice
        self.progress_at: dict[str, float] = {}
        self.opening: Future | None = None

    def start(self, source_ids: list[str]) -> None:
        """Ask the writer to open a run per source (owned by this process); :meth:`opened` waits."""
        self.opening = self.writer.send(OpenRuns(
            list(source_ids), os.getpid(), socket.gethostname(),
            # set by a harvest node's job (nodes/job.py): where the run runs
            node=os.environ.get("ZHANQUN_NODE") or None, node_job=os.environ.get("ZHANQUN_NODE_JOB") or None))

    def opened(self) -> None:
        """Wait until the runs are open; raises what opening them raised (e.g. a source
        already being harvested by another process)."""
        if self.opening is None:
            return
        for source_id, run_id in self.opening.result().items():
            self.tallies.setdefault(source_id, RunTally(run_id, source_id))

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
        """Send the running counts to the run, at most once per PROGRESS_EVERY seconds, for
        the hub's live progress of 立即采集.  A courtesy: the final counts are written at the
        end.  Only a queue put on the reactor's thread: the writer stores it in its turn."""
        tally = self.tallies.get(source_id)
        now = time.monotonic()
        if tally is None or now - self.progress_at.get(source_id, 0.0) < PROGRESS_EVERY:
            return
        self.progress_at[source_id] = now
        self.writer.send(RunProgress(tally.run_id, tally.fetched, tally.new, tally.updated, tally.unchanged, tally.errors),
                         answer=False)

    def skip(self, source_id: str, url: str, reason: str) -> None:
        tally = self.tallies[source_id]
        tally.skipped += 1
        if len(tally.messages) < MAX_STORED_ERRORS:
            tally.messages.append(_message(url, Stage.SKIPPED, reason))

    def error(self, source_id: str, url: str, stage: Stage | str, message: str) -> None:
        _add_error(self.tallies[source_id], url, stage, message)
        self.progress(source_id)

    def withdrew(self, source_id: str) -> None:
        self.tallies[source_id].withdrawn += 1

    # -- closing a run -----------------------------------------------------------
    def finish(self, source_id: str, spider, policy: str = "unpublish", aborted: str | None = None) -> Future:
        """Close the run of a source whose spider closed (its pages are stored by then).
        ``aborted`` is the reason the harvest was stopped (SIGTERM): the run is
        ``aborted`` with that reason, keeps what was stored, withdraws nothing and
        leaves the source's health alone.  The future's result is the closed tally,
        which replaces this one once the writer closed the run."""
        with self.closing:
            tally = self.tallies[source_id]
            if tally.status != "running":
                return _resolved(tally)  # already closed (a forced stop closed it first)
            answer = self.writer.send(CloseRun(copy.deepcopy(tally), spider.listing, dict(spider.request_counts),
                                               spider.source.get("url", ""), policy, aborted, self.failures_before_pause))
        closed: Future = Future()

        def done(answer: Future) -> None:
            try:
                self.tallies[source_id] = answer.result()
            except BaseException as exc:  # noqa: BLE001 - the waiter sees it
                closed.set_exception(exc)
            else:
                closed.set_result(self.tallies[source_id])

        answer.add_done_callback(done)
        return closed

    def abort_open(self, reason: str) -> Future:
        """Close every run still open as ``aborted`` with ``reason``, with the counts
        so far: the last step of a harvest that cannot stop in time by itself.  Runs
        still being opened are waited for, so that they are closed too."""
        try:
            self.opened()
        except Exception:  # noqa: BLE001 - not opened: nothing to close
            pass
        with self.closing:
            still_open = [t for t in self.tallies.values() if t.status == "running"]
            for tally in still_open:
                tally.status = "aborted"
                tally.messages.append(_message("", Stage.RUN, reason))
            if not still_open:
                return _resolved(None)
            return self.writer.send(AbortRuns([copy.deepcopy(t) for t in still_open]))


def _resolved(value) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def _add_error(tally: RunTally, url: str, stage: Stage | str, message: str) -> None:
    tally.errors += 1
    if len(tally.messages) < MAX_STORED_ERRORS:
        tally.messages.append(_message(url, stage, message))


# -- in the writer process: the runs' rows ----------------------------------------
def open_runs(sessions: sessionmaker[Session], message: OpenRuns) -> dict[str, int]:
    """A ``running`` row per source, after closing those whose harvesting process is gone."""
    run_ids: dict[str, int] = {}
    with sessions.begin() as session:
        abort_dead_runs(session, message.source_ids)
        busy = set(session.scalars(select(HarvestRun.source_id).where(HarvestRun.source_id.in_(message.source_ids),
                                                                      HarvestRun.status == "running")))
        if busy:
            raise RuntimeError(f"already being harvested by another process: {', '.join(sorted(busy))}")
        for source_id in message.source_ids:
            run = HarvestRun(source_id=source_id, status="running", pid=message.pid, hostname=message.hostname,
                             node=message.node, node_job=message.node_job)
            session.add(run)
            session.flush()
            run_ids[source_id] = run.id
    return run_ids


def write_progress(sessions: sessionmaker[Session], message: RunProgress) -> None:
    """A courtesy: a write that fails (a busy database) is left for the next one."""
    try:
        with sessions.begin() as session:
            session.execute(update(HarvestRun).where(HarvestRun.id == message.run_id, HarvestRun.status == "running")
                            .values(fetched=message.fetched, new=message.new, updated=message.updated,
                                    unchanged=message.unchanged, errors=message.errors))
    except SQLAlchemyError:
        pass


def close_run(sessions: sessionmaker[Session], message: CloseRun, withdraw: Callable[[str, str, str], bool]) -> RunTally:
    """Close one run (see :class:`harvester.writes.CloseRun`); a run no longer
    ``running`` (a forced stop closed it first) is left as it is."""
    tally, listing, aborted = message.tally, message.listing, message.aborted
    with sessions() as session:
        status = session.scalar(select(HarvestRun.status).where(HarvestRun.id == tally.run_id))
    if status != "running":
        tally.status = status or "aborted"
        return tally
    tally.requests = message.requests
    tally.unchanged += len(listing.unchanged)
    now = datetime.now(timezone.utc)

    _touch(sessions, listing.unchanged, now)
    if not aborted:
        for url in _vanished(sessions, tally.source_id, listing):
            if withdraw(url, "vanished from its list at the source", message.policy):
                tally.withdrawn += 1

    for reason in listing.shortfalls:
        _add_error(tally, message.source_url, Stage.LISTING, reason)
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

    with sessions.begin() as session:
        run = session.get(HarvestRun, tally.run_id)
        run.status, run.finished_at = tally.status, now
        run.fetched, run.new, run.updated, run.unchanged = tally.fetched, tally.new, tally.updated, tally.unchanged
        run.errors = tally.errors
        _store_messages(run, tally.messages)
        run.requests, run.withdrawn, run.notes = tally.requests, tally.withdrawn, tally.notes
        run.list_entries, run.list_newest, run.list_empty = listing.summary()  # for supervision
        if not aborted:
            _health(session.get(Source, tally.source_id), tally, listing, now, message.failures_before_pause)
    return tally


def abort_runs(sessions: sessionmaker[Session], message: AbortRuns) -> None:
    """Close the given runs ``aborted`` with their counts so far, unless already closed."""
    now = datetime.now(timezone.utc)
    with sessions.begin() as session:
        for tally in message.tallies:
            run = session.get(HarvestRun, tally.run_id)
            if run is None or run.status != "running":  # never written, or closed before this arrived
                continue
            run.status, run.finished_at = "aborted", now
            run.fetched, run.new, run.updated, run.unchanged = tally.fetched, tally.new, tally.updated, tally.unchanged
            run.errors, run.notes = tally.errors, tally.notes
            _store_messages(run, tally.messages)


def _touch(sessions: sessionmaker[Session], urls: set[str], now: datetime) -> None:
    """Known pages the listing still shows: seen now, without fetching them."""
    urls = sorted(urls)
    for i in range(0, len(urls), URL_CHUNK):
        with sessions.begin() as session:
            session.execute(update(ItemSource).where(ItemSource.url.in_(urls[i : i + URL_CHUNK])).values(last_seen=now))


def _vanished(sessions: sessionmaker[Session], source_id: str, listing) -> list[str]:
    """Active pages of this source that a complete, newest-first list no longer
    shows although they are newer than its oldest entry.  Only on evidence
    (``ListingTally.vanish_boundary``): never after an early stop, a bound, a
    shortfall, a failure or a 304, never from a feed or sitemap window, never
    from a list in manual (排序号) or any other order; pinned items (置顶) at
    its head are left out of the judgement."""
    boundary = listing.vanish_boundary
    if not boundary:
        return []
    with sessions() as session:
        rows = session.execute(
            select(ItemSource.url, ItemSource.list_date).where(ItemSource.source_id == source_id, ItemSource.status == "active")
        )
        return [url for url, list_date in rows if list_date and list_date[:10] > boundary and url not in listing.seen]


def _health(source: Source, tally: RunTally, listing, now: datetime, failures_before_pause: int) -> None:
    """ok / failing / paused (after N failures in a row) / broken-rules / incomplete.  A change
    between failed and not bumps the public counter: 站群导航 shows it."""
    with public_health(source):
        _set_health(source, tally, listing, now, failures_before_pause)


def _set_health(source: Source, tally: RunTally, listing, now: datetime, failures_before_pause: int) -> None:
    if tally.status == "failed":
        source.consecutive_failures += 1
        source.last_error = tally.messages[0]["message"] if tally.messages else "failed"
        if source.last_listed and listing.entries == 0 and not listing.failed:
            source.status, source.health_note = "broken-rules", f"{BROKEN_RULES}: the listing used to show {source.last_listed} entries and now shows none"
        elif source.consecutive_failures >= failures_before_pause:
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
