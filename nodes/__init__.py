"""Scale-out: harvest nodes (Scrapyd daemons running this installed project),
the dispatcher that hands each source's harvest to the least-busy live node,
and the host leases that keep politeness per host across every node.

Reading guide: ``daemon`` starts a node; ``settings``/``commands`` are the
Scrapy project a node's jobs run (``scrapy crawl harvest -a source=ID``);
``job`` is one such job; ``scrapyd`` talks to a node's HTTP API; ``dispatch``
follows a harvest across nodes; ``leases`` is the per-host gate in PostgreSQL;
``status`` records what the nodes are doing for the hub.
"""
