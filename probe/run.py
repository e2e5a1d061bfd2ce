"""Run probes: the harvester's spiders in one Scrapy process, recording instead of storing.

Each probe gets a subclass of its type's spider that notes every listing entry
with the list page it came from, and requests only the first detail page, which
the probe pipeline extracts with ``harvester.worker.process_page`` — the same
decoding and extraction a harvest uses.  Politeness, the address guard,
conditional-GET bookkeeping and robots.txt are the harvest's own middlewares
and settings (``harvester.crawl.scrapy_settings``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from scrapy import signals
from scrapy.crawler import CrawlerProcess

from harvester.crawl import scrapy_settings
from harvester.registry import Column, HarvestPolicy, Portal, Registry
from harvester.records import IngestError
from harvestkit.items import MESSAGE_MAX, ErrorItem, GoneItem, PageItem, SkipItem, SpiderItem
from harvester.worker import MalformedPage, process_page
from harvestkit.policy import SourcePolicy
from probe.report import SAMPLE_TEXT_CHARS, ProbeReport, ProbeRequest, list_warnings
from spiders import SPIDERS
from spiders.politeness import HostGate

PROBE_REGISTRY = Registry(portal=Portal(name="试采"), columns=[Column(id="probe", name="试采")])


@dataclass
class ProbeContext:
    """What the harvest's middlewares need from a context (no store, no validators kept)."""

    tz: str
    gate: HostGate
    report: ProbeReport
    validators: dict = field(default_factory=dict)
    new_validators: dict = field(default_factory=dict)
    sample_requested: bool = False
    stopping: str | None = None  # a probe is never stopped by SIGTERM midway: it is short

    @property
    def runs(self) -> "ProbeContext":
        """Errors the middlewares note go to the report, as a harvest's go to its run."""
        return self

    def error(self, source_id: str, url: str, stage: str, message: str) -> None:
        self.report.errors.append(f"{url}: [{stage}] {message}"[:MESSAGE_MAX])


def probing(base: type) -> type:
    """The ``base`` spider, noting entries per list page and fetching one detail page."""

    class ProbeSpider(base):
        def judge(self, url, hint):
            """Every entry any reader judges (lists, feeds, sitemaps, APIs) is noted."""
            walk = getattr(self, "walk", None)
            page_url = walk.current_url if walk is not None and walk.requested else hint.get("list_url") or ""
            pages = self.context.report.pages
            if not pages or pages[-1]["url"] != page_url:
                pages.append({"url": page_url, "items": []})
            pages[-1]["items"].append({"title": hint.get("title") or "", "url": url,
                                       "date": hint.get("list_date") or hint.get("date") or None})
            return super().judge(url, hint)

        def detail_request(self, url, hint, decision):
            """Only the first detail page is fetched: the sample."""
            if self.context.sample_requested:
                return None
            request = super().detail_request(url, hint, decision)
            if request is not None:
                self.context.sample_requested = True
            return request

    ProbeSpider.__name__ = f"Probe{base.__name__}"
    return ProbeSpider


class ProbePipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: SpiderItem) -> dict:
        context = self.crawler.spider.context
        report = context.report
        kind = {ErrorItem: "error", SkipItem: "skip", GoneItem: "gone", PageItem: "page"}[type(item)]
        if kind in ("error", "skip"):
            report.errors.append(f"{item.url}: {item.message}" if kind == "error" or item.url else item.message)
        elif kind == "page" and report.sample is None:
            try:
                extracted = process_page(item.page(), context.tz).extracted
            except (MalformedPage, IngestError) as exc:
                report.errors.append(f"{item.url}: {exc}")
                return {"kind": "error"}
            sample = extracted.to_json()
            sample.pop("body_html", None)
            sample["body_text"] = (sample.get("body_text") or "")[:SAMPLE_TEXT_CHARS]
            report.sample = sample
        return {"kind": kind}


def finish(report: ProbeReport, spider) -> None:
    """Fill the report from the spider's reading once it closed."""
    report.type = getattr(spider, "detected", None) or report.request.type
    if report.request.type != "auto":
        report.reason = f"type given: {report.request.type}"
    else:
        report.reason = getattr(spider, "detected_reason", "") or "nothing recognised"
    report.reading = getattr(spider, "reading", "") or ""
    walk = getattr(spider, "walk", None)
    if walk is not None:
        report.scheme = walk.scheme or None
        report.declared_pages, report.declared_total = walk.declared_pages, walk.declared_total
        seen = {page["url"] for page in report.pages}
        report.pages += [{"url": url, "items": []} for url in walk.requested if url not in seen]
    elif report.type in ("feed", "sitemap"):
        report.scheme = f"{report.type} entries"
    report.warnings = list_warnings(report)
    listing = spider.listing
    if getattr(listing, "empty", None):
        report.warnings = [w for w in report.warnings if not w.startswith("no entries found")]
        report.warnings.append(f"the list says it is empty (空白栏目): {listing.empty}")
    report.warnings += [f"incomplete: {reason}" for reason in listing.shortfalls]
    report.warnings += [f"not read (--pages {report.request.pages}): {reason}" for reason in listing.bounds]


def probe_many(requests: list[ProbeRequest], policy: HarvestPolicy | None = None, registry: Registry | None = None,
               tz: str = "Asia/Shanghai") -> list[ProbeReport]:
    """Probe every address at once, in this process (one reactor: call once per process)."""
    registry = registry or PROBE_REGISTRY
    policy = policy or registry.harvest
    settings = scrapy_settings(registry)
    settings["ITEM_PIPELINES"] = {"probe.run.ProbePipeline": 300}
    policies = [SourcePolicy.build(policy.limits, "flag", request.allow_private, [request.url]) for request in requests]
    settings["ZHANQUN_PRIVATE_HOSTS"] = sorted({host for p in policies for host, _ in p.own_hosts})
    gate = HostGate(lambda host: (policy.host(host).concurrency, policy.host(host).delay))
    process = CrawlerProcess(settings)
    reports, handlers = [], []
    for n, request in enumerate(requests):
        report = ProbeReport(request)
        reports.append(report)
        crawler = process.create_crawler(probing(SPIDERS[request.type]))

        def robots(robotparser, req, _crawler=crawler):
            from spiders.politeness import host_key
            gate.set_crawl_delay(host_key(req.url), robotparser.crawl_delay(_crawler.settings["USER_AGENT"]))

        def closed(spider, reason, _report=report):
            finish(_report, spider)

        def crashed(failure, response, spider, _report=report):
            _report.errors.append(f"{response.url}: {failure.type.__name__}: {failure.value}"[:MESSAGE_MAX])

        handlers.extend((robots, closed, crashed))
        crawler.signals.connect(robots, signal=signals.robots_parsed)
        crawler.signals.connect(closed, signal=signals.spider_closed)
        crawler.signals.connect(crashed, signal=signals.spider_error)
        source = {"id": f"probe-{n}", "url": request.url, "type": request.type, "encoding": request.encoding,
                  "max_pages": request.pages, "allow_private": request.allow_private, "timeout": 30}
        process.crawl(crawler, source=source, unit_id="probe", context=ProbeContext(tz, gate, report), policy=policies[n])
    process.start()
    return reports


def probe(request: ProbeRequest, **kwargs) -> ProbeReport:
    return probe_many([request], **kwargs)[0]
