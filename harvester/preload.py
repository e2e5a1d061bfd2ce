"""Imported by the warm harvests' fork server (harvester/forkserver.py): every
Scrapy component a harvest's crawlers load by name (middlewares, extensions,
download handlers, scheduler, stats …), so a forked harvest imports nothing,
and the ORM's mappers configured, so its first query does not do that either."""
from __future__ import annotations

from scrapy.settings import Settings
from scrapy.utils.misc import load_object

from harvester.crawl import HTTP_HANDLER, used_extensions

COMPONENT_DICTS = ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS", "DOWNLOAD_HANDLERS")
COMPONENT_NAMES = ("SCHEDULER", "DUPEFILTER_CLASS", "STATS_CLASS", "DOWNLOADER", "REQUEST_FINGERPRINTER_CLASS",
                   "SCHEDULER_PRIORITY_QUEUE", "SCHEDULER_MEMORY_QUEUE", "SCHEDULER_DISK_QUEUE", "ROBOTSTXT_PARSER",
                   "LOG_FORMATTER", "SPIDER_LOADER_CLASS", "ITEM_PROCESSOR", "SCHEDULER_START_MEMORY_QUEUE",
                   "DOWNLOADER_CLIENTCONTEXTFACTORY", "DOWNLOADER_HTTPCLIENTFACTORY", "TWISTED_DNS_RESOLVER")


def component_paths(settings: Settings) -> list[str]:
    paths: list[str] = []
    for name in COMPONENT_DICTS:
        for key, value in settings.getwithbase(name).items():
            path = value if name == "DOWNLOAD_HANDLERS" else key
            if isinstance(path, str) and value is not None:
                paths.append(path)
    for name in COMPONENT_NAMES:
        value = settings.get(name)
        if isinstance(value, str):
            paths.append(value)
    return paths


def preload() -> int:
    """Import every component; returns how many loaded (a missing optional one is skipped)."""
    settings = Settings()
    settings.set("DOWNLOAD_HANDLERS", {"http": HTTP_HANDLER, "https": HTTP_HANDLER, "file": None, "data": None, "ftp": None, "s3": None})
    settings.set("EXTENSIONS_BASE", used_extensions())
    settings.set("TWISTED_DNS_RESOLVER", "spiders.resolver.GuardedResolver")
    loaded = 0
    for path in component_paths(settings):
        try:
            load_object(path)
            loaded += 1
        except Exception:  # noqa: BLE001 - an optional component (boto, brotli…) that is not installed
            continue
    import spiders  # noqa: F401 - every spider and the harvester's own middlewares
    import harvester.pipelines  # noqa: F401
    import storage.schema  # noqa: F401 - every model
    from sqlalchemy.orm import configure_mappers

    configure_mappers()  # once here, not on each harvest's first query
    return loaded


LOADED = preload()
