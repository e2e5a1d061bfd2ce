"""The CPU-heavy half of a harvest, run in a process pool: decode, extract,
fingerprint and compress one fetched page.  Pure function of its input.

In a harvest the workers hand each finished page straight to the writer
process (:func:`extract_to_writer`), so the big result (body, raw page) is
pickled once, worker → writer, and never passes through the crawling process.
This module must stay light: no SQLAlchemy, no Scrapy."""
from __future__ import annotations

import gc
import multiprocessing
import os
import re
import zlib
from typing import Any

from harvester.extract import decode_body, extract_page
from harvester.extract.template import TemplateBook
from harvester.fingerprint import content_hash, simhash
from harvester.records import ExtractionResult, page_record
from harvester.writer import follow_parent

RAW_COMPRESSION_LEVEL = 6
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
MAX_REFUSED_REPORTED = 5  # refused attachment links reported per page
MAX_CONTROL_SHARE = 0.01  # text pages have none; binary junk has about one in ten
MIN_CONTROL_CHARS = 8  # a few stray ones in a short page are not junk


class MalformedPage(ValueError):
    pass


def check_text(text: str) -> None:
    """Refuse pages that are binary junk rather than text (truncated uploads, wrong files)."""
    bad = len(CONTROL_CHARS.findall(text))
    if bad > MIN_CONTROL_CHARS and bad > MAX_CONTROL_SHARE * len(text):
        raise MalformedPage(f"malformed page: {bad} control/undecodable characters in {len(text)}")


def process_page(page: dict[str, Any], tz: str, templates: TemplateBook | None = None) -> ExtractionResult:
    """Decode, extract (by the source's template when ``templates`` has one),
    fingerprint and compress one page.  ``result.template`` says which way."""
    text, encoding = decode_body(page["body"], page.get("content_type"), page.get("encoding"))
    check_text(text)
    if templates is not None and page.get("source_id"):
        extracted, report = templates.extract(page["source_id"], text, page["url"], tz)
    else:
        extracted, report = extract_page(text, page["url"], tz=tz), None
    body_text = extracted.body_text or ""
    return ExtractionResult(
        extracted=extracted,
        encoding=encoding,
        content_hash=content_hash(extracted.title + "\n" + body_text),
        fingerprint=simhash(body_text),
        raw_gz=zlib.compress(page["body"], RAW_COMPRESSION_LEVEL),
        template=report,
    )


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
        gc.freeze()  # the imports and templates live as long as the worker: no collection scans them again


def extract_to_writer(token: int, page: dict[str, Any], tz: str, run_id: int | None) -> tuple[list[str], dict | None]:
    """Extract one page and send its record to the writer, which reports the
    outcome for ``token`` to the crawling process.  Returns the attachment links
    dropped for their scheme (file:, ftp: …), for the run, and the template
    report (:class:`harvester.extract.template.TemplateBook`).  Raises MalformedPage
    or ``records.IngestError`` (back to the crawling process) when there is nothing to store."""
    result = process_page(page, tz, _TEMPLATES)
    record = page_record(page, result, run_id)
    record.token = token
    _WRITER_INBOX.put(record)
    return result.extracted.refused_links[:MAX_REFUSED_REPORTED], result.template
