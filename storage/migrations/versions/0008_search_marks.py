"""SQLite search index: title and filter tokens carry marks; reindex

The FTS5 table keeps its columns, but title and filter tokens are now written
with a full-width mark (storage/search/sqlite_index.py) so that no query needs
a column filter.  On 1,000,000 items a two-word query with a column filter
went from 61 ms p50 / 122 ms p95 to 14 / 19 ms (``storage.search.search``, 162 variants of
"2026 医保": orders, pages 1-3, unit and column filters).  Entries written before cannot be
matched by the new queries, so an index holding such entries is rebuilt (about
a minute per 100,000 published items); one filled by migration 0005 with the
current code is already marked and left alone.  PostgreSQL's index is unchanged.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 04:20:00
"""
from alembic import op
from sqlalchemy.orm import Session


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _has_unmarked_entries(bind) -> bool:
    # Every entry has a unit filter token: bare ("u…") before this revision, marked ("ｆu…") after.
    probe = "SELECT 1 FROM item_search WHERE item_search MATCH 'facets : u*' LIMIT 1"
    return bind.exec_driver_sql(probe).first() is not None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql' or not _has_unmarked_entries(bind):
        return
    from storage.search import rebuild

    with Session(bind=bind) as session:  # joins the migration's transaction
        rebuild(session)


def downgrade() -> None:
    # The older code cannot read the marked entries: empty the index; run
    # `zhanqun search rebuild` with that release to fill it again.
    if op.get_bind().dialect.name != 'postgresql':
        op.execute("INSERT INTO item_search(item_search) VALUES ('delete-all')")
        op.execute("DELETE FROM item_search_docs")
