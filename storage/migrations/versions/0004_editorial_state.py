"""editorial state: scheduling, pin/feature, submissions, column rules, sensitive terms, uploads

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 05:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

DEFAULT_TERMS = ("涉密", "秘密", "机密", "绝密", "内部资料", "内部文件", "不宜公开")


def upgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=20), nullable=False, server_default='harvest'))
        batch_op.add_column(sa.Column('submitted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('status_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('sensitive_terms', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('pinned', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('featured', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('publish_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('edited_fields', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('columns_locked', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_foreign_key(batch_op.f('fk_items_submitted_by_id_users'), 'users', ['submitted_by_id'], ['id'])
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_table('column_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match', sa.String(length=20), nullable=False),
    sa.Column('pattern', sa.String(length=500), nullable=False),
    sa.Column('column_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.String(length=64), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['column_id'], ['columns.id'], name=op.f('fk_column_rules_column_id_columns')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_column_rules_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_column_rules'))
    )
    terms = op.create_table('sensitive_terms',
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('term', name=op.f('pk_sensitive_terms'))
    )
    op.execute(terms.insert().values([{'term': t, 'created_at': sa.func.current_timestamp()} for t in DEFAULT_TERMS]))
    op.create_table('uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_uploads_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_uploads_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_uploads'))
    )
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_uploads_item_id'), ['item_id'], unique=False)
    counters = op.create_table('counters',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_counters'))
    )
    op.bulk_insert(counters, [{'name': 'content', 'value': 0}])
    # The public pages read published items of a column newest first.
    op.create_index('ix_items_status_published_at', 'items', ['status', 'published_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_items_status_published_at', table_name='items')
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_uploads_item_id'))
    op.drop_table('counters')
    op.drop_table('uploads')
    op.drop_table('sensitive_terms')
    op.drop_table('column_rules')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('active')
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_items_submitted_by_id_users'), type_='foreignkey')
        for name in ('columns_locked', 'edited_fields', 'publish_at', 'featured', 'pinned', 'sensitive_terms',
                     'status_reason', 'submitted_by_id', 'origin'):
            batch_op.drop_column(name)
