"""The CMS fixture corpus (tests/fixtures/cms): render each list variant with its
pages, dynamic endpoints and detail pages, and serve it on loopback.

``variants()`` reads variants.yaml; ``CmsSite(variant)`` is a running ``Site``
whose ``truth`` lists the items a complete harvest must store.  Item titles
are unique across the corpus; article texts are unique per site (``salt``), so
the same variant served twice (typed and auto) never merges as reposts.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import jinja2
import yaml

from tests.sitekit import TOPICS, Site, paragraphs

CMS = Path(__file__).resolve().parent / "fixtures" / "cms"
SITE_NAME = "测试县人民政府"
COLUMN = "通知公告"
SOURCE = "县政府办公室"
ORGS = ("县政府办公室", "县发展和改革局", "县教育局", "县民政局", "县财政局", "县人力资源和社会保障局", "县自然资源和规划局", "县卫生健康局")
PATTERNS = ("关于做好{t}工作的通知", "{o}召开{t}专题会议", "关于印发《{t}实施方案》的通知", "{o}开展{t}专项检查",
            "关于公布{t}示范单位名单的公告", "{o}2026年{t}工作情况通报")
NEWEST = date(2026, 11, 20)
CST = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Item:
    n: int
    id: int
    title: str
    day: date
    href: str

    def context(self, base_url: str) -> dict:
        short = self.title if len(self.title) <= 14 else self.title[:12] + "..."
        return {"n": self.n, "id": self.id, "title": self.title, "href": self.href, "short": short,
                "short_ellipsis": self.title if len(self.title) <= 14 else self.title[:12] + "…",
                "date": self.day.isoformat(), "date_cn": f"{self.day.year}年{self.day.month}月{self.day.day}日",
                "date_slash": self.day.strftime("%Y/%m/%d"), "abs_href": urljoin(base_url, self.href),
                "epoch": int(datetime(self.day.year, self.day.month, self.day.day, 9, tzinfo=CST).timestamp())}


@cache
def manifest() -> dict:
    return yaml.safe_load((CMS / "variants.yaml").read_text(encoding="utf-8"))


def variants() -> list[dict]:
    return manifest()["variants"]


def shortfalls() -> list[dict]:
    return manifest()["shortfalls"]


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(CMS)), autoescape=False, keep_trailing_newline=True)


def items_of(variant: dict) -> list[Item]:
    everything = [*variants(), *shortfalls()]
    number = next(i for i, v in enumerate(everything) if v["id"] == variant["id"])
    out = []
    for k in range(variant["items"]):
        i = number * 20 + k
        title = PATTERNS[(i // len(TOPICS)) % len(PATTERNS)].format(t=TOPICS[i % len(TOPICS)], o=ORGS[(i // 108) % len(ORGS)])
        day = NEWEST - timedelta(days=2 * k + number % 3)
        ident = 100000 + i
        href = variant["href"].format(id=ident, y=day.year, m=day.month, d=day.day, ym=day.strftime("%Y%m"),
                                      ymd=day.strftime("%Y%m%d"))
        out.append(Item(k + 1, ident, title, day, href))
    return out


class CmsSite:
    """One variant served on its own loopback port."""

    def __init__(self, variant: dict, salt: str = ""):
        self.variant, self.salt = variant, salt
        self.items = items_of(variant)
        self.site = Site({}, resolver=self.resolve)
        self.url = self.site.url
        self.list_url = self.url + variant["list"]
        self.encoding = variant.get("encoding", "utf-8")
        self.site.routes = self.routes()

    # -- what is on the site -------------------------------------------------------
    @property
    def per_page(self) -> int:
        return self.variant["per_page"]

    @property
    def real_pages(self) -> int:
        return max(1, -(-len(self.items) // self.per_page))

    @property
    def pages(self) -> int:
        return self.variant.get("declared_pages") or self.real_pages

    @property
    def total(self) -> int:
        return self.variant.get("declared_total") or len(self.items)

    def page_items(self, page: int) -> list[Item]:
        return self.items[(page - 1) * self.per_page : page * self.per_page]

    def page_path(self, page: int) -> str:
        if page == 1:
            return self.variant["list"]
        return self.variant["page"].replace("{n}", str(page - 1 if self.variant.get("first", 1) == 0 else page))

    def truth(self) -> dict[str, str]:
        """Detail URL → title of every item a complete harvest stores."""
        return {urljoin(self.list_url, it.href): it.title for it in self.items}

    # -- rendering ------------------------------------------------------------------
    def context(self, page: int, items: list[Item]) -> dict:
        return {"items": [it.context(self.list_url) for it in items], "page": page, "page0": page - 1,
                "pages": self.pages, "total": self.total, "per_page": self.per_page, "site_name": SITE_NAME,
                "column": COLUMN, "source": SOURCE, **self.variant.get("extra", {})}

    def render(self, template: str, page: int, items: list[Item]) -> str:
        return environment().get_template(template).render(**self.context(page, items))

    def html(self, text: str) -> tuple[int, dict, bytes]:
        return 200, {"Content-Type": "text/html"}, text.encode(self.encoding)

    def routes(self) -> dict:
        v, routes = self.variant, {}
        dynamic = v.get("dynamic")
        if dynamic == "dataproxy":
            routes[v["list"]] = self.html(self.render(v["template"], 1, self.page_items(1)))
        elif dynamic == "jpaas":
            routes[v["list"]] = self.html(self.render(v["template"], 1, []))
        elif dynamic is None:
            for page in range(1, (self.pages if "page" in v else 1) + 1):
                routes[self.page_path(page)] = self.html(self.render(v["template"], page, self.page_items(page)))
        for it in self.items:
            path = urlsplit(urljoin(self.list_url, it.href))
            routes[path.path + (f"?{path.query}" if path.query else "")] = self.detail(it)
        return routes

    def detail(self, item: Item) -> tuple[int, dict, bytes]:
        charset = "gb2312" if self.encoding == "gbk" else "utf-8"
        text = environment().get_template(self.variant["detail"]).render(
            title=item.title, date=item.day.isoformat(), source=SOURCE, id=item.id, column=COLUMN, charset=charset,
            site_name=SITE_NAME, body=paragraphs(item.title, self.salt + self.variant["id"]))
        return self.html(text)

    # -- dynamic endpoints ---------------------------------------------------------------
    def resolve(self, method: str, path: str, body: bytes):
        parts = urlsplit(path)
        query = {k: vs[0] for k, vs in parse_qs(parts.query, keep_blank_values=True).items()}
        dynamic = self.variant.get("dynamic")
        if dynamic == "dataproxy" and parts.path == self.variant["proxy"] and method == "POST":
            return self.dataproxy(query, {k: vs[0] for k, vs in parse_qs(body.decode("utf-8")).items()})
        if dynamic == "jpaas" and parts.path.endswith("/front/page/build/unit"):
            return self.jpaas(query)
        if dynamic == "json" and parts.path == urlsplit(self.variant["list"]).path:
            page = int(query.get(self.variant["param"], "1") or 1)
            text = self.render(self.variant["template"], page, self.page_items(page))
            return 200, {"Content-Type": "application/json;charset=UTF-8"}, text.encode("utf-8")
        return None

    def dataproxy(self, query: dict, form: dict):
        """Hanweb's dataproxy.jsp: the records startrecord…endrecord, for the right form only."""
        extra = self.variant["extra"]
        records = []
        if all(str(form.get(k)) == str(extra[v]) for k, v in (("columnid", "columnid"), ("unitid", "uid"), ("webid", "webid"))):
            start, end = int(query.get("startrecord", 1)), int(query.get("endrecord", 0))
            records = self.items[start - 1 : end]
        recs = "".join(f'<record><![CDATA[<li><a href="{it.href}" title="{it.title}" target="_blank">{it.title}</a>'
                       f'<span class="bt-data-time">{it.day.isoformat()}</span></li>]]></record>\n' for it in records)
        text = f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{self.total}</totalrecord><recordset>\n{recs}</recordset></datastore>'
        return 200, {"Content-Type": "text/xml;charset=UTF-8"}, text.encode("utf-8")

    def jpaas(self, query: dict):
        extra = self.variant["extra"]
        if query.get("webId") != extra["web_id"] or query.get("pageId") != extra["page_id"]:
            return 200, {"Content-Type": "application/json"}, b'{"success":false,"message":"page not found","data":null}'
        page = int(json.loads(query["paramJson"]).get("pageNo", 1)) if query.get("paramJson") else 1
        html = self.render(self.variant["fragment"], page, self.page_items(page))
        body = json.dumps({"success": True, "code": "200", "data": {"html": html}}, ensure_ascii=False)
        return 200, {"Content-Type": "application/json;charset=UTF-8"}, body.encode("utf-8")

    def stop(self) -> None:
        self.site.stop()


def registry_entry(cms: CmsSite, source_id: str, source_type: str, rules: dict | None = None,
                   max_pages: int | None = None) -> str:
    """One source, as YAML flow lines of a registry's ``sources:``."""
    entry = {"id": source_id, "url": cms.list_url, "type": source_type, "columns": ["tzgg"], "allow_private": True,
             "review": "auto", "timeout": 10}
    if rules:
        entry["rules"] = rules
    if max_pages:
        entry["max_pages"] = max_pages
    return "      - " + json.dumps(entry, ensure_ascii=False) + "\n"
