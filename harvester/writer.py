"""The harvest's single database writer: a process that stores pages in batches.

Extraction workers send each finished page (a plain record: bodies, raw page,
fingerprints) straight to the writer process's inbox, so big results are never
unpickled in the crawling process and storing does not compete with Scrapy for
its GIL.  The writer owns the near-duplicate index, stores the pages that
arrive together in one transaction (up to ``BATCH``) and reports one small
outcome per page back: ``'new'``, ``'merged'``, ``'updated'``, ``'unchanged'``
or an error string.

Other writes (withdrawals, closing runs) run in one thread of the crawling
process, in the order submitted, each in its own short transaction; a run is
closed only after its spider closed, i.e. after all its pages were stored.

The writer process is spawned lean: it imports SQLAlchemy and the models, no
Scrapy, no extraction code.  It is a daemon in the harvester's process group,
so a ``kill -9`` of the group leaves at most an uncommitted transaction.
"""
from __future__ import annotations

import itertools
import os
import queue
import signal
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any, Callable

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
    """The writer process: load the duplicate index, then store batches until ``None``."""
    from storage.db import make_engine, session_factory
    from harvester.ingest import Ingestor

    follow_parent()
    engine = make_engine(db_url)
    try:
        ingestor = Ingestor(session_factory(engine, timezone), sources)
        stop = False
        while not stop:
            first = inbox.get()
            if first is None:
                break
            records = [first]
            deadline = time.monotonic() + LINGER_SECONDS
            while len(records) < BATCH:
                try:
                    nxt = inbox.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                records.append(nxt)
            try:
                outcomes: list = ingestor.ingest_batch(records)
            except Exception as exc:  # noqa: BLE001 - reported for every page of the batch
                outcomes = [fit(f"{type(exc).__name__}: {exc}", lengths.RUN_MESSAGE)] * len(records)
            outbox.put([(r.token, o) for r, o in zip(records, outcomes)])
    finally:
        engine.dispose()


OUTCOMES = frozenset({"new", "merged", "updated", "unchanged"})


class StoreWriter:
    """The crawling process's side of the writer: the writer's inbox (for the
    extraction workers), a future per page expected, and a thread for other writes."""

    def __init__(self, db_url: str, timezone: str, sources: dict):
        self.db_url = db_url
        self.timezone = timezone
        self.sources = sources
        self.inbox = LEAN.Queue()
        self.outbox = LEAN.Queue()
        self.process: LeanProcess | None = None
        self.futures: dict[int, Future] = {}
        self.tokens = itertools.count(1)
        self.lock = threading.Lock()
        self.calls = ThreadPoolExecutor(1, thread_name_prefix="store-calls")
        self.reader: threading.Thread | None = None
        self.closing = False

    def _start(self) -> None:
        self.process = LEAN.Process(target=writer_main, args=(self.db_url, self.timezone, self.sources, self.inbox, self.outbox),
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

    def submit(self, fn: Callable, *args: Any) -> Future:
        return self.calls.submit(fn, *args)

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
            for token, outcome in batch:
                with self.lock:
                    future = self.futures.pop(token, None)
                if future is None:
                    continue
                if outcome in OUTCOMES:
                    future.set_result(outcome)
                else:
                    future.set_exception(StoreError(outcome))

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
        self.calls.shutdown(wait=wait)
