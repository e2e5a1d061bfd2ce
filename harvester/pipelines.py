"""The Scrapy item pipeline of a harvest: extract in the process pool, which
hands the page to the writer process; count the writer's outcome on the run.
The reactor thread only shuttles items (and never sees the extracted page)."""
from __future__ import annotations

import asyncio
from typing import Any

from harvestkit.dates import parse_hint
from harvestkit.urls import fetch_refusal
from harvester.worker import IngestError, MalformedPage, NotAnArticle, extract_to_writer
from harvester.writer import StoreError


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
            policy = self.crawler.spider.policy.withdrawal  # the source's, else the registry's harvest.withdrawal
            if await asyncio.wrap_future(ctx.writer.submit(ctx.ingestor.withdraw, item["url"], item["message"], policy)):
                ctx.runs.withdrew(source_id)
            return {"kind": "gone"}
        if kind == "skip":
            ctx.runs.skip(source_id, item["url"], item["message"])
            return {"kind": "skip"}
        if ctx.stopping:  # SIGTERM: no new extraction; an unstored page is fetched again next run
            return {"kind": "dropped"}
        loop = asyncio.get_running_loop()
        hint = item.get("hint") or {}
        try:
            published = parse_hint(hint.get("date"), ctx.tz)
        except (ValueError, OverflowError):  # a date no calendar has: the page's own date decides
            published = None
        page = {**item, "hint_published": published}
        token, stored = ctx.writer.expect()
        try:
            refused, template = await loop.run_in_executor(ctx.extractors, extract_to_writer, token, page, ctx.tz, ctx.runs.tallies[source_id].run_id)
        except NotAnArticle as exc:
            ctx.writer.forget(token)
            ctx.runs.skip(source_id, item["url"], str(exc))
            return {"kind": "skip"}
        except Exception as exc:  # noqa: BLE001 - a hostile page must not stop the run
            ctx.writer.forget(token)
            message = str(exc) if isinstance(exc, (MalformedPage, IngestError)) else f"{type(exc).__name__}: {exc}"
            ctx.runs.error(source_id, item["url"], "extract", message[:500])
            return {"kind": "error"}
        del page
        if template is not None and ctx.templates is not None:
            ctx.templates.note(source_id, template)
        for link in refused:
            ctx.runs.error(source_id, item["url"], "extract", f"attachment dropped: {fetch_refusal(link) or link}"[:500])
        item.pop("body", None)  # the worker has it; do not keep it while the writer works
        try:
            outcome = await asyncio.wrap_future(stored)
        except Exception as exc:  # noqa: BLE001 - recorded on the run; other pages go on
            message = str(exc) if isinstance(exc, StoreError) else f"{type(exc).__name__}: {exc}"
            ctx.runs.error(source_id, item["url"], "store", message[:500])
            return {"kind": "error"}
        ctx.runs.count(source_id, outcome)
        return {"kind": outcome, "url": item["url"]}
