"""Shared fixtures: databases (SQLite files and a real PostgreSQL), the shared corpus."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Outside CI a missing tool skips the test; under CI=true it fails it."""
    if IN_CI:
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)  # outside CI only: under CI=true the line above fails instead


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    url = os.environ.get("ZHANQUN_TEST_PG_URL") or DEFAULT_PG  # set but empty: the default
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001
        skip_or_fail(f"no PostgreSQL server at {url}: {type(exc).__name__}")
    return url


@contextmanager
def pg_schema(server_url: str):
    """A fresh schema on the real PostgreSQL server, dropped afterwards."""
    schema = f"zq_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in server_url else "?"
    try:
        yield f"{server_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_url(pg_server_url: str):
    with pg_schema(pg_server_url) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'zhanqun.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'zhanqun.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def corpus() -> Path:
    path = SHARED / "corpus"
    if not path.is_dir():
        skip_or_fail(f"the shared corpus is absent ({path})")
    return path
