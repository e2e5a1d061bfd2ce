"""Scrapy's meta-refresh redirects, without the crash on a hostile refresh target.

A page with ``<meta http-equiv="refresh" content="0;url=javascript:…">`` makes
Scrapy's MetaRefreshMiddleware raise while building the redirect request, and
the page is lost.  Such a refresh is no redirect: the page is kept as it is
(and its HTML is sanitized like any other).  Refreshes to http(s) URLs are
followed as before, through the address guard like every request.
"""
from __future__ import annotations

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware


class SafeMetaRefreshMiddleware(MetaRefreshMiddleware):
    def process_response(self, request, response, spider=None):
        try:
            return super().process_response(request, response)
        except ValueError:  # "Missing scheme in request url: javascript:…"
            return response
