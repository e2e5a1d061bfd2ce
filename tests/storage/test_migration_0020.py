"""Migration 0020 moves each run's JSON list of errors into ``harvest_errors`` rows
(in order, with their stage), on SQLite and PostgreSQL, and goes down again; and
``zhanqun runs --stage`` queries those rows."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from alembic import command
from click.testing import CliRunner
from sqlalchemy import MetaData, Table, inspect, insert, select, text

from cli.main import main
from storage.db import make_engine, session_factory
from storage.migrate import alembic_config, upgrade
from storage.models import HarvestError, HarvestRun

LISTED = [{"url": "http://u.example/col/index_1.html", "stage": "listing", "message": "HTTP 500"},
          {"url": "http://u.example/art/1.html", "stage": "extract", "message": "no title found on the page"},
          {"url": "http://u.example/art/2.html", "stage": "skipped", "message": "no publication date on the page: not an article"}]


def test_0020_moves_the_json_lists_into_rows_and_back(db_url, tmp_path):
    engine = make_engine(db_url)
    upgrade(engine, "0019")
    meta = MetaData()
    units, sources, runs = (Table(name, meta, autoload_with=engine) for name in ("units", "sources", "harvest_runs"))
    finished = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
    with engine.begin() as conn:
        conn.execute(insert(units).values(id="u", name="单位", kind="county", homepage="http://u.example/"))
        conn.execute(insert(sources).values(id="s", unit_id="u", url="http://u.example/col/", type="list", columns=[],
                                            review="required", status="ok", consecutive_failures=0, category="dynamic",
                                            watched=False))
        common = {"source_id": "s", "started_at": finished, "fetched": 3, "new": 0, "updated": 0, "unchanged": 0,
                  "requests": {}, "withdrawn": 0}
        conn.execute(insert(runs).values(id=1, status="partial", finished_at=finished, errors=2, error_messages=LISTED, **common))
        conn.execute(insert(runs).values(id=2, status="ok", finished_at=finished, errors=0, error_messages=[], **common))
    upgrade(engine)
    assert "error_messages" not in {c["name"] for c in inspect(engine).get_columns("harvest_runs")}
    with session_factory(engine)() as session:
        rows = session.scalars(select(HarvestError).order_by(HarvestError.id)).all()
        assert [(r.run_id, r.url, r.stage, r.message) for r in rows] == [(1, m["url"], m["stage"], m["message"]) for m in LISTED]
        assert all(r.at == finished for r in rows)
        assert session.get(HarvestRun, 1).error_messages == LISTED
        assert session.get(HarvestRun, 2).error_messages == []

    registry = tmp_path / "none.yaml"
    out = CliRunner().invoke(main, ["runs", "--json", "--stage", "extract", "--db", db_url, "--registry", str(registry)])
    assert out.exit_code == 0, out.output
    found = json.loads(out.output)["runs"]
    assert [r["id"] for r in found] == [1]
    assert found[0]["error_messages"] == [LISTED[1]]

    command.downgrade(alembic_config(engine), "0019")
    assert "harvest_errors" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        lists = dict(conn.execute(text("SELECT id, error_messages FROM harvest_runs")).all())
    decoded = {k: json.loads(v) if isinstance(v, str) else v for k, v in lists.items()}
    assert decoded == {1: LISTED, 2: []}
    engine.dispose()
