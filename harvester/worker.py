"""The CPU-heavy half of a harvest, run in a process pool: decode, extract,
fingerprint and compress one fetched page.  Pure function of its input."""
from __future__ import annotations

import re
import zlib
from typing import Any

from harvester.extract import decode_body, extract_page
from harvester.fingerprint import content_hash, simhash

RAW_COMPRESSION_LEVEL = 6
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
MAX_CONTROL_SHARE = 0.01  # text pages have none; binary junk has about one in ten


class MalformedPage(ValueError):
    pass


def check_text(text: str) -> None:
    """Refuse pages that are binary junk rather than text (truncated uploads, wrong files)."""
    bad = len(CONTROL_CHARS.findall(text))
    if bad > 8 and bad > MAX_CONTROL_SHARE * len(text):
        raise MalformedPage(f"malformed page: {bad} control/undecodable characters in {len(text)}")


def process_page(page: dict[str, Any], tz: str) -> dict[str, Any]:
    text, encoding = decode_body(page["body"], page.get("content_type"), page.get("encoding"))
    check_text(text)
    extracted = extract_page(text, page["url"], tz=tz)
    body_text = extracted.body_text or ""
    return {
        "extracted": extracted,
        "encoding": encoding,
        "content_hash": content_hash(extracted.title + "\n" + body_text),
        "fingerprint": simhash(body_text),
        "raw_gz": zlib.compress(page["body"], RAW_COMPRESSION_LEVEL),
    }


def warm_up() -> bool:
    """Import everything heavy once per worker, before the first page arrives."""
    process_page({"body": b"<html><body><p>warm up</p></body></html>", "url": "http://example.invalid/"}, "Asia/Shanghai")
    return True
