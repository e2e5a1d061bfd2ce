"""``json`` sources: a list served as JSON (a CMS's list API, Guangdong's gkmlpt
``/gkmlpt/api/all/{column}?page=N``, a JSONP feed).

Items by the source's ``rules.json`` paths, or the array of records that reads
as titles, links and dates.  Paging by a page parameter of the URL
(``rules.json.page_param``, else the URL's own ``page``/``pageNo``/``pageNum``/…),
until a page brings nothing new or the declared pages/total are read.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from scrapy.http import Response

from spiders import jsonlist
from spiders.base import SourceSpider
from spiders.walk import Walk

PAGE_PARAMS = ("page", "pageNo", "pageNum", "pageIndex", "currentPage", "curPage", "pageno", "pagenum", "p", "pn", "cpage")


def page_plan(url: str, rules: dict) -> tuple[str, int] | None:
    """(parameter, value of page 1) for walking the pages of ``url``."""
    query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    param = rules.get("page_param") or next((p for p in PAGE_PARAMS if p in query), None)
    if not param:
        return None
    start = rules.get("page_start")
    if start is None:
        start = int(query[param]) if str(query.get(param, "")).isdigit() else 1
    return param, start


def with_param(url: str, param: str, value: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != param]
    return parts._replace(query=urlencode([*query, (param, str(value))])).geturl()


class JsonSpider(SourceSpider):
    name = "json"
    start_callback = "parse_json"
    reading = ""

    def json_rules(self) -> dict:
        return (self.source.get("rules") or {}).get("json") or {}

    def parse_json(self, response: Response, page_no: int = 1, plan: tuple[str, int] | None = None):
        if self.not_modified(response):
            return
        rules = self.json_rules()
        if page_no == 1:
            self.walk = Walk(scheme="json api")
        walk = self.walk
        try:
            data = jsonlist.load(response.text)
            if rules.get("items"):
                entries, self.reading = jsonlist.rule_entries(data, response.url, rules), f"rules.json items {rules['items']}"
            else:
                entries, where = jsonlist.auto_entries(data, response.url)
                self.reading = f"JSON records at {where}" if where else "no item list found in the JSON"
            pages, total = jsonlist.declared(data, rules)
        except jsonlist.JsonListError as exc:
            self.listing.failed = True
            yield self.error(response.url, "listing", str(exc))
            return
        entries = self.capped(entries, response.url)
        fresh = [e for e in entries if e.url not in walk.urls]
        walk.page(response.url, (e.url for e in fresh))
        yield from self.entries((e.url, {"title": e.title, "date": e.date, "list_url": response.url}) for e in fresh)
        if page_no == 1:
            yield from self.listing_done(response.url, len(entries))
            walk.declared_pages, walk.declared_total = pages, total
            walk.total_label = rules.get("total") or "total"
            plan = page_plan(response.url, rules)
            if plan is None:
                walk.scheme = "json api, one page"
                if (pages or 0) > 1 or (total or 0) > len(entries):
                    walk.problem = "pager not understood: the JSON declares more pages; set rules.json.page_param"
            else:
                walk.scheme = f"json api ?{plan[0]}="
        ended = not fresh or plan is None or bool(walk.declared_pages and page_no >= walk.declared_pages) or bool(
            walk.declared_total and len(walk.urls) >= walk.declared_total)
        if not self.walk_goes_on(walk, ended, page_no):
            return
        param, start = plan
        yield from self.follow(with_param(response.url, param, start + page_no), self.parse_json, stage="listing",
                               cb_kwargs={"page_no": page_no + 1, "plan": plan})
