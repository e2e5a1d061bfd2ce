"""supervision, part 2: the rectification cycle (整改·复核) and stored reports (通报、考核)

* ``supervision_findings.deadline`` / ``rectified_at``: a finding's 整改期限 and its latest 整改 report;
  its ``status`` now runs open → rectified → verified | reopened, or closed.
* ``supervision_finding_events``: each finding's history (append-only).
* ``supervision_reports``: generated monthly bulletins and yearly assessments, with their parameters and data.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 14:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('supervision_findings') as batch:
        batch.add_column(sa.Column('deadline', sa.Date(), nullable=True))
        batch.add_column(sa.Column('rectified_at', TIME, nullable=True))
    op.create_table(
        'supervision_finding_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('at', TIME, nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('status_from', sa.String(length=20), nullable=True),
        sa.Column('status_to', sa.String(length=20), nullable=True),
        sa.Column('username', sa.String(length=100), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('attachment_name', sa.String(length=200), nullable=True),
        sa.Column('attachment_type', sa.String(length=100), nullable=True),
        sa.Column('attachment', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(['finding_id'], ['supervision_findings.id'],
                                name=op.f('fk_supervision_finding_events_finding_id_supervision_findings'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_finding_events')),
    )
    op.create_index('ix_supervision_finding_events_finding', 'supervision_finding_events', ['finding_id', 'id'])
    op.create_table(
        'supervision_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('created_at', TIME, nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_reports')),
    )
    op.create_index('ix_supervision_reports_kind_period', 'supervision_reports', ['kind', 'period'])


def downgrade() -> None:
    op.drop_index('ix_supervision_reports_kind_period', table_name='supervision_reports')
    op.drop_table('supervision_reports')
    op.drop_index('ix_supervision_finding_events_finding', table_name='supervision_finding_events')
    op.drop_table('supervision_finding_events')
    with op.batch_alter_table('supervision_findings') as batch:
        batch.drop_column('rectified_at')
        batch.drop_column('deadline')
