"""栏目共建: column owners, topics (专题) and letters (政民互动)

- ``columns.owner_unit_id``: the registry's ``columns[].owner``, whose reporters publish
  into the column directly;
- ``topics``, ``topic_sections``, ``topic_units``, ``topic_rules``, ``topic_entries``;
- ``letters`` (the citizen's contact details live only here), ``letter_events`` (each
  step: who, when, before, after) and ``interaction_hits`` (the form's per-address limit).

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-03 10:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('interaction_hits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bucket', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interaction_hits'))
    )
    with op.batch_alter_table('interaction_hits', schema=None) as batch_op:
        batch_op.create_index('ix_interaction_hits_bucket_key_at', ['bucket', 'key', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_interaction_hits_created_at'), ['created_at'], unique=False)

    op.create_table('letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('requested_unit_id', sa.String(length=64), nullable=True),
    sa.Column('unit_id', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('public_consent', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sensitive_terms', sa.JSON(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('extended_days', sa.Integer(), nullable=False),
    sa.Column('extension_reason', sa.Text(), nullable=True),
    sa.Column('interim_html', sa.Text(), nullable=True),
    sa.Column('reply_html', sa.Text(), nullable=True),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.Column('reply_unit_id', sa.String(length=64), nullable=True),
    sa.Column('office_comment', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['replied_by_id'], ['users.id'], name=op.f('fk_letters_replied_by_id_users')),
    sa.ForeignKeyConstraint(['reply_unit_id'], ['units.id'], name=op.f('fk_letters_reply_unit_id_units')),
    sa.ForeignKeyConstraint(['requested_unit_id'], ['units.id'], name=op.f('fk_letters_requested_unit_id_units')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_letters_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letters')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_letters_code_hash'))
    )
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letters_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_status'), ['status'], unique=False)
        batch_op.create_index('ix_letters_status_published_at', ['status', 'published_at'], unique=False)
        batch_op.create_index('ix_letters_unit_status', ['unit_id', 'status'], unique=False)

    op.create_table('topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('banner', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('rules_checked_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_topics_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topics'))
    )
    op.create_table('letter_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_letter_events_letter_id_letters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_letter_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_events'))
    )
    with op.batch_alter_table('letter_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_events_letter_id'), ['letter_id'], unique=False)

    op.create_table('topic_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_topic_sections_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_sections'))
    )
    with op.batch_alter_table('topic_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_sections_topic_id'), ['topic_id'], unique=False)

    op.create_table('topic_units',
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_topic_units_topic_id_topics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_topic_units_unit_id_units')),
    sa.PrimaryKeyConstraint('topic_id', 'unit_id', name=op.f('pk_topic_units'))
    )
    op.create_table('topic_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_topic_entries_decided_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_topic_entries_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['topic_sections.id'], name=op.f('fk_topic_entries_section_id_topic_sections'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_topic_entries_topic_id_topics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_topic_entries_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_entries')),
    sa.UniqueConstraint('topic_id', 'item_id', name=op.f('uq_topic_entries_topic_id'))
    )
    with op.batch_alter_table('topic_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_entries_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_topic_entries_topic_state', ['topic_id', 'state'], unique=False)

    op.create_table('topic_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('keyword', sa.String(length=100), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['section_id'], ['topic_sections.id'], name=op.f('fk_topic_rules_section_id_topic_sections'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_topic_rules_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_rules'))
    )
    with op.batch_alter_table('topic_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_rules_topic_id'), ['topic_id'], unique=False)

    with op.batch_alter_table('columns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_unit_id', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_columns_owner_unit_id_units'), 'units', ['owner_unit_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('columns', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_columns_owner_unit_id_units'), type_='foreignkey')
        batch_op.drop_column('owner_unit_id')

    with op.batch_alter_table('topic_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_rules_topic_id'))

    op.drop_table('topic_rules')
    with op.batch_alter_table('topic_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_topic_entries_topic_state')
        batch_op.drop_index(batch_op.f('ix_topic_entries_item_id'))

    op.drop_table('topic_entries')
    op.drop_table('topic_units')
    with op.batch_alter_table('topic_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_sections_topic_id'))

    op.drop_table('topic_sections')
    with op.batch_alter_table('letter_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_events_letter_id'))

    op.drop_table('letter_events')
    op.drop_table('topics')
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_unit_status')
        batch_op.drop_index('ix_letters_status_published_at')
        batch_op.drop_index(batch_op.f('ix_letters_status'))
        batch_op.drop_index(batch_op.f('ix_letters_received_at'))

    op.drop_table('letters')
    with op.batch_alter_table('interaction_hits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interaction_hits_created_at'))
        batch_op.drop_index('ix_interaction_hits_bucket_key_at')

    op.drop_table('interaction_hits')
