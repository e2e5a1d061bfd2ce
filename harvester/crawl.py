"""One harvest: the orchestrator that states the order of the steps.

1. start the writer process; migrate the database and mirror the registry
   into it, then read what is known of the selected sources;
2. open a run per selected source;
3. crawl every source at once in one Scrapy process (one spider per source,
   chosen by its access pattern), extracting pages in a process pool that
   hands them to the writer process (batched transactions);
4. close each run with its counts and errors, then its source's health;
   keep the listings' validators only of runs that ended "ok".

From step 2 on, the writer process is the harvest's only writer: this process
sends it every write as a message (``harvester.writes``) and only reads.
(On PostgreSQL the per-host leases of ``nodes.leases`` are the exception: they
are the politeness lock shared between harvesting processes, taken per request.)

A Twisted reactor cannot be restarted, so call :func:`harvest` once per
process; the scheduler runs each harvest in a child process.
"""
from __future__ import annotations

import gc
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from sqlalchemy import select

from harvester.writer_sources import writer_sources
from harvester.worker import init_worker
from harvester.writer import LEAN, StoreWriter
from harvester.registry import Registry, parse_duration
from harvester.source_state import load_state, load_validators
from harvester.runs import RunBook, RunTally
from harvester.stopping import Interrupted, Stopper
from harvester.writes import SaveTemplates, SaveValidators
from harvester.templates_store import TemplateLedger, load_templates
from harvester.sync import sync_registry
from harvestkit.stages import Stage
from spiders import SPIDERS
from nodes.leases import host_gate
from spiders.politeness import HostGate, host_key
from storage import lengths
from storage.db import make_engine, session_factory
from storage.lengths import fit
from storage.migrate import upgrade
from storage.models import Source

DEFAULT_USER_AGENT = "Zhanqun/0.1 (portal content harvester; +https://github.com/zhanqun/zhanqun)"
ENGINE_HEARTBEAT_SECONDS = 0.25
HTTP_HANDLER = "spiders.downloads.GuardedDownloadHandler"
UNUSED_EXTENSIONS = ("telnet.TelnetConsole", "memdebug.MemoryDebugger", "feedexport.FeedExporter",
                     "spiderstate.SpiderState", "throttle.AutoThrottle", "remote_control.RemoteControl")


@dataclass
class HarvestContext:
    """What the pipeline and middlewares need, handed to each spider (Scrapy
    settings are deep-copied, so shared objects cannot travel there)."""

    tz: str
    runs: RunBook
    extractors: Executor
    writer: StoreWriter
    gate: HostGate
    validators: dict[str, tuple[str | None, str | None]]
    # source id → URL → (ETag, Last-Modified), kept only for runs that end "ok"
    new_validators: dict[str, dict[str, tuple[str | None, str | None]]] = field(default_factory=dict)
    stopper: Stopper | None = None
    templates: TemplateLedger | None = None  # what the extraction workers did with the sources' page templates

    @property
    def stopping(self) -> str | None:
        """Why the whole harvest is stopping (SIGTERM), if it is."""
        return self.stopper.reason if self.stopper else None


def scrapy_settings(registry: Registry) -> dict:
    max_bytes = registry.harvest.limits.max_response_mb * 1024 * 1024
    private_hosts = sorted({host for unit, source in registry.sources() for host, _ in registry.policy(unit, source).own_hosts})
    return {
        # Scrapy default False: sub-site administrators' wishes are obeyed.
        "ROBOTSTXT_OBEY": True,
        # Scrapy default "Scrapy/VERSION (+https://scrapy.org)": say who we are.
        "USER_AGENT": registry.portal.user_agent or DEFAULT_USER_AGENT,
        # Scrapy default 1 GiB: refuse bodies over harvest.limits.max_response_mb. Scrapy
        # applies it to the decompressed body too, so a gzip bomb stops there.
        "DOWNLOAD_MAXSIZE": max_bytes,
        "DOWNLOAD_WARNSIZE": max_bytes // 2,
        # Scrapy default: file, data, ftp, s3, http(s) handlers. Only http(s) is ever
        # requested, through a handler whose downloads a stopping harvest can cancel.
        "DOWNLOAD_HANDLERS": {"http": HTTP_HANDLER, "https": HTTP_HANDLER, "file": None, "data": None, "ftp": None, "s3": None},
        # Scrapy default CachingThreadedResolver: the same, judging each answer again
        # at connect time (DNS rebinding); names of allow_private sources pass.
        "TWISTED_DNS_RESOLVER": "spiders.resolver.GuardedResolver",
        "ZHANQUN_PRIVATE_HOSTS": private_hosts,
        # Scrapy default 180 s: a sub-site that takes 30 s is failing.
        "DOWNLOAD_TIMEOUT": 30,
        # Scrapy default 2: one retry, the next scheduled run tries again anyway.
        "RETRY_TIMES": 1,
        # Scrapy default 20.
        "REDIRECT_MAX_TIMES": 5,
        "DNS_TIMEOUT": 10,
        # Failures are recorded on their runs; Scrapy's own log stays quiet unless asked.
        "LOG_LEVEL": os.environ.get("ZHANQUN_LOG_LEVEL", "CRITICAL"),
        "LOG_INSTALL_ROOT_HANDLER": True,
        # Scrapy defaults True: no debugging consoles or control ports on a production harvester.
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        # Scrapy default True: a development-time check that re-inspects every callback.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        # Scrapy default 100: items in flight per response; fewer keeps memory flat.
        "CONCURRENT_ITEMS": 16,
        # Scrapy default 16 / 8 per crawler; the real per-host limits are the
        # process-wide HostGate's (registry `harvest.per_host`), across all sources.
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "DOWNLOAD_DELAY": 0,
        "DOWNLOADER_MIDDLEWARES": {
            "spiders.address_guard.AddressGuardMiddleware": 50,
            "spiders.conditional.ConditionalGetMiddleware": 60,
            "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
            "spiders.meta_refresh.SafeMetaRefreshMiddleware": 580,  # Scrapy's own slot
            # Closest to the downloader: a request that took a host slot always returns it.
            "spiders.politeness.PolitenessMiddleware": 990,
        },
        "ITEM_PIPELINES": {"harvester.pipelines.HarvestPipeline": 300},
        # Scrapy default: every built-in extension is imported and built per crawler, and
        # these then decline (NotConfigured: no telnet, no remote control, no feeds, no
        # JOBDIR, no AutoThrottle, no memory debugger).  Left out of the base list (a
        # ``None`` in EXTENSIONS would still import them), they cost a harvest's start-up
        # nothing (remote control alone pulls in aiohttp).
        "EXTENSIONS_BASE": used_extensions(),
    }


def used_extensions() -> dict[str, int]:
    from scrapy.settings import default_settings

    unused = {f"scrapy.extensions.{name}" for name in UNUSED_EXTENSIONS}
    return {path: order for path, order in default_settings.EXTENSIONS_BASE.items() if path not in unused}


class ExtractionPool(Executor):
    """``workers`` extraction processes, started on the first page: a harvest of
    an unchanged federation fetches no page and starts no extraction process.
    ``workers=0`` extracts in a thread of this process.  Each worker is handed
    the writer's inbox (``initializer(*initargs)``), so it sends finished pages
    straight to the writer process.  Workers are spawned lean (no Scrapy)."""

    def __init__(self, workers: int, initializer: Callable | None = None, initargs: tuple = ()):
        self.workers = workers
        self.initializer, self.initargs = initializer, initargs
        self._pool: Executor | None = None

    def submit(self, fn, /, *args, **kwargs):
        if self._pool is None:
            if self.workers <= 0:
                if self.initializer is not None:
                    self.initializer(*self.initargs)
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="extract")
            else:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=LEAN, initializer=self.initializer, initargs=self.initargs)
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _quicker_idle_check() -> None:
    """Scrapy notices an idle spider on a 5 s heartbeat, so every source of a
    harvest would linger up to 5 s after its last response; for a re-harvest of
    an unchanged federation that is most of the run.  The interval is a private
    class attribute of Scrapy's engine: set it only if it is still there."""
    from scrapy.core.engine import ExecutionEngine

    if isinstance(getattr(ExecutionEngine, "_SLOT_HEARTBEAT_INTERVAL", None), float):
        ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = ENGINE_HEARTBEAT_SECONDS


def harvest(
    registry: Registry,
    db_url: str | None = None,
    source_ids: list[str] | None = None,
    workers: int = 2,
    on_progress: Callable[[RunBook], None] | None = None,
) -> list[RunTally]:
    stopper = Stopper()
    stopper.install()
    runs: RunBook | None = None
    engine = extractors = writer = gate = None
    try:
        engine = make_engine(db_url)
        writer = StoreWriter(engine.url.render_as_string(hide_password=False), registry.portal.timezone, writer_sources(registry))
        writer.start()  # first, while this process holds no connection and runs no thread (it may fork); it opens the runs
        upgrade(engine)
        sessions = session_factory(engine, registry.portal.timezone)
        policy = registry.harvest
        with sessions.begin() as session:
            sync_registry(session, registry)

        selected = [(u, s) for u, s in registry.sources() if not source_ids or s.id in source_ids]
        missing = set(source_ids or []) - {s.id for _, s in selected}
        if missing:
            raise KeyError(f"unknown source id(s): {', '.join(sorted(missing))}")
        with sessions() as session:
            paused = set(session.scalars(select(Source.id).where(Source.status == "paused")))
            if not source_ids:  # paused sources run only when asked for by name
                selected = [(u, s) for u, s in selected if s.id not in paused]
            states = {
                s.id: load_state(session, s.id, parse_duration(policy.revisit_every), parse_duration(policy.revisit_window))
                for _, s in selected
            }
            validators = load_validators(session)
            templates = load_templates(session, [s.id for _, s in selected])

        runs = RunBook(writer, policy.failures_before_pause)
        runs.start([s.id for _, s in selected])  # answered before the crawl starts (crawl(): runs.opened())
        # on PostgreSQL the limits hold across processes and nodes (nodes/leases.py)
        gate = host_gate(engine, lambda host: (policy.host(host).concurrency, policy.host(host).delay))
        extractors = ExtractionPool(workers, init_worker, (writer.inbox, templates, os.getpid()))
        ledger = TemplateLedger()
        context = HarvestContext(registry.portal.timezone, runs, extractors, writer, gate, validators, stopper=stopper,
                                 templates=ledger)
        stopper.on_force = _forced_close(runs, writer)
        crawl(registry, selected, states, context, on_progress)
        complete = {sid: urls for sid, urls in context.new_validators.items() if runs.tallies[sid].status == "ok"}
        saved = writer.send(SaveValidators({url: v for urls in complete.values() for url, v in urls.items()}))
        with ledger.lock:
            noted = dict(ledger.sources)
        redesigned = writer.send(SaveTemplates(noted))
        saved.result()
        for source_id in redesigned.result():
            runs.tallies[source_id].health = "broken-rules"
        for source_id, seen in ledger.sources.items():
            if source_id in runs.tallies:
                runs.tallies[source_id].templates = dict(seen.ways)
    except Interrupted as stop:
        if runs is not None:
            runs.abort_open(str(stop)).result()
    finally:
        stopper.closing()
        if extractors is not None:
            extractors.shutdown(wait=True, cancel_futures=True)
        if gate is not None and hasattr(gate, "close"):
            gate.close()  # leases still being given back
        if writer is not None:
            writer.shutdown(wait=True)
        if engine is not None:
            engine.dispose()
        stopper.restore()
    return [runs.tallies[sid] for sid in runs.tallies] if runs else []


def crawl(registry: Registry, selected: list, states: dict, context: HarvestContext,
          on_progress: Callable[[RunBook], None] | None) -> None:
    """Every selected source at once in one Scrapy process; returns once every run is closed."""
    runs, writer, gate, stopper = context.runs, context.writer, context.gate, context.stopper
    finished: list = []
    handlers: list = []  # Scrapy keeps only weak references to signal handlers
    crawlers: list = []
    _quicker_idle_check()
    process = CrawlerProcess(scrapy_settings(registry))
    stopper.crawling(process, crawlers)  # from here a signal halts the spiders (queued until the reactor runs)
    for unit, source in selected:
        crawler = process.create_crawler(SPIDERS[source.type])
        policy = registry.policy(unit, source)

        def closed(spider, reason, _source_id=source.id, _policy=policy.withdrawal):
            aborted = (context.stopping or "stopped") if reason == "shutdown" else None
            finished.append(runs.finish(_source_id, spider, _policy, aborted))

        def crashed(failure, response, spider, _source_id=source.id):
            runs.error(_source_id, response.url, Stage.PARSE, fit(f"{failure.type.__name__}: {failure.value}", lengths.RUN_MESSAGE))

        def robots(robotparser, request, _crawler=crawler):
            host = host_key(request.url)
            gate.set_crawl_delay(host, robotparser.crawl_delay(_crawler.settings["USER_AGENT"]))

        def opened(spider, _crawler=crawler, _seconds=policy.limits.max_run_seconds):
            stopper.limit(_crawler, _seconds)

        handlers.extend((closed, crashed, robots, opened))
        crawler.signals.connect(closed, signal=signals.spider_closed)
        crawler.signals.connect(crashed, signal=signals.spider_error)
        crawler.signals.connect(robots, signal=signals.robots_parsed)
        crawler.signals.connect(opened, signal=signals.spider_opened)
        process.crawl(crawler, source=source.model_dump(), unit_id=unit.id, context=context, state=states[source.id], policy=policy)
        crawlers.append(crawler)
    if on_progress:
        from twisted.internet import task

        ticker = task.LoopingCall(on_progress, runs)
        ticker.start(0.5, now=True)
    runs.opened()  # the writer opened the runs meanwhile (raises if a source is busy elsewhere)
    gc.freeze()  # what start-up built (modules, registry, settings) lives to the end: no collection scans it again
    process.start(install_signal_handlers=False)
    stopper.closing()
    wait(finished)
    for future in finished:
        future.result()
    if stopper.reason:
        runs.abort_open(stopper.reason).result()  # a spider that never opened has no closing signal


def _forced_close(runs: RunBook, writer: StoreWriter) -> Callable[[str], None]:
    def close(reason: str) -> None:
        runs.abort_open(reason)  # a message after the pages already in the writer's inbox
        writer.flush(timeout=2.0)

    return close

