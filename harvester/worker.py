"""The CPU-heavy half of a harvest, run in a process pool: decode, extract,
fingerprint and compress one fetched page.  Pure function of its input.

In a harvest the workers hand each finished page straight to the writer
process (:func:`extract_to_writer`), so the big result (body, raw page) is
pickled once, worker → writer, and never passes through the crawling process.
This module must stay light: no SQLAlchemy, no Scrapy."""
from __future__ import annotations

import multiprocessing
import os
import re
import zlib
from typing import Any

from harvester.extract import decode_body, extract_page
from harvester.extract.template import TemplateBook
from harvester.fingerprint import content_hash, simhash
from harvestkit.dates import is_date_only
from harvester.writer import follow_parent
from harvestkit.urls import canonical_url

RAW_COMPRESSION_LEVEL = 6
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
MAX_REFUSED_REPORTED = 5  # refused attachment links reported per page
MAX_CONTROL_SHARE = 0.01  # text pages have none; binary junk has about one in ten


class MalformedPage(ValueError):
    pass


class IngestError(ValueError):
    """A page that cannot become an item (e.g. it has no title)."""


class NotAnArticle(IngestError):
    """A page that is no article (a sitemap's 关于我们 page): skipped, not an error."""


def check_text(text: str) -> None:
    """Refuse pages that are binary junk rather than text (truncated uploads, wrong files)."""
    bad = len(CONTROL_CHARS.findall(text))
    if bad > 8 and bad > MAX_CONTROL_SHARE * len(text):
        raise MalformedPage(f"malformed page: {bad} control/undecodable characters in {len(text)}")


def process_page(page: dict[str, Any], tz: str, templates: TemplateBook | None = None) -> dict[str, Any]:
    """Decode, extract (by the source's template when ``templates`` has one),
    fingerprint and compress one page.  ``result["template"]`` says which way."""
    text, encoding = decode_body(page["body"], page.get("content_type"), page.get("encoding"))
    check_text(text)
    if templates is not None and page.get("source_id"):
        extracted, report = templates.extract(page["source_id"], text, page["url"], tz)
    else:
        extracted, report = extract_page(text, page["url"], tz=tz), None
    body_text = extracted.body_text or ""
    return {
        "template": report,
        "extracted": extracted,
        "encoding": encoding,
        "content_hash": content_hash(extracted.title + "\n" + body_text),
        "fingerprint": simhash(body_text),
        "raw_gz": zlib.compress(page["body"], RAW_COMPRESSION_LEVEL),
    }


def page_record(page: dict[str, Any], result: dict[str, Any], run_id: int | None) -> dict[str, Any]:
    """Check an extracted page and flatten it into what the writer stores (plain
    data only); raises IngestError.  ``page["hint_published"]`` is the listing's
    date, already parsed by the crawling process."""
    ex = result["extracted"]
    hint = page.get("hint") or {}
    title = ex.title or hint.get("title") or ""
    if not title.strip():
        raise IngestError("no title found on the page")
    if hint.get("require_date") and ex.published_at is None:
        raise NotAnArticle("no publication date on the page: not an article")
    body_text = ex.body_text or ""
    if not body_text.strip() and not ex.attachments:
        raise IngestError("no article text found on the page")
    published = ex.published_at or page.get("hint_published")
    url = canonical_url(page["url"])
    urls = [url]
    listed = canonical_url(page.get("listed_url") or page["url"])
    if listed != url:
        urls.append(listed)
    return {
        "source_id": page["source_id"],
        "run_id": run_id,
        "url": url,
        "urls": urls,
        "title": title[:500],
        "published_at": published,
        "published_date_only": is_date_only(published),
        "source_text": ex.source or "",  # the writer falls back to the unit's name
        "column_name": (ex.column_name or "")[:200],
        "body_html": ex.body_html or "",
        "body_text": body_text,
        "attachments": [{"name": a.name, "url": a.url} for a in ex.attachments],
        "images": [{"name": i.name, "url": i.url} for i in ex.images],
        "meta": dict(ex.meta),
        "list_date": hint.get("list_date") or "",
        "content_hash": result["content_hash"],
        "fingerprint": result["fingerprint"],
        "raw_gz": result["raw_gz"],
        "encoding": (result["encoding"] or "")[:40],
        "http_status": page.get("status") or 200,
        "content_type": (page.get("content_type") or "")[:200],
        "extracted_title": (ex.title or "")[:500],
    }


# -- in a harvest's extraction worker ----------------------------------------------
_WRITER_INBOX = None
_TEMPLATES: TemplateBook | None = None


def init_worker(inbox, templates: dict[str, dict] | None = None, harvester_pid: int | None = None) -> None:
    """Extraction worker initializer: the writer process's inbox and the sources'
    stored templates; stop signals are the harvesting process's to handle (in a
    thread of it, there is nothing to do: a harvest forked from a warm parent
    has a parent process too, so the harvesting process names itself)."""
    global _WRITER_INBOX, _TEMPLATES
    _WRITER_INBOX = inbox
    _TEMPLATES = TemplateBook(templates)
    in_process = harvester_pid is not None and os.getpid() == harvester_pid
    if not in_process and multiprocessing.parent_process() is not None:
        follow_parent()


def extract_to_writer(token: int, page: dict[str, Any], tz: str, run_id: int | None) -> tuple[list[str], dict | None]:
    """Extract one page and send its record to the writer, which reports the
    outcome for ``token`` to the crawling process.  Returns the attachment links
    dropped for their scheme (file:, ftp: …), for the run, and the template
    report (:class:`harvester.extract.template.TemplateBook`).  Raises MalformedPage
    or IngestError (back to the crawling process) when there is nothing to store."""
    result = process_page(page, tz, _TEMPLATES)
    record = page_record(page, result, run_id)
    record["token"] = token
    _WRITER_INBOX.put(record)
    return result["extracted"].refused_links[:MAX_REFUSED_REPORTED], result["template"]
