"""Feeds (Atom, RSS), the sitemap and robots.txt of the public portal."""
from __future__ import annotations

from hub.feeds import feed_views, sitemap_views  # noqa: F401 - the routes
from hub.feeds.blueprint import bp

__all__ = ["bp"]
