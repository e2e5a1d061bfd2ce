"""Deterministic content model of the demo federation.

``Federation()`` builds every site, source and item from ``demo.catalog`` and
``demo.text``; nothing depends on the clock or on hash seeds.  ``Federation(live=True)``
(what ``zhanqun demo`` serves) keeps the sites alive in real time: each source
that keeps publishing also has items every few days from the catalog's last day
up to yesterday (deterministic per day, so a restart serves the same pages), and
``publish()`` stamps new items with the current time.  Sources the catalog marks
``stale`` never get new items.  URLs need the
host/ports the federation is served on: ``serve()`` calls :meth:`Federation.bind`;
before that (or with explicit ``truth(host, base_port)`` arguments) site *i* is
assumed at ``http://127.0.0.1:{8701 + i}/``.
"""
from __future__ import annotations

import io
import random
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from demo import catalog, text

__all__ = ["Attachment", "DemoItem", "DemoSource", "Site", "Federation", "DEFAULT_HOST", "DEFAULT_BASE_PORT"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_BASE_PORT = 8701
PUBLISH_STEP = timedelta(minutes=10)
LIVE_MAX_GAP_DAYS = 5  # live mode: a publishing source shows something new at least this often
LIVE_SEQ_BASE = 10_000_000  # live mode: runtime items numbered by their second, never reused after a restart
LIVE_EPOCH = datetime(2026, 1, 1, tzinfo=catalog.TZ)

# item kinds that a correct harvester cannot store -> truth "unreachable"
UNREACHABLE_WHY = {
    "disallowed": "robots.txt disallows /cms/preview/ (a polite harvester must not fetch it)",
    "error500": "detail page answers HTTP 500",
    "malformed": "malformed detail page: truncated HTML followed by binary junk",
}

ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
    "zip": "application/zip",
}
ATTACHMENT_NAMES = ["政策解读", "申报指南", "项目清单", "实施细则", "意见征集表"]
SUBJECTS = ["综合政务/其他", "国民经济管理、国有资产监管/发展规划", "国民经济管理、国有资产监管/经济运行",
            "商贸、海关、旅游/物价", "城乡建设、环境保护/节能与资源综合利用"]


@dataclass
class Attachment:
    name: str          # link text
    href: str          # as written in the page (absolute path, relative, or downfile.jsp)
    path: str          # resolved path (+query) on the site
    ext: str

    @property
    def content_type(self) -> str:
        return ATTACHMENT_TYPES[self.ext]

    def body(self) -> bytes:
        return attachment_body(self.ext, self.name)


@dataclass
class DemoItem:
    source_id: str
    unit_id: str
    seq: int                     # chronological index within the source
    art_id: int
    title: str
    published_at: datetime       # full timestamp (+08:00)
    precision: str               # what the detail page shows: day | minute | second
    source_name: str             # 来源
    paragraphs: list[str]
    path: str = ""               # detail path on the site
    kind: str = "ok"             # ok | slow | lying_charset | disallowed | error500 | malformed
    group: str | None = None
    variant: str = ""            # republished notice: original | trs | kaihua
    attachments: list[Attachment] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    notes: str = ""

    @property
    def truth_published_at(self) -> datetime:
        dt = self.published_at
        if self.precision == "day":
            return dt.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.precision == "minute":
            return dt.replace(second=0, microsecond=0)
        return dt.replace(microsecond=0)

    @property
    def summary(self) -> str:
        return text.summary_of(self.paragraphs)


def _from_spec(key: str) -> property:
    """A read-only attribute that is ``spec[key]`` of a catalogue entry."""
    return property(lambda self: self.spec[key], doc=f"``spec[{key!r}]``")


@dataclass
class DemoSource:
    spec: dict
    site: "Site"
    items: list[DemoItem] = field(default_factory=list)   # newest first
    used_titles: set[str] = field(default_factory=set)

    id = _from_spec("id")
    template = _from_spec("template")
    path = _from_spec("path")

    @property
    def publishable(self) -> bool:
        return self.spec.get("expect", "ok") == "ok" and not self.spec.get("stale")

    @property
    def per_page(self) -> int:
        return self.spec.get("per_page", 15)

    def page_count(self) -> int:
        return max(1, -(-len(self.items) // self.per_page))

    def page(self, n: int) -> list[DemoItem]:
        """Items of 1-based page ``n``."""
        return self.items[(n - 1) * self.per_page:n * self.per_page]


@dataclass
class Site:
    spec: dict
    index: int
    sources: list[DemoSource] = field(default_factory=list)

    id = _from_spec("id")
    name = _from_spec("name")

    def __getitem__(self, key):
        return self.spec[key]


def attachment_body(ext: str, name: str) -> bytes:
    """Small deterministic dummy file of the right kind."""
    if ext == "pdf":
        return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    buf = io.BytesIO()
    inner = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "ofd": "OFD.xml", "zip": "readme.txt"}[ext]
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("[Content_Types].xml", (2026, 11, 1, 0, 0, 0)), "<Types/>")
        zf.writestr(zipfile.ZipInfo(inner, (2026, 11, 1, 0, 0, 0)), ("demo attachment: " + name).encode())
    return buf.getvalue()


class Federation:
    """All demo sites with their sources and items; thread-safe."""

    def __init__(self, now: datetime | None = None, live: bool = False):
        self.live = live
        self.now = now or (datetime.now(catalog.TZ) if live else catalog.DEFAULT_NOW)
        if self.now.tzinfo is None:
            self.now = self.now.replace(tzinfo=catalog.TZ)
        self.lock = threading.RLock()
        self.sites: list[Site] = [Site(spec, i) for i, spec in enumerate(catalog.SITES)]
        self.site_by_id = {s.id: s for s in self.sites}
        self.sources: dict[str, DemoSource] = {}
        self.host = DEFAULT_HOST
        self.ports = {s.id: DEFAULT_BASE_PORT + s.index for s in self.sites}
        self.version = 0
        self._published = 0
        self._rr = 0
        self._by_path: dict[tuple[str, str], DemoItem] = {}
        self._attachments: dict[tuple[str, str], Attachment] = {}
        for site in self.sites:
            for spec in site["sources"]:
                src = DemoSource(spec, site)
                site.sources.append(src)
                self.sources[src.id] = src
                self._build_source(src)

    # ----------------------------------------------------------- addressing
    def bind(self, host: str, ports: dict[str, int]) -> None:
        """Record where the sites are served (called by ``demo.server.serve``)."""
        with self.lock:
            self.host = host
            self.ports = dict(ports)

    def site_url(self, site_id: str) -> str:
        return f"http://{self.host}:{self.ports[site_id]}/"

    def url(self, site_id: str, path: str) -> str:
        return self.site_url(site_id) + path.lstrip("/")

    @property
    def urls(self) -> dict[str, str]:
        return {s.id: self.site_url(s.id) for s in self.sites}

    # ----------------------------------------------------------- generation
    def _build_source(self, src: DemoSource) -> None:
        spec = src.spec
        count = spec.get("count", 0)
        notice = spec.get("city_notice")
        n_plain = count - (1 if notice else 0)
        first, last = spec.get("first_day", catalog.FIRST_DAY), spec.get("last_day", catalog.LAST_DAY)
        span = (last - first).days
        items = []
        for i in range(n_plain):
            rng = random.Random(f"{src.id}:{i}")
            day = first + timedelta(days=round(i * span / max(n_plain - 1, 1)))
            when = datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59),
                            rng.randint(0, 59) if spec["precision"] == "second" else 0, tzinfo=catalog.TZ)
            items.append(self._new_item(src, rng, when))
        if notice:
            items.append(DemoItem(
                source_id=src.id, unit_id=src.site.id, seq=0, art_id=0, title=catalog.CITY_NOTICE_TITLE,
                published_at=notice["at"], precision=spec["precision"], source_name=catalog.CITY_NOTICE_SOURCE,
                paragraphs=list(text.CITY_NOTICE_PARAGRAPHS), group=catalog.CITY_NOTICE_GROUP,
                variant=notice.get("variant", "original"),
                notes="city notice: original" if notice["role"] == "original" else "city notice: repost"))
        items.sort(key=lambda it: it.published_at)
        for seq, item in enumerate(items):
            self._finish_item(src, item, seq)
        src.items = list(reversed(items))
        for kind, positions in spec.get("specials", {}).items():
            for pos in positions:
                while src.items[pos].group or src.items[pos].kind != "ok":
                    pos += 1
                self._make_special(src.items[pos], kind)
        if self.live and src.publishable and count:
            self._keep_alive(src, last, max(1, min(LIVE_MAX_GAP_DAYS, round(span / max(n_plain, 1)))))
        for item in src.items:
            self._index(src, item)

    def _keep_alive(self, src: DemoSource, last: date, gap: int) -> None:
        """Live mode: an item every ``gap`` days after ``last`` up to yesterday, the same ones at every start."""
        day = last + timedelta(days=gap)
        while day < self.now.date():
            rng = random.Random(f"{src.id}:live:{day.isoformat()}")
            when = datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59),
                            rng.randint(0, 59) if src.spec["precision"] == "second" else 0, tzinfo=catalog.TZ)
            item = self._new_item(src, rng, when)
            self._finish_item(src, item, max(it.seq for it in src.items) + 1)
            item.notes = "live demo: published since the catalog's last day"
            src.items.insert(0, item)
            day += timedelta(days=gap)

    def _new_item(self, src: DemoSource, rng: random.Random, when: datetime) -> DemoItem:
        spec, site = src.spec, src.site
        org = site["short"] if spec["topics"] in ("county", "notice") else site["name"]
        title = text.make_title(spec["topics"], org, rng, src.used_titles)
        paragraphs = text.make_paragraphs(spec["topics"], site["short"], title, site["places"], when, rng)
        alts = spec.get("alt_sources") or []
        source_name = rng.choice(alts) if alts and rng.random() < 0.2 else spec["source_name"]
        return DemoItem(source_id=src.id, unit_id=site.id, seq=0, art_id=0, title=title, published_at=when,
                        precision=spec["precision"], source_name=source_name, paragraphs=paragraphs)

    def _finish_item(self, src: DemoSource, item: DemoItem, seq: int) -> None:
        item.seq = seq
        item.art_id = src.spec["id_base"] + seq * 3
        item.path = detail_path(src, item)
        if src.template == "list_ul":
            self._add_policy_fields(src, item)

    def _make_special(self, item: DemoItem, kind: str) -> None:
        item.kind = kind
        if kind == "lying_charset":
            item.title = text.LYING_CHARSET_TITLE
            item.paragraphs = list(text.LYING_CHARSET_PARAGRAPHS)
            item.notes = ("GBK bytes served with a lying 'Content-Type: text/html; charset=utf-8' header; "
                          "<meta charset=gbk> is right; contains 镕")
        elif kind == "disallowed":
            item.path = f"/cms/preview/content_{item.art_id}.html"
            item.notes = UNREACHABLE_WHY[kind]
        elif kind == "slow":
            item.notes = "detail page answers after ~3 s; a patient harvester gets it"
        else:
            item.notes = UNREACHABLE_WHY[kind]

    def _add_policy_fields(self, src: DemoSource, item: DemoItem) -> None:
        rng = random.Random(f"{src.id}:policy:{item.seq}")
        d = item.published_at
        written = (d - timedelta(days=rng.randint(1, 6))).date()
        item.meta = {
            "index_number": f"11330800002596961L/{d.year}-{item.seq + 101:05d}",
            "issuing_authority": src.site["name"],
            "written_date": written.isoformat(),
            "subject_category": SUBJECTS[item.seq % len(SUBJECTS)],
        }
        if item.seq % 4 != 3:
            prefix = "衢发改规" if item.seq % 2 == 0 else "衢发改"
            item.meta["document_number"] = f"{prefix}〔{d.year}〕{item.seq // 2 + 1}号"
        item.attachments = []
        for j in range(item.seq % 3 + 1):
            ext = ["pdf", "docx", "xlsx", "ofd", "zip"][(item.seq + j) % 5]
            token = f"P0{d:%Y%m%d}{item.art_id:06d}{j}"
            name = f"附件{j + 1}：{ATTACHMENT_NAMES[(item.seq + j) % len(ATTACHMENT_NAMES)]}.{ext}"
            if item.seq == 5 and j == 0:
                ext, name = "pdf", "附件1：政策解读.pdf"
                fname = f"{token}.pdf"
                href = path = f"/module/download/downfile.jsp?filename={fname}&classid=0"
            elif j == 1:
                href = f"../../attach/{d.year}/{token}.{ext}"
                path = f"/zcwj/attach/{d.year}/{token}.{ext}"
            else:
                href = path = f"/attach/{d.year}/{d.month:02d}/{token}.{ext}"
            item.attachments.append(Attachment(name=name, href=href, path=path, ext=ext))

    def _index(self, src: DemoSource, item: DemoItem) -> None:
        self._by_path[(src.site.id, item.path)] = item
        for att in item.attachments:
            self._attachments[(src.site.id, attachment_key(att.path))] = att

    # ----------------------------------------------------------- lookups
    def source(self, source_id: str) -> DemoSource:
        return self.sources[source_id]

    def find_item(self, site_id: str, path: str) -> DemoItem | None:
        return self._by_path.get((site_id, path))

    def find_attachment(self, site_id: str, path_qs: str) -> Attachment | None:
        return self._attachments.get((site_id, attachment_key(path_qs)))

    def last_modified(self, source_id: str) -> datetime:
        items = self.sources[source_id].items
        return max((it.published_at for it in items), default=catalog.STATIC_EPOCH)

    # ----------------------------------------------------------- publishing
    def publish(self, source_id: str | None = None) -> DemoItem:
        """Publish the next deterministic item on ``source_id`` (or round-robin)."""
        with self.lock:
            candidates = [s for s in self.sources.values() if s.publishable]
            if source_id is None:
                src = candidates[self._rr % len(candidates)]
                self._rr += 1
            else:
                if source_id not in self.sources:
                    raise KeyError(source_id)
                src = self.sources[source_id]
                if not src.publishable:
                    raise ValueError(f"source {source_id} does not publish (broken, empty or stale by design)")
            self._published += 1
            if self.live:
                when = datetime.now(catalog.TZ).replace(microsecond=0)
                seq = LIVE_SEQ_BASE + int((when - LIVE_EPOCH).total_seconds())
            else:
                when = self.now + PUBLISH_STEP * self._published
                seq = max(it.seq for it in src.items) + 1 if src.items else 0
            item = self._new_item(src, random.Random(f"{src.id}:{seq}"), when)
            self._finish_item(src, item, seq)
            item.notes = "published at runtime"
            src.items.insert(0, item)
            self._index(src, item)
            self.version += 1
            return item

    # ----------------------------------------------------------- ground truth
    def item_truth(self, item: DemoItem, url_of=None) -> dict:
        url_of = url_of or self.url
        src = self.sources[item.source_id]
        out = {
            "source_id": item.source_id,
            "unit_id": item.unit_id,
            "url": url_of(item.unit_id, item.path),
            "title": item.title,
            "published_at": item.truth_published_at.isoformat(),
            "source": item.source_name,
            "columns": list(src.spec["columns"]),
            "attachments": [{"name": a.name, "url": url_of(item.unit_id, a.path)} for a in item.attachments],
            "meta": dict(item.meta),
        }
        if item.group:
            out["group"] = item.group
        if item.notes:
            out["notes"] = item.notes
        return out

    def truth(self, host: str | None = None, base_port: int | None = None) -> dict:
        """JSON-able ground truth.  Without arguments the bound host/ports are used;
        ``truth(host, base_port)`` assumes consecutive ports from ``base_port``."""
        with self.lock:
            if host is None and base_port is None:
                ports, h = dict(self.ports), self.host
            else:
                h = host or self.host
                bp = DEFAULT_BASE_PORT if base_port is None else base_port
                ports = {s.id: bp + s.index for s in self.sites}

            def url_of(site_id: str, path: str) -> str:
                return f"http://{h}:{ports[site_id]}/" + path.lstrip("/")

            units = [{"id": s.id, "name": s.name, "kind": s["kind"], "homepage": url_of(s.id, "/")}
                     for s in self.sites]
            sources, items, unreachable = [], [], []
            for site in self.sites:
                for src in site.sources:
                    sources.append({
                        "id": src.id, "unit_id": site.id, "type": src.spec["type"],
                        "url": url_of(site.id, src.path), "columns": list(src.spec["columns"]),
                        "expect": src.spec.get("expect", "ok"), "notes": src.spec.get("notes", ""),
                    })
                    if src.spec.get("expect") == "fail":
                        unreachable.append({"url": url_of(site.id, src.path), "source_id": src.id,
                                            "why": "list page answers HTTP 500 (whole source fails)"})
                    for item in src.items:
                        if item.kind in UNREACHABLE_WHY:
                            unreachable.append({"url": url_of(site.id, item.path), "source_id": src.id,
                                                "title": item.title, "why": UNREACHABLE_WHY[item.kind]})
                        else:
                            items.append(self.item_truth(item, url_of))
            return {"units": units, "sources": sources, "items": items, "unreachable": unreachable,
                    "generated_for": {"host": h, "ports": ports, "now": self.now.isoformat(),
                                      "published": self._published}}


def attachment_key(path_qs: str) -> str:
    """downfile.jsp links are keyed by their filename (query order may be canonicalised)."""
    if path_qs.startswith("/module/download/downfile.jsp"):
        from urllib.parse import parse_qs, urlsplit
        fname = parse_qs(urlsplit(path_qs).query).get("filename", [""])[0]
        return "downfile:" + fname
    return path_qs.split("?", 1)[0]


# Each template's detail address, from its source, the publication time and the article id.
DETAIL_PATHS = {
    "hanweb": lambda src, d, n: f"/art/{d.year}/{d.month}/{d.day}/art_{src.spec['colid']}_{n}.html",
    "trs": lambda src, d, n: f"/col/tzgg/{d:%Y%m}/t{d:%Y%m%d}_{n}.html",
    "rss": lambda src, d, n: f"/news/{d:%Y%m%d}/n{n}.html",
    "sitemap": lambda src, d, n: f"/xwzx/jsyw/{d:%Y%m}/t{d:%Y%m%d}_{n}.shtml",
    "list_table": lambda src, d, n: f"/xwzx/content/{d:%Y-%m}/{d:%d}/content_{n}.html",
    "list_dl": lambda src, d, n: f"/news/{d:%Y%m}/a{n}.html",
    "list_ul": lambda src, d, n: f"/zcwj/{d.year}/{d:%m}/art_2001_{n}.html",
    "atom": lambda src, d, n: f"/jyzx/jyyw/{d:%Y%m%d}/{n}.html",
    "column": lambda src, d, n: f"{src.path.rsplit('/', 1)[0]}/{d:%Y%m}/t{d:%Y%m%d}_{n}.html",
}


def detail_path(src: DemoSource, item: DemoItem) -> str:
    if src.template not in DETAIL_PATHS:
        raise ValueError(src.template)
    return DETAIL_PATHS[src.template](src, item.published_at, item.art_id)
