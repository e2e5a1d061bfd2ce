"""PostgreSQL search index: every entry carries the week of its sort key

Each entry's ``tsv`` and ``title_tsv`` get the lexeme ``w:<weeks since 1970>``
of its 发布日期 (``w:0`` undated), so a query can read its matches newest first
a few weeks at a time from the GIN indexes alone, instead of building a bitmap
of every match (``storage/search/postgres_index.py``).  Adding a lexeme twice
is harmless (an index filled by migration 0005 with this code already has it).
The update rewrites every entry (each ``tsv`` is ~10 kB): on the loaded 2-core
bench machine 200,000 entries took more than 15 minutes, so plan the upgrade
of a large portal for a quiet hour.  SQLite's index is unchanged.

Revision ID: 0025
Revises: 0023
Create Date: 2026-12-03 14:00:00
"""
from alembic import op


revision = '0025'
down_revision = '0023'
branch_labels = None
depends_on = None

# Mirrors postgres_index.bucket_of / bucket_lexeme: (sort_key >> 32) days, 7 days a week.
_WEEK = "format('w:%s', (sort_key >> 32) / 7)"


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"UPDATE item_search SET tsv = tsv || array_to_tsvector(ARRAY[{_WEEK}]), "
                   f"title_tsv = title_tsv || array_to_tsvector(ARRAY[{_WEEK}])")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"UPDATE item_search SET tsv = ts_delete(tsv, {_WEEK}), title_tsv = ts_delete(title_tsv, {_WEEK})")
