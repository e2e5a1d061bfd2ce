"""PostgreSQL search index: ideograph lexemes, and the filter lexemes in ``tsv`` too

Each entry's ``tsv`` gets one position-less lexeme ``h:<ideograph>`` for every
ideograph of its title and body, and ``title_tsv`` for those of its title: a
one-character query (税) is then one lexeme, where the prefix ``税:*`` made GIN
collect every lexeme starting with 税 into one bitmap of all their matches
before it could skip anything.  Every ideograph of a run starts one of the
run's tokens, so the ideographs are the first characters of the entry's CJK
lexemes.  ``tsv`` also gets the unit and column lexemes (``u:…``, ``c:…``) that
``title_tsv`` already holds, so a filtered query is one GIN scan driven by its
rarest lexeme instead of a bitmap of every match of the term ANDed with the
filter's (``storage/search/postgres_index.py``).  Adding a lexeme twice is
harmless.  The update rewrites every entry (each ``tsv`` is ~10 kB): plan the
upgrade of a large portal for a quiet hour.  SQLite's index is unchanged.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 17:00:00
"""
from alembic import op


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

# Mirrors storage.search.tokens.CJK_CLASS and postgres_index.char_lexeme ('h:' + the ideograph).
_CJK = "^[\\u3007\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\U00020000-\\U0003347f]"


def _ideographs(tsv: str) -> str:
    return (f"array_to_tsvector(ARRAY(SELECT DISTINCT 'h:' || left(lexeme, 1) FROM unnest(tsvector_to_array({tsv})) "
            f"AS lexeme WHERE lexeme ~ '{_CJK}'))")


_FILTERS = "array_to_tsvector(ARRAY(SELECT lexeme FROM unnest(tsvector_to_array(title_tsv)) AS lexeme WHERE lexeme ~ '^[uc]:'))"


def _without(tsv: str, marks: str) -> str:
    return f"ts_delete({tsv}, ARRAY(SELECT lexeme FROM unnest(tsvector_to_array({tsv})) AS lexeme WHERE lexeme ~ '{marks}'))"


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"UPDATE item_search SET tsv = tsv || {_ideographs('tsv')} || {_FILTERS}, "
                   f"title_tsv = title_tsv || {_ideographs('title_tsv')}")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"UPDATE item_search SET tsv = {_without('tsv', '^[hcu]:')}, title_tsv = {_without('title_tsv', '^h:')}")
