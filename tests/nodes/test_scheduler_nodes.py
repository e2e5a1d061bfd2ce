"""The scheduler with harvest nodes, run as an operator runs it: `zhanqun scheduler --nodes URL`
against a real Scrapyd node (`zhanqun node`) and the real PostgreSQL server.

Every due harvest runs on the node (each run records the node and its Scrapyd job), the items
are stored, and the scheduler stops cleanly.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text

from storage.db import make_engine
from storage.migrate import upgrade
from tests.conftest import pg_schema
from tests.harvester.test_scheduler import registry_text
from tests.nodes.nodekit import ROOT, require_scrapyd, start_node
from tests.sitekit import HTML, Site, article, list_page

pytestmark = [pytest.mark.pg, pytest.mark.timeout(300)]


def rows(db_url: str, sql: str) -> list[tuple]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)))
    finally:
        engine.dispose()


def node_runs(db_url: str) -> list[tuple]:
    return rows(db_url, "SELECT source_id, status, node, node_job FROM harvest_runs ORDER BY id")


def test_scheduler_sends_every_due_harvest_to_the_node(pg_server_url, tmp_path):
    require_scrapyd()
    arts = [(f"/art/{i}.html", f"第{i}篇通知公告的标题", f"2026-11-{i + 1:02d}") for i in range(3)]
    routes = {f"/col/{sid}.html": (200, HTML, list_page(arts)) for sid in ("a", "b")}
    routes.update({href: (200, HTML, article(title, day)) for href, title, day in arts})
    site = Site(routes)
    registry = tmp_path / "registry.yaml"
    registry.write_text(registry_text(site, ["a", "b"]), encoding="utf-8")
    with pg_schema(pg_server_url) as db_url:
        upgrade(make_engine(db_url))
        node = start_node(tmp_path, db_url, registry)
        log = tmp_path / "sched.log"
        sched = subprocess.Popen(  # the database URL in the environment, as a service unit sets it
            [sys.executable, "-m", "cli.main", "scheduler", "--registry", str(registry), "--nodes", node.url],
            cwd=ROOT, env={**os.environ, "ZHANQUN_DATABASE_URL": db_url}, stdout=subprocess.DEVNULL,
            stderr=log.open("w"), start_new_session=True)
        output = lambda: log.read_text(encoding="utf-8")  # noqa: E731
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                done = {sid for sid, status, _, _ in node_runs(db_url) if status in ("ok", "partial")}
                if done >= {"a", "b"}:
                    break
                assert sched.poll() is None, output()
                time.sleep(0.3)
            else:
                pytest.fail(f"no finished run of both sources: {node_runs(db_url)}\n{output()[-3000:]}")
            sched.send_signal(signal.SIGTERM)
            assert sched.wait(60) == 0, output()
            ran = node_runs(db_url)
            assert ran and all(n == node.url and job for _, _, n, job in ran), ran  # every run ran on the node
            titles = {title for (title,) in rows(db_url, "SELECT title FROM items")}
            assert {"第0篇通知公告的标题", "第1篇通知公告的标题", "第2篇通知公告的标题"} <= titles
        finally:
            if sched.poll() is None:
                os.killpg(sched.pid, signal.SIGKILL)
                sched.wait()
            node.stop()
            site.stop()
