"""harvest nodes (Scrapyd), host leases and pacing shared by every node, where each run ran

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('harvest_runs') as batch:
        batch.add_column(sa.Column('node', sa.String(length=500), nullable=True))
        batch.add_column(sa.Column('node_job', sa.String(length=64), nullable=True))
    op.create_index('ix_harvest_runs_node_job', 'harvest_runs', ['node_job'])
    op.create_table(
        'harvest_nodes',
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('node_name', sa.String(length=200), nullable=True),
        sa.Column('running', sa.Integer(), nullable=False),
        sa.Column('pending', sa.Integer(), nullable=False),
        sa.Column('jobs', sa.Integer(), nullable=False),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('checked_at', TIME, nullable=False),
        sa.PrimaryKeyConstraint('url', name=op.f('pk_harvest_nodes')),
    )
    op.create_table(
        'host_leases',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('host', sa.String(length=300), nullable=False),
        sa.Column('holder', sa.String(length=200), nullable=False),
        sa.Column('taken_at', TIME, nullable=False),
        sa.Column('expires_at', TIME, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_host_leases')),
    )
    op.create_index('ix_host_leases_host', 'host_leases', ['host'])
    op.create_table(
        'host_pacing',
        sa.Column('host', sa.String(length=300), nullable=False),
        sa.Column('next_at', TIME, nullable=False),
        sa.PrimaryKeyConstraint('host', name=op.f('pk_host_pacing')),
    )


def downgrade() -> None:
    op.drop_table('host_pacing')
    op.drop_index('ix_host_leases_host', table_name='host_leases')
    op.drop_table('host_leases')
    op.drop_table('harvest_nodes')
    op.drop_index('ix_harvest_runs_node_job', table_name='harvest_runs')
    with op.batch_alter_table('harvest_runs') as batch:
        batch.drop_column('node_job')
        batch.drop_column('node')
