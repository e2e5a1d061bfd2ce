"""``scrapy list`` on a node: the one job it offers (Scrapyd's listspiders.json and
its check of schedule.json's ``spider`` read this)."""
from __future__ import annotations

from scrapy.commands import ScrapyCommand

from nodes.commands import HARVEST_SPIDER


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def short_desc(self) -> str:
        return "List the jobs this node runs"

    def run(self, args, opts) -> None:
        print(HARVEST_SPIDER)
