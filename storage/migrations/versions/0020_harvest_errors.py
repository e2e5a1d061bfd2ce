"""harvest_errors: a run's errors as rows (run, url, stage, message, at) instead of
the JSON list harvest_runs.error_messages; the lists move into rows, in order

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 14:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)
CHUNK = 1000
URL_CHARS = 2000

runs = sa.table('harvest_runs', sa.column('id', sa.Integer), sa.column('error_messages', sa.JSON),
                sa.column('started_at', TIME), sa.column('finished_at', TIME))
errors = sa.table('harvest_errors', sa.column('run_id', sa.Integer), sa.column('url', sa.String), sa.column('stage', sa.String),
                  sa.column('message', sa.Text), sa.column('at', TIME))


def upgrade() -> None:
    op.create_table(
        'harvest_errors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=URL_CHARS), nullable=False),
        sa.Column('stage', sa.String(length=20), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('at', TIME, nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['harvest_runs.id'], name=op.f('fk_harvest_errors_run_id_harvest_runs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_harvest_errors')),
    )
    op.create_index(op.f('ix_harvest_errors_run_id'), 'harvest_errors', ['run_id'])
    bind = op.get_bind()
    rows = []
    result = bind.execute(sa.select(runs.c.id, runs.c.error_messages, runs.c.started_at, runs.c.finished_at)
                          .where(runs.c.error_messages.is_not(None)).order_by(runs.c.id))
    for run_id, messages, started, finished in result:
        for message in messages or []:
            if not isinstance(message, dict):
                continue
            rows.append({"run_id": run_id, "url": str(message.get("url") or "")[:URL_CHARS],
                         "stage": str(message.get("stage") or "run")[:20], "message": str(message.get("message") or ""),
                         "at": finished or started})
            if len(rows) >= CHUNK:
                bind.execute(errors.insert(), rows)
                rows = []
    if rows:
        bind.execute(errors.insert(), rows)
    # A plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): SQLite's batch mode would
    # copy harvest_runs and drop the old table, which deletes through the foreign keys.
    op.execute("ALTER TABLE harvest_runs DROP COLUMN error_messages")


def downgrade() -> None:
    # Back as a nullable column (making it NOT NULL would need the table copied on SQLite);
    # every run gets its list.
    op.add_column('harvest_runs', sa.Column('error_messages', sa.JSON(), nullable=True))
    bind = op.get_bind()
    lists: dict[int, list] = {}
    for run_id, url, stage, message in bind.execute(
        sa.select(errors.c.run_id, errors.c.url, errors.c.stage, errors.c.message).order_by(errors.c.run_id, sa.text('id'))
    ):
        lists.setdefault(run_id, []).append({"url": url, "stage": stage, "message": message})
    for run_id, messages in lists.items():
        bind.execute(runs.update().where(runs.c.id == run_id).values(error_messages=messages))
    bind.execute(runs.update().where(runs.c.error_messages.is_(None)).values(error_messages=[]))
    op.drop_index(op.f('ix_harvest_errors_run_id'), table_name='harvest_errors')
    op.drop_table('harvest_errors')
