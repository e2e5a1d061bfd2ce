"""The portal's versions: 简体 (default), 繁體 (``?variant=hant``) and 纯文字版 (``?text=1``).

The choice travels in the URL, not in a cookie: every URL then names exactly
one representation, so browsers and shared caches may keep pages without a
``Vary: Cookie`` (which would make every visitor's copy private) and a link to
a 繁體 page stays 繁體 for whoever opens it.  Internal links carry the
parameters on (``Links.purl``).

Traditional pages are the simplified rendering converted by OpenCC, text nodes
only: tags, attributes and URLs are left alone, and so is anything between
``<!--noconv-->`` and ``<!--/noconv-->`` (the 简体 switch keeps its own script).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from urllib.parse import quote, urlencode

from flask import current_app, g, request, url_for

from harvestkit.hanzi import to_traditional

VARIANT_ARG, HANT = "variant", "hant"
TEXT_ARG, TEXT_ON = "text", "1"
NOCONV_START, NOCONV_END = "<!--noconv-->", "<!--/noconv-->"

# A comment, or a tag whose quoted attribute values may contain ">".
_MARKUP = re.compile(r"<!--.*?-->|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S)


@dataclass(frozen=True)
class Mode:
    hant: bool = False
    text: bool = False

    @property
    def lang(self) -> str:
        return "zh-Hant" if self.hant else "zh-CN"

    def args(self) -> dict[str, str]:
        """Query arguments that keep this version on the next page."""
        out = {}
        if self.hant:
            out[VARIANT_ARG] = HANT
        if self.text:
            out[TEXT_ARG] = TEXT_ON
        return out


def mode_from_request() -> Mode:
    return Mode(hant=request.args.get(VARIANT_ARG) == HANT, text=request.args.get(TEXT_ARG) == TEXT_ON)


def current_mode() -> Mode:
    if "portal_mode" not in g:
        g.portal_mode = mode_from_request()
    return g.portal_mode


class UrlMemo:
    """Built URLs of the portal's own pages, remembered: a page links to the same
    dozen addresses over and over, and building one costs more than finding it."""

    MAX_ENTRIES = 4096

    def __init__(self) -> None:
        self._urls: dict[tuple, str] = {}

    def get(self, script_root: str, endpoint: str, values: dict) -> str:
        key = (script_root, endpoint, tuple(sorted(values.items())))
        url = self._urls.get(key)
        if url is None:
            url = url_for(endpoint, **values)
            if len(self._urls) >= self.MAX_ENTRIES:
                self._urls.clear()
            self._urls[key] = url
        return url


class Links:
    """URL building for one request, with what it needs looked up once."""

    def __init__(self) -> None:
        self.mode = current_mode()
        self._mode_args = self.mode.args()
        self._memo = current_app.extensions.setdefault("zhanqun_portal_urls", UrlMemo())
        self._root = request.script_root
        self._path = quote(request.script_root + request.path)
        self._other_args = [(k, v) for k, v in request.args.items(multi=True) if k not in (VARIANT_ARG, TEXT_ARG)]

    def purl(self, endpoint: str, **values) -> str:
        """``url_for`` that keeps the reader's version (繁體, 纯文字版)."""
        return self._memo.get(self._root, endpoint, {**self._mode_args, **values} if self._mode_args else values)

    def plain(self, endpoint: str, **values) -> str:
        """``url_for`` for links that do not carry the version (feeds, the stylesheet)."""
        return self._memo.get(self._root, endpoint, values)

    def switch(self, **changes: bool) -> str:
        """This page in another version: ``switch(hant=True)``, ``switch(text=False)``."""
        wanted = Mode(hant=changes.get("hant", self.mode.hant), text=changes.get("text", self.mode.text))
        args = self._other_args + list(wanted.args().items())
        return f"{self._path}?{urlencode(args)}" if args else self._path


def links() -> Links:
    if "portal_links" not in g:
        g.portal_links = Links()
    return g.portal_links


def to_traditional_html(html: str) -> str:
    """Convert the text nodes of ``html`` to 繁體; markup passes through untouched."""
    out: list[str] = []
    pos, convert = 0, True
    for match in _MARKUP.finditer(html):
        text = html[pos:match.start()]
        if text:
            out.append(to_traditional(text) if convert else text)
        token = match.group()
        if token == NOCONV_START:
            convert = False
        elif token == NOCONV_END:
            convert = True
        out.append(token)
        pos = match.end()
    tail = html[pos:]
    out.append(to_traditional(tail) if convert and tail else tail)
    return "".join(out)
