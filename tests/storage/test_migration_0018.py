"""Migration 0018 marks the date-only publication times already stored (00:00 in
Shanghai), on SQLite and PostgreSQL, and goes down again."""
from __future__ import annotations

from datetime import datetime, timezone

from alembic import command
from sqlalchemy import insert, inspect, text

from storage.db import make_engine
from storage.migrate import alembic_config, upgrade


def test_0018_marks_stored_midnights_as_date_only(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0009")
    from sqlalchemy import MetaData, Table

    meta = MetaData()
    units, items = Table("units", meta, autoload_with=engine), Table("items", meta, autoload_with=engine)
    times = {"day": datetime(2026, 11, 17, 16, 0), "timed": datetime(2026, 11, 18, 2, 30), "undated": None}
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    filler = {"JSON": [], "BOOLEAN": False, "INTEGER": 0, "BIGINT": 0}
    required = {c.name: filler.get(str(c.type), now if "DATE" in str(c.type) or "TIME" in str(c.type) else "")
                for c in items.columns if not c.nullable and not c.primary_key}
    with engine.begin() as conn:
        conn.execute(insert(units).values(id="u", name="单位", kind="county", homepage="http://u.example/"))
        for key, when in times.items():
            if when is not None and engine.dialect.name == "postgresql":
                when = when.replace(tzinfo=timezone.utc)
            conn.execute(insert(items).values({**required, "title": key, "url": f"http://u.example/{key}", "unit_id": "u",
                                               "published_at": when, "status": "published", "content_hash": key}))
    upgrade(engine, "0018")
    with engine.connect() as conn:
        flags = dict(conn.execute(text("SELECT title, published_date_only FROM items")).all())
    assert flags == {"day": True, "timed": False, "undated": False}
    assert {"page", "column_pages", "interval_reason"} <= {c["name"] for c in inspect(engine).get_columns("sources")}
    command.downgrade(alembic_config(engine), "0009")
    assert "published_date_only" not in {c["name"] for c in inspect(engine).get_columns("items")}
    engine.dispose()
