"""What every downloader middleware of ours shares: the crawler, hence the
spider's source and the harvest context (Scrapy 2.19 no longer passes the
spider to middleware methods)."""
from __future__ import annotations


class CrawlerMiddleware:
    def __init__(self, crawler=None):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def spider(self):
        return self.crawler.spider if self.crawler else None

    @property
    def context(self):
        return self.spider.context
