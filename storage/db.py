"""Database engine and sessions, for SQLite (default) and PostgreSQL (production).

SQLite is shared by the harvester and the web app, so every connection gets
WAL journaling and a busy timeout, and writers keep their transactions short.
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from harvestkit.dates import DEFAULT_TIMEZONE

DEFAULT_URL = "sqlite:///var/zhanqun.db"
TIMEZONE_KEY = "zhanqun.timezone"  # in Session.info
SQLITE_BUSY_TIMEOUT_MS = 30_000


def database_url(explicit: str | None = None) -> str:
    """``--db`` wins, then ``$ZHANQUN_DATABASE_URL``, then ``sqlite:///var/zhanqun.db``."""
    return explicit or os.environ.get("ZHANQUN_DATABASE_URL") or DEFAULT_URL


def make_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg"))  # psycopg 3 is the installed driver
    return create_engine(url, pool_pre_ping=True)


def autocommit_reads(engine: Engine) -> Engine:
    """``engine`` (the same pool) for a read of one statement outside any transaction.

    On PostgreSQL such a read runs in autocommit: one round trip to the server
    instead of three (BEGIN, the read, and the ROLLBACK the pool sends when the
    connection comes back).  The portal reads its content counter so on every
    request, most of them answered from the page cache with nothing else to ask.
    SQLite answers in-process: the engine as it is."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine, timezone: str = DEFAULT_TIMEZONE) -> sessionmaker[Session]:
    """Sessions on ``engine``.  ``timezone``: the portal's (``portal.timezone``); the
    search index keys items by their local 发布日期 in it (``session_timezone``)."""
    return sessionmaker(engine, expire_on_commit=False, info={TIMEZONE_KEY: timezone})


def session_timezone(session: Session) -> str:
    """The portal timezone the session was made for."""
    return session.info.get(TIMEZONE_KEY) or DEFAULT_TIMEZONE
