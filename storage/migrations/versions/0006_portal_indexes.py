"""indexes for the public portal's lists (column, unit, featured, newest)

Dialect-specific: PostgreSQL walks "newest first, undated last" only with an
index declared ``DESC NULLS LAST``; SQLite sorts NULLs first in DESC order
already and has no NULLS clause in CREATE INDEX.  Measured on 200,000 items
(bench/portal.py): without them a column page sorts the whole table (0.5-0.7 s).
They are listed in storage.models.MIGRATION_ONLY_INDEXES.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 06:10:00
"""
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

SQLITE = {
    "ix_items_status_pinned_published_at": "items (status, pinned, published_at, id)",
    "ix_items_unit_status_published_at": "items (unit_id, status, published_at, id)",
    "ix_items_status_featured_published_at": "items (status, featured, published_at, id)",
}
POSTGRESQL = {
    "ix_items_status_pinned_published_at": "items (status, pinned DESC, published_at DESC NULLS LAST, id DESC)",
    "ix_items_unit_status_published_at": "items (unit_id, status, published_at DESC NULLS LAST, id DESC)",
    "ix_items_status_featured_published_at": "items (status, featured, published_at DESC NULLS LAST, id DESC)",
    "ix_items_status_published_newest": "items (status, published_at DESC NULLS LAST, id DESC)",
}


def _indexes() -> dict[str, str]:
    return POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE


def upgrade() -> None:
    for name, target in _indexes().items():
        op.execute(f"CREATE INDEX {name} ON {target}")


def downgrade() -> None:
    for name in _indexes():
        op.execute(f"DROP INDEX {name}")
