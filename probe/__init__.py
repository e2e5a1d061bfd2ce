"""试采: try a sub-site address before it goes into the registry.

``probe(ProbeRequest(url, type="auto", pages=3))`` reads the address with the
harvester's own spiders, politeness, address guard and robots.txt, and reports
what it found: the type and why, the paging scheme and what the list declares,
the items of each list page read, one detail page extracted by the harvester's
extraction, warnings, and a registry snippet.  It stores nothing.  Like a
harvest it runs a Twisted reactor: one ``probe``/``probe_many`` per process
(the hub runs ``zhanqun probe --json`` as a child process).
"""
from __future__ import annotations

from probe.report import ProbeReport, ProbeRequest
from probe.run import probe, probe_many

__all__ = ["ProbeReport", "ProbeRequest", "probe", "probe_many"]
