"""The harvest's single database writer: a thread that stores pages in batches.

Storing one page per transaction costs more than extracting it, so pages that
arrive together are written together (up to ``BATCH`` per transaction).  Other
writes (withdrawals, closing runs) go through the same thread, in order, so
there is one writer per harvest and no lock contention with itself.
"""
from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import Any, Callable

BATCH = 64
_STOP = object()


class BatchWriter:
    def __init__(self, ingest_batch: Callable[[list], list]):
        self.ingest_batch = ingest_batch
        self.tasks: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="store", daemon=True)
        self.thread.start()

    def store(self, page: dict[str, Any], result: dict[str, Any], run_id: int | None) -> Future:
        future: Future = Future()
        self.tasks.put(("page", (page, result, run_id), future))
        return future

    def submit(self, fn: Callable, *args: Any) -> Future:
        future: Future = Future()
        self.tasks.put(("call", (fn, args), future))
        return future

    def shutdown(self, wait: bool = True) -> None:
        self.tasks.put((_STOP, None, None))
        if wait:
            self.thread.join()

    def _run(self) -> None:
        pending_call = None
        while True:
            task = pending_call or self.tasks.get()
            pending_call = None
            kind, payload, future = task
            if kind is _STOP:
                return
            if kind == "call":
                self._settle([future], lambda: [payload[0](*payload[1])])
                continue
            pages, futures = [payload], [future]
            while len(pages) < BATCH:
                try:
                    nxt = self.tasks.get_nowait()
                except queue.Empty:
                    break
                if nxt[0] != "page":
                    pending_call = nxt
                    break
                pages.append(nxt[1])
                futures.append(nxt[2])
            self._settle(futures, lambda: self.ingest_batch(pages))

    @staticmethod
    def _settle(futures: list[Future], work: Callable[[], list]) -> None:
        try:
            results = work()
        except BaseException as exc:  # noqa: BLE001 - handed to every waiting page
            for future in futures:
                future.set_exception(exc)
            return
        for future, result in zip(futures, results):
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)
