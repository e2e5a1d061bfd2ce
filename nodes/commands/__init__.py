"""Scrapy commands of the node project: ``crawl harvest`` and ``list``."""
HARVEST_SPIDER = "harvest"  # the one job a node runs: the harvest of some sources
