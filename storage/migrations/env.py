"""Alembic environment: runs migrations on the engine handed over by storage.migrate."""
from alembic import context

from storage.db import database_url, make_engine
from storage.models import MIGRATION_ONLY_INDEXES
from storage.schema import metadata
from storage.search import is_index_table


def modelled(name, type_, parents) -> bool:
    """Autogenerate compares what the models describe, not the dialect-only objects
    the migrations own (the search index tables, the portal's list indexes)."""
    return not ((type_ == "table" and is_index_table(name)) or (type_ == "index" and name in MIGRATION_ONLY_INDEXES))

config = context.config
target_metadata = metadata


def run() -> None:
    engine = config.attributes.get("engine") or make_engine(database_url(config.get_main_option("sqlalchemy.url")))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a SQLite table (copy, drop, rename) to drop or alter a column:
            # with foreign keys enforced, dropping the old table would cascade into its children
            # (a downgrade through 0022 emptied harvest_errors).  Off while migrating, on again after.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            # One SQLite transaction for the whole upgrade: the sqlite3 module commits DDL as it
            # goes, so a harvest killed while a new database was being made left half a schema
            # that every later start refused ("table columns already exists").
            connection.exec_driver_sql("BEGIN")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
            compare_type=True,
            include_name=modelled,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


run()
