"""The writer process is the harvest's only writer.  Once a harvest opens its runs,
the crawling process (Scrapy, the pipeline, the run book) writes nothing to the
database: runs opened and closed, progress, pages, withdrawals (a page that answers
404 when revisited, a page gone from a complete list), error rows, HTTP validators,
all reach the database through the writer process.

Measured in the crawling process itself: a harvest runs in a child process that
first hooks SQLAlchemy's ``before_cursor_execute`` on every engine of that process
and records each write statement it sends (INSERT, UPDATE, DELETE, DDL), split
into the set-up (migrating, mirroring the registry: before the runs open) and
the harvest.  The writer process (forked from it, or spawned) keeps whatever
it records in its own memory: the log written out is the crawling process's.  The only
writes allowed to the crawling process during the harvest are PostgreSQL's
per-host leases (``nodes.leases``: the politeness lock shared between harvesting
processes, taken per request)."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import make_engine, session_factory
from storage.models import HarvestError, HarvestRun, Item, ItemSource
from tests.sitekit import HTML, Site, article, list_page

ROOT = Path(__file__).resolve().parents[2]
LEASE_TABLES = ("host_leases", "host_pacing")

# Runs in the crawling process: the hook, then the harvest as the CLI runs it.
HARVEST = r"""
import json, os, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITES = ("insert", "update", "delete", "replace", "create", "drop", "alter", "truncate")
log = {"setup": [], "harvest": []}
phase = ["setup"]

@event.listens_for(Engine, "before_cursor_execute")
def record(conn, cursor, statement, parameters, context, executemany):
    words = statement.lstrip().split(None, 1)
    if words and words[0].lower() in WRITES:
        log[phase[0]].append(" ".join(statement.split())[:160])

from harvester import runs
opening = runs.RunBook.start

def start(self, source_ids):
    phase[0] = "harvest"  # from here on the writer process is the only writer
    return opening(self, source_ids)

runs.RunBook.start = start

from harvester.crawl import harvest
from harvester.registry import load_registry

registry, db_url, out = sys.argv[1:4]
tallies = harvest(load_registry(registry), db_url, workers=1)
with open(out, "w", encoding="utf-8") as fh:
    json.dump({"pid": os.getpid(), "log": log, "sources": {t.source_id: t.as_json() for t in tallies}}, fh)
"""


class Column:
    """One list page of recent articles, newest first (a complete list: its absences count)."""

    def __init__(self, count: int = 8) -> None:
        self.site = Site({})
        self.articles: list[dict] = []
        self.next_id = 1
        for _ in range(count):
            self.add()
        self.publish()

    def add(self) -> dict:
        n = self.next_id
        self.next_id += 1
        # dated within the last weeks: revisited after revisit_every (1 s here)
        art = {"id": n, "title": f"关于单一写入第{n}号事项的通知", "day": (date.today() - timedelta(days=20 - n)).isoformat(),
               "status": 200, "listed": True}
        self.articles.insert(0, art)
        return art

    def publish(self) -> None:
        listed = [a for a in self.articles if a["listed"]]
        routes = {"/col/index.html": (200, HTML, list_page([(f"/art/{a['id']}.html", a["title"], a["day"]) for a in listed]))}
        for a in self.articles:
            body = article(a["title"], a["day"] + " 09:00") if a["status"] == 200 else b"gone"
            routes[f"/art/{a['id']}.html"] = (a["status"], HTML, body)
        self.site.routes = routes

    def registry(self, tmp: Path) -> Path:
        path = tmp / "registry.yaml"
        path.write_text(
            "portal: {name: 测试门户, timezone: Asia/Shanghai}\n"
            "harvest: {per_host: {concurrency: 4, delay: 0}, revisit_every: 1s}\n"
            "columns:\n  - {id: tzgg, name: 通知公告}\n"
            "units:\n  - id: t\n    name: 测试单位\n    kind: department\n"
            f"    homepage: {self.site.url}/\n    sources:\n"
            f"      - {{id: col, url: '{self.site.url}/col/index.html', type: list, columns: [tzgg], allow_private: true, review: auto}}\n",
            encoding="utf-8")
        return path


def harvest(registry: Path, db_url: str, tmp: Path) -> dict:
    out = tmp / f"harvest-{time.monotonic_ns()}.json"
    proc = subprocess.run([sys.executable, "-c", HARVEST, str(registry), db_url, str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


def crawler_writes(result: dict) -> list[str]:
    """What the crawling process wrote once the runs were being opened (leases aside)."""
    return [s for s in result["log"]["harvest"] if not any(table in s for table in LEASE_TABLES)]


@pytest.fixture
def column():
    col = Column()
    yield col
    col.site.stop()


def test_only_the_writer_process_writes_during_a_harvest(column, tmp_path, db_url):
    registry = column.registry(tmp_path)
    first = harvest(registry, db_url, tmp_path)
    assert first["sources"]["col"]["new"] == 8 and first["sources"]["col"]["status"] == "ok", first["sources"]
    # The hook sees this process's writes: the set-up of a fresh database is its own.
    assert any(s.startswith("CREATE TABLE") for s in first["log"]["setup"])
    assert crawler_writes(first) == []

    # At the source: one listed page now answers 404 (found when revisited), one page left
    # the list and answers 404 (gone from a complete list), one answers 500, one is new.
    revisited, vanished, broken = column.articles[2], column.articles[5], column.articles[1]
    revisited["status"] = 404
    vanished["status"], vanished["listed"] = 404, False
    broken["status"] = 500
    fresh = column.add()
    column.publish()
    time.sleep(1.2)  # past revisit_every: known listed pages are fetched again

    second = harvest(registry, db_url, tmp_path)
    tally = second["sources"]["col"]
    assert tally["new"] == 1 and tally["withdrawn"] == 2 and tally["errors"] == 1, tally
    assert tally["status"] == "partial"
    assert crawler_writes(second) == [], crawler_writes(second)
    assert second["log"]["setup"] == []  # a current schema, an unchanged registry: nothing to write before either

    # What the writer process wrote is there, as the crawling process asked for it.
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as s:
            def status(art: dict) -> str:
                return s.scalar(select(Item.status).where(Item.title == art["title"]))

            assert status(revisited) == "withdrawn" and status(vanished) == "withdrawn"
            assert status(fresh) == "published" and status(broken) == "published"
            reasons = dict(s.execute(select(ItemSource.url, ItemSource.withdrawn_reason).where(ItemSource.status == "withdrawn")).all())
            assert sorted(reasons.values()) == ["source page answers HTTP 404",
                                                "vanished from its list at the source"]
            runs = s.scalars(select(HarvestRun).order_by(HarvestRun.id)).all()
            assert [(r.status, r.pid, r.withdrawn, r.new) for r in runs] == [
                ("ok", first["pid"], 0, 8), ("partial", second["pid"], 2, 1)]  # owned by the crawling process
            errors = s.scalars(select(HarvestError).where(HarvestError.run_id == runs[1].id)).all()
            assert [e.url.endswith(f"/art/{broken['id']}.html") for e in errors] == [True], [(e.url, e.message) for e in errors]
    finally:
        engine.dispose()
