"""One harvest: the orchestrator that states the order of the steps.

1. migrate the database and mirror the registry into it;
2. open a run per selected source;
3. crawl every source at once in one Scrapy process (one spider per source,
   chosen by its access pattern), extracting pages in a process pool and
   storing them in a single writer thread;
4. close each run with its counts and errors.

A Twisted reactor cannot be restarted, so call :func:`harvest` once per
process; the scheduler runs each harvest in a child process.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Callable

from scrapy import signals
from scrapy.crawler import CrawlerProcess

from harvester.ingest import Ingestor
from harvester.registry import Registry
from harvester.runs import RunBook, RunTally
from harvester.sync import sync_registry
from harvester.worker import warm_up
from spiders import SPIDERS
from storage.db import make_engine, session_factory
from storage.migrate import upgrade

DEFAULT_USER_AGENT = "Zhanqun/0.1 (portal content harvester; +https://github.com/zhanqun/zhanqun)"
MAX_RESPONSE_BYTES = 10 * 1024 * 1024


@dataclass
class HarvestContext:
    """What the pipeline needs, handed to each spider (Scrapy settings are deep-copied)."""

    tz: str
    runs: RunBook
    ingestor: Ingestor
    extractors: Executor
    writer: Executor


def scrapy_settings(registry: Registry) -> dict:
    return {
        # Scrapy default False: sub-site administrators' wishes are obeyed.
        "ROBOTSTXT_OBEY": True,
        # Scrapy default "Scrapy/VERSION (+https://scrapy.org)": say who we are.
        "USER_AGENT": registry.portal.user_agent or DEFAULT_USER_AGENT,
        # Scrapy default 1 GiB: no government page is 10 MiB; refuse bigger ones.
        "DOWNLOAD_MAXSIZE": MAX_RESPONSE_BYTES,
        "DOWNLOAD_WARNSIZE": MAX_RESPONSE_BYTES // 2,
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
        "TELNETCONSOLE_ENABLED": False,
        # Scrapy default 16 / 8.
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "DOWNLOADER_MIDDLEWARES": {"spiders.address_guard.AddressGuardMiddleware": 50},
        "ITEM_PIPELINES": {"harvester.pipelines.HarvestPipeline": 300},
    }


def extraction_pool(workers: int) -> Executor:
    """``workers`` extraction processes (0: a thread in this process)."""
    if workers <= 0:
        return ThreadPoolExecutor(1, thread_name_prefix="extract")
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver"))
    wait([pool.submit(warm_up) for _ in range(workers)])
    return pool


def harvest(
    registry: Registry,
    db_url: str | None = None,
    source_ids: list[str] | None = None,
    workers: int = 2,
    on_progress: Callable[[RunBook], None] | None = None,
) -> list[RunTally]:
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        sync_registry(session, registry)

    selected = [(u, s) for u, s in registry.sources() if not source_ids or s.id in source_ids]
    missing = set(source_ids or []) - {s.id for _, s in selected}
    if missing:
        raise KeyError(f"unknown source id(s): {', '.join(sorted(missing))}")

    runs = RunBook(sessions)
    runs.start([s.id for _, s in selected])
    writer = ThreadPoolExecutor(1, thread_name_prefix="store")
    extractors = extraction_pool(workers)
    context = HarvestContext(registry.portal.timezone, runs, Ingestor(sessions, registry), extractors, writer)
    finished: list = []
    handlers: list = []  # Scrapy keeps only weak references to signal handlers
    try:
        process = CrawlerProcess(scrapy_settings(registry))
        for unit, source in selected:
            crawler = process.create_crawler(SPIDERS[source.type])

            def closed(spider, reason, _source_id=source.id):
                finished.append(writer.submit(runs.finish, _source_id, spider.listed))

            def crashed(failure, response, spider, _source_id=source.id):
                runs.error(_source_id, response.url, "parse", f"{failure.type.__name__}: {failure.value}"[:500])

            handlers.extend((closed, crashed))
            crawler.signals.connect(closed, signal=signals.spider_closed)
            crawler.signals.connect(crashed, signal=signals.spider_error)
            process.crawl(crawler, source=source.model_dump(), unit_id=unit.id, context=context)
        if on_progress:
            from twisted.internet import task

            ticker = task.LoopingCall(on_progress, runs)
            ticker.start(0.5, now=True)
        process.start()
        wait(finished)
        for future in finished:
            future.result()
    finally:
        extractors.shutdown(wait=True, cancel_futures=True)
        writer.shutdown(wait=True)
        engine.dispose()
    return [runs.tallies[s.id] for _, s in selected]
