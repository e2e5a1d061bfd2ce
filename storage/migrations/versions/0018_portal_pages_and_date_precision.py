"""date-only publication times, sources' human pages, and why a source runs as often as it does

* ``items.published_date_only`` / ``item_sources.published_date_only``: the
  source gave a day without a time (stored as 00:00 local): the portal shows the
  day alone.  Existing rows at 00:00 in Asia/Shanghai (the registry's default
  zone) are marked.
* ``sources.page`` / ``sources.column_pages``: the pages for people that 站群导航
  links to when the harvested address is a feed or a sitemap (registry
  ``sources[].page``, ``sources[].columns[].page``).
* ``sources.interval_reason``: why the interval in force is what it is
  (``zhanqun sources``).

Revision ID: 0018
Revises: 0013
Create Date: 2026-12-03 12:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0018'
down_revision = '0013'
branch_labels = None
depends_on = None

# 00:00 in Asia/Shanghai (UTC+8, no daylight saving) is 16:00 UTC the day before.
_MIDNIGHT = {
    "sqlite": "strftime('%H:%M:%f', published_at) = '16:00:00.000'",
    "postgresql": "CAST(published_at AT TIME ZONE 'Asia/Shanghai' AS time) = TIME '00:00'",
}


def upgrade() -> None:
    for table in ("items", "item_sources"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("published_date_only", sa.Boolean(), nullable=False, server_default=sa.false()))
        midnight = _MIDNIGHT.get(op.get_bind().dialect.name)
        if midnight:
            op.execute(f"UPDATE {table} SET published_date_only = true WHERE published_at IS NOT NULL AND {midnight}")
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("page", sa.String(length=2000), nullable=True))
        batch.add_column(sa.Column("column_pages", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("interval_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("interval_reason")
        batch.drop_column("column_pages")
        batch.drop_column("page")
    for table in ("item_sources", "items"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("published_date_only")
