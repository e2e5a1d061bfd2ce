"""Scrapy spiders, one per access pattern; the sites themselves live in registry.yaml."""
from __future__ import annotations

from spiders.auto import AutoSpider
from spiders.base import SourceSpider
from spiders.feed import FeedSpider
from spiders.hanweb import HanwebSpider
from spiders.jsonapi import JsonSpider
from spiders.listing import ListSpider, TrsSpider
from spiders.sitemap import SitemapSpider

SPIDERS: dict[str, type[SourceSpider]] = {
    "auto": AutoSpider,
    "feed": FeedSpider,
    "list": ListSpider,
    "hanweb": HanwebSpider,
    "trs": TrsSpider,
    "sitemap": SitemapSpider,
    "json": JsonSpider,
}
