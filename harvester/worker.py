"""The CPU-heavy half of a harvest, run in a process pool: decode, extract,
fingerprint and compress one fetched page.  Pure function of its input.

In a harvest the workers hand each finished page straight to the writer
process (:func:`extract_to_writer`), so the big result (body, raw page) is
pickled once, worker → writer, and never passes through the crawling process.
This module must stay light: no SQLAlchemy, no Scrapy."""
from __future__ import annotations

import multiprocessing
import re
import zlib
from typing import Any

from harvester.extract import decode_body, extract_page
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


def process_page(page: dict[str, Any], tz: str) -> ExtractionResult:
    text, encoding = decode_body(page["body"], page.get("content_type"), page.get("encoding"))
    check_text(text)
    extracted = extract_page(text, page["url"], tz=tz)
    body_text = extracted.body_text or ""
    return ExtractionResult(
        extracted=extracted,
        encoding=encoding,
        content_hash=content_hash(extracted.title + "\n" + body_text),
        fingerprint=simhash(body_text),
        raw_gz=zlib.compress(page["body"], RAW_COMPRESSION_LEVEL),
    )


# -- in a harvest's extraction worker ----------------------------------------------
_WRITER_INBOX = None


def init_worker(inbox) -> None:
    """Extraction worker initializer: the writer process's inbox; stop signals are
    the harvesting process's to handle (in a thread of it, there is nothing to do)."""
    global _WRITER_INBOX
    _WRITER_INBOX = inbox
    if multiprocessing.parent_process() is not None:
        follow_parent()


def extract_to_writer(token: int, page: dict[str, Any], tz: str, run_id: int | None) -> list[str]:
    """Extract one page and send its record to the writer, which reports the
    outcome for ``token`` to the crawling process.  Returns the attachment links
    dropped for their scheme (file:, ftp: …), for the run.  Raises MalformedPage or
    ``records.IngestError`` (back to the crawling process) when there is nothing to store."""
    result = process_page(page, tz)
    record = page_record(page, result, run_id)
    record.token = token
    _WRITER_INBOX.put(record)
    return result.extracted.refused_links[:MAX_REFUSED_REPORTED]
