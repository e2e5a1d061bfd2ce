"""The Scrapy item pipeline of a harvest: extract in the process pool, which
hands the page to the writer process; count the writer's outcome on the run.
The reactor thread only shuttles items (and never sees the extracted page);
a withdrawal is a message to the writer process too (``harvester.writes``)."""
from __future__ import annotations

import asyncio
from typing import Any

from harvestkit.dates import parse_hint
from harvestkit.items import ErrorItem, GoneItem, SkipItem, SpiderItem
from harvestkit.stages import Stage
from harvestkit.urls import fetch_refusal
from harvester.records import IngestError, NotAnArticle
from harvester.worker import MalformedPage, extract_to_writer
from harvester.writer import StoreError
from harvester.writes import Withdraw
from storage import lengths
from storage.lengths import fit


class HarvestPipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item: SpiderItem) -> dict[str, Any]:
        ctx = self.crawler.spider.context
        source_id = item.source_id
        if isinstance(item, ErrorItem):
            ctx.runs.error(source_id, item.url, item.stage, item.message)
            return {"kind": "error"}
        if isinstance(item, GoneItem):
            policy = self.crawler.spider.policy.withdrawal  # the source's, else the registry's harvest.withdrawal
            if await asyncio.wrap_future(ctx.writer.send(Withdraw(item.url, item.message, policy))):
                ctx.runs.withdrew(source_id)
            return {"kind": "gone"}
        if isinstance(item, SkipItem):
            ctx.runs.skip(source_id, item.url, item.message)
            return {"kind": "skip"}
        if ctx.stopping:  # SIGTERM: no new extraction; an unstored page is fetched again next run
            return {"kind": "dropped"}
        loop = asyncio.get_running_loop()
        try:
            published = parse_hint(item.hint.get("date"), ctx.tz)
        except (ValueError, OverflowError):  # a date no calendar has: the page's own date decides
            published = None
        page = item.page(hint_published=published)
        token, stored = ctx.writer.expect()
        try:
            refused, template = await loop.run_in_executor(ctx.extractors, extract_to_writer, token, page, ctx.tz, ctx.runs.tallies[source_id].run_id)
        except NotAnArticle as exc:
            ctx.writer.forget(token)
            ctx.runs.skip(source_id, item.url, str(exc))
            return {"kind": "skip"}
        except Exception as exc:  # noqa: BLE001 - a hostile page must not stop the run
            ctx.writer.forget(token)
            message = str(exc) if isinstance(exc, (MalformedPage, IngestError)) else f"{type(exc).__name__}: {exc}"
            ctx.runs.error(source_id, item.url, Stage.EXTRACT, fit(message, lengths.RUN_MESSAGE))
            return {"kind": "error"}
        del page
        if template is not None and ctx.templates is not None:
            ctx.templates.note(source_id, template)
        for link in refused:
            ctx.runs.error(source_id, item.url, Stage.EXTRACT, fit(f"attachment dropped: {fetch_refusal(link) or link}", lengths.RUN_MESSAGE))
        item.body = b""  # the worker has it; do not keep it while the writer works
        try:
            outcome = await asyncio.wrap_future(stored)
        except Exception as exc:  # noqa: BLE001 - recorded on the run; other pages go on
            message = str(exc) if isinstance(exc, StoreError) else f"{type(exc).__name__}: {exc}"
            ctx.runs.error(source_id, item.url, Stage.STORE, fit(message, lengths.RUN_MESSAGE))
            return {"kind": "error"}
        ctx.runs.count(source_id, outcome)
        return {"kind": outcome, "url": item.url}
