"""search index: FTS5 table (SQLite) or tsvector table with GIN (PostgreSQL), backfilled

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:00:00

Dialect-specific, so not in storage.models: the tables are described in
storage/search/sqlite_index.py and postgres_index.py (the DDL below is kept
as it was at this revision).
"""
from alembic import op
from sqlalchemy.orm import Session


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

SQLITE = (
    "CREATE VIRTUAL TABLE item_search USING fts5(title, body, facets, content='', "
    "tokenize=\"unicode61 remove_diacritics 0\")",
    "CREATE TABLE item_search_docs (item_id INTEGER PRIMARY KEY, sort_key INTEGER NOT NULL, indexed_runs BLOB NOT NULL)",
)
POSTGRESQL = (
    "CREATE TABLE item_search (item_id integer NOT NULL, sort_key bigint NOT NULL, tsv tsvector NOT NULL, "
    "title_tsv tsvector NOT NULL, "
    "CONSTRAINT pk_item_search PRIMARY KEY (item_id), "
    "CONSTRAINT fk_item_search_item_id_items FOREIGN KEY (item_id) REFERENCES items (id) ON DELETE CASCADE)",
    "CREATE INDEX ix_item_search_tsv ON item_search USING gin (tsv)",
    "CREATE INDEX ix_item_search_title_tsv ON item_search USING gin (title_tsv)",
    "CREATE INDEX ix_item_search_sort_key ON item_search (sort_key)",
)


def upgrade() -> None:
    bind = op.get_bind()
    for statement in POSTGRESQL if bind.dialect.name == 'postgresql' else SQLITE:
        op.execute(statement)
    # Backfill: index the items already published.  The session joins the
    # migration's transaction, which commits (closing the session leaves it alone).
    from storage.search import rebuild

    with Session(bind=bind) as session:
        rebuild(session)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TABLE item_search")
    else:
        op.execute("DROP TABLE item_search_docs")
        op.execute("DROP TABLE item_search")
