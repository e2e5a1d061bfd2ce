"""The harvest's single database writer: a process that stores pages in batches
and applies every other write of the harvest.

Extraction workers send each finished page (a plain record: bodies, raw page,
fingerprints) straight to the writer process's inbox, so big results are never
unpickled in the crawling process and storing does not compete with Scrapy for
its GIL.  The writer owns the near-duplicate index, stores the pages that
arrive together in one transaction (up to ``BATCH``) and reports one small
outcome per page back: ``'new'``, ``'merged'``, ``'updated'``, ``'unchanged'``
or an error.

Every other write of a harvest (opening runs, their progress, withdrawals,
closing runs, HTTP validators, page templates) is a typed message of the
crawling process (``harvester.writes``) on the same inbox, applied in the order
it arrives, each in its own short transaction (``harvester.writer_desk``); its
answer resolves a future in the crawling process.  A run is closed only after
its spider closed, i.e. after all its pages were stored.  The crawling process
itself writes nothing once the harvest's runs are being opened.

The writer process starts with the harvest (it opens the runs).  It is forked
from the harvesting process when that has already imported what the writer
needs (the models: the ``zhanqun harvest`` command, cold or forked warm) and
runs no other thread yet, so it starts in milliseconds; otherwise it is spawned
lean: it imports SQLAlchemy and the models, no Scrapy, no extraction code.  It
is a daemon in the harvester's process group, so a ``kill -9`` of the group
leaves at most an uncommitted transaction.
"""
from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import time
from concurrent.futures import Future
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any

from harvester.blank_main import blank_main
from storage import lengths
from storage.lengths import fit

BATCH = 64
# Wait this long for more pages before writing: one commit for several pages costs far
# less than one per page, and 50 ms is nothing to a page that took seconds to harvest.
LINGER_SECONDS = 0.05
POLL_SECONDS = 0.5
PARENT_POLL_SECONDS = 1.0


class StoreError(RuntimeError):
    """Storing a page failed in the writer (database error): recorded on the run."""


# -- lean spawned processes -------------------------------------------------------
class LeanProcess(SpawnProcess):
    """A spawned process that does not re-import the parent's ``__main__`` (the
    ``zhanqun`` CLI, which would pull Scrapy and Twisted into every child)."""

    def start(self) -> None:
        with blank_main():
            super().start()


class LeanSpawnContext(SpawnContext):
    Process = LeanProcess


LEAN = LeanSpawnContext()


def writer_context():
    """Fork when it costs nothing: this process already imported the models (the
    harvest command has), and no other thread runs (a lock another thread held
    would stay held in the child).  Else a lean spawn."""
    if ("fork" in multiprocessing.get_all_start_methods() and "storage.models" in sys.modules
            and threading.active_count() == 1):
        import harvester.writer_desk  # noqa: F401 - imported once here, inherited by the child

        return multiprocessing.get_context("fork")
    return LEAN


def follow_parent() -> None:
    """In a harvest's child process: leave stop signals to the harvesting process
    (a SIGTERM to the process group must not kill the writer before it flushes, nor
    an extraction worker mid-page), and end when that process is gone."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


# -- the writer process ------------------------------------------------------------
def writer_main(db_url: str, timezone: str, sources: dict, inbox, outbox) -> None:
    """The writer process: store pages in batches and apply messages, in the order
    they arrive, until ``None``.  Answers go to ``outbox`` as ``(token, value, error)``."""
    from storage.db import make_engine, session_factory
    from harvester.records import StoreRecord
    from harvester.writer_desk import WriterDesk

    gc.freeze()  # forked: what it inherited is never scanned by the collector, so stays shared
    follow_parent()
    engine = make_engine(db_url)
    try:
        desk = WriterDesk(session_factory(engine, timezone), sources)
        held = None  # a message that ended a batch of pages: applied right after it
        while True:
            first = held if held is not None else inbox.get()
            held = None
            if first is None:
                break
            if not isinstance(first, StoreRecord):
                answer = _apply(desk, first)
                if first.token:
                    outbox.put([answer])
                continue
            records = [first]
            deadline = time.monotonic() + LINGER_SECONDS
            while len(records) < BATCH:
                try:
                    nxt = inbox.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if not isinstance(nxt, StoreRecord):
                    held = nxt if nxt is not None else STOP
                    break
                records.append(nxt)
            try:
                outcomes: list = desk.store(records)
            except Exception as exc:  # noqa: BLE001 - reported for every page of the batch
                outcomes = [fit(f"{type(exc).__name__}: {exc}", lengths.RUN_MESSAGE)] * len(records)
            outbox.put([(r.token, o, None) if o in OUTCOMES else (r.token, None, StoreError(o))
                        for r, o in zip(records, outcomes)])
            if held is STOP:
                break
    finally:
        engine.dispose()


STOP = object()  # the writer's loop saw ``None`` while collecting a batch


def _apply(desk, message) -> tuple[int, Any, Exception | None]:
    """One message applied: ``(token, answer, None)`` or ``(token, None, error)``; the
    error crosses back as a :class:`StoreError` (a RuntimeError) with its text."""
    try:
        answer = desk.apply(message)
        pickle.dumps(answer)
        return message.token, answer, None
    except Exception as exc:  # noqa: BLE001 - the crawling process decides what it means
        text = str(exc) if isinstance(exc, RuntimeError) else f"{type(exc).__name__}: {exc}"
        return message.token, None, StoreError(text)


OUTCOMES = frozenset({"new", "merged", "updated", "unchanged"})


class StoreWriter:
    """The crawling process's side of the writer: the writer's inbox (for the
    extraction workers and this process's messages) and a future per answer expected."""

    def __init__(self, db_url: str, timezone: str, sources: dict):
        self.db_url = db_url
        self.timezone = timezone
        self.sources = sources
        self.inbox = LEAN.Queue()
        self.outbox = LEAN.Queue()
        self.process = None  # the writer process, once started
        self.futures: dict[int, Future] = {}
        self.tokens = itertools.count(1)
        self.lock = threading.Lock()
        self.reader: threading.Thread | None = None
        self.closing = False

    def start(self) -> None:
        """Start the writer process now (its imports overlap the harvest's own start-up)."""
        with self.lock:
            if self.process is None:
                self._start()

    def _start(self) -> None:
        self.process = writer_context().Process(target=writer_main, args=(self.db_url, self.timezone, self.sources, self.inbox, self.outbox),
                                    name="zhanqun-writer", daemon=True)
        self.process.start()
        self.reader = threading.Thread(target=self._read, name="store-outcomes", daemon=True)
        self.reader.start()

    def expect(self) -> tuple[int, Future]:
        """A token for a page about to be extracted, and the future of its outcome."""
        future: Future = Future()
        with self.lock:
            if self.process is None:
                self._start()
            elif not self.process.is_alive():
                future.set_exception(StoreError("the writer process is gone"))
                return 0, future
            token = next(self.tokens)
            self.futures[token] = future
        return token, future

    def forget(self, token: int) -> None:
        """The page never reached the writer (extraction failed)."""
        with self.lock:
            self.futures.pop(token, None)

    def send(self, message, answer: bool = True) -> Future | None:
        """Put a write (``harvester.writes``) in the writer's inbox, after everything put
        there before it; the future resolves with the writer's answer.  ``answer=False``:
        nobody waits (a progress courtesy), and a writer that is gone drops it."""
        if not answer:
            message.token = 0
            with self.lock:
                alive = self.process is not None and self.process.is_alive()
            if alive:
                self.inbox.put(message)
            return None
        token, future = self.expect()
        if token:
            message.token = token
            self.inbox.put(message)
        return future

    def _read(self) -> None:
        while True:
            try:
                batch = self.outbox.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if self.process.is_alive():
                    continue
                self._fail_all(StoreError(f"the writer process stopped (exit code {self.process.exitcode})"))
                return
            except (EOFError, OSError):
                self._fail_all(StoreError("the writer process is gone"))
                return
            if batch is None:
                return
            for token, value, error in batch:
                with self.lock:
                    future = self.futures.pop(token, None)
                if future is None:
                    continue
                if error is None:
                    future.set_result(value)
                else:
                    future.set_exception(error if isinstance(error, Exception) else StoreError(str(error)))

    def _fail_all(self, exc: Exception) -> None:
        with self.lock:
            futures, self.futures = list(self.futures.values()), {}
        for future in futures:
            future.set_exception(exc)

    def flush(self, timeout: float) -> None:
        """Let the writer store what it has, for at most ``timeout`` seconds (a forced stop)."""
        if self.process is not None and self.process.is_alive():
            self.inbox.put(None)
            self.process.join(timeout)

    def shutdown(self, wait: bool = True) -> None:
        """Call after the extraction workers are shut down: they are the writer's producers."""
        if self.process is not None:
            self.inbox.put(None)
            if wait:
                self.process.join()
            self.outbox.put(None)  # ends the reader once every outcome is delivered
            if wait:
                self.reader.join()
            self._fail_all(StoreError("the harvest stopped before the page was stored"))
