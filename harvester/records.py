"""Extraction results → the records stored: one place that says which extracted
field becomes which column, cut to the models' own lengths (``storage.lengths``).

The extraction workers build a page's record here (:func:`page_record`) for the
writer; the hub builds an item's fields here when it splits a source off
(:func:`item_fields`); 信息报送 takes its summary from :func:`summarise`.  Plain
data only: no SQLAlchemy, no Scrapy (the workers import this)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from harvestkit.dates import is_date_only
from storage import lengths
from storage.lengths import fit

SUMMARY_CHARS = 140
UNTITLED = "（无标题）"


class IngestError(ValueError):
    """A page that cannot become an item (e.g. it has no title)."""


class NotAnArticle(IngestError):
    """A page that is no article (a sitemap's 关于我们 page): skipped, not an error."""


@dataclass(frozen=True)
class ExtractionResult:
    """One page after ``harvester.worker.process_page``: what was read, and what is kept."""

    extracted: Any  # harvester.extract.model.Extracted
    encoding: str   # the encoding the page was decoded with
    content_hash: str
    fingerprint: int  # simhash of the body text
    raw_gz: bytes   # the page as fetched, compressed
    template: dict | None = None  # which way it was read (harvester.extract.template.TemplateBook's report)


@dataclass(eq=False)
class StoreRecord:
    """One page as the writer stores it (``harvester.ingest``): plain data, pickled
    from an extraction worker to the writer process."""

    source_id: str
    run_id: int | None
    url: str            # canonical
    urls: list[str]     # canonical, the listed address too when it differs
    title: str
    published_at: datetime | None
    published_date_only: bool
    source_text: str    # 来源 on the page; the writer falls back to the unit's name
    column_name: str
    body_html: str
    body_text: str
    summary: str
    attachments: list[dict[str, str]]
    images: list[dict[str, str]]
    meta: dict[str, Any]
    list_date: str
    content_hash: str
    fingerprint: int
    raw_gz: bytes
    encoding: str
    http_status: int
    content_type: str
    extracted_title: str
    token: int = 0      # the crawling process's ticket for this page's outcome


def summarise(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SUMMARY_CHARS else flat[:SUMMARY_CHARS].rstrip() + "…"


def item_fields(extracted, result: ExtractionResult, title: str) -> dict[str, Any]:
    """The columns of an item that come from one extracted page (``result``: what
    ``harvester.worker.process_page`` returned; ``title``: the title chosen)."""
    body_text = extracted.body_text or ""
    return {
        "title": fit(title, lengths.TITLE),
        "column_name": fit(extracted.column_name, lengths.COLUMN_NAME),
        "body_html": extracted.body_html or "",
        "body_text": body_text,
        "summary": summarise(body_text),
        "attachments": [{"name": a.name, "url": a.url} for a in extracted.attachments],
        "images": [{"name": i.name, "url": i.url} for i in extracted.images],
        "meta": dict(extracted.meta),
        "content_hash": result.content_hash,
        "fingerprint": result.fingerprint,
    }


def page_record(page: dict[str, Any], result: ExtractionResult, run_id: int | None) -> StoreRecord:
    """Check an extracted page and flatten it into what the writer stores (plain
    data only); raises IngestError.  ``page["hint_published"]`` is the listing's
    date, already parsed by the crawling process; ``page["urls"]`` the canonical
    addresses the spider worked out (``harvestkit.items.PageItem``)."""
    ex = result.extracted
    hint = page.get("hint") or {}
    title = ex.title or hint.get("title") or ""
    if not title.strip():
        raise IngestError("no title found on the page")
    if hint.get("require_date") and ex.published_at is None:
        raise NotAnArticle("no publication date on the page: not an article")
    if not (ex.body_text or "").strip() and not ex.attachments:
        raise IngestError("no article text found on the page")
    published = ex.published_at or page.get("hint_published")
    urls = page["urls"]  # canonical, from the spider's PageItem
    return StoreRecord(
        **item_fields(ex, result, title),
        source_id=page["source_id"],
        run_id=run_id,
        url=urls[0],
        urls=urls,
        published_at=published,
        published_date_only=is_date_only(published),
        source_text=ex.source or "",
        list_date=fit(hint.get("list_date"), lengths.LIST_DATE),
        raw_gz=result.raw_gz,
        encoding=fit(result.encoding, lengths.ENCODING),
        http_status=page.get("status") or 200,
        content_type=fit(page.get("content_type"), lengths.CONTENT_TYPE),
        extracted_title=fit(ex.title, lengths.TITLE),
    )


def revision_fields(rec: StoreRecord) -> dict[str, Any]:
    """An ``item_revisions`` row of a page record: the raw page as fetched."""
    return {
        "run_id": rec.run_id,
        "content_hash": rec.content_hash,
        "http_status": rec.http_status,
        "content_type": rec.content_type,
        "encoding": rec.encoding,
        "raw_gz": rec.raw_gz,
        "title": rec.extracted_title,
        "body_text": rec.body_text,
    }
