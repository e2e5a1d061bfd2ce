"""an index on item_columns leading with the column

The primary key (item_id, column_id) answers "which columns is this item in"
and the column page's membership test.  Counting a column's published items
with it means walking every published item and probing; measured on 1,000,000
items (bench/portal.py) that took 0.67 s per column.  Walking this index and
probing ``ix_items_status`` (status, rowid) takes 5 ms for the capped count the
column page needs (hub/portal/queries.py column_total).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 03:50:00
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_item_columns_column_item", "item_columns", ["column_id", "item_id"])


def downgrade() -> None:
    op.drop_index("ix_item_columns_column_item", table_name="item_columns")
