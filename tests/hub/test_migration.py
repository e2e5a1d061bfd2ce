"""Migration 0003 (users, audit entries) up and down, on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from storage.db import make_engine
from storage.migrate import alembic_config, upgrade


def test_0003_upgrade_downgrade(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0002")
    assert "users" not in inspect(engine).get_table_names()
    upgrade(engine, "0003")
    tables = set(inspect(engine).get_table_names())
    assert {"users", "audit_entries"} <= tables
    columns = {c["name"] for c in inspect(engine).get_columns("users")}
    assert {"username", "password_hash", "role", "unit_id", "api_token_hash", "created_at"} <= columns
    command.downgrade(alembic_config(engine), "0002")
    tables = set(inspect(engine).get_table_names())
    assert "users" not in tables and "audit_entries" not in tables and "items" in tables
    upgrade(engine)
    assert "audit_entries" in inspect(engine).get_table_names()
    engine.dispose()


def test_0004_editorial_state_up_and_down(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0004")
    inspector = inspect(engine)
    assert {"column_rules", "sensitive_terms", "uploads"} <= set(inspector.get_table_names())
    columns = {c["name"] for c in inspector.get_columns("items")}
    assert {"origin", "pinned", "featured", "publish_at", "sensitive_terms", "status_reason"} <= columns
    with engine.connect() as conn:
        terms = {row[0] for row in conn.exec_driver_sql("SELECT term FROM sensitive_terms")}
    assert {"涉密", "机密", "内部资料", "不宜公开"} <= terms
    command.downgrade(alembic_config(engine), "0003")
    assert "column_rules" not in inspect(engine).get_table_names()
    assert "pinned" not in {c["name"] for c in inspect(engine).get_columns("items")}
    upgrade(engine)
    engine.dispose()
