"""harvest runs record the bounds they reached

A run that stopped at a configured bound (``max_pages``) read less than its
listing declares without failing: it is reported on the run (``notes``), not
counted as an error.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("harvest_runs") as batch:
        batch.add_column(sa.Column("notes", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("harvest_runs") as batch:
        batch.drop_column("notes")
