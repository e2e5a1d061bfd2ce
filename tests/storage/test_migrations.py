"""Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import make_engine
from storage.migrate import alembic_config, upgrade
from storage.models import MIGRATION_ONLY_INDEXES
from storage.schema import metadata


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
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False, "include_name": modelled}), metadata)
    assert diff == [], diff
    engine.dispose()


def test_sqlite_runs_in_wal_mode(sqlite_url):
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


def test_a_sqlite_upgrade_that_fails_half_way_leaves_no_half_schema(tmp_path):
    """An upgrade is one SQLite transaction: a harvest killed (or failing) while it made a new
    database leaves nothing behind that the next start would trip over."""
    import pytest
    from sqlalchemy import inspect, text

    from storage.db import make_engine
    from storage.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'half.db'}")
    with engine.begin() as conn:  # in the way of migration 0020, long after the first tables
        conn.execute(text("CREATE TABLE harvest_errors (id INTEGER PRIMARY KEY)"))
    with pytest.raises(Exception, match="harvest_errors"):
        upgrade(engine)
    assert inspect(engine).get_table_names() == ["harvest_errors"]
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE harvest_errors"))
    upgrade(engine)
    assert {"units", "items", "harvest_errors"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_a_database_at_the_newest_revision_is_known_without_alembic(sqlite_url):
    """Each harvest starts with upgrade(); on a database already at the newest revision it
    reads the revision ids from the migration files instead of running Alembic. Those ids
    must name the head Alembic itself finds, and a database behind it is still upgraded."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from storage.migrate import at_head, script_head

    engine = make_engine(sqlite_url)
    assert script_head() == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert not at_head(engine)  # a new database: no version table yet
    upgrade(engine)
    assert at_head(engine)
    command.downgrade(alembic_config(engine), "-1")
    assert not at_head(engine)
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == script_head()
    engine.dispose()
