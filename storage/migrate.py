"""Bring a database to the newest schema with Alembic (the only way tables are made).

A database already at the newest revision (every start of a harvest but the first)
is told apart without Alembic: the revision ids are read from the migration files
and compared with ``alembic_version``, which spares each harvest importing Alembic
and loading every migration script only to do nothing."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]\s*$", re.M)
DOWN_REVISION = re.compile(r"^down_revision\s*=\s*(.+?)\s*$", re.M)
QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and at_head(engine):
        return
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


@lru_cache(maxsize=1)
def script_head() -> str | None:
    """The newest revision id, read from the migration files; None unless the
    files name exactly one revision that no other revision follows."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = REVISION.search(source)
        down = DOWN_REVISION.search(source)
        if found is None or down is None:
            return None  # a file this reading does not understand: Alembic decides
        revisions.add(found.group(1))
        followed.update(QUOTED.findall(down.group(1)))
    heads = revisions - followed
    return heads.pop() if len(heads) == 1 else None


def at_head(engine: Engine) -> bool:
    """True when the database records exactly the newest revision (nothing to do)."""
    head = script_head()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            versions = [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    except SQLAlchemyError:  # a new database: no version table yet
        return False
    return versions == [head]
