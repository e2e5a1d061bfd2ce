"""What a submission may attach: allowed types (by extension *and* by the file's
own bytes), size limits and safe file names.

A file is accepted only when its extension is on the list and its first bytes
look like that format: an HTML page renamed ``.pdf`` or a program renamed
``.doc`` is refused, so the hub never stores something a browser would run.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from typing import Callable

MAX_FILES = 10
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024
# The whole request: the files plus the form fields and multipart overhead.
MAX_REQUEST_BYTES = 60 * 1024 * 1024
FILENAME_MAX = 255

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .wps (compound document)
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")


def _zip_names(data: bytes) -> set[str] | None:
    if not data.startswith(_ZIP):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {name.lstrip("/") for name in archive.namelist()}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None


def _is_zip(data: bytes) -> bool:
    return _zip_names(data) is not None


def _zip_with(member: str) -> Callable[[bytes], bool]:
    """Office Open XML and OFD are zip archives with a known member."""
    def check(data: bytes) -> bool:
        names = _zip_names(data)
        return names is not None and any(n.lower() == member.lower() for n in names)

    return check


_HTML_START = re.compile(rb"^\s*<(?:!doctype|html|head|body|script|iframe|svg|\?xml|meta|a\s|img\s|div|table)",
                         re.I)


def text_charset(data: bytes) -> str | None:
    """``utf-8`` or ``gb18030`` when ``data`` is plain text (no NUL bytes, no markup start), else None."""
    if b"\x00" in data:
        return None
    head = data[:1024].removeprefix(b"\xef\xbb\xbf")
    if _HTML_START.match(head):
        return None
    for charset in ("utf-8", "gb18030"):
        try:
            data.decode(charset)
        except UnicodeDecodeError:
            continue
        return charset
    return None


# extension -> (stored Content-Type, check of the first bytes, shown inline by the browser)
TYPES: dict[str, tuple[str, Callable[[bytes], bool], bool]] = {
    "pdf": ("application/pdf", lambda d: d.startswith(b"%PDF-"), True),
    "doc": ("application/msword", lambda d: d.startswith(_OLE2), False),
    "xls": ("application/vnd.ms-excel", lambda d: d.startswith(_OLE2), False),
    "wps": ("application/vnd.ms-works", lambda d: d.startswith(_OLE2), False),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             _zip_with("word/document.xml"), False),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             _zip_with("xl/workbook.xml"), False),
    "ofd": ("application/ofd", _zip_with("OFD.xml"), False),
    "zip": ("application/zip", _is_zip, False),
    "jpg": ("image/jpeg", lambda d: d.startswith(b"\xff\xd8\xff"), True),
    "jpeg": ("image/jpeg", lambda d: d.startswith(b"\xff\xd8\xff"), True),
    "png": ("image/png", lambda d: d.startswith(b"\x89PNG\r\n\x1a\n"), True),
    "txt": ("text/plain", lambda d: text_charset(d) is not None, False),
}
ALLOWED_LABEL = "PDF、Word（doc/docx）、Excel（xls/xlsx）、WPS、OFD、ZIP、JPG、PNG、TXT"
ACCEPT_ATTR = ",".join("." + ext for ext in TYPES)

# Served with their own Content-Type and ``inline``; everything else is a download.
INLINE_TYPES = frozenset(ctype for ctype, _check, inline in TYPES.values() if inline)
KNOWN_TYPES = frozenset(ctype for ctype, _check, _inline in TYPES.values())

_UNSAFE_CHARS = re.compile(r'[<>:"|?*]')


def clean_filename(raw: str | None) -> str:
    """The user's own name (Chinese kept) without folders, control or direction
    characters, or characters Windows refuses; at most 255 characters, extension kept."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(" " if unicodedata.category(c) in ("Zs", "Zl", "Zp") else c for c in name
                   if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    name = _UNSAFE_CHARS.sub("_", name)
    name = " ".join(name.split()).strip(". ")
    if len(name) > FILENAME_MAX:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: FILENAME_MAX - len(ext) - 1].rstrip(". ") + "." + ext
        else:
            name = name[:FILENAME_MAX]
    return name


def extension(filename: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    return ext.lower() if dot and stem else ""


def sniff(filename: str, data: bytes) -> str | None:
    """The Content-Type to store for an allowed file whose bytes match its extension, else None."""
    entry = TYPES.get(extension(filename))
    if entry is None:
        return None
    ctype, check, _inline = entry
    if not check(data):
        return None
    if ctype == "text/plain":
        return f"text/plain; charset={text_charset(data)}"
    return ctype


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        mb = size / (1024 * 1024)
        return f"{mb:.0f} MB" if mb == int(mb) else f"{mb:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"
