"""Keep PostgreSQL's planner statistics in step with a harvest that stores many items.

The portal's queries (a column's 上一篇/下一篇, the search levels) are planned from
the tables' statistics.  PostgreSQL's autovacuum refreshes them a minute or so after
a table has grown by a tenth; until then a freshly harvested federation is planned as
if its tables were nearly empty (nested loops over every item of a column, seen at
4-8 ms instead of 1 ms per statement), and the public pages are slow right after the
first harvest, when the portal office looks at them.  So the writer refreshes the
statistics itself (``ANALYZE``, which samples a fixed number of rows and blocks no
reader or writer) once a harvest has stored as many new items as autovacuum would
wait for.  SQLite plans without such statistics: nothing to do there.
"""
from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from storage.search import INDEX_TABLE_PREFIX

GROWTH_SHARE = 0.1  # autovacuum's analyze scale factor: refresh once the items grew by a tenth …
MIN_NEW_ITEMS = 200  # … and by at least this many (small harvests change no plan)
TABLES = ("items", "item_sources", "item_columns", INDEX_TABLE_PREFIX)

log = logging.getLogger(__name__)


class TableStatistics:
    def __init__(self, session: Session):
        self.enabled = session.get_bind().dialect.name == "postgresql"
        # the planner's own estimate (free; -1 before the first ANALYZE): a count(*) would read
        # the whole table at the start of every harvest, the unchanged re-harvests too
        self.known = max(0.0, session.scalar(text("SELECT reltuples FROM pg_class WHERE oid = 'items'::regclass"))
                         or 0.0) if self.enabled else 0.0
        self.new = 0

    def grew(self, sessions: sessionmaker[Session], created: int) -> None:
        """``created`` items were just committed; refresh the statistics when they add up."""
        if not self.enabled or not created:
            return
        self.new += created
        if self.new < max(MIN_NEW_ITEMS, GROWTH_SHARE * self.known):
            return
        self.known, self.new = self.known + self.new, 0
        try:
            with sessions.begin() as session:
                session.execute(text("ANALYZE " + ", ".join(TABLES)))
        except Exception:  # noqa: BLE001 - the pages are stored; autovacuum will do it later
            log.warning("refreshing the planner statistics failed", exc_info=True)
