"""The public portal (门户网站): home, columns, units, items, search.

Only published items are public.  Pages are cached by the ``content`` counter
(hub/portal/http_cache.py), shown in 简体, 繁體 or 纯文字版
(hub/portal/variants.py), and served under a strict Content-Security-Policy.
"""
from __future__ import annotations

from hub.portal import asset_views, search_views, views  # noqa: F401 - the routes
from hub.portal.blueprint import bp

__all__ = ["bp"]
