"""Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import make_engine
from storage.migrate import alembic_config, upgrade
from storage.models import MIGRATION_ONLY_INDEXES, Base
import supervision.models  # noqa: F401  (its tables are on the same metadata)


def modelled(name, type_, parent_names) -> bool:
    """Compare what the models describe; the migration-only indexes and the search
    index tables (storage/search, dialect-specific DDL) are the migrations' own."""
    if type_ == "index" and name in MIGRATION_ONLY_INDEXES:
        return False
    if type_ == "table" and name and name.startswith("item_search"):
        return False
    return True


def test_upgrade_downgrade_upgrade_matches_models(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False, "include_name": modelled}), Base.metadata)
    assert diff == [], diff
    engine.dispose()


def test_sqlite_runs_in_wal_mode(sqlite_url):
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()
