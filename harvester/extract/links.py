"""Attachments and images: absolute URLs with their visible names."""
from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

from harvester.extract.dom import norm_space, text_of
from harvester.extract.model import Link

__all__ = ["ATTACHMENT_EXT_RE", "absolute", "foreign_scheme", "is_attachment_url", "find_attachments", "find_images",
           "attachment_scopes"]

_EXTS = r"pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z|txt|pptx?|csv|ceb|tif"
ATTACHMENT_EXT_RE = re.compile(r"\.(?:" + _EXTS + r")$", re.I)
_QUERY_EXT_RE = re.compile(r"\.(?:" + _EXTS + r")(?:$|[&#;])", re.I)
_ATTACH_AREA_RE = re.compile(r"attach|fujian|(?:^|[\s_-])fj|xgfj|download|xiazai|appendix|enclosure|annex|file",
                             re.I)
_HREF_HINT_RE = re.compile(r"\.(?:" + _EXTS + r")(?:$|[?&#;/\s\"'])", re.I)
_BAD_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "vbscript:", "about:", "#")


def absolute(base: str, href: str | None) -> str:
    """``href`` resolved against ``base``; '' for empty, malformed and non-http(s)
    links (javascript:, file:, ftp:, data: …): the portal links nothing else."""
    if not href:
        return ""
    href = norm_space(href).replace(" ", "%20")
    if not href or href.lower().startswith(_BAD_SCHEMES):
        return ""
    try:
        url = urljoin(base or "", href)
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme and parts.scheme not in ("http", "https"):
        return ""
    return url


def foreign_scheme(base: str, href: str) -> str | None:
    """``href`` when it names a resource by a scheme we never fetch or link
    (file:, ftp:, smb: …; not javascript:/mailto:/tel:/data:, which name no file)."""
    href = norm_space(href)
    if not href or href.lower().startswith(_BAD_SCHEMES):
        return None
    try:
        scheme = urlsplit(urljoin(base or "", href)).scheme.lower()
    except ValueError:
        return None
    return href if scheme and scheme not in ("http", "https") else None


def is_attachment_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if ATTACHMENT_EXT_RE.search(unquote(parts.path)):
        return True
    return bool(parts.query and _QUERY_EXT_RE.search(unquote(parts.query)))


def _file_name(url: str) -> str:
    parts = urlsplit(url)
    if parts.query:
        for m in re.finditer(r"[^=&;]+\.(?:" + _EXTS + r")(?=$|[&#;])", unquote(parts.query), re.I):
            return m.group(0).rsplit("/", 1)[-1]
    return unquote(parts.path.rsplit("/", 1)[-1])


def attachment_scopes(root, body):
    """Where attachment links count: the body plus any 附件/attachment area of the page."""
    scopes = [body] if body is not None else []
    if root is None:
        return scopes
    for el in root.iter("div", "ul", "dl", "table", "p", "span", "section", "td"):
        attrs = (el.get("class") or "") + " " + (el.get("id") or "")
        if attrs.strip() and _ATTACH_AREA_RE.search(attrs):
            scopes.append(el)
        elif el.text and el.text.strip().startswith(("附件", "相关附件", "附件下载", "相关下载")):
            scopes.append(el)
    return scopes


def find_attachments(scopes, base: str, refused: list[str] | None = None) -> list[Link]:
    """Attachment links (http/https); those by another scheme go to ``refused``."""
    out: list[Link] = []
    seen: set[str] = set()
    for scope in scopes:
        for a in scope.iter("a"):
            href = a.get("href")
            if not href or not _HREF_HINT_RE.search(href):
                continue  # cheap pre-filter before urljoin
            url = absolute(base, href)
            foreign = None if url else foreign_scheme(base, href)
            if foreign and refused is not None and foreign not in refused:
                refused.append(foreign)
            if not url or url in seen or not is_attachment_url(url):
                continue
            seen.add(url)
            name = text_of(a) or norm_space(a.get("title")) or _file_name(url)
            out.append(Link(url=url, name=name))
    return out


def find_images(body, base: str) -> list[Link]:
    out: list[Link] = []
    if body is None:
        return out
    seen: set[str] = set()
    for img in body.iter("img"):
        src = img.get("src") or ""
        lazy = img.get("data-src") or img.get("data-original") or img.get("original")
        if lazy and (not src or src.startswith("data:") or "blank" in src or "loading" in src):
            src = lazy
        url = absolute(base, src)
        if not url or url in seen:
            continue
        seen.add(url)
        out.append(Link(url=url, name=norm_space(img.get("alt") or img.get("title"))))
    return out
