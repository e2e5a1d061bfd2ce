"""The portal's pages: home, column, unit and item pages, and /healthz."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, abort, render_template, request

from hub.db import db_session
from hub.portal import queries
from hub.portal.blueprint import bp
from hub.portal.body import render_body
from hub.portal.http_cache import public_page
from hub.portal.cache import portal_state
from hub.portal.http_cache import content_counter
from hub.portal.pages import PER_PAGE, cached_count, fragment, page_number, render_page, site_lookups
from storage.search.related import related

HOME_ITEMS = 8  # per column block on the home page
FEATURED_ITEMS = 6
MAX_ID = 2**63 - 1
RELATED_ITEMS = 5
# 字号: the item's text size, chosen by link (?size=large), no script needed; 中 is the default.
FONT_SIZES = (("large", "大"), ("medium", "中"), ("small", "小"))
META_LABELS = (
    ("index_number", "索引号"), ("document_number", "文号"), ("issuing_authority", "发文机关"),
    ("written_date", "成文日期"), ("subject_category", "主题分类"),
)


@bp.get("/healthz")
def healthz():
    """For load balancers and the benchmark's baseline: no database, no template."""
    return Response("ok", mimetype="text/plain", headers={"Cache-Control": "no-store"})


@bp.get("/")
@public_page
def home():
    session = db_session()
    look = site_lookups()

    def site_nav() -> str:
        return render_template(
            "portal/_site_nav.html", units=look.units, key_columns=queries.key_columns(session, look.column_names),
        )

    def column_blocks() -> str:
        blocks = [(column, queries.latest_in_column(session, column.id, HOME_ITEMS)) for column in look.columns]
        return render_template("portal/_home_columns.html", blocks=blocks, unit_names=look.unit_names)

    return render_page(
        "portal/home.html",
        featured=queries.featured(session, FEATURED_ITEMS), unit_names=look.unit_names,
        site_nav=fragment("site-nav", site_nav), column_blocks=fragment("home-columns", column_blocks),
    )


@bp.get("/columns/<column_id>")
@public_page
def column(column_id: str):
    def pager(session) -> queries.Pager:
        cap = queries.MAX_PAGE * PER_PAGE + 1
        total = cached_count(("column", column_id, cap), lambda: queries.column_total(session, column_id, cap))
        return queries.Pager(page_number(), PER_PAGE, min(total, cap - 1), capped=total >= cap)

    return _listing("column", column_id, pager, queries.column_items)


@bp.get("/units/<unit_id>")
@public_page
def unit(unit_id: str):
    def pager(session) -> queries.Pager:
        total = cached_count(("unit", unit_id), lambda: queries.unit_total(session, unit_id))
        return queries.Pager(page_number(), PER_PAGE, total)

    return _listing("unit", unit_id, pager, queries.unit_items)


def _listing(kind: str, key: str, pager_of, items_of):
    """The list page of one column or unit (``kind``) of the registry: 404 for one it
    does not list, or for a page past the last."""
    look = site_lookups()
    found = getattr(look, kind)(key)
    if found is None:
        abort(404)
    session = db_session()
    pager = pager_of(session)
    if not pager.exists:
        abort(404)
    items = items_of(session, key, pager.offset, PER_PAGE)
    return render_page(f"portal/{kind}.html", items=items, pager=pager, unit_names=look.unit_names, **{kind: found})


def _web_url(url: str | None) -> str | None:
    """Only http(s) addresses become links."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _attachments(item) -> list[dict]:
    """Harvested items: the files at the source.  (A submission's files are its
    uploads, served by hub.submissions once the item is published.)"""
    out = []
    for entry in item.attachments or []:
        if not isinstance(entry, dict):
            continue
        url = _web_url(entry.get("url"))
        name = " ".join(str(entry.get("name") or "").split())
        if url:
            out.append({"url": url, "name": name or url.rsplit("/", 1)[-1] or url})
    return out


@bp.get("/items/<int:item_id>")
@public_page
def item(item_id: int):
    if item_id > MAX_ID:
        abort(404)
    found = queries.item_for_page(db_session(), item_id)
    if found is None or found.row.status not in ("published", "withdrawn"):
        abort(404)  # pending, scheduled, rejected: as if it did not exist
    if found.row.status == "withdrawn":
        return render_page("portal/withdrawn.html", status=410)
    item = found.row
    look = site_lookups()
    units = look.unit_names
    submitted = item.origin == "submission"
    primary = next((s for s in found.sources if s.is_primary), None)
    source_url = None if submitted else _web_url(primary.url if primary else item.url)
    also = [
        {"unit": units.get(s.unit_id, s.unit_id), "url": _web_url(s.url)}
        for s in found.sources if s is not primary and s.status == "active" and s.unit_id != item.unit_id
    ]
    in_columns = set(found.column_ids)
    columns = [c for c in look.columns if c.id in in_columns]  # in the portal's column order
    meta = [(label, str(item.meta[key])) for key, label in META_LABELS if (item.meta or {}).get(key)]
    session = db_session()
    previous, following = queries.neighbours(session, columns[0].id, item.id, item.published_at) if columns else (None, None)
    size = request.args.get("size", "medium")
    return render_page(
        "portal/item.html", item=item, submitted=submitted, source_url=source_url,
        unit_name=units.get(item.unit_id, item.unit_id), also=[a for a in also if a["url"]],
        columns=columns, meta=meta, body=render_body(item.body_html),
        attachments=[] if submitted else _attachments(item),
        uploads=queries.uploads_of(session, item.id) if submitted else [],
        size=size if size in dict(FONT_SIZES) else "medium", font_sizes=FONT_SIZES,
        previous=previous, following=following,
        related=_related(session, item, columns[0].id) if columns else [],
    )


def _related(session, item, column_id: str) -> list:
    """相关信息, kept for the current counter value (every 字号 and version of the page shares it)."""
    def find() -> tuple[int, ...]:
        return tuple(related(session, item.id, item.title, column_id, RELATED_ITEMS))

    ids = portal_state().fragments.get_or_make(content_counter(), ("related", item.id, column_id), find)
    rows = queries.items_by_id(session, list(ids))
    return [rows[i] for i in ids if i in rows]
