"""Turn response bytes into text, verifying every declared encoding strictly.

Scrapy's ``response.text`` (w3lib ``html_to_unicode``) trusts the HTTP header
charset and decodes with ``errors="replace"``.  Chinese government sites often
lie (a GBK page served as ``charset=utf-8``), so we keep w3lib's order but only
accept a declared encoding when the bytes decode strictly with it:

1. per-source override (always used, errors replaced)
2. byte-order mark
3. HTTP ``Content-Type`` charset, if the bytes decode strictly
4. ``<meta charset>`` / ``http-equiv`` / ``<?xml encoding?>`` declaration, if strict
5. UTF-8 strict
6. GB18030 strict
7. w3lib detection with ``errors="replace"``

One refinement: a declared *legacy* encoding (GBK, Big5, ...) that happens to
decode strictly loses to UTF-8 when the bytes are also valid, non-ASCII UTF-8.
Multi-byte UTF-8 is self-synchronising, so real GBK text almost never validates
as UTF-8, while UTF-8 text often validates as GB18030 by accident (browser-saved
pages that keep their old ``charset=gb2312`` meta but are stored as UTF-8).

GB2312 / GBK / x-gbk / gb_2312-80 are always mapped to GB18030, its superset
(needed for characters such as 镕 that GB2312 lacks).
"""
from __future__ import annotations

import codecs
import re

from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

__all__ = ["decode_body", "normalize_encoding"]

_GB_ALIASES = {"gb2312", "gbk", "x-gbk", "x_gbk", "gb_2312_80", "gb_2312-80", "gb-2312",
               "cp936", "ms936", "windows-936", "euc-cn", "euc_cn", "zh_cn", "csgb2312", "chinese",
               "gb18030"}

# A declaration anywhere in the first 64 KB (w3lib only scans 4 KB).
_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{2,40})""", re.I
)
_XML_DECL_RE = re.compile(rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{2,40})""", re.I)


def normalize_encoding(label: str | None) -> str | None:
    """Canonical Python codec name for ``label``; GB-family names become gb18030."""
    if not label:
        return None
    raw = label.strip().strip("\"'").lower()
    if not raw:
        return None
    if raw in _GB_ALIASES or raw.replace("-", "_") in _GB_ALIASES:
        return "gb18030"
    resolved = resolve_encoding(raw)
    if resolved is None:
        try:
            resolved = codecs.lookup(raw).name
        except (LookupError, ValueError):
            return None
    if resolved in ("gb2312", "gbk", "gb18030", "cp936"):
        return "gb18030"
    return resolved


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding, errors="strict")
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


def _is_utf8(encoding: str) -> bool:
    return encoding.replace("-", "").replace("_", "").lower() in ("utf8", "utf8sig")


def _utf8_beats(body: bytes, declared: str) -> str | None:
    """UTF-8 text when ``declared`` is a legacy encoding but the bytes are real UTF-8."""
    if _is_utf8(declared) or body.isascii():
        return None
    return _strict(body, "utf-8")


def _declared_in_body(body: bytes) -> str | None:
    enc = None
    try:
        enc = html_body_declared_encoding(body)
    except Exception:  # noqa: BLE001 - w3lib must never break decoding
        enc = None
    if enc:
        return normalize_encoding(enc)
    head = body[:65536]
    for rx in (_XML_DECL_RE, _META_CHARSET_RE):
        m = rx.search(head)
        if m:
            enc = normalize_encoding(m.group(1).decode("ascii", "ignore"))
            if enc:
                return enc
    return None


def _declared(body: bytes, enc: str | None) -> tuple[str, str] | None:
    """``body`` decoded with a declared encoding, if it decodes strictly (UTF-8 wins
    when the bytes are valid non-ASCII UTF-8 too: saved pages often lie)."""
    if not enc:
        return None
    text = _strict(body, enc)
    if text is None:
        return None
    utf = _utf8_beats(body, enc)
    return (utf, "utf-8") if utf is not None else (text, enc)


def decode_body(
    body: bytes, content_type: str | None = None, override: str | None = None
) -> tuple[str, str]:
    """Decode ``body``; return ``(text, encoding_used)``. Never raises."""
    if body is None:
        return "", "utf-8"
    if isinstance(body, str):  # already text: be lenient with callers
        return body, "utf-8"
    body = bytes(body)

    if override:
        enc = normalize_encoding(override) or "utf-8"
        try:
            return body.decode(enc, errors="replace"), enc
        except LookupError:
            return body.decode("utf-8", errors="replace"), "utf-8"

    bom_enc, bom = read_bom(body)
    if bom_enc:
        enc = normalize_encoding(bom_enc) or "utf-8"
        return body[len(bom):].decode(enc, errors="replace"), enc

    header_enc = None
    if content_type:
        try:
            header_enc = normalize_encoding(http_content_type_encoding(content_type))
        except Exception:  # noqa: BLE001
            header_enc = None
    # The header's charset, then the page's own declaration: each only if the bytes
    # really decode with it (a lying header falls through to the next).
    for enc in (header_enc, _declared_in_body(body)):
        decoded = _declared(body, enc)
        if decoded is not None:
            return decoded

    text = _strict(body, "utf-8")
    if text is not None:
        return text, "utf-8"
    text = _strict(body, "gb18030")
    if text is not None:
        return text, "gb18030"
    return _best_effort(body, content_type)


def _best_effort(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Nothing decodes strictly: w3lib's ``html_to_unicode`` (errors="replace"), with an
    auto-detector that prefers whichever of the declared encodings, UTF-8 and GB18030
    yields the fewest replacement characters (a truncated GBK byte must not turn a
    whole page into UTF-8 mojibake)."""
    candidates: list[str] = []
    if content_type:
        try:
            enc = normalize_encoding(http_content_type_encoding(content_type))
        except Exception:  # noqa: BLE001
            enc = None
        if enc:
            candidates.append(enc)
    declared = _declared_in_body(body)
    if declared:
        candidates.append(declared)
    candidates += ["utf-8", "gb18030"]
    best_enc, best_bad = "utf-8", None
    for enc in dict.fromkeys(candidates):
        try:
            bad = body.decode(enc, errors="replace").count("\ufffd")
        except LookupError:
            continue
        if best_bad is None or bad < best_bad:
            best_enc, best_bad = enc, bad
    try:
        # content_type is deliberately not passed: its charset was already weighed above
        enc, text = html_to_unicode(None, body, default_encoding=best_enc,
                                    auto_detect_fun=lambda _b: best_enc)
        enc = normalize_encoding(enc) or enc
        if enc != best_enc:
            text, enc = body.decode(best_enc, errors="replace"), best_enc
        return text, enc
    except Exception:  # noqa: BLE001
        return body.decode(best_enc, errors="replace"), best_enc
