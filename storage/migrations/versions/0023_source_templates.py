"""source templates: the page template (title, info bar, body XPaths) learned per
source, how often each extraction way was taken, and the last redesign seen

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 14:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'source_templates',
        sa.Column('source_id', sa.String(length=64), nullable=False),
        sa.Column('title_xpath', sa.String(length=500), nullable=False),
        sa.Column('info_xpath', sa.String(length=500), nullable=False),
        sa.Column('body_xpath', sa.String(length=500), nullable=False),
        sa.Column('body_chars', sa.Integer(), nullable=False),
        sa.Column('verified_pages', sa.Integer(), nullable=False),
        sa.Column('learned_at', TIME, nullable=False),
        sa.Column('pages_template', sa.Integer(), nullable=False),
        sa.Column('pages_full', sa.Integer(), nullable=False),
        sa.Column('pages_check', sa.Integer(), nullable=False),
        sa.Column('misses', sa.Integer(), nullable=False),
        sa.Column('relearned', sa.Integer(), nullable=False),
        sa.Column('last_run', sa.JSON(), nullable=False),
        sa.Column('redesigned_at', TIME, nullable=True),
        sa.Column('previous', sa.JSON(), nullable=True),
        sa.Column('updated_at', TIME, nullable=False),
        sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_source_templates_source_id_sources')),
        sa.PrimaryKeyConstraint('source_id', name=op.f('pk_source_templates')),
    )


def downgrade() -> None:
    op.drop_table('source_templates')
