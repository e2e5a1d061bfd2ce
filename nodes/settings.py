"""The Scrapy project a harvest node runs (``scrapy.cfg``: ``zhanqun = nodes.settings``).

A node's job is ``scrapy crawl harvest -a source=ID``; this project's own
``crawl`` and ``list`` commands (``COMMANDS_MODULE``) run it as one whole
harvest of that source: the spiders for its access pattern, the extraction pool
and the writer, exactly as ``zhanqun harvest --source ID`` does.  The spiders'
settings are the harvester's (``harvester.crawl.scrapy_settings``), not these.
"""
BOT_NAME = "zhanqun"
COMMANDS_MODULE = "nodes.commands"
SPIDER_MODULES: list[str] = []
TELNETCONSOLE_ENABLED = False
