"""The Scrapy item pipeline of a harvest: extract in the process pool, store in
the writer thread, count on the run.  The reactor thread only shuttles items."""
from __future__ import annotations

import asyncio
from typing import Any

from harvester.ingest import IngestError, NotAnArticle
from harvester.worker import MalformedPage, process_page


class HarvestPipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        ctx = self.crawler.spider.context
        source_id = item["source_id"]
        kind = item.get("kind")
        if kind == "error":
            ctx.runs.error(source_id, item["url"], item["stage"], item["message"])
            return {"kind": "error"}
        if kind == "gone":
            spider = self.crawler.spider
            policy = spider.source.get("withdrawal") or "unpublish"
            if await asyncio.wrap_future(ctx.writer.submit(ctx.ingestor.withdraw, item["url"], item["message"], policy)):
                ctx.runs.withdrew(source_id)
            return {"kind": "gone"}
        if kind == "skip":
            ctx.runs.skip(source_id, item["url"], item["message"])
            return {"kind": "skip"}
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(ctx.extractors, process_page, item, ctx.tz)
        except Exception as exc:  # noqa: BLE001 - a hostile page must not stop the run
            message = str(exc) if isinstance(exc, MalformedPage) else f"{type(exc).__name__}: {exc}"
            ctx.runs.error(source_id, item["url"], "extract", message[:500])
            return {"kind": "error"}
        try:
            outcome = await asyncio.wrap_future(ctx.writer.store(item, result, ctx.runs.tallies[source_id].run_id))
        except NotAnArticle as exc:
            ctx.runs.skip(source_id, item["url"], str(exc))
            return {"kind": "skip"}
        except IngestError as exc:
            ctx.runs.error(source_id, item["url"], "extract", str(exc))
            return {"kind": "error"}
        except Exception as exc:  # noqa: BLE001 - recorded on the run; other pages go on
            ctx.runs.error(source_id, item["url"], "store", f"{type(exc).__name__}: {exc}"[:500])
            return {"kind": "error"}
        ctx.runs.count(source_id, outcome)
        return {"kind": outcome, "url": item["url"]}
