"""How a harvest stops before its end: SIGTERM (or SIGINT), and each source's
wall-clock limit.  Either way every run is closed, never left ``running``.

- **SIGTERM while crawling**: every spider halts at once (no new request, its
  downloads in flight cancelled, waits for a host slot ended), Scrapy closes the
  spiders, each run is closed ``aborted`` with the reason and keeps what was
  stored, and the writer stores what it already has.  If that has not happened
  within :data:`GRACE_SECONDS` (a callback busy on a huge page, a database that
  does not answer), the harvest closes the runs still open itself, gives the
  writer a moment to flush, and exits with :data:`FORCED_EXIT`.  A second signal
  goes there at once.
- **SIGTERM before the crawl** (migrating, opening runs): :class:`Interrupted` is
  raised; the harvest closes the runs it opened.  After the crawl (closing runs)
  the signal only starts the grace period.
- **The wall-clock limit** (``max_run_seconds``) halts one source the same way;
  its run ends ``partial`` with the limit in its reason, and the next run goes on.
"""
from __future__ import annotations

import os
import signal
import threading
from typing import Callable

GRACE_SECONDS = 5.0
FORCED_EXIT = 3


class Interrupted(Exception):
    """A stop signal arrived before the crawl started."""


class Stopper:
    def __init__(self, grace: float = GRACE_SECONDS):
        self.grace = grace
        self.reason: str | None = None
        self.phase = "starting"  # starting → crawling → closing
        self.crawlers: list = []
        self.process = None
        self.on_force: Callable[[str], None] | None = None  # closes open runs, flushes the writer
        self.done = threading.Event()
        self._previous: dict[int, object] = {}

    # -- signals -----------------------------------------------------------------
    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # signals reach the main thread only; whoever runs us there handles them
        for signum in (signal.SIGTERM, signal.SIGINT):
            self._previous[signum] = signal.signal(signum, self._on_signal)

    def restore(self) -> None:
        self.done.set()
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _on_signal(self, signum: int, frame) -> None:
        if self.reason is not None:
            self.force()
            return
        self.reason = f"stopped by {signal.Signals(signum).name}"
        threading.Thread(target=self._watchdog, name="stop-watchdog", daemon=True).start()
        if self.phase == "starting":
            raise Interrupted(self.reason)
        if self.phase == "crawling":
            from twisted.internet import reactor

            reactor.callFromThread(self._halt_all)

    def _watchdog(self) -> None:
        if not self.done.wait(self.grace):
            self.force()

    def force(self) -> None:
        """Close what is open and leave now."""
        if self.on_force is not None:
            try:
                self.on_force(f"{self.reason or 'stopped'}; forced after {self.grace:g} s")
            except Exception:  # noqa: BLE001 - leaving is what matters now
                pass
        os._exit(FORCED_EXIT)

    # -- the crawl ---------------------------------------------------------------
    def crawling(self, process, crawlers: list) -> None:
        self.process, self.crawlers, self.phase = process, crawlers, "crawling"

    def closing(self) -> None:
        self.phase = "closing"

    def _halt_all(self) -> None:
        for crawler in self.crawlers:
            spider = getattr(crawler, "spider", None)
            if spider is not None:
                spider.halt(self.reason, shortfall=False)
        stopped = self.process.stop()
        if hasattr(stopped, "addErrback"):
            stopped.addErrback(lambda _: None)  # a crawler not started yet has nothing to stop

    # -- the wall-clock limit ------------------------------------------------------
    def limit(self, crawler, seconds: float) -> None:
        """Halt ``crawler``'s spider after ``seconds``, unless it closed by then."""
        from twisted.internet import reactor

        from scrapy import signals

        call = reactor.callLater(seconds, self._time_up, crawler, seconds)
        crawler.signals.connect(lambda **_: call.active() and call.cancel(), signal=signals.spider_closed, weak=False)

    def _time_up(self, crawler, seconds: float) -> None:
        spider, engine = getattr(crawler, "spider", None), getattr(crawler, "engine", None)
        if spider is None or engine is None or engine.spider is None or self.reason:
            return
        spider.halt(f"stopped at the wall-clock limit of {seconds:g} s (max_run_seconds {seconds:g}); "
                    "the next run goes on", shortfall=True)
        from scrapy.utils.defer import deferred_from_coro

        deferred_from_coro(engine.close_spider_async(reason="max_run_seconds"))
