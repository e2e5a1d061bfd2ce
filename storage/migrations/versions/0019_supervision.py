"""supervision (监督考评): probes, column states, findings with evidence, watched links;
sources know their freshness category and whether they are watched only; harvest
runs record what their listing showed

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'supervision_probes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.String(length=64), nullable=False),
        sa.Column('checked_at', TIME, nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('http_status', sa.Integer(), nullable=True),
        sa.Column('latency_ms', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('newest', sa.String(length=10), nullable=True),
        sa.Column('dated_links', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_supervision_probes_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_probes')),
    )
    op.create_index('ix_supervision_probes_unit_checked', 'supervision_probes', ['unit_id', 'checked_at'])

    op.create_table(
        'supervision_column_states',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.String(length=64), nullable=False),
        sa.Column('unit_id', sa.String(length=64), nullable=False),
        sa.Column('observed_at', TIME, nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('newest', sa.String(length=10), nullable=True),
        sa.Column('entries', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_supervision_column_states_source_id_sources')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_supervision_column_states_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_column_states')),
    )
    op.create_index('ix_supervision_column_states_source_observed', 'supervision_column_states', ['source_id', 'observed_at'])
    op.create_index(op.f('ix_supervision_column_states_unit_id'), 'supervision_column_states', ['unit_id'])

    op.create_table(
        'supervision_findings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=2000), nullable=False),
        sa.Column('source_id', sa.String(length=64), nullable=True),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('since', TIME, nullable=False),
        sa.Column('last_seen', TIME, nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('closed_at', TIME, nullable=True),
        sa.Column('close_note', sa.Text(), nullable=True),
        sa.Column('open_key', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_supervision_findings_source_id_sources')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_supervision_findings_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_findings')),
        sa.UniqueConstraint('open_key', name=op.f('uq_supervision_findings_open_key')),
    )
    op.create_index(op.f('ix_supervision_findings_kind'), 'supervision_findings', ['kind'])
    op.create_index(op.f('ix_supervision_findings_status'), 'supervision_findings', ['status'])
    op.create_index('ix_supervision_findings_unit_since', 'supervision_findings', ['unit_id', 'since'])

    op.create_table(
        'supervision_evidence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=10), nullable=False),
        sa.Column('fetched_at', TIME, nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('method', sa.String(length=10), nullable=False),
        sa.Column('http_status', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('content_type', sa.String(length=200), nullable=False),
        sa.Column('raw_gz', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(['finding_id'], ['supervision_findings.id'],
                                name=op.f('fk_supervision_evidence_finding_id_supervision_findings'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_evidence')),
        sa.UniqueConstraint('finding_id', 'role', name=op.f('uq_supervision_evidence_finding_id')),
    )

    op.create_table(
        'supervision_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.String(length=64), nullable=False),
        sa.Column('scope', sa.String(length=10), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('url_hash', sa.String(length=64), nullable=False),
        sa.Column('text', sa.String(length=200), nullable=False),
        sa.Column('found_on', sa.String(length=2000), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=True),
        sa.Column('source_id', sa.String(length=64), nullable=True),
        sa.Column('listed_at', TIME, nullable=False),
        sa.Column('last_checked', TIME, nullable=True),
        sa.Column('http_status', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('dead', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_supervision_links_item_id_items'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_supervision_links_source_id_sources')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_supervision_links_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_links')),
        sa.UniqueConstraint('unit_id', 'scope', 'url_hash', name=op.f('uq_supervision_links_unit_id')),
    )
    op.create_index('ix_supervision_links_unit_checked', 'supervision_links', ['unit_id', 'last_checked'])

    with op.batch_alter_table('harvest_runs') as batch:
        batch.add_column(sa.Column('list_entries', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('list_newest', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('list_empty', sa.Text(), nullable=True))
    op.create_index('ix_item_sources_source_published', 'item_sources', ['source_id', 'published_at'])
    op.create_index('ix_item_sources_unit_published', 'item_sources', ['unit_id', 'published_at'])
    with op.batch_alter_table('sources') as batch:
        batch.add_column(sa.Column('category', sa.String(length=20), nullable=False, server_default='dynamic'))
        batch.add_column(sa.Column('watched', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('sources') as batch:
        batch.drop_column('watched')
        batch.drop_column('category')
    op.drop_index('ix_item_sources_unit_published', table_name='item_sources')
    op.drop_index('ix_item_sources_source_published', table_name='item_sources')
    with op.batch_alter_table('harvest_runs') as batch:
        batch.drop_column('list_empty')
        batch.drop_column('list_newest')
        batch.drop_column('list_entries')
    op.drop_index('ix_supervision_links_unit_checked', table_name='supervision_links')
    op.drop_table('supervision_links')
    op.drop_table('supervision_evidence')
    for name in ('ix_supervision_findings_unit_since', 'ix_supervision_findings_status', 'ix_supervision_findings_kind'):
        op.drop_index(name, table_name='supervision_findings')
    op.drop_table('supervision_findings')
    op.drop_index('ix_supervision_column_states_unit_id', table_name='supervision_column_states')
    op.drop_index('ix_supervision_column_states_source_observed', table_name='supervision_column_states')
    op.drop_table('supervision_column_states')
    op.drop_index('ix_supervision_probes_unit_checked', table_name='supervision_probes')
    op.drop_table('supervision_probes')
