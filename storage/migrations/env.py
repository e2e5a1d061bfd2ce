"""Alembic environment: runs migrations on the engine handed over by storage.migrate."""
from alembic import context

from storage.db import database_url, make_engine
from storage.models import MIGRATION_ONLY_INDEXES, Base
from storage.search import is_index_table
import supervision.models  # noqa: E402,F401  (supervision's tables are on the same metadata)


def modelled(name, type_, parents) -> bool:
    """Autogenerate compares what the models describe, not the dialect-only objects
    the migrations own (the search index tables, the portal's list indexes)."""
    return not ((type_ == "table" and is_index_table(name)) or (type_ == "index" and name in MIGRATION_ONLY_INDEXES))

config = context.config
target_metadata = Base.metadata


def run() -> None:
    engine = config.attributes.get("engine") or make_engine(database_url(config.get_main_option("sqlalchemy.url")))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=modelled,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run()
