"""After a harvest stores many items, PostgreSQL plans the portal's queries from
statistics that know them (the writer runs ANALYZE; autovacuum would take a minute)."""
from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from harvester.ingest import Ingestor
from harvester.table_statistics import MIN_NEW_ITEMS
from tests.harvester.test_reposts_across_writers import SOURCES, prepared, record

pytestmark = pytest.mark.pg

HANZI = "市区县政府办公室关于做好开展加强工作通知公告部署推进落实安全生产防汛森林防火教育卫生医保民政交通"


def distinct_text(rng: random.Random) -> str:
    return "".join(rng.choice(HANZI) for _ in range(300))


def estimated_rows(engine, table: str) -> float:
    with engine.connect() as conn:
        return conn.execute(text("SELECT reltuples FROM pg_class WHERE oid = CAST(:t AS regclass)"), {"t": table}).scalar()


def test_a_large_harvest_leaves_statistics_that_know_its_items(pg_url):
    engine, sessions = prepared(pg_url)
    assert estimated_rows(engine, "items") < 1  # never analysed: -1 (PostgreSQL 14+) or 0
    writer, rng = Ingestor(sessions, SOURCES), random.Random(7)
    count = MIN_NEW_ITEMS + 20
    pages = [record("city", f"http://qz.example/art/{n}.html", body=distinct_text(rng), title=f"第{n}号通知")
             for n in range(count)]
    for start in range(0, count, 50):
        assert set(writer.ingest_batch(pages[start:start + 50])) == {"new"}
    assert estimated_rows(engine, "items") == pytest.approx(count, rel=0.1)
    assert estimated_rows(engine, "item_columns") == pytest.approx(count, rel=0.1)
    engine.dispose()
