"""Request routing: (site, method, target, body) -> :class:`Response`.

Pure functions of the federation state; ``demo.server`` does the HTTP plumbing
(conditional requests, delays, logging).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from demo import catalog, pages
from demo.federation import DemoItem, DemoSource, Federation, Site

HTML = "text/html; charset=utf-8"
GBK_HTML = "text/html; charset=gbk"


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = HTML
    last_modified: datetime | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    cacheable: bool = True      # ETag / Last-Modified / 304 handling


def html(text: str, lm: datetime | None = None, *, charset: str = "utf-8", content_type: str | None = None) -> Response:
    return Response(200, text.encode(charset), content_type or f"text/html; charset={charset}", lm)


def xml(text: str, lm: datetime, ctype: str = "application/xml; charset=utf-8") -> Response:
    return Response(200, text.encode("utf-8"), ctype, lm)


def error(status: int) -> Response:
    return Response(status, pages.error_page(status).encode(), HTML, cacheable=False)


def as_json(obj, status: int = 200) -> Response:
    body = json.dumps(obj, ensure_ascii=False, indent=1).encode()
    return Response(status, body, "application/json; charset=utf-8", cacheable=False)


def handle(fed: Federation, site_id: str, method: str, target: str, body: bytes = b"") -> Response:
    parts = urlsplit(target)
    path, query = parts.path or "/", parse_qs(parts.query)
    if path.startswith("/_demo/"):
        return _control(fed, method, path, query)
    with fed.lock:
        site = fed.site_by_id[site_id]
        if path.startswith("/module/web/jpage/dataproxy.jsp") and "webid" in site.spec:
            return _hanweb_dataproxy(site, method, query, body)
        if method not in ("GET", "HEAD"):
            return error(405)
        return _get(fed, site, path, parts.query, query)


def _control(fed: Federation, method: str, path: str, query: dict) -> Response:
    if path == "/_demo/truth.json" and method in ("GET", "HEAD"):
        return as_json(fed.truth())
    if path == "/_demo/publish" and method == "POST":
        source = (query.get("source") or [None])[0]
        try:
            item = fed.publish(source)
        except KeyError:
            return as_json({"error": f"unknown source {source}"}, 404)
        except ValueError as exc:
            return as_json({"error": str(exc)}, 400)
        with fed.lock:
            return as_json(fed.item_truth(item))
    return as_json({"error": "unknown control endpoint"}, 404)


def _get(fed: Federation, site: Site, path: str, raw_query: str, query: dict) -> Response:
    url_of = fed.url
    if path == "/robots.txt":
        return Response(200, pages.robots_txt(site).encode(), "text/plain; charset=utf-8", catalog.STATIC_EPOCH)
    for src in site.sources:
        resp = _source_page(fed, site, src, path, query)
        if resp is not None:
            return resp
    if path in ("/", "/index.html"):
        return html(pages.homepage(site, url_of), catalog.STATIC_EPOCH)
    if path in pages.INFO_PAGES:
        return html(pages.info_page(site, pages.INFO_PAGES[path]), catalog.STATIC_EPOCH)
    if path in ("/images/logo.png", "/images/banner.jpg"):
        return Response(200, pages.PIXEL_PNG, "image/png", catalog.STATIC_EPOCH)
    if path == "/images/common.css":
        return Response(200, pages.COMMON_CSS.encode(), "text/css; charset=utf-8", catalog.STATIC_EPOCH)
    if site.spec.get("dead_link") and path == site["dead_link"][1]:
        return html(pages.gone_page(site), catalog.STATIC_EPOCH)
    if site.id == "jiangshan" and path in ("/about.html", "/contact.html"):
        return html(pages.about_page(site, path[1:-5]), catalog.STATIC_EPOCH)
    if path == "/module/jslib/jquery/jpage/dataproxy.js" and "webid" in site.spec:
        return Response(200, pages.HANWEB_JS.encode(), "application/javascript; charset=utf-8", catalog.STATIC_EPOCH)
    item = fed.find_item(site.id, path)
    if item is not None:
        return _detail(fed, site, fed.source(item.source_id), item)
    att = fed.find_attachment(site.id, path + ("?" + raw_query if raw_query else ""))
    if att is not None:
        fname = att.path.rsplit("/", 1)[-1].split("filename=")[-1].split("&")[0]
        resp = Response(200, att.body(), att.content_type, catalog.STATIC_EPOCH)
        resp.headers["Content-Disposition"] = f'attachment; filename="{fname}"'
        return resp
    return error(404)


def _page_number(query: dict) -> int | None:
    raw = (query.get("page") or ["1"])[0]
    return int(raw) if raw.isdigit() and int(raw) >= 1 else None


def _source_page(fed: Federation, site: Site, src: DemoSource, path: str, query: dict) -> Response | None:
    """List/feed/sitemap pages of ``src`` or None when ``path`` is not one of them."""
    t, lm, url_of = src.template, fed.last_modified(src.id), fed.url
    if t == "broken":
        return error(500) if path == src.path else None
    if t == "empty":
        return html(pages.empty_column(site, src), catalog.STATIC_EPOCH) if path == src.path else None
    if t == "hanweb":
        return html(pages.hanweb_column(site, src), lm) if path == src.path else None
    if t == "trs":
        m = re.fullmatch(r"/col/tzgg/(?:index(?:_(\d+))?\.htm)?", path)
        if not m:
            return None
        page = int(m.group(1) or 0)
        if (m.group(1) is not None and page == 0) or page >= src.page_count():
            return error(404)
        return html(pages.trs_list(site, src, page), lm, charset="gbk")
    if t == "rss":
        if path == "/rss.xml":
            return xml(pages.rss(site, src.items, url_of, "龙游县人民政府 - 龙游新闻"), lm,
                       "application/rss+xml; charset=utf-8")
        return None
    if t == "atom":
        if path == "/atom.xml":
            return xml(pages.atom(site, src.items, url_of, "衢州市教育局 - 教育动态"), lm,
                       "application/atom+xml; charset=utf-8")
        if path == "/rss.xml":
            return xml(pages.rss(site, src.items, url_of, "衢州市教育局 - 教育动态", full=True), lm,
                       "application/rss+xml; charset=utf-8")
        if path in ("/", "/index.html"):
            return html(pages.homepage(site, url_of, recent=src.items[:6]), lm)
        return None
    if t == "sitemap":
        if path == "/sitemap.xml":
            return xml(pages.sitemap_index(site, src.items, url_of), lm)
        if path in pages.SITEMAP_PARTS:
            i = pages.SITEMAP_PARTS.index(path)
            return xml(pages.urlset(site, pages.sitemap_split(src.items)[i], url_of, extra=i == 1), lm)
        return None
    if t in ("list_table", "list_ul", "column"):
        base = src.path.rsplit("/", 1)[0]
        m = re.fullmatch(re.escape(base) + r"/index(?:_(\d+))?\.html", path)
        if not m:
            return None
        page = int(m.group(1) or 1)
        if (m.group(1) is not None and page < 2) or page > src.page_count():
            return error(404)
        if t == "list_table":
            return html(pages.list_table(site, src, page), lm)
        if t == "column":
            return html(pages.column_list(site, src, page), lm)
        return html(pages.list_ul(site, src, page, url_of), lm)
    if t == "list_dl":
        if path != src.path:
            return None
        page = _page_number(query)
        if page is None or page > src.page_count():
            return error(404)
        return html(pages.list_dl(site, src, page), lm)
    return None


def _detail(fed: Federation, site: Site, src: DemoSource, item: DemoItem) -> Response:
    lm = item.published_at
    if item.kind == "error500":
        return error(500)
    if item.kind == "malformed":
        return Response(200, pages.malformed_detail(item), HTML, lm)
    t = src.template
    if t == "hanweb":
        resp = html(pages.hanweb_detail(site, src, item), lm)
    elif t == "trs":
        resp = html(pages.trs_detail(site, src, item), lm, charset="gbk")
        if item.kind == "lying_charset":
            resp.content_type = "text/html; charset=utf-8"
    elif t == "list_ul":
        resp = html(pages.policy_detail(site, src, item), lm)
    elif t == "column":
        resp = html(pages.column_detail(site, src, item), lm)
    else:
        resp = html(pages.plain_detail(site, src, item), lm)
    if item.kind == "slow":
        resp.delay = 3.0
    return resp


# ---------------------------------------------------------------- Hanweb dataproxy.jsp
def _hanweb_dataproxy(site: Site, method: str, query: dict, body: bytes) -> Response:
    if method != "POST":
        return error(405)
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        return error(400)
    if any(not (form.get(k) or [""])[0] for k in ("columnid", "unitid", "webid")):
        return error(400)
    colid, unitid, webid = (form[k][0] for k in ("columnid", "unitid", "webid"))
    src = next((s for s in site.sources if s.template == "hanweb" and str(s.spec["colid"]) == colid), None)
    if src is None or unitid != str(site["unitid"]) or webid != str(site["webid"]):
        return Response(200, pages.hanweb_dataproxy([], 0).encode(), "text/xml; charset=UTF-8", cacheable=False)
    try:
        per = int((query.get("perpage") or [str(pages.HANWEB_PER_PAGE)])[0])
        start = int((query.get("startrecord") or ["1"])[0])
        end = int((query.get("endrecord") or [str(start + per - 1)])[0])
    except ValueError:
        return error(400)
    start = max(start, 1)
    records = src.items[start - 1:max(end, start - 1)]
    return Response(200, pages.hanweb_dataproxy(records, len(src.items)).encode(), "text/xml; charset=UTF-8",
                    cacheable=False)
