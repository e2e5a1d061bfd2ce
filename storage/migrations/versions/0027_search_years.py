"""PostgreSQL search index: every dated entry carries the year of its sort key

Each dated entry's ``tsv`` and ``title_tsv`` get the lexeme ``y:<year>`` of its
发布日期 (the local day of its sort key; undated entries, day 0, get none), so
a date range read without week windows names its years in the GIN query
instead of checking the key range on every candidate's row: the count of a
year is one GIN scan (``storage/search/postgres_index.py``).  Adding a lexeme
twice is harmless (an index rebuilt with this code already has it).  The
update rewrites every dated entry in place (each ``tsv`` is ~10 kB): plan the
upgrade of a large portal for a quiet hour.  SQLite's index is unchanged.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 20:00:00
"""
from alembic import op


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

# Mirrors postgres_index.entry_year / year_lexeme: the year of day (sort_key >> 32) since 1970-01-01.
YEAR = "format('y:%s', extract(year FROM date '1970-01-01' + CAST(sort_key >> 32 AS integer)))"
DATED = "sort_key >> 32 > 0"


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"UPDATE item_search SET tsv = tsv || array_to_tsvector(ARRAY[{YEAR}]), "
                   f"title_tsv = title_tsv || array_to_tsvector(ARRAY[{YEAR}]) WHERE {DATED}")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"UPDATE item_search SET tsv = ts_delete(tsv, {YEAR}), title_tsv = ts_delete(title_tsv, {YEAR}) "
                   f"WHERE {DATED}")
