"""``scrapy crawl harvest -a source=ID[,ID…]`` on a node: one harvest of those sources.

Scrapyd starts it as ``python -m scrapyd.runner crawl harvest -a _job=JOB -a
source=ID -a node=URL``.  The harvest is :func:`nodes.job.run_job`: the
database and registry come from the node's environment, never from the request.
"""
from __future__ import annotations

from scrapy.commands import BaseRunSpiderCommand
from scrapy.exceptions import UsageError

from nodes.commands import HARVEST_SPIDER


class Command(BaseRunSpiderCommand):
    requires_project = True
    requires_crawler_process = False  # the harvest makes its own (one reactor per process)

    def syntax(self) -> str:
        return f"{HARVEST_SPIDER} -a source=ID[,ID...] [-a workers=N]"

    def short_desc(self) -> str:
        return "Harvest some sources of the federation (a node's job)"

    def run(self, args, opts) -> None:
        if args != [HARVEST_SPIDER]:
            raise UsageError(f"this node runs one job: {HARVEST_SPIDER}")
        from nodes.job import run_job

        self.exitcode = run_job(opts.spargs)
